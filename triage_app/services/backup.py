"""Backups: one file holding the encrypted database and its key file, taken while in use.

``create_backup`` copies the database with SQLite's online backup API inside one read
snapshot (other connections may keep writing), into an encrypted file under the same key;
checks the copy's integrity; and packs it with ``keys.json`` and a manifest (member SHA-256
sums, schema revision, audit event count) into one tar file, private (0600). Nothing in the
file is readable without a user's password: the database is encrypted and its key is only
stored wrapped.

``restore_backup`` refuses a data folder that already holds a database unless forced (the old
files are then moved aside to ``backups/replaced-<time>``, never deleted); checks the sums,
unwraps the key with a user's password, and checks the integrity and the audit chain of the
copy before it is moved into place.

"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from triage_app.services.audit_log import verify_session
from triage_app.services.auth import (
    READY,
    SQLITE_HEADER,
    STAGE_PREFIX,
    Credentials,
    Location,
    SignInError,
    finish_interrupted,
)
from triage_app.services.context import StoreContext
from triage_app.services.work_files import PARTIAL_PREFIX, PARTIAL_SUFFIX, WORK_PREFIX
from triage_app.services.work_files import remove_stale_work as remove_stale_work
from triage_app.store import migrate
from triage_app.store.db import copy_database, database_key, make_engine, release_file
from triage_app.store.keyring import (
    KEYFILE_NAME,
    Keyring,
    KeyringError,
    sync_folder,
    write_private_atomic,
)

log = logging.getLogger(__name__)

FORMAT = "triage-backup/1"
MANIFEST, DATABASE = "manifest.json", "database.sqlite3"
MEMBERS = (MANIFEST, KEYFILE_NAME, DATABASE)
MAX_MEMBER_BYTES = 64 * 1024**3


class BackupError(Exception):
    """A backup cannot be made or restored; the message says what and where."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds."""

    path: Path
    revision: str | None
    audit_events: int
    size: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_copy(db_file: Path, key: bytes) -> tuple[str | None, int]:
    """Open a copy with its key; return (schema revision, audit events) or raise."""
    engine = make_engine(db_file, key=key)
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if result != "ok":
                raise BackupError(f"{db_file.name}: integrity check failed ({result})")
        with engine.connect() as conn:
            events = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    return revision, int(events)


