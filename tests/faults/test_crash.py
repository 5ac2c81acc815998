"""Crash test: a process recording cases on an encrypted database is killed (SIGKILL) at
random moments, 50 times (each a new process, forked from a server that imported the app
once, so the kills do not wait for 50 imports). After every kill the database passes its integrity check, the audit
chain (and every sealed record, when sealing exists) verifies, no transaction is half-stored,
and nothing committed earlier is lost (issue 6, "Proof under faults")."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest
from security.helpers import ADMIN, FAST, location
from sqlalchemy import text

from faults import crash_worker
from triage_app.services import auth
from triage_app.services.audit_log import verify

KILLS = int(os.environ.get("TRIAGE_CRASH_KILLS", "50"))


def message(conn, timeout: float = 120) -> str:
    """The worker's next line (an ``error`` line carries its traceback)."""
    assert conn.poll(timeout), f"no word from the worker in {timeout} s"
    try:
        line = conn.recv()
    except EOFError:
        pytest.fail("the worker ended without a word")
    assert not line.startswith("error"), line
    return line


def counts(ctx) -> dict[str, int]:
    with ctx.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("child", "presentation", "assessment", "safeguarding_case", "audit_event")
        }


def check(folder: Path) -> dict[str, int]:
    ctx = auth.sign_in(location(folder), ADMIN)
    try:
        with ctx.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            # one transaction per use-case: a presentation never lacks its assessment
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM presentation p WHERE p.source = 'assessment' AND NOT "
                    "EXISTS (SELECT 1 FROM assessment a WHERE a.presentation_id = p.id)"
                )
            ).scalar_one()
            assert orphans == 0
        result = verify(ctx)
        assert result.intact, result.problem
        return counts(ctx)
    finally:
        ctx.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_corrupts_or_loses_committed_work(tmp_path):
    folder = tmp_path / "data"
    auth.initialise(location(folder), ADMIN, kdf=FAST).close()
    rng = random.Random(int(os.environ.get("TRIAGE_CRASH_SEED", "20261126")))
    # One server process imports the app once; each worker is forked from it, signs in and
    # records cases until it is killed (the test's own process, with its threads, never forks).
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload([*crash_worker.PRELOAD, "pytest"])  # pytest: a main module
    previous = check(folder)
    mid_work = 0
    for kill in range(KILLS):
        receive, send = mp.Pipe(duplex=False)
        proc = mp.Process(
            target=crash_worker.run_in_child,
            args=(str(folder), kill * 100_000, ADMIN.password, send),
            daemon=True,
        )
        proc.start()
        send.close()  # the worker holds the only write end: its death ends the pipe
        assert message(receive) == "ready"
        # Kill only once the worker has begun its first case (however long a busy machine
        # takes to get it there), then at a random moment: inside that case or a later one.
        first = message(receive)
        assert first.startswith("begin"), first
        time.sleep(rng.uniform(0.05, 1.0))
        proc.kill()
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL
        lines = [first]
        while receive.poll():
            try:
                lines.append(receive.recv())
            except EOFError:
                break
        receive.close()
        assert not [line for line in lines if line.startswith("error")], lines
        done_lines = sum(line.startswith("case ") for line in lines)
        # the kill landed inside a case: begun, not reported finished
        mid_work += lines[-1].startswith("begin")
        now = check(folder)
        for table, n in previous.items():
            assert now[table] >= n, f"kill {kill}: {table} went from {n} to {now[table]}"
        # every case the worker reported as finished is stored
        assert now["safeguarding_case"] >= previous["safeguarding_case"] + done_lines
        previous = now
    # Correctness only (speed is the benchmarks' business): the kills must have landed while
    # cases were being written, or the checks above prove nothing. Each kill waits for the
    # worker's first case to begin, and a worker goes straight from one case to the next, so
    # nearly every kill lands inside one, however busy the machine.
    assert mid_work >= KILLS // 2, f"only {mid_work} of {KILLS} kills landed inside a case"
