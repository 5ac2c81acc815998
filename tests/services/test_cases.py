"""Case lifecycle through the services (SQLite, and PostgreSQL when configured).

Every bypass of the issue's "Why" is here, refused with its rule's reason and changing
nothing: the rules hold whatever the front end.
"""

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from triage_app.domain.cases import CaseRuleError
from triage_app.domain.errors import InputError
from triage_app.domain.records import Attendee, CaseAction, ConflictError, StrategyMeeting
from triage_app.services import audit_log, cases, children, demo, views
from triage_app.services.assessments import record_and_open, record_assessment
from triage_app.store.case_repository import CaseRepository
from triage_app.store.orm import Case, Child, Presentation

CALL = datetime(2025, 9, 3, 11, 0)
HEALTH = Attendee("Dr K Shah", "named doctor", "health")
CSC = Attendee("J Reed", "team manager", "csc")
SW = Attendee("A Social", "social worker", "csc")


@pytest.fixture(autouse=True)
def evening(clock):
    """The store's clock: the evening of the assessment (its call and meetings are past)."""
    clock.now = datetime(2025, 9, 3, 18, 0)


@pytest.fixture
def case(ctx, make):
    recorded = record_assessment(ctx, make.case_json())
    return cases.open_case(
        ctx,
        recorded.child.id,
        presentation_id=recorded.presentation.id,
        opened_at=recorded.presentation.seen_at,
    )


def _refused(match, call, *args, **kwargs):
    with pytest.raises(CaseRuleError) as err:
        call(*args, **kwargs)
    assert any(r.startswith(match) for r in err.value.reasons), err.value.reasons
    return err.value.reasons


def _stage1(ctx, c, clock, on=date(2025, 9, 3)):
    c = cases.request_investigation(ctx, c.id, c.version, "skeletal_survey_initial")
    return cases.report_result(
        ctx, c.id, c.version, "skeletal_survey_initial", performed_on=on, result="no fracture seen"
    )


def _impose(ctx, c, at):
    return cases.record_meeting(
        ctx,
        c.id,
        c.version,
        StrategyMeeting(
            at,
            "s47 enquiry",
            (HEALTH, CSC),
            "impose",
            "supervised contact only",
            "both survey stages reported and heard",
            review_on=at.date() + timedelta(days=14),
        ),
    )


def _unchanged(ctx, before):
    after = cases.get_case(ctx, before.id)
    assert after == before
    return after


@pytest.mark.parametrize(("profile", "hours"), [("nyscp", 24), ("hips", 0)])
def test_written_referral_is_due_at_the_call_plus_the_profile_limit(ctx, make, profile, hours):
    recorded = record_assessment(ctx, make.case_json(profile=profile))
    c = cases.open_case(ctx, recorded.child.id, presentation_id=recorded.presentation.id)
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=CALL, person="Dr A", reference="CSC-123"
    )
    assert c.status == "referred"
    assert c.written_referral_due == CALL + timedelta(hours=hours)
    due = {d.what: d for d in cases.show_case(ctx, c.id).due}
    assert due["written_referral"].due_at == CALL + timedelta(hours=hours)


def test_stage_1_creates_stage_2_in_its_window_and_the_case_shows_results_pending(ctx, clock, case):
    c = _stage1(ctx, case, clock)
    follow = c.investigations[-1]
    assert (follow.kind, follow.status) == ("skeletal_survey_follow_up", "pending")
    assert (follow.due_from, follow.due_to) == (date(2025, 9, 14), date(2025, 9, 17))
    assert c.status == "results_pending"
    shown = views.case_json(cases.show_case(ctx, c.id))
    assert shown["investigations"][0]["stage"] == "1 of 2: not complete"
    assert shown["investigations"][0]["result"] == "no fracture seen"
    [follow_due] = [d for d in shown["due"] if d["id"] == "skeletal_survey_follow_up"]
    assert (follow_due["due_from"], follow_due["due_at"]) == ("2025-09-14", "2025-09-17T23:59")


# --- bypass 1: pending results / overdue duties and closing --------------------------------


@pytest.mark.parametrize("outcome", ["other", "csc_lead", "child_protection_plan", "no_concern"])
def test_bypass_closing_with_stage_2_pending_is_refused_for_every_outcome(
    ctx, clock, case, outcome
):
    c = _stage1(ctx, case, clock)
    _refused("C1: the follow-up skeletal survey is pending", cases.close_case, ctx, c.id,
             c.version, outcome=outcome, reason="CSC lead now")  # fmt: skip
    _unchanged(ctx, c)
    assert c.id in [s.case.id for s in cases.list_cases(ctx)]