def create_backup(ctx: StoreContext, loc: Location, out: Path) -> BackupSummary:
    """Write an encrypted, consistent backup of the open store to ``out`` (a new file).

    The audit event is committed first (so the backup holds it, and a backup never exists
    unaudited). The copy is staged in a private work folder (``.backup-PID-*``, 0700) that is
    removed whatever happens (a killed backup's folder by the next command), packed into a
    private temporary file beside ``out`` (``.triage-backup-PID-*.partial``) and only when
    complete and synced linked into place under its name (never overwriting a file).

    Raises:
        BackupError: a server database, an unencrypted one, or ``out`` already exists.
    """
    key = database_key(ctx.engine)
    if loc.database_file is None:
        raise BackupError("a server database is backed up with the server's own tools")
    if key is None:
        raise BackupError("only an encrypted database can be backed up (run 'triage-app init')")
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a folder; create it first")
    remove_stale_work(loc.data_dir, out.parent)
    with ctx.transaction() as s:
        ctx.audit(s, "export", "backup", None, after={"file": out.name})
    pid = os.getpid()
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{pid}-", dir=loc.data_dir))  # 0700
    partial: Path | None = None
    try:
        copy = copy_database(ctx.engine, work / DATABASE)
        revision, events = _check_copy(copy, key)
        keys = work / KEYFILE_NAME
        with loc.keyring.locked():
            shutil.copyfile(loc.keyring.path, keys)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "schema_revision": revision,
            "audit_events": events,
            "sha256": {DATABASE: _sha256(copy), KEYFILE_NAME: _sha256(keys)},
        }
        fd, name = tempfile.mkstemp(
            prefix=f"{PARTIAL_PREFIX}{pid}-", suffix=PARTIAL_SUFFIX, dir=out.parent
        )
        partial = Path(name)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            data = json.dumps(manifest, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            for member in (KEYFILE_NAME, DATABASE):
                tar.add(work / member, arcname=member, recursive=False, filter=_private)
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        try:
            os.link(partial, out)  # complete: now under its name (refuses to overwrite)
        except FileExistsError:
            raise BackupError(f"{out} already exists; choose a new file name") from None
        sync_folder(out.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if partial is not None:
            partial.unlink(missing_ok=True)
    return BackupSummary(out, revision, events, out.stat().st_size)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def holds_data(loc: Location) -> bool:
    """True when the data folder already has a key file or a database file."""
    assert loc.database_file is not None
    return loc.keyring.path.exists() or loc.database_file.exists()


def _unpack(archive: Path, work: Path) -> dict[str, object]:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            members = tar.getmembers()
            names = sorted(m.name for m in members)
            if names != sorted(MEMBERS) or not all(m.isfile() for m in members):
                raise BackupError(f"{archive} is not a triage-app backup (unexpected contents)")
            for m in members:
                if m.size > MAX_MEMBER_BYTES:
                    raise BackupError(f"{archive}: {m.name} is too large")
                source = tar.extractfile(m)
                assert source is not None
                fd = os.open(work / m.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as target:
                    shutil.copyfileobj(source, target)
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(
            f"{archive} is not a readable backup ({exc.__class__.__name__})"
        ) from None
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{archive}: its manifest is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a {FORMAT} file")
    sums = manifest.get("sha256") or {}
    for name in (KEYFILE_NAME, DATABASE):
        if sums.get(name) != _sha256(work / name):
            raise BackupError(f"{archive}: {name} does not match its checksum (damaged copy)")
    return manifest


def restore_backup(
    loc: Location, archive: Path, credentials: Credentials, *, force: bool = False
) -> Path | None:
    """Check a backup and put it in place in the data folder.

    Args:
        loc: the data folder to restore into (SQLite only).
        archive: the backup file.
        credentials: an account in the backup (its password unwraps the key).
        force: replace a folder that already holds a database (old files are moved aside).

    Returns:
        Where replaced files were moved, or ``None``.

    Raises:
        BackupError: damaged or foreign file, failed integrity or audit check, a folder
            already holding data without ``force``.
        SignInError: the password does not unwrap the backup's key.
    """
    if loc.database_file is None:
        raise BackupError("restore goes into a data folder, not a server database")
    if holds_data(loc) and not force:
        raise BackupError(
            f"{loc.data_dir} already holds a database; nothing was changed "
            "(use --force to replace it: the current files are moved aside, not deleted)"
        )
    if not Path(archive).is_file():
        raise BackupError(f"{archive}: file not found")
    loc.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_stale_work(loc.data_dir)
    # Staged like ``init``: a kill before the ``ready`` marker leaves the folder as it was;
    # after it, the next command finishes moving the backup into place.
    work = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=loc.data_dir))
    try:
        _unpack(Path(archive), work)
        try:
            key = Keyring(work).unlock(credentials.user, credentials.password or "")
        except KeyringError as exc:
            raise SignInError(f"the backup does not open with this account ({exc})") from None
        _check_copy(work / DATABASE, key)
        engine = make_engine(work / DATABASE, key=key)
        try:
            migrate.upgrade(engine)  # an older backup is checked at today's schema
            with Session(engine) as s:
                # The full check: chain, sealed records, account signatures, lock policy.
                check = verify_session(s, Keyring(work))
        finally:
            engine.dispose()
        if not check.intact:
            raise BackupError(
                "restore refused: the backup fails its integrity check "
                f"({_first_line(check.problem)}); nothing was changed"
            )
        assert loc.database_file is not None
        os.replace(work / DATABASE, work / loc.database_file.name)
        (work / MANIFEST).unlink(missing_ok=True)
        with loc.keyring.locked():
            moved = _move_aside(loc) if holds_data(loc) else None
            write_private_atomic(work / READY, b"ready\n")
            finish_interrupted(loc)
        return moved
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _first_line(text: str | None) -> str:
    return (str(text or "").splitlines() or [""])[0][:300]


def _move_aside(loc: Location) -> Path:
    assert loc.database_file is not None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = loc.backup_dir or loc.data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    target = folder / f"replaced-{stamp}"
    target.mkdir(mode=0o700)
    db = loc.database_file
    release_file(db)  # this process's kept connections close before the file moves (H138)
    for path in (
        loc.keyring.path,
        db,
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
    ):
        if path.exists():
            os.replace(path, target / path.name)
    return target


def plain_copies(loc: Location) -> list[Path]:
    """Unencrypted database copies left in the backup folder (from before encryption)."""
    folder = loc.backup_dir
    if folder is None or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*.sqlite3")):
        with path.open("rb") as handle:
            if handle.read(16) == SQLITE_HEADER:
                out.append(path)
    return out
