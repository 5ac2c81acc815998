"""Security fixtures: encrypted data folders (fast key derivation in-process), CLI runs.

In-process folders use light Argon2 settings so the suite stays quick; the command-line
tests run the real program with its real settings.
"""

from __future__ import annotations

import pytest

from triage_app.services import auth

from .helpers import ADMIN, FAST, Clock, location


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def admin_ctx(folder):
    """A new encrypted folder and its administrator, signed in."""
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST, clock=Clock())
    yield ctx
    ctx.close()
