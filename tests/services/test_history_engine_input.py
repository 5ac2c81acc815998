"""The store hands the engine what it recorded (assess contract 1.1).

The child's own child-protection plan (``history.child_cp_plan``) and, for each earlier
presentation, whether the child was NIM then and the explanation given then. Without these the
pre-birth duty and the sentinel flag were lost between the store and the engine.
"""

from datetime import date, datetime

from tests.domain.factories import ALL_FALSE
from triage_app.domain.records import FindingRecord, PresentationRecord
from triage_app.services import children, history
from triage_app.services.assessments import record_assessment, record_presentation

MOUTH_BLEED = [{"kind": "bleeding", "site": "mouth"}]


def test_the_childs_own_past_plan_reaches_the_engine_through_lookup(ctx, make):
    """Review learning point 1: the child who had the plan is the one presenting."""
    children.record_child(ctx, make.child(0, cp_plan="past"))
    case = make.case_json(history={"mother_pregnant": True, "cp_is": "none"})
    extended, _ = history.lookup_for_case(ctx, case)
    assert extended["history"]["child_cp_plan"] == "past"
    decision = ctx.protocol.assess_json(extended)
    assert "pre_birth_referral" in [a["id"] for a in decision["actions"]]
    family = next(f for f in decision["flags"] if f["id"] == "family_safeguarding_history")
    assert "this child: past child protection plan" in family["text"]


def test_a_recorded_assessment_is_decided_with_the_childs_own_plan(ctx, make):
    children.record_child(ctx, make.child(0, cp_plan="current"))
    rec = record_assessment(
        ctx, make.case_json(history={"mother_pregnant": True, "cp_is": "not_checked"})
    )
    assert rec.assessment.input_json["history"]["child_cp_plan"] == "current"
    assert rec.decision.action("pre_birth_referral") is not None


def test_the_case_answer_about_the_plan_wins_over_the_store(ctx, make):
    children.record_child(ctx, make.child(0, cp_plan="past"))
    case = make.case_json(history={"child_cp_plan": "current"})
    extended, _ = history.lookup_for_case(ctx, case)
    assert extended["history"]["child_cp_plan"] == "current"


def test_nim_and_explanation_at_each_presentation_are_handed_on(ctx, make):
    first = record_assessment(
        ctx,
        make.case_json(
            assessed_at="2025-08-10T09:00",
            findings=MOUTH_BLEED,
            explanation={"text": "she bit her own lip", "given_by": "father"},
        ),
    )
    assert first.presentation.nim_at_time is True  # 3 weeks old
    extended, _ = history.lookup_for_case(ctx, make.case_json())
    prior = extended["history"]["prior_presentations"][0]
    assert prior["nim"] is True
    assert prior["explanation"] == "she bit her own lip"


def test_a_sentinel_at_3_weeks_still_counts_once_the_baby_rolls_under_hips(ctx, make):
    """Review: a mouth bleed at 3 weeks stopped counting once the baby rolled (HIPS)."""
    record_assessment(
        ctx,
        make.case_json(assessed_at="2025-08-10T09:00", findings=MOUTH_BLEED, profile="hips"),
    )
    later = make.case_json(
        assessed_at="2026-03-01T10:00",  # 7 months: above the floor, and rolls
        profile="hips",
        mobility={**ALL_FALSE, "rolls": True},
        findings=[{"kind": "bruise", "site": "thigh"}],
    )
    rec = record_assessment(ctx, later)
    assert rec.decision.nim.status is False  # rolling makes a 7-month-old mobile under HIPS
    assert "prior_injury_presentation" in {f.id for f in rec.decision.flags}


def test_a_stored_injury_when_mobile_then_is_not_a_sentinel_but_unknown_is(ctx, make):
    child = children.record_child(ctx, make.child(0, date_of_birth=date(2024, 1, 1)))
    for when, nim in ((datetime(2024, 10, 1, 9), False), (datetime(2024, 11, 1, 9), None)):
        record_presentation(
            ctx,
            PresentationRecord(
                child_id=child.id,
                seen_at=when,
                setting="gp",
                findings=(FindingRecord("bruise", "thigh"),),
                nim_at_time=nim,
            ),
        )
    case = make.case_json(
        assessed_at="2025-09-03T10:40",
        child={"nhs_number": make.NHS[0], "date_of_birth": "2024-01-01"},
        mobility={**ALL_FALSE, "walks": True},
    )
    extended, _ = history.lookup_for_case(ctx, case)
    priors = extended["history"]["prior_presentations"]
    assert [p.get("nim") for p in priors] == [False, None]  # oldest first; unknown left out
    sentinel = next(
        f["text"]
        for f in ctx.protocol.assess_json(extended)["flags"]
        if f["id"] == "prior_injury_presentation"
    )
    assert "01-Nov-2024" in sentinel  # mobility unknown then: counts as NIM
    assert "01-Oct-2024" not in sentinel  # recorded as mobile then, and over 6 months
