"""On SQLite an import commits in batches inside an import job (issue 13).

Other commands get the write lock between batches (a long import no longer locks everyone
out), while the user still sees all or nothing: a failed import is rolled back at once, and
one killed part-way is marked (``import_job`` status ``running``) and rolled back by the next
import, audited.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3

import pytest
from sqlalchemy import func, select

from tests.services.import_csv import ROW, counts, write
from triage_app.services import audit_log
from triage_app.services.context import open_store
from triage_app.services.importing import import_presentations
from triage_app.store.orm import Child, ImportJobRow, Presentation

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


def rows(make, n, prefix="S"):
    """``n`` presentations of one child without an NHS number (``ROW``), ``prefix`` numbered."""
    return [{**ROW, "source_id": f"{prefix}{i}"} for i in range(n)]


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
    before = counts(sqlite_ctx)
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
    assert counts(sqlite_ctx)[1] == before[1] + 20  # two batches committed ...
    assert job_states(sqlite_ctx) == ["running"]  # ... and marked as an unfinished import
    summary = import_presentations(sqlite_ctx, write(tmp_path / "small.csv", rows(make, 3, "T")))
    assert summary.imported == 3
    assert job_states(sqlite_ctx) == ["rolled_back", "done"]
    assert counts(sqlite_ctx) == (before[0] + 3, before[1] + 3)
    trail = [
        e
        for e in audit_log.events(sqlite_ctx)[events_before:]
        if e.entity in ("import_job", "presentation")
    ]
    assert [e.entity for e in trail] == ["import_job", "presentation"]
    assert "interrupted" in trail[0].after
    # The interrupted file imports completely when run again.
    assert import_presentations(sqlite_ctx, src).imported == 50


def attachments(ctx):
    """Stored children's NHS numbers by source id of their row, and the active same-child links."""
    from triage_app.store.orm import ChildLink

    with ctx.session_factory.begin() as s:
        numbers = dict(
            s.execute(
                select(Presentation.source_id, Child.nhs_number).join(
                    Child, Child.id == Presentation.child_id
                )
            ).all()
        )
        links = s.scalar(
            select(func.count())
            .select_from(ChildLink)
            .where(ChildLink.kind == "same_child", ChildLink.ended_at.is_(None))
        )
    return numbers, links


@pytest.mark.parametrize("ending", ["killed", "failed"])
def test_a_rolled_back_import_also_undoes_the_numbers_and_links_it_attached(
    sqlite_ctx, make, tmp_path, ending
):
    """Issue 18's re-import side effects belong to the job: a rollback undoes them too."""
    db = sqlite_ctx.engine.url.database
    first = rows(make, 2, "S")  # two children without an NHS number
    holder = {**rows(make, 1, "H")[0], "nhs_number": make.NHS[1]}  # a child with NHS[1]
    import_presentations(sqlite_ctx, write(tmp_path / "first.csv", [*first, holder]))
    # The re-import: S0 now carries NHS[0] (attached to its child), S1 carries NHS[1], the
    # holder's number (linked as the same child); then new rows.
    again = [
        {**first[0], "nhs_number": make.NHS[0]},
        {**first[1], "nhs_number": make.NHS[1]},
        *rows(make, 6, "U"),
    ]
    src = write(tmp_path / "again.csv", again)
    before = attachments(sqlite_ctx)
    assert before == ({"S0": None, "S1": None, "H0": make.NHS[1]}, 0)

    def stop(done):
        if done >= 4:  # the attaching batch and one more are committed
            if ending == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("the disk is full")

    if ending == "killed":
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, killed after two batches
            try:
                child = open_store(f"sqlite:///{db}", user="tester")
                import_presentations(child, src, batch_size=2, after_batch=stop)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
        numbers, links = attachments(sqlite_ctx)
        assert (numbers["S0"], links) == (make.NHS[0], 1)  # visible until rolled back ...
        import_presentations(sqlite_ctx, write(tmp_path / "next.csv", rows(make, 1, "T")))
    else:
        with pytest.raises(RuntimeError):
            import_presentations(sqlite_ctx, src, batch_size=2, after_batch=stop)
    numbers, links = attachments(sqlite_ctx)
    assert {k: numbers[k] for k in ("S0", "S1", "H0")} == before[0]  # ... and undone
    assert links == 0 and not any(k.startswith("U") for k in numbers)
    undo = [e for e in audit_log.events(sqlite_ctx) if e.entity == "import_job"][-1]
    undone = json.loads(undo.after)
    assert (undone["nhs_numbers"], undone["links"], undone["presentations"]) == (1, 1, 2)
    # Run again completely, the re-import attaches both once more.
    import_presentations(sqlite_ctx, src)
    numbers, links = attachments(sqlite_ctx)
    assert (numbers["S0"], links) == (make.NHS[0], 1)


def test_two_overlapping_imports_on_postgresql_skip_duplicates(ctx, other_ctx, make, tmp_path):
    """Two users import overlapping files at the same moment: each row stored exactly once."""
    import threading

    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("the server's overlapping imports (SQLite transactions are serial)")
    a = write(tmp_path / "a.csv", rows(make, 300, "S"))  # S0..S299
    shifted = [{**r, "source_id": f"S{i + 150}"} for i, r in enumerate(rows(make, 300, "S"))]
    b = write(tmp_path / "b.csv", shifted)  # S150..S449: 150 rows in both files
    start, overlap = threading.Barrier(2), threading.Barrier(2, timeout=3)
    results, errors = {}, []

    def both_inside(done):
        # After its first batch each import waits (briefly) for the other to be inside its
        # own transaction too: unserialised, both would now hold uncommitted rows.
        if done == 50:
            # Serialised, the barrier breaks: the other import waits for this one's commit.
            with contextlib.suppress(threading.BrokenBarrierError):
                overlap.wait()

    def run(name, store, path):
        try:
            start.wait()
            results[name] = import_presentations(
                store, path, batch_size=50, after_batch=both_inside
            )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=("a", ctx, a)),
        threading.Thread(target=run, args=("b", other_ctx, b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []  # no unique violation
    assert results["a"].imported + results["b"].imported == 450
    assert results["a"].duplicates + results["b"].duplicates == 150
    with ctx.session_factory.begin() as s:
        ids = s.scalars(select(Presentation.source_id)).all()
    assert len(ids) == 450 and set(ids) == {f"S{i}" for i in range(450)}
