"""`audit verify` checks every sealed referral record: tampering with its bytes, its stored
hash, or both, is caught and the record is named (issue 5 and issue 6).

The database refuses UPDATE on ``referral_record``; these tests switch the refusal off for the
duration of the forgery, as an attacker with direct database access could."""

import hashlib
import random
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import text

from triage_app.services import audit_log, cases, handover, referrals
from triage_app.services.assessments import record_assessment


@pytest.fixture
def sealed(ctx, clock, make):
    clock.advance(hours=2)  # after the call below (an action is never recorded in the future)
    rec = record_assessment(ctx, make.case_json())
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "home", "home address on record", "mother")
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=rec.presentation.seen_at + timedelta(minutes=5),
        person="Dr Carter",
    )  # fmt: skip
    return referrals.finalise_case(ctx, c.id)


@contextmanager
def forging(ctx):
    """A raw connection with the sealed table's UPDATE trigger switched off (restored after)."""
    sqlite = ctx.engine.dialect.name == "sqlite"
    with ctx.engine.connect() as conn:
        if sqlite:
            ddl = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'referral_record_no_update'")
            ).scalar_one()
            conn.execute(text("DROP TRIGGER referral_record_no_update"))
        else:
            conn.execute(
                text("ALTER TABLE referral_record DISABLE TRIGGER referral_record_no_change")
            )
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            if sqlite:
                conn.execute(text(ddl))
            else:
                conn.execute(
                    text("ALTER TABLE referral_record ENABLE TRIGGER referral_record_no_change")
                )
            conn.commit()


def forge(conn, record_id, **values):
    """Change stored columns of a sealed record (committed at once)."""
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(
        text(f"UPDATE referral_record SET {sets} WHERE id = :id"), {**values, "id": record_id}
    )
    conn.commit()


def test_an_untouched_sealed_record_verifies(ctx, sealed):
    check = audit_log.verify(ctx)
    assert check.intact and check.records == 1 and check.broken_record is None


def test_one_changed_byte_of_the_pdf_is_caught(ctx, sealed):
    pdf = bytearray(sealed.pdf)
    pdf[len(pdf) // 2] ^= 0x01
    with forging(ctx) as conn:
        forge(conn, sealed.id, pdf=bytes(pdf))
    check = audit_log.verify(ctx)
    assert not check.intact and check.broken_record == sealed.record_uid
    assert sealed.record_uid in check.problem and "stored PDF does not match" in check.problem


def test_a_changed_stored_hash_is_caught(ctx, sealed):
    with forging(ctx) as conn:
        forge(conn, sealed.id, pdf_sha256="0" * 64)
    check = audit_log.verify(ctx)
    assert check.broken_record == sealed.record_uid


def test_changing_both_the_bytes_and_their_hash_is_caught_by_the_audit_event(ctx, sealed):
    forged = sealed.pdf.replace(b"%PDF", b"%PDF\n% forged", 1)
    with forging(ctx) as conn:
        forge(conn, sealed.id, pdf=forged, pdf_sha256=hashlib.sha256(forged).hexdigest())
    check = audit_log.verify(ctx)
    assert check.broken_record == sealed.record_uid
    assert "pdf_sha256 differ from what audit event" in check.problem


def test_a_changed_fhir_document_or_content_hash_is_caught(ctx, sealed):
    with forging(ctx) as conn:
        forge(conn, sealed.id, fhir_json=sealed.fhir_json.replace("document", "collection", 1))
    assert "fhir_sha256" in audit_log.verify(ctx).problem
    with forging(ctx) as conn:
        forge(conn, sealed.id, fhir_json=sealed.fhir_json, content_sha256="f" * 64)
    assert "content_sha256" in audit_log.verify(ctx).problem


def test_a_broken_chain_is_reported_before_the_records(ctx, sealed):
    with ctx.engine.begin() as conn:
        if ctx.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        conn.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = 2"))
    check = audit_log.verify(ctx)
    assert check.broken_event_id == 2 and check.broken_record is None


def test_every_one_of_100_random_single_byte_changes_is_caught(ctx, sealed):
    """Issue 6: 100 random single-byte changes to a sealed PDF or its stored hash."""
    rng = random.Random(6)
    caught = 0
    with forging(ctx) as conn:
        for _ in range(100):
            if rng.random() < 0.5:
                pdf = bytearray(sealed.pdf)
                at = rng.randrange(len(pdf))
                pdf[at] = (pdf[at] + rng.randrange(1, 256)) % 256  # always a different byte
                forge(conn, sealed.id, pdf=bytes(pdf))
            else:
                digest = list(sealed.pdf_sha256)
                at = rng.randrange(len(digest))
                digest[at] = rng.choice([c for c in "0123456789abcdef" if c != digest[at]])
                forge(conn, sealed.id, pdf_sha256="".join(digest))
            check = audit_log.verify(ctx)
            caught += check.broken_record == sealed.record_uid
            forge(conn, sealed.id, pdf=sealed.pdf, pdf_sha256=sealed.pdf_sha256)
    assert caught == 100
    assert audit_log.verify(ctx).intact
