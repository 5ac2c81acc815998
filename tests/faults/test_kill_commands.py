"""Kills during `init`, `demo load`, encrypting an older plain database, and `backup` (issue 13).

Each command runs in a forked process that is killed (SIGKILL) at a random moment within its
usual run time, 30 times per command; then the same command is run again. Afterwards the
folder always opens (sign-in, integrity, audit chain, sealed records, accounts), holds what
it held before (an encrypted plain database keeps every row), and no work folder, temporary
or partial file is left behind. Argon2 runs at test speed here (``FAST``), so a kill lands
anywhere in the command, not only inside the key derivation.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import tarfile
import time
from pathlib import Path

import pytest
from security.helpers import ADMIN, FAST, location
from sqlalchemy import text

from triage_app.services import auth, backup, demo
from triage_app.services.audit_log import events, verify
from triage_app.store.keyring import Keyring

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
KILLS = int(os.environ.get("TRIAGE_KILLS_PER_COMMAND", "30"))
DEBRIS = (".commit-*", ".backup-*", ".restore-*", "*.tmp", "*.partial", "*.encrypting", ".keys*")


def debris(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for pattern in DEBRIS:
            found += [p.name for p in folder.glob(pattern)]
    return sorted(found)


def in_child(action) -> int:
    """Fork; run ``action`` in the child (which exits at once); return the child's pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            action()
        except BaseException:
            code = 3
        os._exit(code)
    return pid


def timed(action) -> float:
    start = time.monotonic()
    pid = in_child(action)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.monotonic() - start


def kill_at(action, delay: float) -> None:
    pid = in_child(action)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def usable(folder: Path, creds=ADMIN) -> dict[str, int]:
    """Sign in, check everything, return row counts."""
    ctx = auth.sign_in(location(folder), creds, kdf=FAST)
    try:
        with ctx.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("child", "presentation", "safeguarding_case", "referral_record")
            }
        check = verify(ctx, Keyring(folder))
        assert check.intact, check.problem
        return counts
    finally:
        ctx.close()


def init(folder: Path) -> None:
    auth.initialise(location(folder), ADMIN, kdf=FAST).close()


def rerun_init(folder: Path) -> None:
    try:
        init(folder)
    except auth.SignInError as exc:  # the killed run had already completed
        assert "already holds a database" in str(exc)


DEMO = auth.Credentials(auth.DEMO_USER, auth.DEMO_PASSWORD)


def demo_load(folder: Path) -> None:
    """What `triage-app demo load` does in a new folder: the demo account, then the data."""
    if auth.store_state(location(folder)) == "fresh":
        auth.initialise(
            location(folder), DEMO, role=auth.Role.SAFEGUARDING_LEAD, demo=True, kdf=FAST
        ).close()
    ctx = auth.sign_in(location(folder), DEMO, kdf=FAST)
    try:
        demo.load(ctx)
    finally:
        ctx.close()


def run_kills(name, tmp_path, prepare, command, rerun, check):
    rng = random.Random(f"{os.environ.get('TRIAGE_CRASH_SEED', '20261201')}-{name}")
    base = tmp_path / "base"
    prepare(base)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    duration = timed(lambda: command(probe))
    shutil.rmtree(probe)
    for kill in range(KILLS):
        folder = tmp_path / f"k{kill}"
        shutil.copytree(base, folder)
        kill_at(lambda f=folder: command(f), rng.uniform(0, duration * 1.1))
        rerun(folder)
        check(folder)
        assert debris(folder) == [], (kill, debris(folder))
        shutil.rmtree(folder)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_30_kills_during_init_leave_no_unusable_folder_and_no_debris(tmp_path):
    def check(folder):
        usable(folder)

    run_kills("init", tmp_path, lambda b: b.mkdir(mode=0o700), init, rerun_init, check)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_30_kills_during_demo_load_leave_no_unusable_folder_and_no_debris(tmp_path):
    def check(folder):
        counts = usable(folder, DEMO)
        assert counts["child"] > 0

    run_kills("demo", tmp_path, lambda b: b.mkdir(mode=0o700), demo_load, demo_load, check)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_30_kills_while_encrypting_a_plain_database_keep_every_row(tmp_path):
    from triage_app.services.context import open_store

    def prepare(base):
        base.mkdir(mode=0o700)
        db = base / "triage.sqlite3"
        plain = open_store(f"sqlite:///{db}", user="old", database_file=db)
        demo.load(plain)
        plain.close()

    probe = tmp_path / "expected"
    prepare(probe)
    with open_probe(probe) as conn:
        expected = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("child", "presentation", "safeguarding_case", "referral_record")
        }

    def check(folder):
        assert auth.store_state(location(folder)) == "encrypted"
        assert usable(folder) == expected

    run_kills("encrypt", tmp_path, prepare, init, rerun_init, check)


class open_probe:  # noqa: N801 - a tiny context manager
    def __init__(self, folder):
        from triage_app.store.db import make_engine

        self.engine = make_engine(folder / "triage.sqlite3")

    def __enter__(self):
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()
        self.engine.dispose()


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_30_kills_during_backup_leave_no_debris_no_truncated_file_and_no_unaudited_backup(
    tmp_path,
):
    out_dir = tmp_path / "backups-out"
    out_dir.mkdir()

    def prepare(base):
        auth.initialise(location(base), ADMIN, kdf=FAST).close()

    def make_backup(folder, name="b.tar"):
        ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
        try:
            backup.create_backup(ctx, location(folder), out_dir / f"{folder.name}-{name}")
        finally:
            ctx.close()

    def rerun(folder):
        make_backup(folder, "again.tar")

    def check(folder):
        usable(folder)
        ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
        try:
            audited = {
                e.after for e in events(ctx) if e.entity == "backup" and e.action == "export"
            }
        finally:
            ctx.close()
        for made in out_dir.glob(f"{folder.name}-*.tar"):
            with tarfile.open(made) as tar:  # complete, never truncated
                assert sorted(tar.getnames()) == sorted(backup.MEMBERS)
            assert any(made.name in (a or "") for a in audited), made.name
        assert debris(out_dir) == []

    run_kills("backup", tmp_path, prepare, make_backup, rerun, check)
