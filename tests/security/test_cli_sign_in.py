"""init, sign-in, users, demo, backup and restore as a user runs them: real processes,
credentials from the environment (stdin is never a terminal here). Most run the program
through ``tests/fast_kdf.py`` (test-speed Argon2); the sign-in test runs it as shipped
(``real=True``), full-strength key derivation included."""

from __future__ import annotations

import json
import stat

import pytest

from triage_app.services import demo

from .helpers import run_cli

ADMIN = {"TRIAGE_USER": "alice", "TRIAGE_PASSWORD": "admin-password-1"}


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    result = run_cli(home, "init", "--user", "alice", TRIAGE_PASSWORD="admin-password-1")
    assert result.returncode == 0, result.stderr
    assert "encrypted database with administrator 'alice'" in result.stdout
    return home


def test_init_makes_a_private_folder_key_file_and_encrypted_database(home):
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "keys.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "triage.sqlite3").stat().st_mode) == 0o600
    assert (home / "triage.sqlite3").read_bytes()[:16] != b"SQLite format 3\x00"
    assert list(json.loads((home / "keys.json").read_text())["users"]) == ["alice"]


def test_init_refuses_without_a_password_when_not_on_a_terminal(tmp_path):
    result = run_cli(tmp_path / "h", "init", "--user", "alice")
    assert result.returncode == 2 and "set TRIAGE_PASSWORD" in result.stderr
    assert not (tmp_path / "h" / "keys.json").exists()


def test_init_refuses_a_folder_that_already_has_a_database(home):
    result = run_cli(home, "init", "--user", "mallory", TRIAGE_PASSWORD="another-password")
    assert result.returncode == 1 and "already holds a database" in result.stderr
    assert list(json.loads((home / "keys.json").read_text())["users"]) == ["alice"]


def test_commands_need_a_sign_in_and_a_wrong_password_opens_nothing(tmp_path):
    home = tmp_path / "home"  # the program as shipped: full-strength Argon2 throughout
    result = run_cli(home, "init", "--user", "alice", real=True, **ADMIN)
    assert result.returncode == 0, result.stderr
    result = run_cli(home, "cases", real=True)
    assert result.returncode == 1 and "needs a sign-in" in result.stderr
    result = run_cli(home, "cases", real=True, TRIAGE_USER="alice", TRIAGE_PASSWORD="Hunter2-wrong")
    assert result.returncode == 1 and result.stdout == ""
    assert "unknown user or wrong password" in result.stderr
    assert "Hunter2-wrong" not in result.stderr and "Traceback" not in result.stderr
    result = run_cli(home, "cases", real=True, **ADMIN)
    assert result.returncode == 0, result.stderr


def test_a_locked_account_says_until_when_and_the_failures_reach_the_audit_trail(home):
    for _ in range(4):
        run_cli(home, "audit", "verify", TRIAGE_USER="alice", TRIAGE_PASSWORD="wrong-password")
    result = run_cli(home, "audit", "verify", TRIAGE_USER="alice", TRIAGE_PASSWORD="wrong-pass")
    assert result.returncode == 1 and "locked" in result.stderr and "until" in result.stderr
    result = run_cli(home, "audit", "verify", **ADMIN)
    assert result.returncode == 1 and "locked" in result.stderr


def test_user_add_is_for_administrators_and_the_new_user_signs_in(home):
    result = run_cli(
        home,
        "user",
        "add",
        "bob",
        "--role",
        "clinician",
        TRIAGE_NEW_PASSWORD="nurse-pass-1",
        **ADMIN,
    )
    assert result.returncode == 0 and "added 'bob' (clinician)" in result.stdout
    bob = {"TRIAGE_USER": "bob", "TRIAGE_PASSWORD": "nurse-pass-1"}
    result = run_cli(home, "user", "list", **bob)
    assert result.returncode == 1 and "may not manage users" in result.stderr
    result = run_cli(
        home, "user", "add", "eve", "--role", "administrator", TRIAGE_NEW_PASSWORD="x" * 12, **bob
    )
    assert result.returncode == 1 and "may not manage users" in result.stderr
    result = run_cli(home, "user", "list", **ADMIN)
    assert result.returncode == 0
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["alice", "administrator"], ["bob", "clinician"],
    ]  # fmt: skip
    result = run_cli(home, "user", "add", "x", "--role", "nurse", **ADMIN)
    assert result.returncode == 2 and "unknown role 'nurse'" in result.stderr


def test_demo_load_into_a_fresh_folder_creates_the_demo_account_and_says_synthetic(tmp_path):
    home = tmp_path / "demo-home"
    result = run_cli(home, "demo", "load")
    assert result.returncode == 0, result.stderr
    assert "'demo'" in result.stdout and "'demo-password'" in result.stdout
    assert "synthetic" in result.stdout
    result = run_cli(
        home,
        "history",
        "--nhs-number",
        demo.AF_NHS,
        TRIAGE_USER="demo",
        TRIAGE_PASSWORD="demo-password",
    )
    assert result.returncode == 0 and "ASHBY, Alfie" in result.stdout
    result = run_cli(
        home,
        "history",
        "--nhs-number",
        demo.AF_NHS,
        TRIAGE_USER="demo",
        TRIAGE_PASSWORD="nope-nope",
    )
    assert result.returncode == 1 and "wrong password" in result.stderr


