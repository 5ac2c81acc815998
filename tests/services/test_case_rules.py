"""Case rules C1 to C8 (pure, domain/cases.py): table-driven and property tests.

The Child AF review's lessons: no closure while stage 2 of the skeletal survey is pending;
supervision decided at strategy meetings with health and children's social care; one list of
what is due.
"""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain import cases as rules
from triage_app.domain.cases import CaseTerms, Duty
from triage_app.domain.records import (
    Attendee,
    CaseAction,
    CaseRecord,
    InvestigationRecord,
    StrategyMeeting,
)

T0 = datetime(2025, 9, 3, 10, 0)
HEALTH = Attendee("Dr K", "named doctor", "health")
CSC = Attendee("J Reed", "team manager", "csc")
SW = Attendee("A Social", "social worker", "csc")
POLICE = Attendee("DC Lowe", "officer", "police")


def case(status="results_pending", investigations=(), meetings=(), actions=(), **kw):
    return CaseRecord(
        1,
        status,
        T0,
        "t",
        investigations=tuple(investigations),
        meetings=tuple(meetings),
        actions=tuple(actions),
        **kw,
    )


def inv(kind, status="pending", due_from=None, due_to=None, reported_at=None, **kw):
    return InvestigationRecord(kind, status, T0, due_from, due_to, reported_at=reported_at, **kw)


def meeting(at=T0 + timedelta(days=1), supervision=None, attendees=(HEALTH, CSC), **kw):
    return StrategyMeeting(at, "s47", tuple(attendees), supervision, **kw)


IMPOSE = meeting(supervision="impose", conditions="supervised", relax_conditions="both stages")
INITIAL_OK = inv(rules.SURVEY_INITIAL, "reported", performed_on=date(2025, 9, 3))
FOLLOW_PENDING = inv(rules.SURVEY_FOLLOW_UP, due_from=date(2025, 9, 14), due_to=date(2025, 9, 17))
FOLLOW_OK = inv(rules.SURVEY_FOLLOW_UP, "reported", date(2025, 9, 14), date(2025, 9, 17))
NOW = T0 + timedelta(days=3)


# --- C1, C3, C6: closing ------------------------------------------------------------------


@pytest.mark.parametrize("outcome", rules.CLOSE_OUTCOMES)
def test_c1_pending_results_block_every_closure_outcome(outcome):
    problems = rules.close_problems(
        case(investigations=[INITIAL_OK, FOLLOW_PENDING]), outcome, "reason", CaseTerms(), NOW
    )
    assert any(p.startswith("C1: the follow-up skeletal survey is pending") for p in problems)


@pytest.mark.parametrize(
    ("investigations", "meetings", "actions", "refused_because"),
    [
        ([INITIAL_OK, FOLLOW_OK], [], [], None),
        ([inv("bloods", "not_required", not_required_reason="r", decided_by="Dr")], [], [], None),
        ([], [], [], "C3: no investigation is recorded"),
        ([INITIAL_OK], [], [], "C3: 'no concern' needs the follow-up skeletal survey"),
        ([INITIAL_OK, FOLLOW_OK], [IMPOSE], [], "C3: supervision is in force"),
        # a free-text investigation never stands in for a survey stage
        (
            [INITIAL_OK, inv("other", "reported", label="skeletal survey 2")],
            [],
            [],
            "C3: 'no concern' needs the follow-up skeletal survey",
        ),
    ],
)
def test_c3_no_concern_needs_everything_back(investigations, meetings, actions, refused_because):
    problems = rules.close_problems(
        case(investigations=investigations, meetings=meetings, actions=actions),
        "no_concern",
        "r",
        CaseTerms(),
        NOW,
    )
    if refused_because is None:
        assert problems == []
    else:
        assert any(p.startswith(refused_because) for p in problems), problems


def test_c3_every_duty_done_or_waived_with_a_reason():
    terms = CaseTerms(duties=(Duty("check_cp_is", "CP-IS", NOW + timedelta(days=1)),))
    c = case(investigations=[INITIAL_OK, FOLLOW_OK])
    assert any(
        "C3: the duty check_cp_is" in p
        for p in rules.close_problems(c, "no_concern", "r", terms, NOW)
    )
    no_reason = CaseAction(T0, "Dr", "check_cp_is", waived=True, reason=" ")
    c2 = case(investigations=[INITIAL_OK, FOLLOW_OK], actions=[no_reason])
    assert rules.close_problems(c2, "no_concern", "r", terms, NOW)
    waived = CaseAction(T0, "Dr", "check_cp_is", waived=True, reason="done by the ED")
    c3 = case(investigations=[INITIAL_OK, FOLLOW_OK], actions=[waived])
    assert rules.close_problems(c3, "no_concern", "r", terms, NOW) == []


