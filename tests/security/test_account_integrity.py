"""Account integrity and the full `audit verify` (issue 13).

Every account's name, role and state is signed by an administrator's Ed25519 key (held only
wrapped under that administrator's password). A clinician who opens the database with their
own password and raises their role, in SQL, is refused at sign-in and named by `audit
verify`; each way of tampering with a sealed record is caught; `restore` runs the same full
check and refuses every tampered backup.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from triage_app.domain.access import Role
from triage_app.services import audit_log, auth, backup, cases, handover, permissions, referrals
from triage_app.services.assessments import record_assessment
from triage_app.store import signing
from triage_app.store.db import make_engine
from triage_app.store.keyring import Keyring

from .helpers import ADMIN, FAST, Clock, location

BOB = auth.Credentials("bob", "bob-password-1")
CLINICIAN = Role.CLINICIAN


def add(ctx, folder, creds, role):
    return permissions.add_account(ctx, creds, role, Keyring(folder, params=FAST))


def as_attacker(folder: Path, creds=BOB):
    """What a clinician can do with their own password: unwrap the key, open the database."""
    key = Keyring(folder).unlock(creds.user, creds.password)
    return make_engine(folder / "triage.sqlite3", key=key)


def sql(folder, statement, creds=BOB, **params):
    """Run SQL as the attacker: triggers dropped, foreign keys off, committed at once."""
    engine = as_attacker(folder, creds)
    raw = engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()
        cur.execute("PRAGMA foreign_keys = OFF")
        for name in ("referral_record_no_update", "referral_record_no_delete"):
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        cur.execute(statement, params)
        cur.close()
    finally:
        raw.close()
        engine.dispose()


def verify_folder(folder, creds=ADMIN):
    ctx = auth.sign_in(location(folder), creds, kdf=FAST)
    try:
        return audit_log.verify(ctx, Keyring(folder))
    finally:
        ctx.close()


@pytest.fixture
def team(folder):
    """alice (administrator) and bob (clinician)."""
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST, clock=Clock())
    add(ctx, folder, BOB, CLINICIAN)
    ctx.close()
    return folder


def test_accounts_are_signed_and_a_fresh_folder_verifies(team):
    check = verify_folder(team)
    assert check.intact, check.problem
    assert check.accounts == 2
    ctx = auth.sign_in(location(team), BOB, kdf=FAST)
    assert ctx.role == "clinician"
    ctx.close()


def test_a_role_raised_in_the_database_is_refused_at_sign_in_and_named_by_audit_verify(team):
    sql(team, "UPDATE app_user SET role = 'administrator' WHERE username = 'bob'")
    with pytest.raises(auth.AccountIntegrityError, match="does not match the signature"):
        auth.sign_in(location(team), BOB, kdf=FAST)
    check = verify_folder(team)
    assert not check.intact and check.broken_account == "bob"


def test_a_clinician_cannot_sign_their_own_raised_role_with_a_key_of_their_own(team):
    private, public, secret = signing.new_signer(BOB.password, "bob", FAST)
    engine = as_attacker(team)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET role='administrator', signing_key=:k WHERE username='bob'"),
            {"k": public},
        )
    with engine.begin() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as s:
            from triage_app.store.orm import User

            row = s.query(User).filter_by(username="bob").one()
            signing.sign_account(row, private, "bob")
            s.commit()
    engine.dispose()
    with pytest.raises(auth.AccountIntegrityError):
        auth.sign_in(location(team), BOB, kdf=FAST)
    assert verify_folder(team).broken_account == "bob"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE app_user SET active = 0 WHERE username = 'alice'",  # state of the anchor
        "UPDATE app_user SET signature = NULL WHERE username = 'bob'",
        "UPDATE app_user SET signed_by = 'bob' WHERE username = 'bob'",
        "UPDATE app_user SET username = 'carol' WHERE username = 'bob'",
    ],
)
def test_each_change_to_an_account_record_is_named_by_audit_verify(team, statement):
    sql(team, statement)
    creds = ADMIN if "alice" not in statement else BOB
    check = verify_folder(team, creds) if "active = 0" not in statement else None
    if check is None:  # the administrator is now inactive: bob signs in and verifies
        with pytest.raises(auth.SignInError):
            auth.sign_in(location(team), ADMIN, kdf=FAST)
        return
    assert not check.intact and check.broken_account is not None


def test_an_administrator_added_by_an_administrator_can_add_accounts_in_turn(team):
    carol = auth.Credentials("carol", "carol-password-1")
    ctx = auth.sign_in(location(team), ADMIN, kdf=FAST)
    add(ctx, team, carol, Role.ADMINISTRATOR)
    ctx.close()
    ctx = auth.sign_in(location(team), carol, kdf=FAST)
    add(ctx, team, auth.Credentials("dave", "dave-password-1"), CLINICIAN)
    ctx.close()
    assert verify_folder(team).intact


def test_a_changed_lock_policy_in_the_key_file_is_caught(team):
    keys = team / "keys.json"
    data = json.loads(keys.read_text())
    data["lock_policy"] = {"max_failures": 1_000_000, "lock_minutes": 1}
    keys.write_text(json.dumps(data))
    check = verify_folder(team)
    assert not check.intact and "lock policy" in check.problem


# --- sealed records -------------------------------------------------------------------


def make_sealed(folder):
    ctx = auth.sign_in(location(folder), BOB, kdf=FAST)
    try:
        data = {
            "schema": "triage-assess/1",
            "assessed_at": "2026-01-05T09:00",
            "setting": "gp",
            "child": {"family_name": "Test", "given_name": "Ann", "date_of_birth": "2025-12-01"},
            "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
            "explanation": {"text": "rolled against the cot", "given_by": "mother"},
        }
        rec = record_assessment(ctx, data, organisation="Test Surgery", complaint="bruise")
        c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
        c = cases.record_phone_referral(
            ctx, c.id, c.version, called_at=rec.presentation.seen_at + timedelta(minutes=5),
            person="Dr Carter",
        )  # fmt: skip
        handover.record_location(ctx, c.id, "home", "home address", "mother")  # needed to seal
        referrals.finalise_case(ctx, c.id)
        referrals.add_addendum(ctx, c.id, "a later result")
        return c.id
    finally:
        ctx.close()


SEALED_TAMPERINGS = {
    "sealed_by": "UPDATE referral_record SET sealed_by = 'mallory' WHERE version = 1",
    "sealed_at": "UPDATE referral_record SET sealed_at = '2020-01-01 00:00:00.000000' "
    "WHERE version = 1",
    "addendum_reason": "UPDATE referral_record SET addendum_reason = 'other' WHERE version = 2",
    "delete the addendum": "DELETE FROM referral_record WHERE version = 2",
    "delete version 1": "DELETE FROM referral_record WHERE version = 1",
    "delete all and clear the flag": "DELETE FROM referral_record; "
    "UPDATE safeguarding_case SET sealed = 0",
    "clear the flag": "UPDATE safeguarding_case SET sealed = 0",
    "pdf": "UPDATE referral_record SET pdf = CAST('x' AS BLOB) WHERE version = 1",
    "content hash": "UPDATE referral_record SET content_sha256 = 'ab' WHERE version = 1",
    "record uid": "UPDATE referral_record SET record_uid = 'R-X' WHERE version = 1",
}


@pytest.mark.parametrize("what", sorted(SEALED_TAMPERINGS))
def test_each_sealed_record_tampering_is_caught_by_audit_verify(team, what):
    make_sealed(team)
    assert verify_folder(team).intact
    for statement in SEALED_TAMPERINGS[what].split("; "):
        sql(team, statement)
    check = verify_folder(team)
    assert not check.intact, what
    assert check.broken_record is not None, check.problem


# --- restore runs the full check --------------------------------------------------------


def tampered_backup(folder: Path, tmp_path: Path, statement: str | None, keys_edit=None) -> Path:
    """Take a backup of ``folder``, change its database or key file, fix the manifest sums."""
    ctx = auth.sign_in(location(folder), ADMIN, kdf=FAST)
    out = tmp_path / "b.tar"
    backup.create_backup(ctx, location(folder), out)
    ctx.close()
    work = tmp_path / "unpacked"
    work.mkdir()
    with tarfile.open(out) as tar:
        tar.extractall(work, filter="data")
    if statement is not None:
        copy = tmp_path / "copy"
        copy.mkdir()
        shutil.copy(work / "keys.json", copy / "keys.json")
        shutil.copy(work / backup.DATABASE, copy / "triage.sqlite3")
        for part in statement.split("; "):
            sql(copy, part)
        shutil.copy(copy / "triage.sqlite3", work / backup.DATABASE)
    if keys_edit is not None:
        data = json.loads((work / "keys.json").read_text())
        keys_edit(data)
        (work / "keys.json").write_text(json.dumps(data))
    manifest = json.loads((work / backup.MANIFEST).read_text())
    for name in ("keys.json", backup.DATABASE):
        manifest["sha256"][name] = backup._sha256(work / name)
    (work / backup.MANIFEST).write_text(json.dumps(manifest))
    forged = tmp_path / "forged.tar"
    with tarfile.open(forged, "w") as tar:
        for name in backup.MEMBERS:
            tar.add(work / name, arcname=name)
    return forged


def weaken_policy(data):
    data["lock_policy"] = {"max_failures": 1_000_000, "lock_minutes": 1}


RESTORE_TAMPERINGS = {
    "escalated role": ("UPDATE app_user SET role = 'administrator' WHERE username = 'bob'", None),
    "sealed pdf": ("UPDATE referral_record SET pdf = CAST('x' AS BLOB) WHERE version = 1", None),
    "sealed_by": ("UPDATE referral_record SET sealed_by = 'mallory' WHERE version = 1", None),
    "addendum_reason": (
        "UPDATE referral_record SET addendum_reason = 'x' WHERE version = 2",
        None,
    ),
    "deleted version": ("DELETE FROM referral_record WHERE version = 2", None),
    "lock policy": (None, weaken_policy),
}


@pytest.mark.parametrize("what", sorted(RESTORE_TAMPERINGS))
def test_restore_refuses_each_tampered_backup(team, tmp_path, what):
    make_sealed(team)
    statement, keys_edit = RESTORE_TAMPERINGS[what]
    forged = tampered_backup(team, tmp_path, statement, keys_edit)
    target = tmp_path / "restored"
    with pytest.raises(backup.BackupError, match="refused"):
        backup.restore_backup(location(target), forged, ADMIN)
    assert not (target / "triage.sqlite3").exists() and not (target / "keys.json").exists()


def test_restore_accepts_an_untouched_backup(team, tmp_path):
    make_sealed(team)
    forged = tampered_backup(team, tmp_path, None)
    target = tmp_path / "restored"
    backup.restore_backup(location(target), forged, ADMIN)
    assert verify_folder(target).intact


def test_an_older_unsigned_database_is_adopted_at_an_administrators_first_sign_in(folder):
    """A folder made before account signing: nobody is locked out; the first administrator
    to sign in becomes the anchor and signs every account; from then on changes are caught."""
    from datetime import datetime

    from triage_app.services.auth import hash_password
    from triage_app.services.context import open_store
    from triage_app.store.orm import User

    ring = Keyring(folder, params=FAST)
    key = ring.create(ADMIN.user, ADMIN.password)
    ring.add_user(key, BOB.user, BOB.password)
    db = folder / "triage.sqlite3"
    ctx = open_store(f"sqlite:///{db}", user="setup", database_file=db, key=key)
    with ctx.session_factory.begin() as s:
        for creds, role in ((ADMIN, "administrator"), (BOB, "clinician")):
            s.add(
                User(
                    username=creds.user,
                    role=role,
                    active=True,
                    password_hash=hash_password(creds.password),
                    created_at=datetime(2026, 1, 1),
                )
            )
    ctx.close()
    auth.sign_in(location(folder), BOB, kdf=FAST).close()  # not refused: nothing is signed yet
    assert verify_folder(folder).intact  # alice signs in: adoption
    sql(folder, "UPDATE app_user SET role = 'administrator' WHERE username = 'bob'")
    with pytest.raises(auth.AccountIntegrityError):
        auth.sign_in(location(folder), BOB, kdf=FAST)
