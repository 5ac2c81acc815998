"""The kept database connection never outlives its file (hazard H138).

A signed-in store keeps one connection open between use-cases (issue 15: opening a
SQLCipher connection costs many times a history read). These tests look a child up, change
the file underneath (restore a backup, encrypt a plain database), and check the next lookup
reads the file now in place, and that nothing of the old file is still held open.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from triage_app.domain.records import ChildRecord
from triage_app.services import audit_log, auth, children, history
from triage_app.services.backup import create_backup, restore_backup
from triage_app.services.context import open_store
from triage_app.services.synthetic import synthetic_nhs_numbers

from .helpers import ADMIN, FAST, ROOT, Clock, location, open_handles

needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
NUMBERS = synthetic_nhs_numbers(40)
FIRST, SECOND, THIRD = next(NUMBERS), next(NUMBERS), next(NUMBERS)


def add_child(ctx, number: str, given: str) -> ChildRecord:
    return children.record_child(
        ctx,
        ChildRecord(
            nhs_number=number,
            family_name="KEPT",
            given_name=given,
            date_of_birth=date(2025, 11, 1),
        ),
    )


def found(ctx, number: str) -> str | None:
    h = history.history_by_nhs_number(ctx, number)
    return None if h is None else h.child.given_name


@needs_proc
def test_a_lookup_after_a_restore_reads_the_restored_file_not_the_old_one(
    admin_ctx, folder, tmp_path
):
    add_child(admin_ctx, FIRST, "Before")
    assert found(admin_ctx, FIRST) == "Before"
    out = tmp_path / "taken.backup"
    create_backup(admin_ctx, location(folder), out)
    add_child(admin_ctx, SECOND, "After")
    assert found(admin_ctx, SECOND) == "After"
    assert admin_ctx.engine.pool.checkedin() == 1  # the kept connection, on the old file

    moved = restore_backup(location(folder), out, ADMIN, force=True)

    assert moved is not None
    assert open_handles(moved) == []  # closed before the files were moved aside
    assert found(admin_ctx, SECOND) is None  # the restored file has no such child
    assert found(admin_ctx, FIRST) == "Before"
    check = audit_log.verify(admin_ctx)  # these lookups' audit events joined its chain
    assert check.intact, check.problem
    old = open_store(f"sqlite:///{moved / 'triage.sqlite3'}", key=admin_ctx.database_key)
    try:
        assert found(old, SECOND) == "After"  # the moved-aside file is as it was
    finally:
        old.close()


@needs_proc
def test_encrypting_a_plain_database_closes_its_kept_connection(folder):
    loc = location(folder)
    assert loc.database_file is not None
    plain = open_store(loc.database_url, user="alice", database_file=loc.database_file)
    add_child(plain, FIRST, "Plain")
    assert found(plain, FIRST) == "Plain"
    assert open_handles(loc.database_file)

    encrypted = auth.initialise(loc, ADMIN, kdf=FAST, clock=Clock())  # a new file, a key

    try:
        held = open_handles(loc.database_file)
        assert [h for h in held if h.endswith("(deleted)")] == []  # the replaced plain file
        assert plain.engine.pool.checkedin() == 0
        assert found(encrypted, FIRST) == "Plain"  # reopened with the new key
        with pytest.raises(DatabaseError):
            found(plain, FIRST)  # the old, keyless engine cannot read the encrypted file
    finally:
        encrypted.close()
        plain.close()
    again = auth.sign_in(loc, ADMIN, kdf=FAST, clock=Clock())
    try:
        assert found(again, FIRST) == "Plain"
    finally:
        again.close()


WORKER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from tests.security.helpers import ADMIN, FAST, location
    from triage_app.domain.records import ChildRecord
    from triage_app.services import auth, children, history

    folder, action, number = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
    if action == "add":
        children.record_child(ctx, ChildRecord(nhs_number=number, family_name="KEPT",
                              given_name="Elsewhere", date_of_birth=date(2025, 11, 1)))
    h = history.history_by_nhs_number(ctx, number)
    print(h.child.given_name if h else "none")
    ctx.close()
    """
)


def run_worker(folder: Path, action: str, number: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(folder), action, number],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_two_processes_on_one_file_see_each_others_commits(admin_ctx, folder):
    add_child(admin_ctx, FIRST, "Here")
    assert found(admin_ctx, FIRST) == "Here"  # a kept connection is now open
    assert run_worker(folder, "add", SECOND) == "Elsewhere"
    assert found(admin_ctx, SECOND) == "Elsewhere"  # the other process's commit is seen
    add_child(admin_ctx, THIRD, "Later")
    assert run_worker(folder, "look", THIRD) == "Later"
    check = audit_log.verify(admin_ctx)  # both processes' events in one unbroken chain
    assert check.intact, check.problem