@pytest.mark.parametrize("outcome", ["other", "csc_lead", "child_protection_plan"])
def test_c6_an_overdue_duty_cannot_vanish_by_closing(outcome):
    terms = CaseTerms(duties=(Duty("written_referral", "Written referral", T0),))
    problems = rules.close_problems(case(status="referred"), outcome, "moved away", terms, NOW)
    assert any(p.startswith("C6: the duty written_referral") for p in problems)


def test_c6_closing_needs_a_reason_and_an_open_case_and_reopening_a_reason():
    assert rules.close_problems(case(), "other", "  ", CaseTerms(), NOW) == [
        "C6: a reason for closing is required"
    ]
    assert rules.close_problems(case("closed"), "other", "r") == ["C6: the case is already closed"]
    assert rules.reopen_problems(case("closed"), " ") == ["C6: reopening a case needs a reason"]
    assert rules.reopen_problems(case("closed"), "new injury") == []
    assert rules.reopen_problems(case("open"), "x") == ["C6: only a closed case can be reopened"]


# --- C2: investigations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("performed_on", "early_reason", "by", "refused"),
    [
        (date(2025, 9, 4), None, None, True),  # ten days before the window opens
        (date(2025, 9, 4), "clinically indicated", None, True),
        (date(2025, 9, 4), None, "Dr K", True),
        (date(2025, 9, 4), "clinically indicated", "Dr K", False),
        (date(2025, 9, 14), None, None, False),  # in its window
        (date(2025, 9, 20), None, None, False),  # late is recorded (and was shown overdue)
    ],
)
def test_c2_follow_up_before_its_window_needs_a_reason_and_a_name(
    performed_on, early_reason, by, refused
):
    c = case(investigations=[INITIAL_OK, FOLLOW_PENDING])
    problems = rules.report_problems(
        c,
        FOLLOW_PENDING,
        rules.SURVEY_FOLLOW_UP,
        performed_on=performed_on,
        result="normal",
        early_reason=early_reason,
        decided_by=by,
        today=date(2025, 9, 30),
    )
    assert bool(problems) is refused
    if refused:
        assert problems[0].startswith(
            "C2: the follow-up skeletal survey's window opens on 2025-09-14"
        )


@pytest.mark.parametrize(
    ("reason", "by", "count"),
    [(None, None, 2), ("", "Dr", 1), ("CT showed nothing", "", 1), ("r", "Dr K", 0)],
)
@pytest.mark.parametrize("kind", [rules.SURVEY_INITIAL, rules.SURVEY_FOLLOW_UP, "bloods"])
def test_c2_not_required_needs_a_reason_and_a_name(kind, reason, by, count):
    problems = rules.not_required_problems(case(), inv(kind), reason, by)
    assert len(problems) == count and all(p.startswith("C2: ") for p in problems)


def test_c2_follow_up_is_never_requested_by_hand_and_kinds_come_from_the_profile():
    assert rules.request_problems(case(), rules.SURVEY_FOLLOW_UP, None)[0].startswith("C2: ")
    assert "unknown investigation kind" in rules.kind_problem("xray", ("bloods",), None)
    assert rules.kind_problem("other", ("bloods",), None).startswith("--label")
    assert rules.kind_problem("other", ("bloods",), "urine") is None


def test_c2_stage_1_reads_not_complete_until_stage_2_is_reported():
    pending = case(investigations=[INITIAL_OK, FOLLOW_PENDING])
    assert rules.stage(pending, INITIAL_OK) == "1 of 2: not complete"
    done = case(investigations=[INITIAL_OK, FOLLOW_OK])
    assert rules.stage(done, INITIAL_OK) == "1 of 2"
    assert rules.stage(done, FOLLOW_OK) == "2 of 2"
    assert rules.stage(done, inv("bloods")) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 20))
def test_follow_up_window_counts_from_the_initial(initial, low):
    start, end = rules.follow_up_survey_window(initial, (low, low + 3))
    assert (start - initial).days == low and (end - start).days == 3