def test_assess_without_lookup_needs_no_account(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "schema": "triage-assess/1",
                "assessed_at": "2030-01-01T09:00",
                "setting": "gp",
                "child": {"date_of_birth": "2029-11-01"},
                "findings": [{"kind": "bruise", "site": "thigh"}],
            }
        )
    )
    result = run_cli(tmp_path / "nohome", "assess", str(case))
    assert result.returncode == 0 and json.loads(result.stdout)["schema"] == "triage-decision/1"
    assert not (tmp_path / "nohome").exists()


def test_backup_and_restore_by_command(home, tmp_path):
    assert run_cli(home, "demo", "load", **ADMIN).returncode == 0
    out = tmp_path / "copy.triage-backup"
    result = run_cli(home, "backup", str(out), **ADMIN)
    assert result.returncode == 0 and "backup written" in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    result = run_cli(home, "restore", str(out), **ADMIN)
    assert result.returncode == 1 and "already holds a database" in result.stderr
    other = tmp_path / "restored"
    result = run_cli(
        other, "restore", str(out), TRIAGE_USER="alice", TRIAGE_PASSWORD="wrong-password"
    )
    assert result.returncode == 1 and not (other / "triage.sqlite3").exists()
    result = run_cli(other, "restore", str(out), **ADMIN)
    assert result.returncode == 0, result.stderr
    result = run_cli(other, "history", "--nhs-number", demo.AF_NHS, **ADMIN)
    assert result.returncode == 0 and "ASHBY, Alfie" in result.stdout
    result = run_cli(other, "audit", "verify", **ADMIN)
    assert result.returncode == 0 and "intact" in result.stdout


def test_assess_lookup_signs_in(home, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "schema": "triage-assess/1",
                "assessed_at": "2030-01-01T09:00",
                "setting": "gp",
                "child": {"date_of_birth": "2029-11-01", "nhs_number": demo.AF_NHS},
                "findings": [{"kind": "bruise", "site": "thigh"}],
            }
        )
    )
    result = run_cli(home, "assess", str(case), "--lookup")
    assert result.returncode == 1 and result.stdout == "" and "needs a sign-in" in result.stderr
    result = run_cli(home, "assess", str(case), "--lookup", **ADMIN)
    assert result.returncode == 0 and json.loads(result.stdout)["schema"] == "triage-decision/1"


def test_init_sets_the_lock_rule(tmp_path):
    home = tmp_path / "h"
    result = run_cli(
        home, "init", "--user", "alice", "--lock-after", "2", "--lock-minutes", "30", **ADMIN
    )
    assert result.returncode == 0, result.stderr
    run_cli(home, "cases", TRIAGE_USER="alice", TRIAGE_PASSWORD="wrong-password")
    result = run_cli(home, "cases", TRIAGE_USER="alice", TRIAGE_PASSWORD="wrong-password")
    assert result.returncode == 1 and "locked" in result.stderr


def test_a_user_changes_their_own_password(home):
    result = run_cli(home, "user", "passwd", TRIAGE_NEW_PASSWORD="a-new-password-2", **ADMIN)
    assert result.returncode == 0 and "password changed for 'alice'" in result.stdout
    result = run_cli(home, "cases", **ADMIN)
    assert result.returncode == 1 and "wrong password" in result.stderr
    result = run_cli(home, "cases", TRIAGE_USER="alice", TRIAGE_PASSWORD="a-new-password-2")
    assert result.returncode == 0, result.stderr
    result = run_cli(
        home,
        "user",
        "passwd",
        TRIAGE_USER="alice",
        TRIAGE_PASSWORD="a-new-password-2",
        TRIAGE_NEW_PASSWORD="short",
    )
    assert result.returncode == 2 and "at least 8 characters" in result.stderr


def test_user_add_keeps_the_professional_profile_printed_as_the_referrer(home):
    profile = [
        "--full-name", "Dr Rosa Patel", "--professional-role", "ed_doctor",
        "--organisation", "Example ED", "--phone", "01632 960 777",
    ]  # fmt: skip
    result = run_cli(
        home, "user", "add", "rosa", "--role", "clinician", *profile,
        TRIAGE_NEW_PASSWORD="rosa-pass-1", **ADMIN,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no professional profile" not in result.stderr
    from triage_app.bootstrap import open_record_store
    from triage_app.services import handover

    ctx = open_record_store(str(home), None, "rosa", "rosa-pass-1")
    try:
        assert handover.default_referrer(ctx) == handover.ReferrerDetails(
            "Dr Rosa Patel", "ed_doctor", "Example ED", "01632 960 777"
        )
    finally:
        ctx.close()
    result = run_cli(
        home, "user", "add", "half", "--role", "clinician", "--full-name", "Half Given",
        TRIAGE_NEW_PASSWORD="half-pass-1", **ADMIN,
    )  # fmt: skip
    assert result.returncode == 2 and "also needs: professional role" in result.stderr
    result = run_cli(
        home, "user", "add", "bare", "--role", "clinician", TRIAGE_NEW_PASSWORD="bare-pass-1",
        **ADMIN,
    )  # fmt: skip
    assert result.returncode == 0 and "has no professional profile" in result.stderr
