"""Helpers shared by the security and fault tests (no fixtures here)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from triage_app.services import auth
from triage_app.store.keyring import KdfParams

ROOT = Path(__file__).resolve().parents[2]
FAST = KdfParams(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
ADMIN = auth.Credentials("alice", "admin-password-1")


def location(folder: Path) -> auth.Location:
    """The store location of a data folder (SQLite, encrypted once initialised)."""
    db = folder / "triage.sqlite3"
    return auth.Location(folder, f"sqlite:///{db}", db, folder / "backups")


class Clock:
    """A clock the test moves by hand (naive local time, as the services use)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0)

    def __call__(self) -> datetime:
        return self.now


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a CLI subprocess (no inherited TRIAGE_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
    env.update({"TRIAGE_HOME": str(home), "LANG": "C.UTF-8"})
    env.update(extra)
    return env


FAST_CLI = [sys.executable, str(ROOT / "tests" / "fast_kdf.py")]  # test-speed Argon2
REAL_CLI = [sys.executable, "-m", "triage_app"]  # the product as shipped


def run_cli(home: Path, *argv: str, stdin: str | None = None, real: bool = False, **extra: str):
    """Run the program with ARGV (stdin is never a terminal here).

    ``real``: ``python -m triage_app`` with its full-strength Argon2; otherwise the same
    program through ``tests/fast_kdf.py`` (test-speed Argon2, nothing else changed).
    """
    return subprocess.run(
        [*(REAL_CLI if real else FAST_CLI), *argv],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=cli_env(home, **extra),
        cwd=ROOT,
        timeout=180,
    )


PG_URL = os.environ.get("TRIAGE_TEST_PG_URL")


@contextmanager
def private_pg_database():
    """A PostgreSQL database of its own (other suites reset the shared test database)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"triage_sec_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def open_handles(path: Path) -> list[str]:
    """This process's open file descriptors on ``path`` or on files once at it (Linux).

    A file moved aside still shows under its new name; a replaced one as ``(deleted)``.
    """
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found