def test_bypass_closing_with_an_overdue_written_referral_is_refused(ctx, clock, case):
    c = cases.record_phone_referral(ctx, case.id, case.version, called_at=CALL, person="Dr A")
    clock.now = CALL + timedelta(days=2)
    _refused("C6: the duty written_referral", cases.close_case, ctx, c.id, c.version,
             outcome="other", reason="Family moved out of area")  # fmt: skip
    _unchanged(ctx, c)


def test_closed_cases_are_listed_viewable_and_reopened_with_a_reason(ctx, clock, make):
    kid = children.record_child(ctx, make.child(3))
    c = cases.open_case(ctx, kid.id)
    c = cases.close_case(ctx, c.id, c.version, outcome="other", reason="duplicate entry")
    clock.advance(days=90)  # long after "recent"
    assert c.id not in [s.case.id for s in cases.list_cases(ctx)]
    closed = cases.list_cases(ctx, recent_days=None, closed=True)
    assert [s.case.id for s in closed] == [c.id]
    assert cases.show_case(ctx, c.id).case.close_reason == "duplicate entry"
    _refused("C6: reopening a case needs a reason", cases.reopen_case, ctx, c.id, c.version,
             reason=" ")  # fmt: skip
    c = cases.reopen_case(ctx, c.id, c.version, reason="new injury reported by the school nurse")
    assert (c.status, c.closed_at, c.close_outcome) == ("open", None, None)
    assert [a.kind for a in c.actions] == ["case_closed", "case_reopened"]


# --- bypass 2: survey timing, not_required, free text, no investigation -------------------


def test_bypass_follow_up_reported_before_its_window_is_refused_then_kept_with_reason(
    ctx, clock, case
):
    c = _stage1(ctx, case, clock)
    clock.now = datetime(2025, 9, 4, 9, 0)
    _refused("C2: the follow-up skeletal survey's window opens on 2025-09-14",
             cases.report_result, ctx, c.id, c.version, "skeletal_survey_follow_up",
             performed_on=date(2025, 9, 4), result="Follow-up survey normal")  # fmt: skip
    c = _unchanged(ctx, c)
    c = cases.report_result(
        ctx, c.id, c.version, "skeletal_survey_follow_up", performed_on=date(2025, 9, 4),
        result="normal", early_reason="transfer to another hospital", by="Dr K Shah",
    )  # fmt: skip
    follow = c.investigations[-1]
    assert (follow.early_reason, follow.decided_by) == ("transfer to another hospital", "Dr K Shah")


def test_bypass_early_no_concern_with_duties_overdue_is_refused(ctx, clock, case):
    c = _stage1(ctx, case, clock)
    clock.now = datetime(2025, 9, 15, 9, 0)
    c = cases.report_result(
        ctx, c.id, c.version, "skeletal_survey_follow_up", performed_on=date(2025, 9, 14),
        result="normal",
    )  # fmt: skip
    reasons = _refused("C6: the duty", cases.close_case, ctx, c.id, c.version,
                       outcome="no_concern", reason="all normal")  # fmt: skip
    assert len([r for r in reasons if r.startswith("C6: the duty")]) >= 5


@pytest.mark.parametrize("kind", ["skeletal_survey_initial", "bloods"])
def test_bypass_not_required_without_a_reason_or_name_is_refused(ctx, case, kind):
    _refused("C2: marking an investigation not required needs a reason",
             cases.mark_not_required, ctx, case.id, case.version, kind, reason="", by="Dr K")  # fmt: skip
    _refused("C2: marking an investigation not required needs the name",
             cases.mark_not_required, ctx, case.id, case.version, kind, reason="r", by=" ")  # fmt: skip
    _unchanged(ctx, case)
    c = cases.mark_not_required(ctx, case.id, case.version, kind, reason="CT normal", by="Dr K")
    assert (c.investigations[-1].status, c.investigations[-1].not_required_reason) == (
        "not_required",
        "CT normal",
    )