# --- C4: supervision -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "prior", "refused_because"),
    [
        (IMPOSE, [], None),
        (meeting(supervision="impose", attendees=(SW,), conditions="c", relax_conditions="r"),
         [], "C4: a decision to impose supervision needs at least one health"),
        (meeting(supervision="impose", conditions="c"), [], "C4: to impose supervision the meeting records the conditions for relaxing"),
        (meeting(supervision="relax", attendees=(SW,), reason="r"), [IMPOSE], "C4: a decision to relax"),
        (meeting(supervision="relax", attendees=(HEALTH, POLICE), reason="r"), [IMPOSE], "C4: a decision to relax"),
        (meeting(supervision="relax"), [IMPOSE], "C4: relaxing supervision before both"),
        (meeting(supervision="relax", reason="grandmother moved in"), [IMPOSE], None),
        (meeting(supervision="change", conditions="c2", relax_conditions="r"), [], "C4: no supervision is in force"),
        (meeting(supervision="maintain", attendees=(SW,), conditions="c", relax_conditions="r"), [IMPOSE], None),
        (meeting(conditions="looser"), [IMPOSE], "C4: conditions are only recorded"),
        (meeting(at=T0 - timedelta(days=1)), [], "C4: a meeting cannot be recorded as held before"),
        (meeting(at=NOW + timedelta(minutes=1)), [], "C4: a meeting cannot be recorded as held in the future"),
        (meeting(attendees=()), [], "C4: who attended is required"),
        (meeting(attendees=(Attendee("X", "r", "family"),)), [], "C4: attendee agency"),
    ],
)  # fmt: skip
def test_c4_meeting_rules(m, prior, refused_because):
    c = case(investigations=[INITIAL_OK, FOLLOW_PENDING], meetings=prior)
    problems = rules.meeting_problems(c, m, NOW)
    if refused_because is None:
        assert problems == []
    else:
        assert any(p.startswith(refused_because) for p in problems), problems


def test_c4_in_force_is_the_latest_decision_only():
    relax_early = meeting(T0 + timedelta(hours=1), "relax", reason="r")
    overruled = [relax_early, IMPOSE]  # an earlier relax overruled by a later impose
    s = rules.supervision(case(meetings=overruled))
    assert s.in_force and s.conditions == "supervised" and s.relax_conditions == "both stages"
    assert [h.decision for h in s.history] == ["relax"]
    assert "Dr K (named doctor, health)" in s.decided_by
    later = meeting(T0 + timedelta(days=2), "relax", reason="r")
    assert not rules.supervision(case(meetings=[*overruled, later])).in_force
    no_decision = meeting(T0 + timedelta(days=3))
    assert rules.supervision(case(meetings=[IMPOSE, no_decision])).in_force


@given(st.lists(st.sampled_from([None, "impose", "maintain", "change", "relax"]), max_size=8))
def test_c4_supervision_in_force_follows_the_last_decision(decisions):
    meetings = [
        meeting(T0 + timedelta(hours=i), d, conditions="c", relax_conditions="r")
        for i, d in enumerate(decisions)
    ]
    made = [d for d in decisions if d is not None]
    s = rules.supervision(case(meetings=meetings))
    assert s.in_force is (bool(made) and made[-1] != "relax")
    assert len(s.history) == max(len(made) - 1, 0)


# --- C5, C7: what is due ---------------------------------------------------------------------


def test_c7_one_list_overdue_first_with_every_kind_of_item():
    terms = CaseTerms(
        duties=(
            Duty("phone_csc", "Phone", T0),
            Duty("written_referral", "Written", T0 + timedelta(hours=24)),
            Duty("pre_birth_referral", "Pre-birth", T0 + timedelta(hours=14)),
            Duty("haematology_review", "Haematology", None),
        ),
        pregnancy_due_date=date(2026, 1, 10),
    )
    m = meeting(review_on=date(2025, 9, 10))
    c = case(
        investigations=[INITIAL_OK, FOLLOW_PENDING],
        meetings=[m],
        actions=[CaseAction(T0 + timedelta(hours=1), "Dr", "phone_csc")],
    )
    items = rules.due_items(c, NOW, terms)
    assert [(i.what, i.overdue) for i in items] == [
        ("pre_birth_referral", True),
        ("written_referral", True),
        ("meeting_review", False),
        ("skeletal_survey_follow_up", False),
        ("haematology_review", False),
    ]
    written = next(i for i in items if i.what == "written_referral")
    assert written.due_at == T0 + timedelta(hours=25)  # counted from the call
    assert "2026-01-10" in items[0].label
    follow = next(i for i in items if i.what == "skeletal_survey_follow_up")
    assert (follow.due_from, follow.due_at) == (date(2025, 9, 14), datetime(2025, 9, 17, 23, 59))
    assert rules.due_items(case("closed"), NOW, terms) == []


def test_c5_a_result_after_the_last_meeting_brings_a_review_and_an_addendum():
    friday = datetime(2025, 9, 5, 15, 0)
    stage2 = inv(rules.SURVEY_FOLLOW_UP, "reported", reported_at=friday, result="two rib fractures")
    c = case(investigations=[INITIAL_OK, stage2], meetings=[IMPOSE])
    items = {
        i.what: i for i in rules.due_items(c, friday, CaseTerms(sealed_at=T0 + timedelta(days=1)))
    }
    assert items["strategy_review"].due_at == datetime(2025, 9, 8, 15, 0)  # one working day
    assert items["record_addendum"].due_at == datetime(2025, 9, 8, 15, 0)
    review = meeting(friday + timedelta(hours=2))
    after = case(investigations=[INITIAL_OK, stage2], meetings=[IMPOSE, review])
    left = {i.what for i in rules.due_items(after, friday, CaseTerms(sealed_at=T0))}
    assert "strategy_review" not in left and "record_addendum" in left
    resealed = CaseTerms(sealed_at=friday + timedelta(hours=3))
    assert "record_addendum" not in {i.what for i in rules.due_items(after, friday, resealed)}


