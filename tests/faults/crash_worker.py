"""Crash-test worker: signs in to an encrypted folder and records cases until it is killed.

Reports ``ready`` once signed in, then ``begin N`` as each case starts and ``case ID`` once it
is finished. ``test_crash.py`` runs :func:`run_in_child` in a process of its own, forked from a
server that has imported the app once (its messages go through a pipe); by hand it runs as
``python crash_worker.py FOLDER START`` with the password on stdin, printing the same lines.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from triage_app.services import auth, cases
from triage_app.services.assessments import record_assessment

try:  # sealing arrives with the referral-record work; seal too when it is there
    from triage_app.services.referrals import finalise_case
except ImportError:  # pragma: no cover - depends on the tree
    finalise_case = None


# What the fork server imports once (by their installed names: it cannot see the tests' folder).
PRELOAD = [
    "triage_app.services.auth",
    "triage_app.services.cases",
    "triage_app.services.assessments",
    "triage_app.services.referrals",
    "triage_app.services.handover",
]


def case_json(n: int) -> dict:
    nhs = None  # children without NHS numbers: no uniqueness clash across runs
    # Always in the past (an action can never be recorded as done in the future, rule C7):
    # 50 workers start 100,000 apart, so seconds keep every case within two months.
    seen = datetime(2026, 6, 1, 9, 0) + timedelta(seconds=n)
    child = {"family_name": "Crash", "given_name": f"Test{n}", "date_of_birth": "2026-05-01"}
    if nhs:
        child["nhs_number"] = nhs
    return {
        "schema": "triage-assess/1",
        "assessed_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "setting": "gp",
        "child": child,
        "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
        "explanation": {"text": "rolled against the cot", "given_by": "mother"},
    }


def record_until_killed(folder: Path, start: int, password: str, report: Callable) -> None:
    db = folder / "triage.sqlite3"
    loc = auth.Location(folder, f"sqlite:///{db}", db, folder / "backups")
    ctx = auth.sign_in(loc, auth.Credentials("alice", password))
    _ = ctx.protocol.registry  # load the profiles now: kills should land on writes, not imports
    report("ready")
    n = start
    while True:
        n += 1
        report(f"begin {n}")
        done = record_assessment(ctx, case_json(n), organisation="Crash Test", complaint="bruise")
        case = cases.open_case(ctx, done.child.id, presentation_id=done.presentation.id)
        case = cases.record_phone_referral(
            ctx, case.id, case.version, called_at=done.presentation.seen_at, person="Dr Crash"
        )
        if finalise_case is not None and n % 3 == 0:
            from triage_app.services import handover

            handover.record_location(ctx, case.id, "home", "home address", "mother")
            finalise_case(ctx, case.id, case_version=case.version)
        report(f"case {case.id}")


def run_in_child(folder: str, start: int, password: str, conn) -> None:
    """A multiprocessing target: each message is one send on ``conn`` (one pipe write)."""
    try:
        record_until_killed(Path(folder), start, password, conn.send)
    except BaseException:
        conn.send("error " + traceback.format_exc())
        raise


def main() -> None:
    folder, start = Path(sys.argv[1]), int(sys.argv[2])
    password = sys.stdin.readline().strip()
    record_until_killed(folder, start, password, lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
