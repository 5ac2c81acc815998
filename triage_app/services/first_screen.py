"""The first screen a data folder needs, told from its files alone, before the store loads.

The window shows the sign-in screen at once when :func:`likely_sign_in` says so, and loads
the store and services behind it while the user types (SQLAlchemy and the services take
several times longer to import than the window takes to paint). Anything less certain (no
key file yet, a demonstration folder, an unreadable key file) answers ``False``: the window
then waits for the store's own answer (``auth.store_state``), which is always the one that
counts; if it differs from this guess, the window shows the screen it names instead.

Only the standard library is imported here.
"""

from __future__ import annotations

import json
from pathlib import Path

from triage_app.store.layout import KEYFILE_NAME


def likely_sign_in(data_dir: Path, database_file: Path | None) -> bool:
    """True when the record will ask for a user name and password (a guess from the files).

    A server database always does; a SQLite file does when its folder has a key file that is
    not a demonstration folder's.
    """
    if database_file is None:
        return True
    try:
        data = json.loads((Path(data_dir) / KEYFILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("users"), dict) and not data.get("demo")
