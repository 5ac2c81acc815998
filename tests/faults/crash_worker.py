"""Crash-test worker: signs in to an encrypted folder and records cases until it is killed.

Run by ``test_crash.py`` as ``python crash_worker.py FOLDER START``; the password comes from
TRIAGE_PASSWORD. Prints ``ready`` once signed in, then ``begin N`` as each case starts and
``case ID`` once it is finished.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from triage_app.services import auth, cases
from triage_app.services.assessments import record_assessment

try:  # sealing arrives with the referral-record work; seal too when it is there
    from triage_app.services.referrals import finalise_case
except ImportError:  # pragma: no cover - depends on the tree
    finalise_case = None


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


def main() -> None:
    folder, start = Path(sys.argv[1]), int(sys.argv[2])
    db = folder / "triage.sqlite3"
    loc = auth.Location(folder, f"sqlite:///{db}", db, folder / "backups")
    ctx = auth.sign_in(loc, auth.Credentials("alice", sys.stdin.readline().strip()))
    _ = ctx.protocol.registry  # load the profiles now: kills should land on writes, not imports
    print("ready", flush=True)
    n = start
    while True:
        n += 1
        print(f"begin {n}", flush=True)
        done = record_assessment(ctx, case_json(n), organisation="Crash Test", complaint="bruise")
        case = cases.open_case(ctx, done.child.id, presentation_id=done.presentation.id)
        case = cases.record_phone_referral(
            ctx, case.id, case.version, called_at=done.presentation.seen_at, person="Dr Crash"
        )
        if finalise_case is not None and n % 3 == 0:
            from triage_app.services import handover

            handover.record_location(ctx, case.id, "home", "home address", "mother")
            finalise_case(ctx, case.id, case_version=case.version)
        print(f"case {case.id}", flush=True)


if __name__ == "__main__":
    main()
