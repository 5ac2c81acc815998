"""The product's key derivation runs at full strength (the tests' light Argon2 is test-only).

Most tests run with test-speed Argon2 (``tests/fast_kdf.py``); these prove what is shipped:
the program as a user runs it wraps the database key, hashes the password and wraps an
administrator's signing key with the full parameters, and nothing in the product lowers them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from triage_app.services import auth
from triage_app.store.keyring import KdfParams
from triage_app.store.orm import User

from .helpers import ADMIN, location, run_cli

ROOT = Path(__file__).resolve().parents[2]
FULL = {"time_cost": 3, "memory_cost_kib": 64 * 1024, "parallelism": 2}


@pytest.mark.real_kdf
def test_the_shipped_program_derives_keys_with_full_strength_argon2(tmp_path):
    assert KdfParams() == KdfParams(**FULL)
    assert auth.PasswordHasher is PasswordHasher  # not the tests' light one
    home = tmp_path / "home"
    env = {"TRIAGE_USER": ADMIN.user, "TRIAGE_PASSWORD": ADMIN.password}
    result = run_cli(home, "init", "--user", ADMIN.user, real=True, **env)
    assert result.returncode == 0, result.stderr
    entry = json.loads((home / "keys.json").read_text())["users"][ADMIN.user]
    assert {k: entry[k] for k in FULL} == FULL
    ctx = auth.sign_in(location(home), ADMIN)
    try:
        with ctx.session_factory.begin() as s:
            row = s.scalar(select(User).where(User.username == ADMIN.user))
            password_hash, secret = row.password_hash, json.loads(row.signing_secret)
    finally:
        ctx.close()
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert {k: secret[k] for k in FULL} == FULL


def test_nothing_in_the_product_lowers_the_key_derivation():
    """The light parameters live only in tests/: no product module mentions the launcher."""
    for path in (ROOT / "triage_app").rglob("*.py"):
        assert "fast_kdf" not in path.read_text(encoding="utf-8"), path
