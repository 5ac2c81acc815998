"""Case lifecycle through the services: the rules hold whatever the front end."""

import json
from datetime import date, datetime, timedelta

import pytest

from triage_app.domain.case_rules import CaseRuleError
from triage_app.domain.records import CaseAction, ConflictError, StrategyMeeting
from triage_app.services import audit_log, cases, children
from triage_app.services.assessments import record_assessment

CALL = datetime(2025, 9, 3, 11, 0)


@pytest.fixture
def case(ctx, make):
    recorded = record_assessment(ctx, make.case_json())
    return cases.open_case(
        ctx, recorded.child.id, presentation_id=recorded.presentation.id, supervision_required=True
    )


@pytest.mark.parametrize(("profile", "hours"), [("nyscp", 24), ("hips", 0)])
def test_written_referral_is_due_at_the_call_plus_the_profile_limit(ctx, make, profile, hours):
    recorded = record_assessment(ctx, make.case_json(profile=profile))
    c = cases.open_case(ctx, recorded.child.id, presentation_id=recorded.presentation.id)
    c = cases.record_phone_referral(
        ctx, c.id, c.version, called_at=CALL, person="Dr A", reference="CSC-123"
    )
    assert c.status == "referred"
    assert c.written_referral_due == CALL + timedelta(hours=hours)
    assert [(a.kind, a.person, a.reference) for a in c.actions] == [
        ("phone_csc", "Dr A", "CSC-123")
    ]


def test_overdue_written_referral_shows_in_the_case_list_until_sent(ctx, clock, case):
    c = cases.record_phone_referral(ctx, case.id, case.version, called_at=CALL, person="Dr A")
    clock.now = CALL + timedelta(hours=25)
    [summary] = cases.list_cases(ctx)
    assert [(d.what, d.overdue) for d in summary.due] == [("written_referral", True)]
    cases.record_written_referral(
        ctx, c.id, c.version, sent_at=clock.now, person="Dr A", reference="URF-1"
    )
    [summary] = cases.list_cases(ctx)
    assert summary.due == ()


def _surveys(ctx, c, report_follow_up=False):
    c = cases.request_investigation(
        ctx, c.id, c.version, "skeletal_survey_initial", requested_at=CALL
    )
    c = cases.report_investigation(
        ctx,
        c.id,
        c.version,
        c.investigations[0].id,
        result="no abnormality",
        reported_at=CALL + timedelta(days=1),
    )
    c = cases.request_investigation(
        ctx, c.id, c.version, "skeletal_survey_follow_up", requested_at=CALL + timedelta(days=1)
    )
    if report_follow_up:
        c = cases.report_investigation(
            ctx,
            c.id,
            c.version,
            c.investigations[1].id,
            result="no abnormality",
            reported_at=CALL + timedelta(days=13),
        )
    return c


def test_follow_up_survey_falls_due_11_to_14_days_after_the_initial(ctx, case):
    c = _surveys(ctx, case)
    follow = c.investigations[1]
    assert (follow.due_from, follow.due_to) == (date(2025, 9, 15), date(2025, 9, 18))


def test_cannot_close_as_no_concern_with_a_pending_investigation(ctx, case):
    c = _surveys(ctx, case)
    with pytest.raises(
        CaseRuleError, match="investigations are pending .skeletal_survey_follow_up"
    ):
        cases.close_case(ctx, c.id, c.version, outcome="no_concern", reason="stage 1 normal")
    assert cases.get_case(ctx, c.id).status == "open"
    c = cases.report_investigation(
        ctx,
        c.id,
        c.version,
        c.investigations[1].id,
        result="normal",
        reported_at=CALL + timedelta(days=13),
    )
    closed = cases.close_case(ctx, c.id, c.version, outcome="no_concern", reason="both normal")
    assert (closed.status, closed.close_outcome) == ("closed", "no_concern")


