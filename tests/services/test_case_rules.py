"""Case rules (pure): closing, relaxing supervision, due dates. Child AF review lessons."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain import case_rules as rules
from triage_app.domain.records import CaseRecord, InvestigationRecord, StrategyMeeting

T0 = datetime(2025, 9, 3, 10, 0)


def case(status="results_pending", investigations=(), meetings=(), **kw):
    return CaseRecord(
        1, status, T0, "t", investigations=tuple(investigations), meetings=tuple(meetings), **kw
    )


def inv(kind, status="pending", due_to=None):
    return InvestigationRecord(kind, status, T0, None, due_to)


INITIAL_OK = inv(rules.SURVEY_INITIAL, "reported")
FOLLOW_PENDING = inv(rules.SURVEY_FOLLOW_UP)
FOLLOW_OK = inv(rules.SURVEY_FOLLOW_UP, "reported")


@pytest.mark.parametrize(
    ("investigations", "outcome", "refused_because"),
    [
        ([], "no_concern", None),
        ([INITIAL_OK, FOLLOW_OK], "no_concern", None),
        ([inv("bloods", "not_required")], "no_concern", None),
        ([inv("bloods")], "no_concern", "investigations are pending (bloods)"),
        ([INITIAL_OK, FOLLOW_PENDING], "no_concern", "pending (skeletal_survey_follow_up)"),
        ([INITIAL_OK], "no_concern", "follow-up skeletal survey (day 11 to 14) is not recorded"),
        ([inv("bloods")], "csc_lead", None),  # CSC now lead: results follow them
        ([], "maybe", "unknown close outcome"),
    ],
)
def test_closing_rules(investigations, outcome, refused_because):
    problems = rules.close_problems(case(investigations=investigations), outcome, "reason")
    if refused_because is None:
        assert problems == []
    else:
        assert any(refused_because in p for p in problems), problems


def test_closing_needs_a_reason_and_an_open_case():
    assert rules.close_problems(case(), "no_concern", "  ") == ["a reason for closing is required"]
    assert "cannot be moved to closed" in rules.close_problems(case("closed"), "other", "r")[0]


@pytest.mark.parametrize(
    ("investigations", "meetings", "allowed"),
    [
        ([INITIAL_OK, FOLLOW_OK], [], True),
        ([INITIAL_OK, FOLLOW_PENDING], [], False),  # Child AF: stage 1 normal is not enough
        ([INITIAL_OK], [], False),
        ([], [], False),
        ([INITIAL_OK], [StrategyMeeting(T0, "s47", "CSC manager; named doctor", "relax")], True),
        ([INITIAL_OK], [StrategyMeeting(T0, "s47", "CSC manager", "maintain")], False),
        ([INITIAL_OK], [StrategyMeeting(T0, "s47", "  ", "relax")], False),
    ],
)
def test_relaxing_supervision(investigations, meetings, allowed):
    problem = rules.relax_supervision_problem(
        case(investigations=investigations, meetings=meetings)
    )
    assert (problem is None) is allowed
    if not allowed:
        assert "strategy meeting" in problem and "both stages" in problem


@pytest.mark.parametrize(
    ("src", "dst", "ok"),
    [
        ("open", "referred", True),
        ("referred", "results_pending", True),
        ("results_pending", "closed", True),
        ("closed", "open", True),
        ("closed", "referred", False),
        ("referred", "open", False),
        ("open", "lost", False),
    ],
)
def test_transitions(src, dst, ok):
    assert (rules.transition_problem(src, dst) is None) is ok


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=0, max_value=72),
)
def test_written_referral_is_due_at_call_time_plus_the_profile_limit(called, hours):
    due = rules.written_referral_due(called, hours)
    assert due - called == timedelta(hours=hours)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_follow_up_survey_window_is_day_11_to_14(initial):
    start, end = rules.follow_up_survey_window(initial, (11, 14))
    assert (start - initial).days == 11 and (end - initial).days == 14


def test_due_items_overdue_first_and_none_when_closed():
    c = case(
        investigations=[inv(rules.SURVEY_FOLLOW_UP, due_to=date(2025, 9, 20))],
        written_referral_due=T0 + timedelta(hours=24),
    )
    items = rules.due_items(c, T0 + timedelta(days=2))
    assert [(i.what, i.overdue) for i in items] == [
        ("written_referral", True),
        (rules.SURVEY_FOLLOW_UP, False),
    ]
    sent = case(written_referral_due=T0, written_referral_sent_at=T0)
    assert rules.due_items(sent, T0 + timedelta(days=9)) == []
    assert rules.due_items(case("closed", written_referral_due=T0), T0 + timedelta(days=9)) == []