def test_bypass_free_text_investigation_never_counts_as_a_survey_stage(ctx, clock, case):
    c = _stage1(ctx, case, clock)
    with pytest.raises(InputError, match="unknown investigation kind"):
        cases.request_investigation(ctx, c.id, c.version, "skeletal survey stage 2")
    c = cases.request_investigation(ctx, c.id, c.version, "other", label="skeletal survey 2")
    c = cases.report_result(ctx, c.id, c.version, "other", label="skeletal survey 2",
                            performed_on=date(2025, 9, 3), result="normal")  # fmt: skip
    assert c.investigations[-1].kind == "other"
    _refused("C1: the follow-up skeletal survey is pending", cases.close_case, ctx, c.id,
             c.version, outcome="no_concern", reason="normal")  # fmt: skip
    _refused("C2: the follow-up skeletal survey is created", cases.request_investigation, ctx,
             c.id, c.version, "skeletal_survey_follow_up")  # fmt: skip


def test_bypass_no_investigation_at_all_cannot_close_as_no_concern(ctx, case):
    _refused("C3: no investigation is recorded", cases.close_case, ctx, case.id, case.version,
             outcome="no_concern", reason="looks fine")  # fmt: skip
    _unchanged(ctx, case)


# --- bypass 3: supervision ----------------------------------------------------------------


def test_bypass_an_earlier_relax_overruled_later_does_not_relax(ctx, clock, case):
    c = _stage1(ctx, case, clock)
    clock.now = datetime(2025, 9, 6, 9, 0)
    c = cases.record_meeting(ctx, c.id, c.version, StrategyMeeting(
        datetime(2025, 9, 4, 9, 0), "early view", (HEALTH, CSC), "relax", reason="stage 1 clear"))  # fmt: skip
    c = _impose(ctx, c, datetime(2025, 9, 5, 9, 0))
    assert c.supervision_required is True
    s = cases.show_case(ctx, c.id).supervision
    assert s.in_force and [h.decision for h in s.history] == ["relax"]


def test_bypass_relax_agreed_by_a_social_worker_alone_is_refused(ctx, clock, case):
    c = _impose(ctx, _stage1(ctx, case, clock), datetime(2025, 9, 3, 12, 0))
    clock.now = datetime(2025, 9, 6, 9, 0)
    _refused("C4: a decision to relax supervision needs at least one health", cases.record_meeting,
             ctx, c.id, c.version, StrategyMeeting(datetime(2025, 9, 6, 8, 0), "review", (SW,),
             "relax", reason="family cooperating"))  # fmt: skip
    _refused("C4: relaxing supervision before both", cases.record_meeting, ctx, c.id, c.version,
             StrategyMeeting(datetime(2025, 9, 6, 8, 0), "review", (HEALTH, CSC), "relax"))  # fmt: skip
    assert _unchanged(ctx, c).supervision_required is True


def test_bypass_both_stages_reported_does_not_relax_supervision_without_a_meeting(ctx, clock, case):
    c = _impose(ctx, _stage1(ctx, case, clock), datetime(2025, 9, 3, 12, 0))
    clock.now = datetime(2025, 9, 15, 9, 0)
    c = cases.report_result(ctx, c.id, c.version, "skeletal_survey_follow_up",
                            performed_on=date(2025, 9, 14), result="normal")  # fmt: skip
    assert cases.show_case(ctx, c.id).supervision.in_force
    with ctx.transaction() as s, pytest.raises(ValueError, match="cannot be changed"):
        CaseRepository(s).update(c.id, c.version, "x", clock.now, supervision_required=False)
    assert not hasattr(cases, "set_supervision")


def test_bypass_conditions_change_only_at_a_meeting_with_health_and_csc(ctx, clock, case):
    c = _impose(ctx, case, datetime(2025, 9, 3, 12, 0))
    _refused("C4: a decision to change supervision needs", cases.record_meeting, ctx, c.id,
             c.version, StrategyMeeting(datetime(2025, 9, 3, 13, 0), "call", (SW,), "change",
             "grandmother may babysit", "both stages"))  # fmt: skip
    _refused("C4: conditions are only recorded", cases.record_meeting, ctx, c.id, c.version,
             StrategyMeeting(datetime(2025, 9, 3, 13, 0), "call", (HEALTH, CSC), None, "looser"))  # fmt: skip
    c = cases.record_meeting(ctx, c.id, c.version, StrategyMeeting(
        datetime(2025, 9, 3, 13, 0), "call", (HEALTH, CSC), "change", "grandmother may babysit",
        "both stages"))  # fmt: skip
    assert c.supervision_conditions == "grandmother may babysit"


