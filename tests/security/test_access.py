"""Accounts, lockout and roles (issue 6, "Access"), in-process on an encrypted folder and on
PostgreSQL when TRIAGE_TEST_PG_URL is set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from triage_app.domain.access import AccessDeniedError, Role, allowed, can_see_case, parse_role
from triage_app.domain.access import Permission as Perm
from triage_app.domain.records import ChildRecord
from triage_app.services import auth, cases, children, permissions
from triage_app.store.keyring import Keyring, LockPolicy

from .helpers import ADMIN, FAST, PG_URL, Clock, location, private_pg_database

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NURSE = auth.Credentials("bob", "nurse-password-1")
LEAD = auth.Credentials("carol", "lead-password-1")


def audit_entities(ctx) -> list[tuple[str, str]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(text("SELECT entity, entity_id FROM audit_event ORDER BY id")).all()
    return [tuple(r) for r in rows]


def test_role_rules():
    assert allowed("administrator", Perm.MANAGE_USERS) and not allowed(
        "clinician", Perm.MANAGE_USERS
    )
    assert not allowed("safeguarding_lead", Perm.MANAGE_USERS)
    assert allowed("safeguarding_lead", Perm.VIEW_ALL_CASES) and not allowed(
        "clinician", Perm.VIEW_ALL_CASES
    )
    assert not allowed(None, Perm.MANAGE_USERS) and not allowed("superuser", Perm.RECORD)
    assert can_see_case("clinician", "bob", "bob") and not can_see_case("clinician", "bob", "x")
    assert parse_role("Safeguarding-Lead") is Role.SAFEGUARDING_LEAD
    with pytest.raises(ValueError, match="known: clinician"):
        parse_role("nurse")


def test_init_makes_an_administrator_with_an_argon2_hash_and_audits_it(admin_ctx, folder):
    with admin_ctx.engine.connect() as conn:
        role, hashed, active = conn.execute(
            text("SELECT role, password_hash, active FROM app_user WHERE username = 'alice'")
        ).one()
    assert role == "administrator" and hashed.startswith("$argon2id$") and active
    assert ("user", "alice") in audit_entities(admin_ctx)
    assert ("sign_in", "alice") in audit_entities(admin_ctx)
    with pytest.raises(auth.SignInError, match="already holds a database"):
        auth.initialise(location(folder), ADMIN, kdf=FAST)


def test_five_failures_lock_for_fifteen_minutes_and_every_one_is_audited(admin_ctx, folder):
    admin_ctx.close()
    loc = location(folder)
    wrong = auth.Credentials("alice", "wrong-password")
    for i in range(4):
        with pytest.raises(auth.WrongCredentialsError):
            auth.sign_in(loc, wrong, now_utc=T0 + timedelta(seconds=i))
    with pytest.raises(auth.AccountLockedError, match="locked .* until 2026-01-05 09:15 UTC"):
        auth.sign_in(loc, wrong, now_utc=T0 + timedelta(seconds=4))
    with pytest.raises(auth.AccountLockedError):  # even the right password waits
        auth.sign_in(loc, ADMIN, now_utc=T0 + timedelta(minutes=14))
    ctx = auth.sign_in(loc, ADMIN, now_utc=T0 + timedelta(minutes=16), clock=Clock())
    entities = [e for e, who in audit_entities(ctx) if who == "alice"]
    ctx.close()
    tail = entities[-7:]
    assert tail == ["sign_in_failure"] * 5 + ["account_lock", "sign_in"]
    assert Keyring(folder).pending_events() == {}


def test_only_an_administrator_adds_users_and_the_new_user_has_their_own_key(admin_ctx, folder):
    loc = location(folder)
    ring = Keyring(folder, params=FAST)
    permissions.add_account(admin_ctx, NURSE, Role.CLINICIAN, ring)
    permissions.add_account(admin_ctx, LEAD, Role.SAFEGUARDING_LEAD, ring)
    assert {a.username: a.role for a in permissions.list_accounts(admin_ctx)} == {
        "alice": "administrator", "bob": "clinician", "carol": "safeguarding_lead",
    }  # fmt: skip
    with pytest.raises(auth.SignInError, match="already exists"):
        permissions.add_account(admin_ctx, NURSE, Role.CLINICIAN, ring)
    nurse = auth.sign_in(loc, NURSE)
    assert nurse.role == "clinician"
    with pytest.raises(AccessDeniedError, match="needs the role administrator"):
        permissions.add_account(
            nurse, auth.Credentials("eve", "eve-password-1"), Role.ADMINISTRATOR, ring
        )
    with pytest.raises(AccessDeniedError):
        permissions.list_accounts(nurse)
    nurse.close()
    assert "eve" not in ring.users()
    # Found by mypy: a name without a password used to fail with a TypeError.
    for short in (auth.Credentials("dave"), auth.Credentials("dave", "short")):
        with pytest.raises(auth.SignInError, match="at least 8 characters"):
            permissions.add_account(admin_ctx, short, Role.CLINICIAN, ring)
    assert "dave" not in ring.users()


def test_a_clinician_sees_only_their_cases_and_a_lead_sees_all(admin_ctx, folder):
    ring = Keyring(folder, params=FAST)
    permissions.add_account(admin_ctx, NURSE, Role.CLINICIAN, ring)
    permissions.add_account(admin_ctx, LEAD, Role.SAFEGUARDING_LEAD, ring)
    loc = location(folder)
    ids = {}
    for n, who in enumerate((NURSE, LEAD)):
        ctx = auth.sign_in(loc, who)
        child = children.record_child(ctx, ChildRecord(date(2025, 7, 20), "Example", f"Ava{n}"))
        ids[who.user] = cases.open_case(ctx, child.id).id
        ctx.close()
    nurse, lead = auth.sign_in(loc, NURSE), auth.sign_in(loc, LEAD)
    assert [c.case.id for c in permissions.visible_cases(nurse)] == [ids["bob"]]
    assert sorted(c.case.id for c in permissions.visible_cases(lead)) == sorted(ids.values())
    assert [c.case.id for c in permissions.visible_cases(admin_ctx)] == []
    nurse.close()
    lead.close()


def test_an_inactive_account_cannot_sign_in(admin_ctx, folder):
    ring = Keyring(folder, params=FAST)
    permissions.add_account(admin_ctx, NURSE, Role.CLINICIAN, ring)
    with admin_ctx.engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET active = 0 WHERE username = 'bob'"))
    with pytest.raises(auth.WrongCredentialsError, match="not active"):
        auth.sign_in(location(folder), NURSE)


def test_a_folder_without_a_database_says_to_run_init(folder):
    with pytest.raises(auth.NotInitialisedError, match="triage-app init --user NAME"):
        auth.sign_in(location(folder), ADMIN)


def test_no_credentials_on_an_encrypted_folder_is_refused(admin_ctx, folder):
    with pytest.raises(auth.CredentialsNeededError, match="TRIAGE_USER and TRIAGE_PASSWORD"):
        auth.sign_in(location(folder), None)


# PostgreSQL: the same rules; the password is checked against app_user, the lock read back
# from the audit trail.
@pytest.fixture
def pg_loc(tmp_path):
    if not PG_URL:
        pytest.skip("TRIAGE_TEST_PG_URL not set")
    with private_pg_database() as url:
        yield auth.Location(tmp_path, url, None)


def test_postgresql_init_sign_in_and_lockout(pg_loc):
    ctx = auth.initialise(pg_loc, ADMIN)
    ctx.close()
    with pytest.raises(auth.CredentialsNeededError):
        auth.sign_in(pg_loc, None)
    wrong = auth.Credentials("alice", "wrong-password")
    policy = LockPolicy(max_failures=5, lock_minutes=15)
    for i in range(4):
        with pytest.raises(auth.WrongCredentialsError):
            auth.sign_in(pg_loc, wrong, policy=policy, now_utc=T0 + timedelta(seconds=i))
    with pytest.raises(auth.AccountLockedError, match="until 2026-01-05 09:15 UTC"):
        auth.sign_in(pg_loc, wrong, policy=policy, now_utc=T0 + timedelta(seconds=5))
    with pytest.raises(auth.AccountLockedError):
        auth.sign_in(pg_loc, ADMIN, policy=policy, now_utc=T0 + timedelta(minutes=10))
    ctx = auth.sign_in(pg_loc, ADMIN, policy=policy, now_utc=T0 + timedelta(minutes=16))
    assert ctx.role == "administrator"
    entities = [e for e, who in audit_entities(ctx) if who == "alice"]
    ctx.close()
    assert entities[-7:] == ["sign_in_failure"] * 5 + ["account_lock", "sign_in"]


def test_a_failure_for_an_unknown_name_is_audited_without_the_name(admin_ctx, folder):
    admin_ctx.close()
    with pytest.raises(auth.WrongCredentialsError):
        auth.sign_in(location(folder), auth.Credentials("admin-password-typo", "x" * 10))
    ctx = auth.sign_in(location(folder), ADMIN, clock=Clock())
    events = audit_entities(ctx)
    ctx.close()
    assert ("sign_in_failure", "(unknown user)") in events
    assert not any("typo" in (who or "") for _, who in events)


def test_postgresql_user_add_and_roles(pg_loc):
    admin = auth.initialise(pg_loc, ADMIN)
    permissions.add_account(admin, NURSE, Role.CLINICIAN, None)
    admin.close()
    nurse = auth.sign_in(pg_loc, NURSE)
    assert nurse.role == "clinician"
    with pytest.raises(AccessDeniedError):
        permissions.list_accounts(nurse)
    nurse.close()
