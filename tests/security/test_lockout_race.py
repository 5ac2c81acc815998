"""Parallel sign-in bursts cannot beat the lockout (issue 13).

The failure counter lives in ``keys.json``; every attempt (lock check, Argon2, count) runs
under an exclusive OS file lock, so guesses made at the same moment by separate processes
are evaluated one at a time and each is counted, and audited, exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from triage_app.domain.access import ACCOUNT_LOCK, SIGN_IN_FAILURE
from triage_app.services import auth
from triage_app.services.audit_log import events, verify

from .helpers import ADMIN, FAST, PG_URL, ROOT, location, private_pg_database

WORKER = Path(__file__).with_name("burst_worker.py")
# Each test starts 10 to 20 processes that queue for one file's write lock (each waits up to
# the product's busy timeout): in a parallel run the three take turns on one worker instead
# of two bursts competing for the CPU at once.
pytestmark = pytest.mark.xdist_group("sign-in-bursts")
LEAD = auth.Credentials("lead", "lead-password-1")


def burst(folder: Path | str, attempts: list[tuple[str, str]], tmp: Path) -> list[str]:
    """Start one process per (user, password), release them together, return outcomes."""
    start = tmp / f"start-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = []
    for user, password in attempts:
        p = subprocess.Popen(
            [sys.executable, str(WORKER), str(folder), user, str(start)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        p.stdin.write(password + "\n")
        p.stdin.flush()
        procs.append(p)
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    start.touch()
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and "Traceback" not in err, err
        outcomes.append(out.strip())
    return outcomes


def make_folder(tmp_path: Path) -> Path:
    from triage_app.domain.access import Role
    from triage_app.services import permissions

    folder = tmp_path / "data"
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST)
    try:
        permissions.add_account(
            ctx, LEAD, Role.SAFEGUARDING_LEAD, auth.Keyring(folder, params=FAST)
        )
    finally:
        ctx.close()
    return folder


@pytest.mark.slow
def test_a_parallel_burst_of_20_wrong_guesses_locks_and_then_refuses_the_right_password(
    tmp_path,
):
    folder = make_folder(tmp_path)
    outcomes = burst(folder, [("lead", f"wrong-guess-{i:02d}") for i in range(20)], tmp_path)
    # 5 guesses evaluated (the policy), the fifth locks; the other 15 are never evaluated.
    assert outcomes.count("wrong") == 4
    assert outcomes.count("locked") == 16
    keys = json.loads((folder / "keys.json").read_text())
    assert [e["event"] for e in keys["users"]["lead"]["events"]] == ["failure"] * 5 + ["locked"]
    # Now the right password, alone and in a burst with more wrong guesses: refused.
    with pytest.raises(auth.AccountLockedError):
        auth.sign_in(location(folder), LEAD, kdf=FAST)
    mixed = [("lead", f"again-{i}") for i in range(19)] + [("lead", LEAD.password)]
    assert set(burst(folder, mixed, tmp_path)) == {"locked"}
    # No temporary key file left behind by any writer.
    assert sorted(p.name for p in folder.iterdir() if "tmp" in p.name) == []
    # The administrator signs in: each failure and the lock audited exactly once.
    ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
    try:
        trail = [e for e in events(ctx) if e.entity_id == "lead"]
        kinds = [e.entity for e in trail if e.entity in (SIGN_IN_FAILURE, ACCOUNT_LOCK)]
        assert kinds == [SIGN_IN_FAILURE] * 5 + [ACCOUNT_LOCK]
        assert verify(ctx).intact
    finally:
        ctx.close()


@pytest.mark.slow
def test_parallel_successful_sign_ins_write_pending_failures_once(tmp_path):
    folder = make_folder(tmp_path)
    for guess in ("wrong-guess-1", "wrong-guess-2"):
        with pytest.raises(auth.WrongCredentialsError):
            auth.sign_in(location(folder), auth.Credentials("lead", guess), kdf=FAST)
    outcomes = burst(
        folder, [("alice", ADMIN.password)] * 6 + [("lead", LEAD.password)] * 4, tmp_path
    )
    assert outcomes == ["ok"] * 10
    ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
    try:
        failures = [e for e in events(ctx) if e.entity == SIGN_IN_FAILURE]
        assert len(failures) == 2
    finally:
        ctx.close()


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="set TRIAGE_TEST_PG_URL to run")
def test_postgresql_a_burst_of_19_wrong_guesses_and_the_right_one_does_not_sign_in(tmp_path):
    from triage_app.domain.access import Role
    from triage_app.services import permissions

    with private_pg_database() as url:
        loc = auth.Location(tmp_path / "unused", url, None)
        ctx = auth.initialise(loc, ADMIN, kdf=FAST)
        permissions.add_account(ctx, LEAD, Role.SAFEGUARDING_LEAD, None)
        ctx.close()
        attempts = [("lead", f"wrong-guess-{i:02d}") for i in range(19)] + [("lead", LEAD.password)]
        outcomes = burst(url, attempts, tmp_path)
        # Evaluated one at a time: the fifth failure in a row locks, and every later guess is
        # refused unevaluated (a right password evaluated first may reset the count once).
        assert outcomes.count("wrong") <= 8
        assert outcomes.count("locked") >= 10
        ctx = auth.sign_in(loc, ADMIN, kdf=FAST)
        try:
            trail = [e for e in events(ctx) if e.entity_id == "lead"]
            failures = sum(e.entity == SIGN_IN_FAILURE for e in trail)
            locks = sum(e.entity == ACCOUNT_LOCK for e in trail)
            assert locks >= 1
            assert failures == outcomes.count("wrong") + locks  # each counted exactly once
        finally:
            ctx.close()
