"""The demo Child AF record reads as a referral a safeguarding nurse can hand over as it is."""

import io
import json
from datetime import datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from triage_app.services import cases, demo, referrals


@pytest.fixture
def af_record(ctx, clock, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the content is the same on every database")
    clock.now = datetime(2026, 3, 2, 8, 0)
    demo.load(ctx)
    [ashby] = [s for s in cases.list_cases(ctx) if s.child.family_name == "Ashby"]
    sealed = referrals.get_record(ctx, ashby.case.id)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(sealed.pdf)).pages]
    return " ".join(" ".join(pages).split()), sealed


def test_the_referring_clinician_is_the_ed_doctor_with_organisation_and_phone(af_record):
    words, _ = af_record
    assert "Referring clinician Dr Demo Registrar" in words
    assert "Professional role ED doctor" in words
    assert "Synthetic NHS Trust, emergency department" in words
    assert "Call-back number 01632 960 123" in words
    assert "administrator" not in words and "safeguarding_lead" not in words
    assert "Sealed by tester" in words  # who sealed it: footer and section 15, not the referrer


def test_how_the_concern_arose_and_where_the_child_is_are_printed(af_record):
    words, _ = af_record
    assert (
        "How the concern arose Mother brought Alfie to the emergency department: she noticed a "
        "purple mark on his right lower leg at the morning nappy change." in words
    )
    assert (
        "Where the child is now Admitted: Ward 7 (children's ward), Synthetic NHS Trust, with "
        "mother (Kelly Ashby), resident on the ward" in words
    )


def test_both_parents_print_with_contacts_and_the_health_visitor_is_known(af_record):
    words, _ = af_record
    assert "Kelly Ashby Mother" in words and "07700 900 123 Yes" in words
    assert "Jordan Dunn Father" in words and "07700 900 456 Yes" in words
    assert "Maureen Ashby Maternal grandmother" in words
    assert "Health visitor Demo Health Visitor, Testville HV team" in words
    assert "Health visitor Not Known" not in words


def test_three_explanations_print_and_their_differences_are_noted_not_scored(af_record):
    words, _ = af_record
    for said in (
        "she caught it on the cot bars",
        "it was there after she cried a lot",
        "she must have scratched her mouth with her nail",
    ):
        assert said in words
    assert "3 different explanations were recorded at 3 presentations over 3 weeks" in words
    assert "Noted for the reader to judge; the app does not score or interpret them." in words
    assert "Changed over time or between carers Not Known" not in words
    assert "Dr Demo GP" in words and "Demo Health Visitor" in words  # who saw the child then


def test_action_statuses_agree_with_what_the_record_holds(af_record):
    words, _ = af_record
    # Recorded as done on the case (by the demo's ED doctor), or derived from the content.
    assert "any pattern. Done " in words or "Done: 1 finding on the body map" in words
    assert "Not yet recorded" not in words.split("Complete the body map")[1][:200]
    # One deadline: the written referral runs from the phone call (as in the case view).
    assert "(within 24 hr of the phone call at" in words


def test_a_clicked_position_prints_as_drawn_and_strategy_lines_stay_apart(af_record):
    words, _ = af_record
    assert "Solid circles: the position the clinician marked." in words
    assert "Dashed circles" not in words
    assert "Outcome Section 47 enquiry. Supervision stays until the follow-up survey is " in words
    assert "Supervision in force Yes (decision: impose)" in words
    assert "Supervision: maintain." not in words and "Supervision: impose." not in words


def test_the_fhir_document_carries_the_same_handover_content(af_record):
    _, sealed = af_record
    bundle = Bundle.model_validate_json(sealed.fhir_json)
    kinds = {e.resource.get_resource_type(): e.resource for e in bundle.entry}
    role = kinds["PractitionerRole"]
    assert role.code[0].text == "ED doctor" and role.telecom[0].value == "01632 960 123"
    patient = kinds["Patient"]
    assert [c.name.text for c in patient.contact] == ["Kelly Ashby", "Jordan Dunn", "Maureen Ashby"]
    assert patient.contact[0].telecom[0].value == "07700 900 123"
    text = json.dumps(json.loads(sealed.fhir_json))
    for part in (
        "How the concern arose",
        "Where the child is now",
        "Admitted: Ward 7",
        "explanation given then: it was there after she cried a lot",
        "Supervision decision: impose",
        "Sealed by tester",
    ):
        assert part in text


def test_the_initial_survey_reads_stage_1_of_2_not_complete_while_stage_2_is_pending(af_record):
    words, _ = af_record
    # C2: whatever its result says, the initial survey is not complete until stage 2 is reported
    assert "Stage 1 of 2: not complete. No fracture seen." in words
    assert "Stage 2 of 2: not complete." in words