def test_supervision_cannot_be_relaxed_on_the_initial_survey_alone(ctx, case):
    """Child AF: supervision was removed after a normal first stage; stage two found fractures."""
    c = _surveys(ctx, case)
    with pytest.raises(CaseRuleError, match="strategy meeting"):
        cases.set_supervision(
            ctx, c.id, c.version, required=False, conditions=None, agreed_by="social worker"
        )
    assert cases.get_case(ctx, c.id).supervision_required is True
    c = cases.record_strategy_meeting(
        ctx,
        c.id,
        c.version,
        StrategyMeeting(
            CALL + timedelta(days=2),
            "s47 continues",
            "CSC manager; named doctor; police",
            "relax",
            "unsupervised care by grandmother only",
        ),
    )
    c = cases.set_supervision(
        ctx,
        c.id,
        c.version,
        required=False,
        conditions="unsupervised care by grandmother only",
        agreed_by="strategy meeting",
    )
    assert c.supervision_required is False and c.supervision_agreed_by == "strategy meeting"


def test_supervision_can_be_relaxed_once_both_stages_are_reported(ctx, case):
    c = _surveys(ctx, case, report_follow_up=True)
    c = cases.set_supervision(
        ctx, c.id, c.version, required=False, conditions=None, agreed_by="named doctor"
    )
    assert c.supervision_required is False


@pytest.mark.parametrize(
    ("meeting", "message"),
    [
        (StrategyMeeting(CALL, "", "CSC"), "outcome is required"),
        (StrategyMeeting(CALL, "s47", " "), "who agreed"),
        (StrategyMeeting(CALL, "s47", "CSC", "loosen"), "maintain or relax"),
    ],
)
def test_strategy_meeting_needs_outcome_decision_and_who_agreed(ctx, case, meeting, message):
    with pytest.raises(CaseRuleError, match=message):
        cases.record_strategy_meeting(ctx, case.id, case.version, meeting)


def test_two_users_editing_one_case_second_is_refused_first_is_kept(ctx, other_ctx, case):
    mine = cases.get_case(ctx, case.id)
    theirs = cases.get_case(other_ctx, case.id)
    cases.add_action(
        ctx,
        mine.id,
        mine.version,
        CaseAction(CALL, "Dr A", "inform_parents", details="told both parents"),
    )
    with pytest.raises(ConflictError) as err:
        cases.add_action(
            other_ctx,
            theirs.id,
            theirs.version,
            CaseAction(CALL, "Nurse B", "complete_body_map", details="3 marks"),
        )
    assert err.value.attempted["action"]["details"] == "3 marks"
    stored = cases.get_case(ctx, case.id)
    assert [a.person for a in stored.actions] == ["Dr A"]


def test_status_moves_and_reopening(ctx, case):
    c = cases.set_status(ctx, case.id, case.version, "results_pending")
    with pytest.raises(CaseRuleError, match="use close_case"):
        cases.set_status(ctx, c.id, c.version, "closed")
    c = cases.close_case(ctx, c.id, c.version, outcome="csc_lead", reason="CSC lead")
    c = cases.set_status(ctx, c.id, c.version, "open")
    assert (c.status, c.closed_at, c.close_outcome) == ("open", None, None)
    with pytest.raises(CaseRuleError, match="cannot be moved"):
        cases.set_status(ctx, c.id, c.version, "open")


def test_case_list_has_open_and_recent_cases_with_sealed_false(ctx, clock, make):
    old = children.record_child(ctx, make.child(5))
    c = cases.open_case(ctx, old.id)
    cases.close_case(ctx, c.id, c.version, outcome="other", reason="duplicate")
    clock.advance(days=40)
    recent = cases.open_case(ctx, children.record_child(ctx, make.child(6)).id)
    listed = cases.list_cases(ctx)
    assert [s.case.id for s in listed] == [recent.id]
    assert listed[0].case.sealed is False


def test_every_case_change_is_audited_with_before_and_after(ctx, case):
    cases.set_status(ctx, case.id, case.version, "referred")
    last = audit_log.events(ctx)[-1]
    assert (last.action, last.entity, last.entity_id) == ("update", "case", str(case.id))
    assert json.loads(last.before)["status"] == "open"
    assert json.loads(last.after)["status"] == "referred"
