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
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from triage_app.ui.ports import Draft

log = logging.getLogger(__name__)

DRAFT_SCHEMA = "triage-draft/1"


def draft_key(child: Mapping[str, Any]) -> str:
    """Return the draft slot of a child (draft JSON): one unfinished assessment per child.

    A stored child is keyed by their record id; a child not stored yet by what was typed (NHS
    number, names, date of birth). The key is a hash, so no file name carries their details.
    """
    if child.get("id"):  # NEW_CHILD_ID is "": a child not stored yet
        basis = f"id:{child['id']}"
    else:
        parts = ("nhs_number", "family_name", "given_name", "date_of_birth")
        basis = "new:" + "|".join(str(child.get(k) or "").strip().lower() for k in parts)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


DRAFT_NAME = "assessment-draft.json"


class FileDraftStore:
    """A :class:`~triage_app.ui.ports.DraftStore` in ``<data dir>/assessment-draft.json``."""

    def __init__(self, data_dir: Path, now: Callable[[], datetime] | None = None) -> None:
        self._dir = Path(data_dir)
        self._now = now or (lambda: datetime.now().replace(microsecond=0))

    @property
    def path(self) -> Path:
        """The draft file's path (the unnamed slot)."""
        return self._dir / DRAFT_NAME

    def path_for(self, key: str) -> Path:
        """The draft file of one slot (one per child and assessment; ``key`` is hex)."""
        if not key:
            return self.path
        if len(key) > 32 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("a draft slot is lower-case hex, at most 32 characters")
        return self._dir / f"assessment-draft-{key}.json"

    def drafts(self) -> list[Draft]:
        """Every unfinished assessment in the folder, newest first."""
        keys = [""] if self.path.exists() else []
        keys += [
            p.stem.removeprefix("assessment-draft-")
            for p in self._dir.glob("assessment-draft-*.json")
        ]
        found = [d for d in (self.load(k) for k in keys) if d is not None]
        return sorted(found, key=lambda d: d.saved_at, reverse=True)

    def save(self, data: Mapping[str, Any], key: str = "") -> None:
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
            os.replace(tmp, self.path_for(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self._dir)
        log.debug("draft saved (%d bytes)", len(text))

    def load(self, key: str = "") -> Draft | None:
        """Return the draft, or ``None`` when there is none or it cannot be read."""
        path = self.path_for(key)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("draft file %s could not be read; ignored", path.name)
            return None
        if not isinstance(payload, dict) or payload.get("schema") != DRAFT_SCHEMA:
            log.warning("draft file %s has an unknown format; ignored", path.name)
            return None
        try:
            saved_at = datetime.fromisoformat(payload["saved_at"])
        except (KeyError, TypeError, ValueError):
            saved_at = datetime.fromtimestamp(path.stat().st_mtime)
        data = payload.get("data")
        return Draft(saved_at, data, key) if isinstance(data, dict) else None

    def discard(self, key: str = "") -> None:
        """Delete a draft (after finalising, or when the user discards it on purpose)."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(key).unlink()
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
