"""Demonstration and scale data: Child AF reproduced; cases in their states; determinism."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from triage_app.domain import nhs_number
from triage_app.services import audit_log, cases, demo, history, synthetic
from triage_app.store.orm import Child, HouseholdLink, Presentation


def test_demo_reproduces_the_child_af_history(ctx, clock):
    clock.now = datetime(2026, 3, 2, 8, 0)
    assert demo.load(ctx).loaded
    h = history.history_by_nhs_number(ctx, demo.AF_NHS)
    own = [e for e in h.entries if e.relation == "self"]
    assert [(e.presentation.findings[0].kind, e.presentation.findings[0].site) for e in own] == [
        ("mark", "lower_leg"),
        ("subconjunctival_haemorrhage", "subconjunctiva"),
        ("bleeding", "mouth"),
    ]
    dob = h.child.date_of_birth
    assert [(e.presentation.seen_at.date() - dob).days // 7 for e in own] == [6, 5, 3]
    assert (own[0].presentation.seen_at - own[-1].presentation.seen_at) <= timedelta(weeks=3)
    [sibling] = [m.related_child for m in h.household if m.related_child]
    assert sibling.cp_plan == "past"
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= {f.id for f in h.flags}


def test_demo_cases_are_in_the_promised_states(ctx, clock):
    clock.now = datetime(2026, 3, 2, 8, 0)
    demo.load(ctx)
    listed = {s.child.family_name: s for s in cases.list_cases(ctx)}
    ashby, brooks, okafor = listed["Ashby"], listed["Brooks"], listed["Okafor"]
    assert ashby.case.status == "results_pending"
    assert [(d.what, d.overdue) for d in ashby.due] == [
        ("skeletal_survey_follow_up", False),
        ("meeting_review", False),
    ]
    assert ashby.case.supervision_required is True and ashby.case.meetings
    assert ("written_referral", True) in [(d.what, d.overdue) for d in brooks.due]
    assert okafor.case.status == "closed" and okafor.case.close_outcome == "no_concern"


def test_demo_loads_once_uses_only_synthetic_numbers_and_audits(ctx):
    demo.load(ctx)
    assert demo.load(ctx).loaded is False
    with ctx.session_factory.begin() as s:
        numbers = [n for n in s.scalars(select(Child.nhs_number)) if n]
    assert numbers and all(nhs_number.is_test_number(n) and n.startswith("999") for n in numbers)
    assert all(nhs_number.is_valid(n) for n in numbers)
    assert audit_log.verify(ctx).intact


def _snapshot(ctx):
    with ctx.session_factory.begin() as s:
        kids = s.execute(
            select(
                Child.nhs_number,
                Child.family_name,
                Child.given_name,
                Child.date_of_birth,
                Child.postcode,
            ).order_by(Child.id)
        ).all()
        pres = s.execute(
            select(
                Presentation.child_id,
                Presentation.seen_at,
                Presentation.findings,
                Presentation.setting,
            ).order_by(Presentation.id)
        ).all()
        links = s.execute(select(HouseholdLink.child_id, HouseholdLink.related_child_id)).all()
    return [tuple(r) for r in kids], [tuple(map(str, r)) for r in pres], sorted(map(tuple, links))


def test_generate_is_deterministic_for_a_seed(ctx, db_url, tmp_path, clock):
    from triage_app.services.context import open_store

    made = synthetic.generate(ctx, 300, 1_000, seed=7)
    assert (made.children, made.presentations) == (300, 1_000)
    first = _snapshot(ctx)
    other = open_store(f"sqlite:///{tmp_path / 'other.sqlite3'}", user="t", clock=clock)
    synthetic.generate(other, 300, 1_000, seed=7)
    assert _snapshot(other) == first
    other.close()
    assert all(nhs_number.is_valid(n) for n, *_ in first[0] if n)


def test_synthetic_numbers_are_valid_and_in_the_999_range():
    numbers = list(zip(range(500), synthetic.synthetic_nhs_numbers(), strict=False))
    assert all(n.startswith("999") and nhs_number.is_valid(n) for _, n in numbers)


def test_demo_data_is_refused_in_a_store_holding_real_records(ctx, make):
    """Issue 13: synthetic children are never mixed into real records."""
    from triage_app.services.assessments import record_assessment

    demo.refuse_non_demo(ctx, None)  # an empty store: accepted
    real = make.case_json()
    real["child"]["nhs_number"] = "4010232137"  # a valid number outside the 999 range
    record_assessment(ctx, real)
    with pytest.raises(demo.NotADemoFolderError, match="real records"):
        demo.refuse_non_demo(ctx, None)
    with pytest.raises(demo.NotADemoFolderError):
        demo.refuse_non_demo(ctx, False)
    demo.refuse_non_demo(ctx, True)  # a folder made as a demonstration folder


def test_no_demo_case_lists_an_action_its_assessment_already_did(ctx, clock):
    """The wizard records the body map and the verbatim explanation as done; so does the demo.

    Every demonstration assessment has findings and an explanation with who gave it, so no
    case may list either as due (let alone overdue), however late it is.
    """
    from triage_app.domain.wizard_actions import wizard_note

    clock.now = datetime(2026, 3, 2, 8, 0)
    demo.load(ctx)
    clock.now = datetime(2026, 3, 20, 8, 0)  # long after every deadline
    listed = cases.list_cases(ctx, None)
    assert {s.child.family_name for s in listed} >= {"Ashby", "Brooks", "Okafor"}
    for summary in listed:
        due = {d.what for d in cases.show_case(ctx, summary.case.id).due}
        assert not due & {"complete_body_map", "record_explanation_verbatim"}, summary.child
    brooks = next(s.case for s in listed if s.child.family_name == "Brooks")
    done = {a.kind: a for a in brooks.actions}
    assert done["complete_body_map"].details == wizard_note("complete_body_map")
    assert done["record_explanation_verbatim"].at < done["phone_csc"].at  # during the visit
