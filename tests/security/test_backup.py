"""A backup taken while another connection writes is consistent, encrypted and restorable,
and restore refuses damaged files and folders that already hold data (issue 6)."""

from __future__ import annotations

import tarfile
import threading
from datetime import date

import pytest
from sqlalchemy import text

from triage_app.domain.records import ChildRecord
from triage_app.services import auth, children
from triage_app.services.audit_log import verify
from triage_app.services.backup import BackupError, create_backup, restore_backup

from .helpers import ADMIN, Clock, location


def rows(ctx) -> dict[int, tuple]:
    with ctx.engine.connect() as conn:
        return {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                text("SELECT id, family_name, given_name, row_version FROM child")
            )
        }


def test_a_backup_taken_during_writes_restores_with_nothing_lost(admin_ctx, folder, tmp_path):
    writer = auth.sign_in(location(folder), ADMIN, clock=Clock())
    committed: list[int] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                made = children.record_child(
                    writer, ChildRecord(date(2025, 7, 20), "Writer", f"Child{n}")
                )
                committed.append(made.id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(committed) < 30 and thread.is_alive():
            threading.Event().wait(0.01)
        before = list(committed)
        out = tmp_path / "during.triage-backup"
        create_backup(admin_ctx, location(folder), out)
        while len(committed) < len(before) + 20 and thread.is_alive():
            threading.Event().wait(0.01)
    finally:
        stop.set()
        thread.join(60)
        writer.close()
    assert errors == [] and len(committed) > len(before)
    live = rows(admin_ctx)
    target = tmp_path / "restored"
    restore_backup(location(target), out, ADMIN)
    restored_ctx = auth.sign_in(location(target), ADMIN, clock=Clock())
    restored = rows(restored_ctx)
    assert set(before) <= set(restored)  # every change committed before the backup began
    assert sorted(restored) == list(range(1, len(restored) + 1))  # a snapshot, no holes
    assert all(live[i] == restored[i] for i in restored)
    assert verify(restored_ctx).intact
    with restored_ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    restored_ctx.close()


@pytest.fixture
def backup_file(admin_ctx, folder, tmp_path):
    out = tmp_path / "b.triage-backup"
    create_backup(admin_ctx, location(folder), out)
    return out


def test_restore_refuses_a_folder_with_data_unless_forced_and_moves_the_old_files_aside(
    admin_ctx, folder, backup_file
):
    admin_ctx.close()
    with pytest.raises(BackupError, match="already holds a database; nothing was changed"):
        restore_backup(location(folder), backup_file, ADMIN)
    moved = restore_backup(location(folder), backup_file, ADMIN, force=True)
    assert (
        moved is not None and (moved / "keys.json").exists() and (moved / "triage.sqlite3").exists()
    )
    auth.sign_in(location(folder), ADMIN).close()


def test_restore_refuses_a_damaged_or_foreign_file(backup_file, tmp_path):
    damaged = tmp_path / "damaged"
    raw = bytearray(backup_file.read_bytes())
    with tarfile.open(backup_file) as tar:
        member = tar.getmember("database.sqlite3")
    raw[member.offset_data + 5000] ^= 0x01
    damaged.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(location(tmp_path / "t1"), damaged, ADMIN)
    foreign = tmp_path / "foreign"
    foreign.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="not a readable backup"):
        restore_backup(location(tmp_path / "t2"), foreign, ADMIN)
    with pytest.raises(auth.SignInError, match="does not open with this account"):
        restore_backup(
            location(tmp_path / "t3"), backup_file, auth.Credentials("alice", "wrong-password")
        )
    assert not (tmp_path / "t3" / "triage.sqlite3").exists()


def test_a_backup_holds_no_plain_key_and_no_readable_database(admin_ctx, backup_file):
    from triage_app.store.db import database_key

    key = database_key(admin_ctx.engine)
    raw = backup_file.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    assert b"SQLite format 3\x00" not in raw
