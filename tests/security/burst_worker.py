"""Burst worker: waits for a start file, then tries one sign-in; prints the outcome.

Run by ``test_lockout_race.py`` as ``python burst_worker.py FOLDER|URL USER START_FILE`` with the
password on stdin. Prints ``ok``, ``wrong`` or ``locked`` (or a traceback: a defect).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from security.helpers import FAST, location
from triage_app.services import auth


def main() -> None:
    target, user, start = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    password = sys.stdin.readline().rstrip("\n")
    if "://" in target:  # a PostgreSQL URL
        loc = auth.Location(Path("/nonexistent"), target, None)
    else:
        loc = location(Path(target))
    print("ready", flush=True)
    while not start.exists():
        time.sleep(0.002)
    try:
        ctx = auth.sign_in(loc, auth.Credentials(user, password), kdf=FAST)
    except auth.AccountLockedError:
        print("locked", flush=True)
    except auth.WrongCredentialsError:
        print("wrong", flush=True)
    else:
        ctx.close()
        print("ok", flush=True)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
