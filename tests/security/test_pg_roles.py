"""PostgreSQL enforces the app's roles itself (issue 13).

Each app user connects as their own login role. With a clinician's own database
credentials, changing an account's role, or changing or deleting an audit event, is refused
by the server; the clinician writes only the cases they opened. Runs when TRIAGE_TEST_PG_URL
is set (CI starts a throwaway cluster).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from triage_app.domain.access import Role
from triage_app.services import auth, cases, permissions
from triage_app.services.assessments import record_assessment
from triage_app.store import pg_roles

from .helpers import ADMIN, FAST, PG_URL, private_pg_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="set TRIAGE_TEST_PG_URL to run")
BOB = auth.Credentials("bob", "bob-password-1")


def server(url: str) -> auth.Location:
    from pathlib import Path

    return auth.Location(Path("/nonexistent"), url, None)


def open_case_as(loc, creds, n):
    ctx = auth.sign_in(loc, creds, kdf=FAST)
    try:
        data = {
            "schema": "triage-assess/1",
            "assessed_at": f"2026-01-05T09:{n:02d}",
            "setting": "gp",
            "child": {"family_name": "Test", "given_name": f"C{n}", "date_of_birth": "2025-12-01"},
            "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
            "explanation": {"text": "rolled", "given_by": "mother"},
        }
        rec = record_assessment(ctx, data, organisation="Test", complaint="bruise")
        return cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id).id
    finally:
        ctx.close()


def test_a_clinicians_own_credentials_cannot_change_a_role_or_an_audit_event():
    with private_pg_database() as url:
        loc = server(url)
        ctx = auth.initialise(loc, ADMIN, kdf=FAST)
        permissions.add_account(ctx, BOB, Role.CLINICIAN, None)
        ctx.close()
        alice_case = open_case_as(loc, ADMIN, 1)
        bob_case = open_case_as(loc, BOB, 2)
        owner = create_engine(url)
        with owner.begin() as conn:
            pg_roles.install(conn)
            role = pg_roles.create_login(conn, "bob", "clinician", BOB.password)
        owner.dispose()
        bob_url = make_url(url).set(username=role, password=BOB.password)
        try:
            # The app still works for bob through his own login role.
            ctx = auth.sign_in(server(bob_url.render_as_string(hide_password=False)), BOB)
            assert ctx.role == "clinician"
            ctx.close()
            bob = create_engine(bob_url)
            refused = [
                "UPDATE app_user SET role = 'administrator' WHERE username = 'bob'",
                "INSERT INTO app_user (username, role, created_at, active) "
                "VALUES ('mallory', 'administrator', now(), true)",
                "UPDATE audit_event SET username = 'x' WHERE id = 1",
                "DELETE FROM audit_event WHERE id = 1",
                "TRUNCATE audit_event",
                "DELETE FROM referral_record",
                "DELETE FROM app_user WHERE username = 'alice'",
            ]
            for statement in refused:
                denied = pytest.raises((ProgrammingError, DBAPIError), match="permission denied")
                with denied, bob.begin() as conn:
                    conn.execute(text(statement))
            with bob.begin() as conn:
                others = conn.execute(
                    text("UPDATE safeguarding_case SET close_reason = 'x' WHERE id = :i"),
                    {"i": alice_case},
                ).rowcount
                own = conn.execute(
                    text("UPDATE safeguarding_case SET close_reason = 'x' WHERE id = :i"),
                    {"i": bob_case},
                ).rowcount
                stamped = conn.execute(
                    text("UPDATE app_user SET last_sign_in_at = now() WHERE username = 'alice'")
                ).rowcount
            assert (others, own, stamped) == (0, 1, 0)
            with bob.begin() as conn:  # the trail takes new events (insert-only)
                n = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
                assert n > 0
            bob.dispose()
        finally:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(
                    text(
                        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE usename = '{role}'"
                    )
                )
            admin.dispose()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def test_user_db_login_gives_an_account_its_own_login_role(monkeypatch, capsys):
    from triage_app import cli

    with private_pg_database() as url:
        loc = server(url)
        ctx = auth.initialise(loc, ADMIN, kdf=FAST)
        permissions.add_account(ctx, BOB, Role.CLINICIAN, None)
        ctx.close()
        monkeypatch.setenv("TRIAGE_USER", ADMIN.user)
        monkeypatch.setenv("TRIAGE_PASSWORD", ADMIN.password)
        monkeypatch.setenv("TRIAGE_NEW_PASSWORD", BOB.password)
        code = cli.main(["user", "db-login", "bob", "--database-url", url])
        out = capsys.readouterr().out
        role = pg_roles.login_role("bob")
        try:
            assert code == 0 and role in out
            monkeypatch.setenv("TRIAGE_USER", BOB.user)
            monkeypatch.setenv("TRIAGE_PASSWORD", BOB.password)
            code = cli.main(["user", "db-login", "bob", "--database-url", url])
            assert code == 1  # a clinician manages no accounts
        finally:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE usename = '{role}'"
                    )
                )
            admin.dispose()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()