@given(
    st.datetimes(min_value=datetime(2000, 1, 3), max_value=datetime(2099, 1, 1)), st.integers(0, 10)
)
def test_working_days_skip_weekends(start, days):
    end = rules.add_working_days(start, days)
    assert end.weekday() < 5 or days == 0
    assert end.time() == start.time()
    assert (end - start).days >= days


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["phone_csc", "written_referral", "check_cp_is", "inform_parents"]),
            st.one_of(st.none(), st.integers(-100, 100)),
        ),
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    st.integers(-50, 50),
)
def test_c7_overdue_items_come_first_and_overdue_means_past_due(duties, offset):
    terms = CaseTerms(
        duties=tuple(Duty(d, d, None if h is None else T0 + timedelta(hours=h)) for d, h in duties)
    )
    now = T0 + timedelta(hours=offset)
    items = rules.due_items(case(), now, terms)
    flags = [i.overdue for i in items]
    assert flags == sorted(flags, reverse=True)
    assert all(i.overdue == (i.due_at is not None and now > i.due_at) for i in items)
    assert {i.what for i in items} == {d for d, _ in duties}


def test_c8_the_stricter_decision_wins_and_never_lowers():
    assert rules.stricter("immediate", "immediate")
    assert rules.stricter("consider", "emergency")
    assert not rules.stricter("immediate", "consider")
    assert rules.stricter(None, "record_only")


def test_status_follows_the_case():
    assert rules.status_for(case("open", investigations=[FOLLOW_PENDING])) == "results_pending"
    assert rules.status_for(case("results_pending", investigations=[FOLLOW_OK])) == "open"
    called = case("open", actions=[CaseAction(T0, "Dr", "phone_csc")])
    assert rules.status_for(called) == "referred"
    assert rules.status_for(case("closed", investigations=[FOLLOW_PENDING])) == "closed"


# --- C6: an action recorded in error is undone by a new event, never deleted ------------


def act(id_, kind="inform_parents", at=T0, **kw):
    return CaseAction(at, "Dr A", kind, id=id_, **kw)


def undo(id_, of, at=T0):
    return CaseAction(at, "Dr A", rules.ACTION_UNDONE, str(of), "inform_parents", id=id_)


@pytest.mark.parametrize(
    ("actions", "target", "status", "sealed_at", "refused_because"),
    [
        ([act(1), act(2)], 2, "open", None, None),
        ([act(1), act(2)], 1, "open", None, "only the latest action"),
        ([act(1)], 1, "closed", None, "the case is closed"),
        ([act(1), undo(2, of=1)], 1, "open", None, "already been undone"),
        ([act(1, rules.REOPENED_EVENT)], 1, "open", None, "a case event cannot be undone"),
        ([act(1)], 1, "open", T0 + timedelta(hours=1), "sealed after this action"),
        ([act(1)], 1, "open", T0 - timedelta(hours=1), None),
        ([act(1)], 7, "open", None, "there is no action 7"),
    ],
)
def test_c6_only_the_latest_action_of_an_open_unsealed_case_is_undone(
    actions, target, status, sealed_at, refused_because
):
    problems = rules.undo_problems(
        case(status, actions=actions), target, CaseTerms(sealed_at=sealed_at)
    )
    if refused_because is None:
        assert problems == []
    else:
        assert any(refused_because in p and p.startswith("C6:") for p in problems), problems


@given(st.lists(st.booleans(), min_size=1, max_size=8))
def test_c6_an_undone_duty_is_due_again_and_its_history_stays(undone_flags):
    """Each duty action, undone or not: undone ones no longer count; none is removed."""
    actions, next_id = [], 1
    for i, undone in enumerate(undone_flags):
        actions.append(act(next_id, kind=f"duty_{i}"))
        if undone:
            actions.append(undo(next_id + 1, of=next_id))
        next_id += 2
    c = case("open", actions=actions)
    terms = CaseTerms(duties=tuple(Duty(f"duty_{i}", "a duty") for i in range(len(undone_flags))))
    still_open = {d.id for d in rules.open_duties(c, terms)}
    assert still_open == {f"duty_{i}" for i, u in enumerate(undone_flags) if u}
    assert len(c.actions) == len(undone_flags) + sum(undone_flags)  # nothing deleted
    assert all(a.kind != rules.ACTION_UNDONE for a in rules.effective_actions(c))
