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
from triage_app.services.assessments import record_and_open, record_assessment

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


def db_role_of(url, username):
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT db_role FROM app_user WHERE username = :u"), {"u": username}
        ).scalar_one()
    engine.dispose()
    return found


def as_role(url, role, password):
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def drop_roles(*roles):
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for role in roles:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
                {"r": role},
            )
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def test_a_clinicians_own_credentials_cannot_change_a_role_or_an_audit_event():
    roles = []
    with private_pg_database() as url:
        loc = server(url)
        ctx = auth.initialise(loc, ADMIN, kdf=FAST)
        permissions.add_account(ctx, BOB, Role.CLINICIAN, None)
        ctx.close()
        roles = [db_role_of(url, "alice"), db_role_of(url, "bob")]
        alice_case = open_case_as(loc, ADMIN, 1)
        other_alice_case = open_case_as(loc, ADMIN, 3)
        bob_case = open_case_as(loc, BOB, 2)
        bob_url = as_role(url, roles[1], BOB.password)
        try:
            # The app still works for bob through his own login role (made by `user add`).
            ctx = auth.sign_in(server(bob_url), BOB)
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
                f'ALTER ROLE "{roles[1]}" CREATEROLE',
                f'GRANT triage_administrator TO "{roles[1]}"',
            ]
            for statement in refused:
                denied = pytest.raises(
                    (ProgrammingError, DBAPIError), match="permission denied|must have admin option"
                )
                with denied, bob.begin() as conn:
                    conn.execute(text(statement))
            # Rows of another person's case: row-level security refuses the new row.
            for statement in [
                "INSERT INTO case_action (case_id, at, person, kind, created_at, created_by) "
                "VALUES (:i, now(), 'bob', 'note', now(), 'bob')",
                "INSERT INTO case_location (case_id, place, detail, recorded_at, recorded_by) "
                "VALUES (:i, 'home', 'x', now(), 'bob')",
                "INSERT INTO referral_record (case_id, version, record_uid, content_sha256, "
                "pdf_sha256, pdf, sealed_at, sealed_by) VALUES (:i, 9, 'u', 'x', 'x', 'x', "
                "now(), 'bob')",
            ]:
                refused_row = pytest.raises(
                    (ProgrammingError, DBAPIError), match="row-level security"
                )
                with refused_row, bob.begin() as conn:
                    conn.execute(text(statement), {"i": alice_case})
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
            # Case rule C8 through bob's own login: his assessment of the child in alice's
            # open case joins it, with what he did; he may write that case, not her others.
            ctx = auth.sign_in(server(bob_url), BOB, kdf=FAST)
            try:
                child_id = cases.get_case(ctx, alice_case).child_id
                joined = record_and_open(
                    ctx,
                    assessment(4),
                    organisation="Test",
                    complaint="bruise",
                    child_id=child_id,
                )
                assert joined.joined and joined.case.id == alice_case
            finally:
                ctx.close()
            bob = create_engine(bob_url)
            with bob.begin() as conn:
                written = [
                    conn.execute(
                        text("UPDATE safeguarding_case SET close_reason = 'y' WHERE id = :i"),
                        {"i": case_id},
                    ).rowcount
                    for case_id in (alice_case, other_alice_case)
                ]
            bob.dispose()
            assert written == [1, 0]
        finally:
            drop_roles(*roles)
    drop_roles(*roles)


def assessment(n):
    return {
        "schema": "triage-assess/1",
        "assessed_at": f"2026-01-05T10:{n:02d}",
        "setting": "gp",
        "child": {"family_name": "Test", "given_name": "C1", "date_of_birth": "2025-12-01"},
        "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
        "explanation": {"text": "rolled", "given_by": "mother"},
    }


def run_cli(monkeypatch, capsys, argv, user=None, password=None, new_password=None):
    from triage_app import cli

    for name, value in (
        ("TRIAGE_USER", user),
        ("TRIAGE_PASSWORD", password),
        ("TRIAGE_NEW_PASSWORD", new_password),
    ):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def can_connect(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT current_user")).scalar_one()
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def has_password(role, password):
    """Whether the login role's stored SCRAM verifier is for this password.

    The test cluster trusts local connections (CI), so the password is checked against the
    verifier in ``pg_authid`` instead (RFC 5802: StoredKey and ServerKey).
    """
    import base64
    import hashlib
    import hmac

    admin = create_engine(PG_URL)
    with admin.connect() as conn:
        verifier = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": role}
        ).scalar_one()
    admin.dispose()
    method, rest = verifier.split("$", 1)
    assert method == "SCRAM-SHA-256"
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest() == stored_key and (
        hmac.new(salted, b"Server Key", hashlib.sha256).digest() == server_key
    )


