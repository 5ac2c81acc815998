"""Drafts at rest: an unfinished assessment in an encrypted folder reveals no patient."""

from __future__ import annotations

import secrets

import pytest

from triage_app.services import auth, drafts

from .helpers import ADMIN, FAST, Clock, location
from .test_encryption_at_rest import leaks

NAME, GIVEN, NHS, DOB = "Draftfamily", "Rosalind", "9990000093", "2025-07-20"
DRAFT = {
    "step": 2,
    "assessment": {
        "child": {
            "family_name": NAME,
            "given_name": GIVEN,
            "nhs_number": NHS,
            "date_of_birth": DOB,
        },
        "findings": [{"kind": "bruise", "site": "ear"}],
    },
}
IDENTIFIERS = {NAME, GIVEN, NHS, f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}", DOB, DOB.replace("-", "")}


def test_a_saved_draft_leaves_no_identifier_in_the_data_folder(admin_ctx, folder):
    store = drafts.draft_store_for(admin_ctx, folder)
    assert store is not None
    store.save(DRAFT)
    assert store.path.parent == folder and store.path.exists()
    assert leaks(folder, IDENTIFIERS) == []
    assert store.load().data == DRAFT


def test_a_wrong_key_cannot_read_the_draft(admin_ctx, folder):
    drafts.draft_store_for(admin_ctx, folder).save(DRAFT)
    wrong = drafts.EncryptedDraftStore(folder, secrets.token_bytes(32), admin_ctx.user)
    with pytest.raises(drafts.DraftUnreadableError):
        wrong.load()


def test_the_draft_reopens_after_signing_in_again(admin_ctx, folder):
    drafts.draft_store_for(admin_ctx, folder).save(DRAFT)
    admin_ctx.close()
    again = auth.sign_in(location(folder), ADMIN, kdf=FAST, clock=Clock())
    try:
        assert drafts.draft_store_for(again, folder).load().data == DRAFT
    finally:
        again.close()


def test_the_database_key_is_not_in_any_file_or_repr(admin_ctx, folder):
    key = admin_ctx.database_key
    assert key is not None and len(key) == 32
    drafts.draft_store_for(admin_ctx, folder).save(DRAFT)
    assert key.hex() not in repr(admin_ctx)
    for path in folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert key not in raw and key.hex().encode() not in raw
