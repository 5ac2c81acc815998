"""The encrypted draft store: round trip, private atomic file, per user, wrong key refused."""

import os
import secrets
import stat
from datetime import datetime

import pytest

from triage_app.services import drafts
from triage_app.services.context import open_store

KEY = secrets.token_bytes(32)
DRAFT = {"child": {"family_name": "Draftchild", "nhs_number": "9990000026"}, "step": 3}


def _store(folder, key=KEY, user="alice"):
    return drafts.EncryptedDraftStore(folder, key, user, lambda: datetime(2025, 9, 3, 10, 5))


def test_save_load_discard_round_trip(tmp_path):
    store = _store(tmp_path)
    assert store.load() is None
    saved = store.save(DRAFT)
    assert saved.saved_at == datetime(2025, 9, 3, 10, 5)
    assert store.load() == drafts.StoredDraft(datetime(2025, 9, 3, 10, 5), DRAFT)
    store.discard()
    assert store.load() is None
    store.discard()  # nothing to discard: no error


def test_the_file_is_private_encrypted_and_alone(tmp_path):
    store = _store(tmp_path)
    store.save(DRAFT)
    store.save({**DRAFT, "step": 4})
    assert [p.name for p in tmp_path.iterdir()] == [store.path.name]  # no temp file left
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    raw = store.path.read_bytes()
    assert b"Draftchild" not in raw and b"9990000026" not in raw and b"alice" not in raw
    assert store.load().data["step"] == 4


def test_a_wrong_key_or_another_user_cannot_read_the_draft(tmp_path):
    _store(tmp_path).save(DRAFT)
    with pytest.raises(drafts.DraftUnreadableError):
        _store(tmp_path, key=secrets.token_bytes(32)).load()
    other = _store(tmp_path, user="bob")
    assert other.load() is None  # each user has their own draft
    os.replace(_store(tmp_path).path, other.path)
    with pytest.raises(drafts.DraftUnreadableError):
        other.load()  # alice's draft under bob's name: bound to its owner


def test_a_changed_file_is_refused(tmp_path):
    store = _store(tmp_path)
    store.save(DRAFT)
    raw = bytearray(store.path.read_bytes())
    raw[-1] ^= 1
    store.path.write_bytes(bytes(raw))
    with pytest.raises(drafts.DraftUnreadableError):
        store.load()


def test_a_failed_write_keeps_the_previous_draft(tmp_path, monkeypatch):
    store = _store(tmp_path)
    store.save(DRAFT)

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(drafts.os, "replace", broken)
    with pytest.raises(OSError):
        store.save({"step": 9})
    monkeypatch.undo()
    assert store.load().data == DRAFT
    assert [p.name for p in tmp_path.iterdir()] == [store.path.name]


def test_the_key_is_never_in_a_repr(tmp_path):
    store = _store(tmp_path)
    assert KEY.hex() not in repr(store) and repr(KEY) not in repr(store)


def test_a_store_without_a_local_key_has_no_encrypted_drafts(tmp_path, db_url, clock):
    ctx = open_store(db_url, user="tester", clock=clock)
    try:
        assert ctx.database_key is None
        assert drafts.draft_store_for(ctx, tmp_path) is None
    finally:
        ctx.close()


def test_one_draft_per_slot_and_the_slots_are_listed_without_names(tmp_path):
    store = _store(tmp_path)
    other = {"child": {"family_name": "Second"}, "step": 1}
    store.save(DRAFT, "a1")
    store.save(other, "b2")
    assert store.slots() == ["a1", "b2"]
    assert store.load("a1").data == DRAFT and store.load("b2").data == other
    assert store.load() is None  # the unnamed slot of earlier versions is separate
    assert all("Draftchild" not in p.name and "alice" not in p.name for p in tmp_path.iterdir())
    assert _store(tmp_path, user="bob").slots() == []  # another user's drafts are not theirs
    store.discard("a1")
    assert store.slots() == ["b2"] and store.load("b2").data == other


@pytest.mark.parametrize("slot", ["../x", "ABC", "a" * 33, "a b"])
def test_a_slot_is_an_opaque_hex_key(tmp_path, slot):
    with pytest.raises(ValueError, match="hex"):
        _store(tmp_path).save(DRAFT, slot)
