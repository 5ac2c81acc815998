"""On SQLite an import commits in batches inside an import job (issue 13).

Other commands get the write lock between batches (a long import no longer locks everyone
out), while the user still sees all or nothing: a failed import is rolled back at once, and
one killed part-way is marked (``import_job`` status ``running``) and rolled back by the next
import, audited.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3

import pytest
from sqlalchemy import func, select

from triage_app.services import audit_log
from triage_app.services.context import open_store
from triage_app.services.importing import COLUMNS, import_presentations
from triage_app.store.orm import Child, ImportJobRow, Presentation

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


def rows(make, n, prefix="S"):
    base = {
        "source": "emis", "nhs_number": "", "family_name": "Example", "given_name": "Ava",
        "date_of_birth": "2025-07-20", "sex": "female", "postcode": "XX1 1AA",
        "seen_at": "2025-08-10T09:30", "setting": "gp", "organisation": "Synthetic Surgery",
        "complaint": "bruise", "findings": "bruise@cheek", "outcome": "advice given",
    }  # fmt: skip
    return [{**base, "source_id": f"{prefix}{i}"} for i in range(n)]


def write(path, data):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(data)
    return path


def stored(ctx):
    with ctx.session_factory.begin() as s:
        return (
            s.scalar(select(func.count()).select_from(Child)),
            s.scalar(select(func.count()).select_from(Presentation)),
        )


def job_states(ctx):
    with ctx.session_factory.begin() as s:
        return [r.status for r in s.scalars(select(ImportJobRow).order_by(ImportJobRow.id))]


@pytest.fixture
def sqlite_ctx(ctx):
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("batched import jobs are for the embedded SQLite store")
    return ctx


def test_other_writers_get_the_lock_between_batches(sqlite_ctx, make, tmp_path):
    db = sqlite_ctx.engine.url.database
    src = write(tmp_path / "v.csv", rows(make, 50))
    writes = []

    def other_command(done):
        # Another process's write (what signing in does), with a short timeout: it gets the
        # lock at once between batches instead of waiting for the whole import.
        conn = sqlite3.connect(db, timeout=0.2)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
            writes.append(done)
        finally:
            conn.close()

    summary = import_presentations(sqlite_ctx, src, batch_size=10, after_batch=other_command)
    assert summary.imported == 50
    assert writes == [10, 20, 30, 40, 50]
    assert job_states(sqlite_ctx) == ["done"]


def test_a_killed_import_is_marked_and_rolled_back_by_the_next_import(sqlite_ctx, make, tmp_path):
    db = sqlite_ctx.engine.url.database
    before = stored(sqlite_ctx)
    events_before = len(audit_log.events(sqlite_ctx))
    src = write(tmp_path / "big.csv", rows(make, 50))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: killed after two committed batches
        try:
            child = open_store(f"sqlite:///{db}", user="tester")

            def die(done):
                if done >= 20:
                    os.kill(os.getpid(), signal.SIGKILL)

            import_presentations(child, src, batch_size=10, after_batch=die)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert stored(sqlite_ctx)[1] == before[1] + 20  # two batches committed ...
    assert job_states(sqlite_ctx) == ["running"]  # ... and marked as an unfinished import
    summary = import_presentations(sqlite_ctx, write(tmp_path / "small.csv", rows(make, 3, "T")))
    assert summary.imported == 3
    assert job_states(sqlite_ctx) == ["rolled_back", "done"]
    assert stored(sqlite_ctx) == (before[0] + 3, before[1] + 3)
    trail = [
        e
        for e in audit_log.events(sqlite_ctx)[events_before:]
        if e.entity in ("import_job", "presentation")
    ]
    assert [e.entity for e in trail] == ["import_job", "presentation"]
    assert "interrupted" in trail[0].after
    # The interrupted file imports completely when run again.
    assert import_presentations(sqlite_ctx, src).imported == 50
