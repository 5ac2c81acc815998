"""Referrer profile and confirmation, family capture, where the child is, CP-IS before sealing."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from triage_app.domain.errors import InputError
from triage_app.domain.handover import ReferrerDetails
from triage_app.domain.sealed import SealingError
from triage_app.services import cases, handover, referrals
from triage_app.services.assessments import record_assessment
from triage_app.store.repositories import UserRepository


def words(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the same services on every database")


def make_user(ctx):
    with ctx.transaction() as s:
        UserRepository(s).ensure(ctx.user, ctx.clock())


def test_the_account_profile_is_the_default_referrer_and_prints_as_such(ctx, make, db_url):
    sqlite_only(db_url)
    make_user(ctx)
    with pytest.raises(InputError, match="professional_role"):
        handover.set_profile(ctx, ReferrerDetails("Dr Ann Lee", "administrator", "Org", "01"))
    with pytest.raises(InputError, match="call_back_number"):
        handover.set_profile(ctx, ReferrerDetails("Dr Ann Lee", "gp", "Org", " "))
    handover.set_profile(
        ctx, ReferrerDetails("Dr Ann Lee", "gp", "Example Medical Practice", "01632 960 555")
    )
    assert handover.default_referrer(ctx) == ReferrerDetails(
        "Dr Ann Lee", "gp", "Example Medical Practice", "01632 960 555"
    )
    rec = record_assessment(ctx, make.case_json(), complaint="seen at a routine check")
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "home", "home address on record", "mother")
    text = words(referrals.finalise_case(ctx, c.id).pdf)
    assert "Referring clinician Dr Ann Lee" in text and "Professional role GP" in text
    assert "Call-back number 01632 960 555" in text
    assert "How the concern arose seen at a routine check" in text


def test_the_referrer_confirmed_in_the_wizard_replaces_the_account_profile(ctx, make, db_url):
    sqlite_only(db_url)
    rec = record_assessment(ctx, make.case_json())
    student = ReferrerDetails("Sam Student (with Dr Lee)", "other", "Example Practice", "0163")
    handover.record_referrer(
        ctx, rec.presentation.id, student, [{"view": "face", "x": 0.3, "y": 0.5}]
    )
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "emergency_department", "Example ED", None)
    text = words(referrals.finalise_case(ctx, c.id).pdf)
    assert "Referring clinician Sam Student (with Dr Lee)" in text
    assert "Professional role Other" in text
    assert "Solid circles: the position the clinician marked." in text
    with pytest.raises(InputError):
        handover.record_referrer(ctx, rec.presentation.id, ReferrerDetails("x", "nurse"))


def test_the_family_is_stored_with_the_child_and_offered_again(ctx, make, db_url):
    sqlite_only(db_url)
    rec = record_assessment(ctx, make.case_json())
    family = handover.Family(
        adults=(
            handover.FamilyAdult(
                "Ann Example", "Mother", True, date(1998, 1, 2), "07700 900 001", True
            ),
            handover.FamilyAdult("Bob Example", "Stepfather", False, None, "07700 900 002", True),
        ),
        address="2 Example Street",
        postcode="XX2 2AA",
        gp_practice="Example Surgery",
        health_visitor="HV team B",
        interpreter_needed=True,
        interpreter_language="Polish",
    )
    handover.save_family(ctx, rec.child.id, family)
    assert handover.get_family(ctx, rec.child.id) == family
    smaller = handover.Family(adults=family.adults[:1], address="3 New Road")
    handover.save_family(ctx, rec.child.id, smaller)
    assert handover.get_family(ctx, rec.child.id).adults == family.adults[:1]
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.save_family(ctx, rec.child.id, family)
    handover.record_location(ctx, c.id, "home", "2 Example Street", "Ann Example")
    text = words(referrals.finalise_case(ctx, c.id).pdf)
    assert "Ann Example Mother 02-Jan-1998 07700 900 001 Yes" in text
    assert "Bob Example Stepfather" in text and "Interpreter Needed: Polish" in text
    assert "Health visitor HV team B" in text
    with pytest.raises(InputError):
        handover.save_family(
            ctx, rec.child.id, handover.Family(adults=(handover.FamilyAdult(" "),))
        )


def test_the_latest_location_is_current_and_sealing_needs_one(ctx, make, db_url):
    sqlite_only(db_url)
    rec = record_assessment(ctx, make.case_json())
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    with pytest.raises(SealingError, match="where the child is now"):
        referrals.finalise_case(ctx, c.id)
    assert cases.get_case(ctx, c.id).sealed is False
    with pytest.raises(InputError, match="named carer"):
        handover.record_location(ctx, c.id, "home", "home address")
    handover.record_location(ctx, c.id, "emergency_department", "Example ED", "father")
    handover.record_location(ctx, c.id, "admitted", "Ward 7", "mother")
    assert handover.current_location(ctx, c.id).line() == "Admitted: Ward 7, with mother"
    assert "Where the child is now Admitted: Ward 7, with mother" in words(
        referrals.finalise_case(ctx, c.id).pdf
    )


def test_from_an_emergency_department_sealing_needs_a_cp_is_result(ctx, make, db_url, clock):
    sqlite_only(db_url)
    clock.advance(hours=2)  # the evening of the assessment: the check is in the past
    rec = record_assessment(ctx, make.case_json(setting="ed"))
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "emergency_department", "Example ED", "mother")
    with pytest.raises(SealingError, match="CP-IS"):
        referrals.finalise_case(ctx, c.id)
    from triage_app.domain.records import CaseAction

    c = cases.get_case(ctx, c.id)
    cases.add_action(
        ctx,
        c.id,
        c.version,
        CaseAction(
            rec.presentation.seen_at, "Dr Lee", "check_cp_is", details="not available: spine down"
        ),
    )
    text = words(referrals.finalise_case(ctx, c.id).pdf)
    assert "Check recorded on the case not available: spine down" in text
