"""The database key is wrapped per user; a wrong password cannot unwrap it; failures lock."""

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest

from triage_app.store.keyring import (
    AccountLockedError,
    KdfParams,
    Keyring,
    KeyringError,
    LockPolicy,
    WrongPasswordError,
)

FAST = KdfParams(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def ring(tmp_path):
    return Keyring(
        tmp_path / "data", params=FAST, policy=LockPolicy(max_failures=5, lock_minutes=15)
    )


def test_the_key_file_holds_no_plain_key_and_is_private(ring):
    key = ring.create("admin", "correct horse")
    raw = ring.path.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    assert json.loads(raw)["users"]["admin"]["kdf"] == "argon2id"
    assert stat.S_IMODE(ring.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ring.path.parent.stat().st_mode) == 0o700


def test_the_right_password_unwraps_the_same_key_and_a_wrong_one_does_not(ring):
    key = ring.create("admin", "correct horse")
    assert ring.unlock("admin", "correct horse", T0) == key
    with pytest.raises(WrongPasswordError):
        ring.unlock("admin", "Correct horse", T0)
    with pytest.raises(WrongPasswordError):
        ring.unlock("nobody", "correct horse", T0)


def test_each_user_has_their_own_wrapping_of_one_key(ring):
    key = ring.create("admin", "correct horse")
    ring.add_user(key, "nurse", "battery staple")
    assert ring.unlock("nurse", "battery staple", T0) == key
    assert ring.users() == ["admin", "nurse"]
    ring.remove_user("nurse")
    with pytest.raises(WrongPasswordError):
        ring.unlock("nurse", "battery staple", T0)
    with pytest.raises(KeyringError, match="last user"):
        ring.remove_user("admin")


def test_a_wrapping_copied_to_another_user_does_not_open(ring):
    key = ring.create("admin", "correct horse")
    ring.add_user(key, "nurse", "battery staple")
    data = json.loads(ring.path.read_text())
    data["users"]["nurse"] = dict(data["users"]["admin"])
    ring.path.write_text(json.dumps(data))
    with pytest.raises(WrongPasswordError):
        ring.unlock("nurse", "correct horse", T0)


def test_changing_a_password_keeps_the_key(ring):
    key = ring.create("admin", "correct horse")
    ring.change_password("admin", "correct horse", "new password!", T0)
    assert ring.unlock("admin", "new password!", T0) == key
    with pytest.raises(WrongPasswordError):
        ring.unlock("admin", "correct horse", T0)


def test_five_failures_lock_the_account_for_fifteen_minutes(ring):
    ring.create("admin", "correct horse")
    for i in range(4):
        with pytest.raises(WrongPasswordError):
            ring.unlock("admin", "guess", T0 + timedelta(seconds=i))
    with pytest.raises(AccountLockedError) as exc:
        ring.unlock("admin", "guess", T0 + timedelta(seconds=5))
    assert exc.value.until == T0 + timedelta(seconds=5, minutes=15)
    with pytest.raises(AccountLockedError):  # even the right password waits
        ring.unlock("admin", "correct horse", T0 + timedelta(minutes=10))
    assert ring.unlock("admin", "correct horse", T0 + timedelta(minutes=16))
    events = [e["event"] for e in ring.take_events("admin")]
    assert events == ["failure"] * 5 + ["locked"]
    assert ring.take_events("admin") == []


def test_short_passwords_and_damaged_files_are_refused_clearly(ring):
    with pytest.raises(KeyringError, match="at least 8 characters"):
        ring.create("admin", "short")
    ring.create("admin", "correct horse")
    ring.path.write_text("{not json")
    with pytest.raises(KeyringError, match="is damaged"):
        ring.unlock("admin", "correct horse", T0)


@pytest.mark.parametrize("content", ["[]", '"a key"', "null", '{"format": 1, "users": []}'])
def test_a_key_file_that_is_json_but_not_a_key_file_is_refused_clearly(ring, content):
    # Found by mypy: a JSON list or string used to fail with AttributeError, not this message.
    ring.create("admin", "correct horse")
    ring.path.write_text(content)
    with pytest.raises(KeyringError, match="is not a triage-app key file"):
        ring.unlock("admin", "correct horse", T0)


def test_a_demonstration_folder_is_marked(ring, tmp_path):
    ring.create("demo", "demo-password", demo=True)
    assert ring.is_demo()
    other = Keyring(tmp_path / "other", params=FAST)
    other.create("admin", "correct horse")
    assert not other.is_demo()


def test_pending_events_are_cleared_only_once_written(ring):
    ring.create("admin", "correct horse")
    for i in range(2):
        with pytest.raises(WrongPasswordError):
            ring.unlock("admin", "wrong horse", T0 + timedelta(seconds=i))
    pending = ring.pending_events()
    assert [e["event"] for e in pending["admin"]] == ["failure", "failure"]
    ring.clear_events("admin", 1)
    assert len(ring.pending_events()["admin"]) == 1
    ring.clear_events("admin", 1)
    assert ring.pending_events() == {}


def test_failures_for_unknown_user_names_are_kept_without_the_name(ring):
    from triage_app.store.keyring import UNKNOWN_USER

    ring.create("admin", "correct horse")
    with pytest.raises(WrongPasswordError):
        ring.unlock("correct horse", "admin", T0)  # name and password swapped
    assert "correct horse" not in ring.path.read_text().replace('"admin"', "")
    assert [e["event"] for e in ring.pending_events()[UNKNOWN_USER]] == ["failure"]
    ring.clear_events(UNKNOWN_USER, 1)
    assert ring.pending_events() == {}


def test_the_lock_rule_is_kept_in_the_key_file(tmp_path):
    ring = Keyring(tmp_path / "k", params=FAST)
    ring.create("admin", "correct horse", policy=LockPolicy(max_failures=2, lock_minutes=60))
    reopened = Keyring(tmp_path / "k")
    assert reopened.policy == LockPolicy(2, 60)
    with pytest.raises(WrongPasswordError):
        reopened.unlock("admin", "wrong horse", T0)
    with pytest.raises(AccountLockedError) as err:
        reopened.unlock("admin", "wrong horse", T0)
    assert err.value.until == T0 + timedelta(minutes=60)
    with pytest.raises(KeyringError, match="at least 1"):
        Keyring(tmp_path / "z").create("a", "correct horse", policy=LockPolicy(0, 1))
