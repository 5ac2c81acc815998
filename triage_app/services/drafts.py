"""The unfinished-assessment draft, encrypted at rest beside the encrypted database.

A draft holds what was typed so far (the child's name, NHS number, date of birth, findings),
so it is kept like the database: encrypted. Each user has one draft file per unfinished
assessment (a *slot*: one per child and assessment, named by an opaque hex key the caller
derives, never by the child's details) in the data folder,
sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the open database's key and a
random salt kept in the file. The derived key and the database key live in memory only;
neither is ever written, logged or shown. A wrong key (another folder's, or a tampered file)
cannot read the draft: GCM's tag check fails and nothing is returned.

Saving is atomic: a temporary file in the same folder is written, flushed and fsynced, then
renamed over the old draft (``os.replace``) and the folder fsynced, so a crash or a power cut
leaves the previous draft or the new one, never half a file. Files are created 0600.

A store without a local key (an unencrypted SQLite file made before encryption, or a
PostgreSQL server) cannot use this store: :func:`draft_store_for` returns ``None`` and the
caller decides (see ``docs/security.md``, "Limits").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from triage_app.services.context import StoreContext

log = logging.getLogger(__name__)

MAGIC = b"TRIAGE-DRAFT/2\n"  # version 1 was the plain JSON file of the desktop UI
SCHEMA = "triage-draft/2"
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
HKDF_INFO = b"triage-app assessment draft v2"


class DraftUnreadableError(Exception):
    """The draft exists but cannot be read with this key (wrong key, tampered or damaged)."""


@dataclass(frozen=True)
class StoredDraft:
    """A draft as saved: when, and the data (JSON-compatible)."""

    saved_at: datetime
    data: dict[str, Any]


def draft_name(user: str, slot: str = "") -> str:
    """Return the draft file name of a user's slot (hashes: no name is in it).

    Args:
        user: The draft's owner.
        slot: The unfinished assessment's key (lower-case hex, up to 32 characters); the
            empty slot is the single draft of earlier versions.
    """
    if slot and (len(slot) > 32 or any(c not in "0123456789abcdef" for c in slot)):
        raise ValueError("a draft slot is lower-case hex, at most 32 characters")
    digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:20]
    return f"draft-{digest}-{slot}.enc" if slot else f"draft-{digest}.enc"


def derive_key(database_key: bytes, salt: bytes, user: str) -> bytes:
    """Derive the 32-byte AES-256-GCM draft key from the database key (HKDF-SHA256).

    Args:
        database_key: The open database's key (32 bytes).
        salt: The draft file's random salt.
        user: The draft's owner (bound into the key: one user's key cannot read another's).
    """
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=salt,
        info=HKDF_INFO + b"\x00" + user.encode("utf-8"),
    )
    return hkdf.derive(database_key)


class EncryptedDraftStore:
    """One user's encrypted draft in a data folder.

    Args:
        data_dir: The data folder (beside the database and its key file).
        database_key: The open database's key; only keys derived from it are used.
        user: The signed-in user whose draft this is.
        clock: The time source for ``saved_at``.
    """

    def __init__(
        self,
        data_dir: Path,
        database_key: bytes,
        user: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if len(database_key) != KEY_BYTES:
            raise ValueError("the database key must be 32 bytes")
        self._dir = Path(data_dir)
        self._key = database_key
        self._user = user
        self._clock = clock or datetime.now

    def __repr__(self) -> str:
        return f"EncryptedDraftStore({self.path.name!r})"  # never the key

    @property
    def path(self) -> Path:
        """The draft file's path (the unnamed slot)."""
        return self.path_for("")

    def path_for(self, slot: str) -> Path:
        """The draft file's path of one slot."""
        return self._dir / draft_name(self._user, slot)

    def slots(self) -> list[str]:
        """Return this user's slots that hold a draft (the unnamed one as ``""``)."""
        base = draft_name(self._user)[: -len(".enc")]
        found = []
        for p in self._dir.glob(f"{base}*.enc"):
            rest = p.name[len(base) : -len(".enc")]
            if rest == "":
                found.append("")
            elif rest.startswith("-"):
                found.append(rest[1:])
        return sorted(found)

    def save(self, data: Mapping[str, Any], slot: str = "") -> StoredDraft:
        """Encrypt and replace the draft atomically; return what was saved.

        Raises:
            TypeError: ``data`` is not JSON-compatible.
            OSError: the file could not be written (the previous draft is kept).
        """
        saved_at = self._clock().replace(microsecond=0)
        payload = {"schema": SCHEMA, "saved_at": saved_at.isoformat(), "data": dict(data)}
        plain = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
        header = MAGIC + salt + nonce
        sealed = AESGCM(derive_key(self._key, salt, self._user)).encrypt(nonce, plain, MAGIC)
        self._write(header + sealed, self.path_for(slot))
        log.debug("draft saved (%d bytes encrypted)", len(sealed))
        return StoredDraft(saved_at, json.loads(plain)["data"])

    def load(self, slot: str = "") -> StoredDraft | None:
        """Return the decrypted draft of a slot, or ``None`` when there is none.

        Raises:
            DraftUnreadableError: the file is not a draft, or this key cannot open it.
        """
        try:
            raw = self.path_for(slot).read_bytes()
        except FileNotFoundError:
            return None
        head = len(MAGIC) + SALT_BYTES + NONCE_BYTES
        if not raw.startswith(MAGIC) or len(raw) < head + 16:
            raise DraftUnreadableError("the draft file is not an encrypted draft")
        salt = raw[len(MAGIC) : len(MAGIC) + SALT_BYTES]
        nonce = raw[len(MAGIC) + SALT_BYTES : head]
        try:
            plain = AESGCM(derive_key(self._key, salt, self._user)).decrypt(
                nonce, raw[head:], MAGIC
            )
        except InvalidTag:
            raise DraftUnreadableError(
                "the draft cannot be opened with this record's key (another folder's key, "
                "or the file was changed)"
            ) from None
        try:
            payload = json.loads(plain)
            saved_at = datetime.fromisoformat(payload["saved_at"])
            data = payload["data"]
        except (ValueError, KeyError, TypeError):
            raise DraftUnreadableError("the draft's content is not in a known format") from None
        if payload.get("schema") != SCHEMA or not isinstance(data, dict):
            raise DraftUnreadableError("the draft's content is not in a known format")
        return StoredDraft(saved_at, data)

    def discard(self, slot: str = "") -> None:
        """Delete a slot's draft (nothing happens when there is none)."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(slot).unlink()
        _fsync_dir(self._dir)

    def _write(self, blob: bytes, path: Path) -> None:
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=self._dir)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self._dir)


def draft_store_for(ctx: StoreContext, data_dir: Path) -> EncryptedDraftStore | None:
    """Return the signed-in user's encrypted draft store, or ``None`` without a local key.

    Args:
        ctx: The open store (its database key, kept in memory, is the source of the key).
        data_dir: The data folder.

    Returns:
        The store, or ``None`` for an unencrypted SQLite file or a PostgreSQL server (no
        local key to encrypt with).
    """
    key = ctx.database_key
    if key is None:
        return None
    return EncryptedDraftStore(data_dir, key, ctx.user, ctx.clock)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX).
    if os.name != "posix" or not folder.exists():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
