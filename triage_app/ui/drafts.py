"""The plain draft store: the unfinished assessment as one small JSON file, written atomically.

The real app uses the encrypted store of :mod:`triage_app.services.drafts` (through
:class:`triage_app.ui.service_adapters.ServiceDraftStore`) whenever the record has a local
key; this plain store is for a record without one (a plain SQLite file, a PostgreSQL server;
see ``docs/security.md``, "Limits") and for the screen tests.

Written as a temporary file, flushed and fsynced, then renamed over the old one
(``os.replace``), so a crash or power cut leaves either the previous draft or the new one,
never half a file. The file holds patient details, so it is created readable by the owner
only, and nothing from it is ever logged (only the file name and sizes).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from triage_app.ui.ports import Draft

log = logging.getLogger(__name__)

DRAFT_SCHEMA = "triage-draft/1"
DRAFT_NAME = "assessment-draft.json"


class FileDraftStore:
    """A :class:`~triage_app.ui.ports.DraftStore` in ``<data dir>/assessment-draft.json``."""

    def __init__(self, data_dir: Path, now: Any = None) -> None:
        self._dir = Path(data_dir)
        self._now = now or (lambda: datetime.now().replace(microsecond=0))

    @property
    def path(self) -> Path:
        """The draft file's path."""
        return self._dir / DRAFT_NAME

    def save(self, data: Mapping[str, Any]) -> None:
        """Replace the draft atomically (temp file, fsync, rename, fsync the folder)."""
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = {"schema": DRAFT_SCHEMA, "saved_at": self._now().isoformat(), "data": data}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=self._dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self._dir)
        log.debug("draft saved (%d bytes)", len(text))

    def load(self) -> Draft | None:
        """Return the draft, or ``None`` when there is none or it cannot be read."""
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("draft file %s could not be read; ignored", self.path.name)
            return None
        if not isinstance(payload, dict) or payload.get("schema") != DRAFT_SCHEMA:
            log.warning("draft file %s has an unknown format; ignored", self.path.name)
            return None
        try:
            saved_at = datetime.fromisoformat(payload["saved_at"])
        except (KeyError, TypeError, ValueError):
            saved_at = datetime.fromtimestamp(self.path.stat().st_mtime)
        data = payload.get("data")
        return Draft(saved_at, data) if isinstance(data, dict) else None

    def discard(self) -> None:
        """Delete the draft (after finalising, or when the user chooses not to resume)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        _fsync_dir(self._dir)


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the directory entry is on disk (POSIX).
    if os.name != "posix" or not folder.exists():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