def test_init_and_user_add_give_every_account_its_own_login_role(monkeypatch, capsys):
    """Following docs/deployment-postgresql.md, no two people ever share a database role."""
    roles = []
    with private_pg_database() as url:
        try:
            db = ["--database-url", url]
            code, out, err = run_cli(
                monkeypatch, capsys, ["init", "--user", "alice", *db], password=ADMIN.password
            )
            assert code == 0, err
            alice_role = db_role_of(url, "alice")
            roles.append(alice_role)
            assert alice_role in out and "alice" in alice_role
            admin = (ADMIN.user, ADMIN.password)
            for name, role in (("bob", "clinician"), ("carol", "safeguarding_lead")):
                code, out, err = run_cli(
                    monkeypatch, capsys, ["user", "add", name, "--role", role, *db],
                    *admin, new_password=f"{name}-password-1",
                )  # fmt: skip
                assert code == 0, err
                roles.append(db_role_of(url, name))
                assert roles[-1] in out
            assert len(set(roles)) == 3 and all(roles)
            engine = create_engine(url)
            with engine.connect() as conn:
                groups = dict(
                    conn.execute(
                        text(
                            "SELECT r.rolname, g.rolname FROM pg_auth_members m "
                            "JOIN pg_roles g ON g.oid = m.roleid "
                            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = ANY(:n)"
                        ),
                        {"n": roles},
                    ).all()
                )
                unmapped = conn.execute(
                    text("SELECT count(*) FROM app_user WHERE role IS NOT NULL AND db_role IS NULL")
                ).scalar_one()
            engine.dispose()
            assert groups == {
                roles[0]: "triage_administrator",
                roles[1]: "triage_clinician",
                roles[2]: "triage_safeguarding_lead",
            }
            assert unmapped == 0
            # Each person connects with their own login role and their own password ...
            bob_url = as_role(url, roles[1], "bob-password-1")
            assert can_connect(bob_url) == roles[1]
            assert has_password(roles[0], ADMIN.password)
            assert has_password(roles[1], "bob-password-1")
            assert not has_password(roles[1], "carol-password-1")
            # ... and a password change moves the login role's password with it.
            code, _, err = run_cli(
                monkeypatch, capsys, ["user", "passwd", "--database-url", bob_url],
                "bob", "bob-password-1", new_password="bob-password-2",
            )  # fmt: skip
            assert code == 0, err
            assert has_password(roles[1], "bob-password-2")
            assert not has_password(roles[1], "bob-password-1")
            # An account cannot be added without its login role: connected as alice's own
            # login role (not the owner), `user add` is refused and nothing is changed.
            alice_url = as_role(url, roles[0], ADMIN.password)
            code, out, err = run_cli(
                monkeypatch, capsys,
                ["user", "add", "dave", "--role", "clinician", "--database-url", alice_url],
                *admin, new_password="dave-password-1",
            )  # fmt: skip
            assert code != 0 and "its own database login role" in err, (out, err)
            assert "nothing was changed" in err
            engine = create_engine(url)
            with engine.connect() as conn:
                dave = conn.execute(
                    text("SELECT count(*) FROM app_user WHERE username = 'dave'")
                ).scalar_one()
            engine.dispose()
            assert dave == 0
            # `user db-login` is for administrators (moving a role to a new group).
            code, _, _ = run_cli(
                monkeypatch, capsys, ["user", "db-login", "bob", *db],
                "bob", "bob-password-2", new_password="x-password-1",
            )  # fmt: skip
            assert code == 1
            code, out, err = run_cli(
                monkeypatch, capsys, ["user", "db-login", "bob", *db], *admin
            )  # fmt: skip
            assert code == 0 and roles[1] in out, err
        finally:
            drop_roles(*roles)
    drop_roles(*roles)


def test_a_membership_granted_by_another_session_at_the_same_moment_is_not_an_error():
    """Two installations on a new server grant the same group at once: neither fails.

    Deterministic: the other session's GRANT is held uncommitted while ours checks (it sees
    no membership) and grants (it waits on the other's row); the other then commits, and
    ours must carry on (before the fix: a unique violation that aborted the installation).
    """
    import threading
    import time
    import uuid

    from triage_app.store import pg_roles

    group, member = (f"triage_race_{uuid.uuid4().hex[:8]}_{n}" for n in ("g", "m"))
    engine = create_engine(PG_URL)
    try:
        with engine.begin() as conn:
            for role in (group, member):
                conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        other = engine.connect()
        held = other.begin()
        other.execute(text(f'GRANT "{group}" TO "{member}"'))
        failures: list[BaseException] = []

        def ours() -> None:
            try:
                with engine.begin() as conn:
                    pg_roles._ensure_member(conn, member, group)
                    conn.execute(text("SELECT 1"))  # the transaction is still usable
            except BaseException as exc:  # reported below
                failures.append(exc)

        worker = threading.Thread(target=ours)
        worker.start()
        with engine.connect() as watch:  # until ours waits on the other session's row
            for _ in range(300):
                waiting = watch.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE :grant"
                    ),
                    {"grant": f'GRANT "{group}"%'},
                ).scalar_one()
                if waiting or not worker.is_alive():
                    break
                watch.rollback()
                time.sleep(0.1)
        assert waiting, failures
        held.commit()
        other.close()
        worker.join(30)
        assert not worker.is_alive()
        assert failures == []
        with engine.connect() as conn:
            assert pg_roles._is_member(conn, member, group)
    finally:
        with engine.begin() as conn:
            for role in (member, group):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        engine.dispose()
