"""A failed sign-in under a name that is not an account keeps only a keyed hash of the name.

What is typed into the user-name field may be a password typed in the wrong place; the
append-only audit trail keeps it for ever. So it is stored as an HMAC-SHA-256 under a random
per-folder (SQLite: ``keys.json``) or per-database (PostgreSQL: ``app_secret``) key, never as
typed: the typed text is nowhere in the audit table, on either store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from triage_app.domain.access import SIGN_IN_FAILURE
from triage_app.services import auth
from triage_app.store.keyring import UNKNOWN_USER

from .helpers import ADMIN, FAST, PG_URL, location, private_pg_database

TYPED = "Tr0ub4dor&3-typed-as-name"


def audit_text(engine) -> tuple[str, list[str]]:
    """Every column of every audit event as one text, and the name hashes recorded."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_event ORDER BY id")).all()
    hashes = [
        json.loads(r._mapping["after"]).get("name_hmac")
        for r in rows
        if r._mapping["entity"] == SIGN_IN_FAILURE and r._mapping["entity_id"] == UNKNOWN_USER
    ]
    return "\n".join(repr(tuple(r)) for r in rows), hashes


def check(trail: str, hashes: list[str]) -> None:
    assert TYPED not in trail and TYPED.lower() not in trail.lower()
    assert len(hashes) == 2 and hashes[0] == hashes[1] and len(hashes[0]) == 32


def test_an_unknown_name_is_kept_only_as_a_keyed_hash_on_sqlite(folder):
    loc = location(folder)
    auth.initialise(loc, ADMIN, kdf=FAST).close()
    for _ in range(2):
        with pytest.raises(auth.WrongCredentialsError):
            auth.sign_in(loc, auth.Credentials(TYPED, "whatever-1"), kdf=FAST)
    assert TYPED not in (folder / "keys.json").read_text()
    ctx = auth.sign_in(loc, ADMIN, kdf=FAST)  # writes the pending failures to the trail
    try:
        check(*audit_text(ctx.engine))
    finally:
        ctx.close()


@pytest.mark.skipif(not PG_URL, reason="set TRIAGE_TEST_PG_URL to run")
def test_an_unknown_name_is_kept_only_as_a_keyed_hash_on_postgresql():
    with private_pg_database() as url:
        loc = auth.Location(Path("/nonexistent"), url, None)
        ctx = auth.initialise(loc, ADMIN, kdf=FAST)
        with ctx.engine.connect() as conn:
            role = conn.execute(
                text("SELECT db_role FROM app_user WHERE username = 'alice'")
            ).scalar_one()
        ctx.close()
        try:
            for _ in range(2):
                with pytest.raises(auth.WrongCredentialsError):
                    auth.sign_in(loc, auth.Credentials(TYPED, "whatever-1"), kdf=FAST)
            engine = create_engine(url)
            try:
                check(*audit_text(engine))
            finally:
                engine.dispose()
        finally:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            admin.dispose()
