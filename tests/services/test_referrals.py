"""Sealing a case's referral record: finalise, addenda, export, print, demo (SQLite and PostgreSQL)."""

import dataclasses
import hashlib
import io
import stat
import threading
from datetime import datetime, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader
from sqlalchemy import func, select, text

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.errors import InputError
from triage_app.domain.records import (
    Attendee,
    CaseAction,
    ConflictError,
    NotFoundError,
    StrategyMeeting,
)
from triage_app.domain.sealed import ExportTargetError, SealingError
from triage_app.services import audit_log, cases, children, demo, handover, referrals
from triage_app.services.assessments import record_assessment
from triage_app.store.orm import AuditEventRow, Child
from triage_app.store.referral_repository import ReferralRecordRepository


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(value: str) -> str:
    return " ".join(value.split())


def squash(value: str) -> str:
    """Without any white space (table cells wrap long values)."""
    return "".join(value.split())


def referred_case(ctx, clock, make):
    """A case with an assessment, a phone referral, a survey requested and a strategy meeting."""
    clock.advance(hours=6)  # the evening of the assessment: the call and meeting are past
    rec = record_assessment(
        ctx,
        make.case_json(explanation={"text": "rolled against the cot", "given_by": "mother"}),
        organisation="Example Medical Practice",
        complaint="bruise on the cheek",
    )
    seen = rec.presentation.seen_at
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id, opened_at=seen)
    handover.record_location(ctx, c.id, "home", "home address on record", "mother")
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=seen + timedelta(minutes=10), person="Dr Carter",
        reference="CSC-4411",
    )  # fmt: skip
    c = cases.request_investigation(
        ctx, c.id, c.version, "skeletal_survey_initial", requested_at=seen + timedelta(hours=2)
    )
    c = cases.record_strategy_meeting(
        ctx,
        c.id,
        c.version,
        StrategyMeeting(
            held_at=seen + timedelta(hours=5),
            outcome="Section 47 enquiry agreed.",
            attendees=(
                Attendee("J. Smith", "social worker", "csc"),
                Attendee("Dr Lee", "paediatrician", "health"),
            ),
            supervision="impose",
            conditions="Contact with the partner supervised until results are back.",
            relax_conditions="Both survey stages reported and heard at a strategy meeting.",
        ),
    )
    return c


def events(ctx):
    return audit_log.events(ctx)


