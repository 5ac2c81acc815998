"""The database key, never stored in plain text: wrapped once per user with their password.

The embedded database is encrypted with SQLCipher under a random 256-bit key. That key is kept
only in ``keys.json`` in the data directory, wrapped (AES-256-GCM) separately for each user with
a key derived from the user's password by Argon2id. A wrong password cannot unwrap it, so it
cannot open the database; changing a password re-wraps the same key; removing a user deletes
their wrapping. The user name is bound into each wrapping (GCM associated data), so a wrapping
copied to another user's entry does not open.

Failed sign-ins happen before the database can be opened, so the failure count and lock time
for each user live here too; the caller writes them to the audit trail at the next sign-in.

Concurrency: every read-modify-write of the key file runs under an exclusive OS file lock
(``fcntl.flock`` on ``keys.lock`` beside it), held across the whole sign-in attempt (read the
lock state, run Argon2, count the failure), so parallel guesses are evaluated one at a time
and each is counted exactly once. Each write goes to a unique temporary file that is flushed,
synced and then atomically renamed over ``keys.json``.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from triage_app.store.layout import KEYFILE_NAME as KEYFILE_NAME  # re-exported

LOCKFILE_NAME = "keys.lock"
LOCK_POLICY_ENTITY = "lock_policy"  # audit entity recording the folder's lock rule
UNKNOWN_USER = "(unknown user)"
KEY_BYTES = 32
_FORMAT = "triage-keys/1"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (RFC 9106 second recommended option, lighter memory)."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 2


class KeyringError(Exception):
    """Base class for keyring failures; messages never contain a password or key."""


class WrongPasswordError(KeyringError):
    """The user name is unknown or the password does not unwrap the key."""


class AccountLockedError(KeyringError):
    """Too many failed sign-ins; ``until`` says when the lock ends."""

    def __init__(self, user: str, until: datetime) -> None:
        self.user = user
        self.until = until
        super().__init__(f"account {user!r} is locked until {until:%H:%M} UTC")


@dataclass(frozen=True)
class LockPolicy:
    """Failed sign-ins allowed before a lock, and how long the lock lasts."""

    max_failures: int = 5
    lock_minutes: int = 15


class Keyring:
    """Reads and writes ``keys.json`` atomically; holds no key in memory between calls."""

    def __init__(
        self,
        data_dir: Path,
        params: KdfParams | None = None,
        policy: LockPolicy | None = None,
    ) -> None:
        self.path = Path(data_dir) / KEYFILE_NAME
        self.params = params or KdfParams()
        self._policy = policy

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's exclusive key-file lock (re-entrant within a thread).

        Every process and thread that reads, counts or writes sign-in state takes it, so a
        sign-in attempt (lock check, Argon2, failure count) is one indivisible step.
        """
        with _folder_lock(self.path.with_name(LOCKFILE_NAME)):
            yield

    @property
    def policy(self) -> LockPolicy:
        """The lock rule: as given, else as stored in the key file at ``create``, else 5/15."""
        if self._policy is not None:
            return self._policy
        return self._stored_policy(self._load()) if self.exists() else LockPolicy()

    def policy_in_file(self) -> LockPolicy:
        """The lock rule the key file holds (ignoring one given to this object)."""
        return self._stored_policy(self._load())

    def exists(self) -> bool:
        """Return True once a database key has been created."""
        return self.path.is_file()

    def users(self) -> list[str]:
        """Return the user names that can unwrap the key."""
        return sorted(self._load()["users"])

    def create(
        self, user: str, password: str, *, demo: bool = False, policy: LockPolicy | None = None
    ) -> bytes:
        """Create a new random database key wrapped for its first user; return the key.

        Args:
            user: the first account.
            password: its password (at least 8 characters).
            demo: mark the folder as a demonstration folder (synthetic data, published
                password; see :meth:`is_demo`).
            policy: the lock rule to keep for this folder (default: 5 failures, 15 minutes).
        """
        if self.exists():
            raise KeyringError(f"{self.path} already exists")
        _check_password(password)
        key = secrets.token_bytes(KEY_BYTES)
        data: dict[str, Any] = {
            "format": _FORMAT,
            "users": {user: self._wrap(key, user, password)},
            "name_hmac_key": _b64(secrets.token_bytes(32)),
        }
        if demo:
            data["demo"] = True
        if policy is not None:
            if policy.max_failures < 1 or policy.lock_minutes < 1:
                raise KeyringError("the lock needs at least 1 failure and 1 minute")
            data["lock_policy"] = {
                "max_failures": policy.max_failures,
                "lock_minutes": policy.lock_minutes,
            }
        with self.locked():
            if self.exists():
                raise KeyringError(f"{self.path} already exists")
            self._save(data)
        return key

    def is_demo(self) -> bool:
        """Return True for a demonstration folder (made by ``demo load``; synthetic data)."""
        return bool(self._load().get("demo"))

    def add_user(self, key: bytes, user: str, password: str) -> None:
        """Wrap the (already unwrapped) database key for another user."""
        _check_password(password)
        wrapping = self._wrap(key, user, password)
        with self.locked():
            data = self._load()
            if user in data["users"]:
                raise KeyringError(f"user {user!r} already has a key")
            data["users"][user] = wrapping
            self._save(data)

    def remove_user(self, user: str) -> None:
        """Delete a user's wrapping (the last user cannot be removed)."""
        with self.locked():
            data = self._load()
            if user not in data["users"]:
                raise KeyringError(f"no such user {user!r}")
            if len(data["users"]) == 1:
                raise KeyringError("the last user cannot be removed")
            del data["users"][user]
            self._save(data)

    def change_password(self, user: str, old: str, new: str, now: datetime | None = None) -> None:
        """Re-wrap the key under a new password (needs the old one)."""
        _check_password(new)
        with self.locked():
            key = self.unlock(user, old, now)
            data = self._load()
            data["users"][user] = self._wrap(key, user, new)
            self._save(data)

    def unlock(self, user: str, password: str, now: datetime | None = None) -> bytes:
        """Return the database key for a user, counting failures and enforcing the lock.

        Raises:
            AccountLockedError: the account is locked after too many failures.
            WrongPasswordError: unknown user or wrong password (counted as a failure).
        """
        now = now or datetime.now(UTC)
        with self.locked():
            return self._unlock_locked(user, password, now)

    def _unlock_locked(self, user: str, password: str, now: datetime) -> bytes:
        data = self._load()
        entry = data["users"].get(user)
        if entry is None:
            # Counted under a keyed hash of the name typed, never the name itself (it may be
            # a password typed in the wrong field).
            unknown = data.setdefault("unknown_user_events", [])
            unknown.append(
                {"at": now.isoformat(), "event": "failure", "id": _event_id(),
                 "name_hmac": self._name_hmac(data, user)}
            )  # fmt: skip
            del unknown[:-100]  # bounded: a script guessing names cannot grow the file
            self._save(data)
            raise WrongPasswordError("unknown user or wrong password")
        locked_until = entry.get("locked_until")
        if locked_until and datetime.fromisoformat(locked_until) > now:
            raise AccountLockedError(user, datetime.fromisoformat(locked_until))
        try:
            key = self._unwrap(entry, user, password)
        except InvalidTag:
            entry["failures"] = int(entry.get("failures", 0)) + 1
            events = entry.setdefault("events", [])
            events.append({"at": now.isoformat(), "event": "failure", "id": _event_id()})
            policy = self._policy or self._stored_policy(data)
            if entry["failures"] >= policy.max_failures:
                until = now + timedelta(minutes=policy.lock_minutes)
                entry["locked_until"] = until.isoformat()
                entry["failures"] = 0
                events.append({"at": now.isoformat(), "event": "locked", "id": _event_id()})
                self._save(data)
                raise AccountLockedError(user, until) from None
            self._save(data)
            raise WrongPasswordError("unknown user or wrong password") from None
        if entry.get("failures") or entry.get("locked_until"):
            entry["failures"] = 0
            entry.pop("locked_until", None)
            self._save(data)
        return key

    @staticmethod
    def _name_hmac(data: dict[str, Any], name: str) -> str:
        secret = data.get("name_hmac_key")
        if not secret:
            return ""
        return hmac.new(
            _unb64(secret), name.encode("utf-8", "replace"), hashlib.sha256
        ).hexdigest()[:32]

    def pending_events(self) -> dict[str, list[dict[str, str]]]:
        """Return the failures and locks not yet written to the audit trail, by user.

        Failures for user names that have no account are listed under
        :data:`UNKNOWN_USER`.
        """
        data = self._load()
        users = data["users"]
        out = {u: list(e["events"]) for u, e in sorted(users.items()) if e.get("events")}
        if data.get("unknown_user_events"):
            out[UNKNOWN_USER] = list(data["unknown_user_events"])
        return out

    def clear_events(self, user: str, count: int) -> None:
        """Forget the first ``count`` events of a user (once they are in the audit trail)."""
        with self.locked():
            data = self._load()
            if user == UNKNOWN_USER:
                holder, field = data, "unknown_user_events"
            else:
                holder, field = data["users"].get(user) or {}, "events"
            if not holder.get(field) or count <= 0:
                return
            holder[field] = holder[field][count:]
            if not holder[field]:
                del holder[field]
            self._save(data)

    @staticmethod
    def _stored_policy(data: dict[str, Any]) -> LockPolicy:
        stored = data.get("lock_policy")
        if isinstance(stored, dict):
            return LockPolicy(int(stored["max_failures"]), int(stored["lock_minutes"]))
        return LockPolicy()

    def take_events(self, user: str) -> list[dict[str, str]]:
        """Return and clear the failures and locks recorded for a user (for the audit trail)."""
        with self.locked():
            data = self._load()
            entry = data["users"].get(user)
            if not entry or not entry.get("events"):
                return []
            events: list[dict[str, str]] = entry.pop("events")
            self._save(data)
            return events

    def _wrap(self, key: bytes, user: str, password: str) -> dict[str, Any]:
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kek = key_from_password(password, salt, self.params)
        wrapped = AESGCM(kek).encrypt(nonce, key, user.encode("utf-8"))
        return {
            "kdf": "argon2id",
            "time_cost": self.params.time_cost,
            "memory_cost_kib": self.params.memory_cost_kib,
            "parallelism": self.params.parallelism,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped_key": _b64(wrapped),
            "failures": 0,
        }

    def _unwrap(self, entry: dict[str, Any], user: str, password: str) -> bytes:
        params = KdfParams(entry["time_cost"], entry["memory_cost_kib"], entry["parallelism"])
        kek = key_from_password(password, _unb64(entry["salt"]), params)
        return AESGCM(kek).decrypt(
            _unb64(entry["nonce"]), _unb64(entry["wrapped_key"]), user.encode("utf-8")
        )

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringError(f"no key file at {self.path}; run 'triage-app init'") from None
        except json.JSONDecodeError as exc:
            raise KeyringError(f"{self.path} is damaged: {exc.msg}") from exc
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or not isinstance(data.get("users"), dict)
        ):
            raise KeyringError(f"{self.path} is not a triage-app key file")
        return data

    def _save(self, data: dict[str, Any]) -> None:
        """Write the whole file: a unique temporary file, synced, then renamed over it."""
        write_private_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())


class _FileLock:
    """One process-wide holder of a folder's ``flock``.

    flock conflicts between two descriptors even inside one process, so every Keyring object
    of a folder shares this one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mutex = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_LOCKS: dict[str, _FileLock] = {}
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _folder_lock(path: Path) -> Iterator[None]:
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(str(path.absolute()), _FileLock(path))
    with lock.mutex:
        if lock.depth == 0:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            lock.fd = fd
        lock.depth += 1
        try:
            yield
        finally:
            lock.depth -= 1
            if lock.depth == 0 and lock.fd is not None:
                fd, lock.fd = lock.fd, None
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def key_from_password(password: str, salt: bytes, params: KdfParams) -> bytes:
    """The key (``KEY_BYTES`` long) that Argon2id derives from ``password`` and ``salt``.

    It wraps the database key here and each administrator's signing key (:mod:`.signing`).
    """
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: a unique 0600 temporary file, fsync, rename.

    A reader sees the old file or the new one, never a part; a kill leaves at most a
    ``.NAME.*.tmp`` file, never a damaged ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Sync a folder so renames inside it survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _event_id() -> str:
    return secrets.token_hex(8)


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise KeyringError("a password needs at least 8 characters")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))