# --- bypass 4: one list of what is due -------------------------------------------------------


def test_dashboard_list_and_case_show_give_the_same_due_items_for_every_demo_case(ctx, clock):
    clock.now = datetime(2026, 3, 2, 8, 0)
    demo.load(ctx)
    listed = cases.list_cases(ctx)
    assert listed
    for s in listed:
        shown = cases.show_case(ctx, s.case.id)
        assert shown.due == s.due
        assert views.case_json(shown)["due"] == views.cases_json([s])["cases"][0]["due"]
    brooks = next(s for s in listed if s.child.family_name == "Brooks")
    assert len([d for d in brooks.due if d.overdue]) > 1  # every overdue duty, not just one


# --- bypass 5 and 6: one transaction, one open case per child ----------------------------


def _count(ctx, model):
    with ctx.session_factory.begin() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_bypass_store_open_and_record_is_one_transaction(ctx, make):
    bad = [CaseAction(CALL, "Dr A", "phone_csc"), CaseAction(CALL, "Dr A", "not_an_action")]
    with pytest.raises(InputError, match="unknown action id"):
        record_and_open(ctx, make.case_json(), done_actions=bad)
    future = [CaseAction(datetime(2030, 1, 1), "Dr A", "phone_csc")]
    with pytest.raises(CaseRuleError):
        record_and_open(ctx, make.case_json(), done_actions=future)
    assert (_count(ctx, Child), _count(ctx, Presentation), _count(ctx, Case)) == (0, 0, 0)
    done = record_and_open(ctx, make.case_json(), done_actions=bad[:1])
    assert (_count(ctx, Child), _count(ctx, Presentation), _count(ctx, Case)) == (1, 1, 1)
    assert done.case.status == "referred" and [a.kind for a in done.case.actions] == ["phone_csc"]


def test_bypass_second_assessment_joins_the_open_case(ctx, clock, make):
    first = record_and_open(ctx, make.case_json())
    later = make.case_json(assessed_at="2025-09-03T11:40")
    second = record_and_open(ctx, later)
    assert second.joined and second.case.id == first.case.id
    assert second.case.presentation_ids == (
        first.recorded.presentation.id,
        second.recorded.presentation.id,
    )
    assert _count(ctx, Case) == 1
    third = record_and_open(
        ctx, make.case_json(assessed_at="2025-09-03T11:50"), separate_reason="different team"
    )
    assert not third.joined and third.case.id != first.case.id
    with pytest.raises(CaseRuleError, match="C8: the child already has an open case"):
        cases.open_case(ctx, first.recorded.child.id)


def test_pregnancy_due_date_is_stored_on_the_child_and_shown_with_the_pre_birth_item(
    ctx, clock, make
):
    done = record_and_open(
        ctx, make.case_json(history={"mother_pregnant": True, "previous_nai_in_family": True})
    )
    child = children.set_pregnancy_due_date(ctx, done.recorded.child.id, date(2026, 1, 10))
    assert child.pregnancy_due_date == date(2026, 1, 10)
    due = {d.what: d for d in cases.show_case(ctx, done.case.id).due}
    assert "pre_birth_referral" in due and "2026-01-10" in due["pre_birth_referral"].label
    with pytest.raises(InputError):
        children.set_pregnancy_due_date(ctx, child.id, date(2030, 1, 1))


def test_two_users_editing_one_case_second_is_refused_first_is_kept(ctx, other_ctx, case):
    mine = cases.get_case(ctx, case.id)
    theirs = cases.get_case(other_ctx, case.id)
    cases.add_action(ctx, mine.id, mine.version, CaseAction(CALL, "Dr A", "inform_parents"))
    with pytest.raises(ConflictError):
        cases.add_action(
            other_ctx, theirs.id, theirs.version, CaseAction(CALL, "Nurse B", "complete_body_map")
        )
    assert [a.person for a in cases.get_case(ctx, case.id).actions] == ["Dr A"]


def test_every_case_change_is_audited_with_before_and_after(ctx, case):
    cases.record_action(ctx, case.id, case.version, "inform_parents", at=CALL, by="Dr A")
    last = audit_log.events(ctx)[-1]
    assert (last.action, last.entity, last.entity_id) == ("update", "case", str(case.id))
    before, after = json.loads(last.before), json.loads(last.after)
    assert before["actions"] == [] and after["actions"][0]["kind"] == "inform_parents"