def test_finalise_seals_the_pdf_its_hash_and_the_case(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    sealed = referrals.finalise_case(ctx, c.id, case_version=c.version)
    assert sealed.version == 1 and sealed.record_uid == f"NIM-2025-{c.id:06d}/v1"
    assert sealed.pdf.startswith(b"%PDF") and hashlib.sha256(sealed.pdf).hexdigest() == (
        sealed.pdf_sha256
    )
    assert sealed.sealed_by == "tester" and sealed.sealed_at == clock.now
    create, update = events(ctx)[-2:]
    assert cases.get_case(ctx, c.id).sealed is True
    assert [s.case.sealed for s in cases.list_cases(ctx)] == [True]
    assert (create.action, create.entity, create.entity_id) == (
        "create",
        "referral_record",
        str(sealed.id),
    )
    assert sealed.pdf_sha256 in create.after and sealed.content_sha256 in create.after
    assert (update.action, update.entity) == ("update", "case")
    assert '"sealed":true' in update.after and '"sealed":false' in update.before
    check = audit_log.verify(ctx)
    assert check.intact and check.records == 1


def test_the_sealed_pdf_says_who_what_and_is_marked_official_sensitive(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    words = flat(pdf_text(referrals.finalise_case(ctx, c.id).pdf))
    assert "EXAMPLE, Ava" in words and "NHS No. 999" in words
    assert "OFFICIAL-SENSITIVE" in words
    assert "Bruise" in words and "Cheek" in words and "rolled against the cot" in words
    assert "CSC-4411" in squash(words) and "Dr Carter" in words  # the phone referral, as recorded
    assert "Section 47 enquiry agreed." in words and "Dr Lee (paediatrician, health)" in words
    assert "Contact with the partner supervised" in words
    # the supervision in force (C4): its conditions for relaxing and who decided it
    assert "Both survey stages reported and heard" in words and "Yes (decision: impose)" in words
    assert "Example Medical Practice" in words and "tester" in words  # setting and referrer
    assert f"NIM-2025-{c.id:06d} v1" in words


def test_the_sealed_fhir_document_validates(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    sealed = referrals.finalise_case(ctx, c.id)
    bundle = Bundle.model_validate_json(sealed.fhir_json)
    assert bundle.type == "document"
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Composition", "Patient", "ServiceRequest"} <= kinds
    patient = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Patient")
    assert patient.identifier[0].value == make.NHS[0]


def test_finalising_twice_is_refused_and_says_to_add_an_addendum(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    referrals.finalise_case(ctx, c.id)
    before = len(events(ctx))
    with pytest.raises(SealingError, match="already finalised.*add an addendum"):
        referrals.finalise_case(ctx, c.id)
    assert len(events(ctx)) == before
    assert len(referrals.list_records(ctx, c.id)) == 1


def test_a_case_without_an_assessment_cannot_be_finalised(ctx, make):
    kid = children.record_child(ctx, make.child())
    c = cases.open_case(ctx, kid.id)
    with pytest.raises(SealingError, match="no recorded assessment"):
        referrals.finalise_case(ctx, c.id)
    assert cases.get_case(ctx, c.id).sealed is False
    with pytest.raises(NotFoundError, match="no case with id 999"):
        referrals.finalise_case(ctx, 999)


def test_finalising_a_case_changed_since_it_was_read_is_refused(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    cases.record_action(ctx, c.id, c.version, "inform_parents", by="Dr Carter")
    with pytest.raises(ConflictError):
        referrals.finalise_case(ctx, c.id, case_version=c.version)
    assert referrals.list_records(ctx, c.id) == []


def test_sealed_rows_refuse_update_and_delete(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    sealed = referrals.finalise_case(ctx, c.id)
    for sql in (
        "UPDATE referral_record SET pdf_sha256 = 'x' WHERE id = :i",
        "UPDATE referral_record SET pdf = :b WHERE id = :i",
        "DELETE FROM referral_record WHERE id = :i",
    ):
        with pytest.raises(Exception, match="sealed"), ctx.engine.begin() as conn:
            conn.execute(text(sql), {"i": sealed.id, "b": b"%PDF-forged"})
    assert referrals.get_record(ctx, c.id).pdf == sealed.pdf


def test_tracking_continues_after_sealing_and_never_changes_the_sealed_version(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    v1 = referrals.finalise_case(ctx, c.id)
    c = cases.get_case(ctx, c.id)
    survey = c.investigations[0]
    clock.advance(days=1)
    c = cases.report_investigation(
        ctx, c.id, c.version, survey.id, result="No fracture seen.", reported_at=clock.now
    )
    assert c.sealed is True and c.investigations[0].status == "reported"
    assert referrals.get_record(ctx, c.id, 1).pdf_sha256 == v1.pdf_sha256


def test_an_addendum_supersedes_the_sealed_version_and_both_stay_exportable(
    ctx, clock, make, tmp_path
):
    c = referred_case(ctx, clock, make)
    v1 = referrals.finalise_case(ctx, c.id)
    c = cases.get_case(ctx, c.id)
    clock.advance(days=1)
    c = cases.report_investigation(
        ctx, c.id, c.version, c.investigations[0].id, result="No fracture seen.",
        reported_at=clock.now,
    )  # fmt: skip
    v2 = referrals.add_addendum(ctx, c.id, "Initial skeletal survey reported.")
    assert (v2.version, v2.supersedes_id, v2.supersedes_uid) == (2, v1.id, v1.record_uid)
    assert v2.addendum_reason == "Initial skeletal survey reported."
    words = flat(pdf_text(v2.pdf))
    assert f"supersedes {v1.record_uid}" in words and "No fracture seen." in words
    assert "Initial skeletal survey reported." in words
    assert "No fracture seen." not in flat(pdf_text(v1.pdf))
    composition = Bundle.model_validate_json(v2.fhir_json).entry[0].resource
    assert composition.relatesTo[0].code == "replaces"
    assert [r.version for r in referrals.list_records(ctx, c.id)] == [1, 2]
    for v, sealed in ((1, v1), (2, v2)):
        out = tmp_path / f"v{v}.pdf"
        referrals.export_record(ctx, c.id, v, pdf_path=out)
        assert out.read_bytes() == sealed.pdf
    check = audit_log.verify(ctx)
    assert check.intact and check.records == 2


def test_an_addendum_needs_a_reason_and_a_finalised_case(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    with pytest.raises(SealingError, match="finalise the case first"):
        referrals.add_addendum(ctx, c.id, "typo")
    referrals.finalise_case(ctx, c.id)
    with pytest.raises(SealingError, match="needs a reason"):
        referrals.add_addendum(ctx, c.id, "   ")


def test_export_writes_the_stored_bytes_privately_and_is_audited(ctx, clock, make, tmp_path):
    c = referred_case(ctx, clock, make)
    sealed = referrals.finalise_case(ctx, c.id)
    pdf, fhir = tmp_path / "referral.pdf", tmp_path / "referral.json"
    result = referrals.export_record(ctx, c.id, pdf_path=pdf, fhir_path=fhir)
    assert result.record.record_uid == sealed.record_uid
    assert pdf.read_bytes() == sealed.pdf
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == sealed.pdf_sha256
    Bundle.model_validate_json(fhir.read_text(encoding="utf-8"))
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "store" not in p.name) == [
        "referral.json",
        "referral.pdf",
    ]  # no temporary file or folder is left behind
    last = events(ctx)[-1]
    assert (last.action, last.entity, last.entity_id) == (
        "export",
        "referral_record",
        str(sealed.id),
    )
    assert '"formats":["fhir","pdf"]' in last.after and sealed.pdf_sha256 in last.after


def test_export_never_replaces_a_file_unasked_and_names_a_missing_folder(
    ctx, clock, make, tmp_path
):
    c = referred_case(ctx, clock, make)
    referrals.finalise_case(ctx, c.id)
    existing = tmp_path / "mine.pdf"
    existing.write_bytes(b"someone's own file")
    before = len(events(ctx))
    with pytest.raises(ExportTargetError, match="mine.pdf: a file with this name exists"):
        referrals.export_record(ctx, c.id, pdf_path=existing)
    with pytest.raises(ExportTargetError, match="does not exist"):
        referrals.export_record(ctx, c.id, fhir_path=tmp_path / "nowhere" / "x.json")
    with pytest.raises(ExportTargetError, match="say where"):
        referrals.export_record(ctx, c.id)
    with pytest.raises(NotFoundError, match="no referral record version 7"):
        referrals.export_record(ctx, c.id, 7, pdf_path=tmp_path / "new.pdf")
    assert existing.read_bytes() == b"someone's own file"
    assert len(events(ctx)) == before and not (tmp_path / "new.pdf").exists()
    referrals.export_record(ctx, c.id, pdf_path=existing, overwrite=True)
    assert existing.read_bytes().startswith(b"%PDF")


def test_printing_is_audited(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    sealed = referrals.finalise_case(ctx, c.id)
    referrals.record_printed(ctx, c.id, 1)
    last = events(ctx)[-1]
    assert (last.action, last.entity_id) == ("print", str(sealed.id))
    with pytest.raises(NotFoundError):
        referrals.record_printed(ctx, c.id, 2)


def test_demo_has_a_sealed_referral_for_the_child_af_case(ctx, clock):
    clock.now = datetime(2026, 3, 2, 8, 0)
    demo.load(ctx)
    listed = {s.child.family_name: s.case for s in cases.list_cases(ctx)}
    assert listed["Ashby"].sealed is True
    assert listed["Brooks"].sealed is False and listed["Okafor"].sealed is False
    [sealed] = referrals.list_records(ctx, listed["Ashby"].id)
    words = flat(pdf_text(sealed.pdf))
    assert "ASHBY, Alfie" in words and "OFFICIAL-SENSITIVE" in words
    assert "Section 47 enquiry" in words and "CSC-DEMO-0001" in squash(words)
    check = audit_log.verify(ctx)
    assert check.intact and check.records == 1


def test_demo_load_is_one_transaction(ctx, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(referrals, "finalise_case", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.load(ctx)
    with ctx.session_factory.begin() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEventRow)) == 0
    monkeypatch.undo()
    assert demo.load(ctx).loaded


def test_only_users_who_may_see_the_case_can_seal_export_or_print_it(ctx, clock, make, tmp_path):
    c = referred_case(ctx, clock, make)  # opened by "tester"
    colleague = dataclasses.replace(ctx, user="colleague", role="clinician")
    with pytest.raises(AccessDeniedError, match="needs the role safeguarding_lead"):
        referrals.finalise_case(colleague, c.id)
    lead = dataclasses.replace(ctx, user="lead", role="safeguarding_lead")
    assert referrals.finalise_case(lead, c.id).sealed_by == "lead"
    with pytest.raises(AccessDeniedError):
        referrals.export_record(colleague, c.id, pdf_path=tmp_path / "x.pdf")
    with pytest.raises(AccessDeniedError):
        referrals.record_printed(colleague, c.id, 1)
    assert not (tmp_path / "x.pdf").exists()


def test_a_version_sealed_by_someone_else_at_the_same_moment_is_refused(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    v1 = referrals.finalise_case(ctx, c.id)
    with pytest.raises(SealingError, match="sealed by someone else"), ctx.transaction() as s:
        ReferralRecordRepository(s).add(dataclasses.replace(v1, id=None, record_uid="other"))
    assert len(referrals.list_records(ctx, c.id)) == 1


def test_two_users_finalising_at_once_seal_exactly_one_version(ctx, other_ctx, clock, make):
    c = referred_case(ctx, clock, make)
    outcomes = []

    def finalise(context):
        try:
            outcomes.append(referrals.finalise_case(context, c.id))
        except Exception as exc:  # the test inspects what the loser was told
            outcomes.append(exc)

    threads = [threading.Thread(target=finalise, args=(x,)) for x in (ctx, other_ctx)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [loser] = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(loser, SealingError) and "already finalised" in str(loser)
    assert len(referrals.list_records(ctx, c.id)) == 1
    assert audit_log.verify(ctx).intact


def test_a_character_no_font_covers_still_seals_with_its_code_point_shown(ctx, clock, make):
    rec = record_assessment(
        ctx, make.case_json(explanation={"text": "fell \U00013000", "given_by": "mother"})
    )
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "home", "home address on record", "mother")
    sealed = referrals.finalise_case(ctx, c.id)
    assert "fell [U+13000]" in flat(pdf_text(sealed.pdf))
    assert "fell \U00013000" in sealed.fhir_json  # the original, verbatim
    assert cases.get_case(ctx, c.id).sealed is True


def test_a_preview_is_an_audited_view_of_the_sealed_bytes(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    assert referrals.list_records(ctx, c.id) == []
    with pytest.raises(NotFoundError, match="has no sealed referral record"):
        referrals.get_record(ctx, c.id)
    sealed = referrals.finalise_case(ctx, c.id)
    assert referrals.get_record(ctx, c.id).pdf == sealed.pdf
    last = events(ctx)[-1]
    assert (last.action, last.entity, last.entity_id) == ("view", "referral_record", str(sealed.id))


def test_an_export_that_cannot_be_audited_writes_nothing_and_keeps_the_old_file(
    ctx, clock, make, tmp_path, monkeypatch
):
    c = referred_case(ctx, clock, make)
    referrals.finalise_case(ctx, c.id)
    existing = tmp_path / "referral.pdf"
    existing.write_bytes(b"the copy exported last week")

    def audit_fails(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ctx, "audit", audit_fails)
    with pytest.raises(RuntimeError, match="went away"):
        referrals.export_record(
            ctx, c.id, pdf_path=existing, fhir_path=tmp_path / "new.json", overwrite=True
        )
    assert existing.read_bytes() == b"the copy exported last week"
    assert sorted(p.name for p in tmp_path.iterdir() if "store" not in p.name) == ["referral.pdf"]


def test_the_record_names_who_made_the_call_and_the_handler_and_no_handler_elsewhere(
    ctx, clock, make
):
    """Only a phone call has a call handler (the person spoken to); the Person column and
    "Done ... by" name who did each action, on calls kept before this rule too."""
    c = referred_case(ctx, clock, make)  # a call by Dr Carter, no handler given
    c = cases.record_action(ctx, c.id, c.version, "inform_parents", by="Dr Lee", note="mother told")
    # A call kept by the window before the rule: the handler in person, who in the details.
    c = cases.add_action(
        ctx,
        c.id,
        c.version,
        CaseAction(clock.now, "M Handler", "phone_csc", "CSC-4412", "recorded by Dr Okoro"),
    )
    c = cases.record_action(
        ctx, c.id, c.version, "phone_csc", by="Dr Patel", handler="J Reed", note="advice: today"
    )
    words = flat(pdf_text(referrals.finalise_case(ctx, c.id).pdf))
    squashed = squash(words)
    assert squash("call handler: J Reed") in squashed and "Dr Patel" in words
    assert squash("call handler: M Handler") in squashed and "Dr Okoro" in words
    assert "mother told" in words and "handler: Dr Lee" not in words
    assert squash("by M Handler") not in squashed  # the handler never "did" the call
    assert squashed.count("handler:") == 2  # the two calls with a handler, nothing else


def test_a_handler_with_an_action_that_is_not_a_call_is_bad_input(ctx, clock, make):
    c = referred_case(ctx, clock, make)
    with pytest.raises(InputError, match="only a phone call"):
        cases.record_action(ctx, c.id, c.version, "inform_parents", by="Dr Lee", handler="X")
    assert cases.get_case(ctx, c.id).version == c.version
