"""Editing a case no longer re-reads it after the change (a case with hundreds of actions was
slow to edit): what an edit returns and audits is exactly what a fresh read gives, the version
check still refuses a stale edit, and the case stays in time order."""

import dataclasses
import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from triage_app.domain.records import (
    Attendee,
    CaseAction,
    CaseRecord,
    ChildRecord,
    ConflictError,
    InvestigationRecord,
    StrategyMeeting,
)
from triage_app.services import cases, children
from triage_app.services.context import open_store

NOW = datetime(2026, 1, 5, 9, 0)


@pytest.fixture
def ctx(tmp_path):
    c = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}", user="u", clock=lambda: NOW)
    yield c
    c.close()


def _case(ctx):
    child = children.record_child(ctx, ChildRecord(date(2025, 7, 20), "Example", "Ava"))
    return cases.open_case(ctx, child.id, opened_at=NOW - timedelta(days=1))


def test_an_edit_returns_what_a_fresh_read_gives_in_time_order(ctx):
    case = _case(ctx)
    v = case.version
    # Recorded out of time order, two at the same minute: the record keeps time order, ties in
    # the order they were recorded, exactly as the database returns them.
    for at, note in ((NOW - timedelta(hours=1), "b"), (NOW - timedelta(hours=2), "a"),
                     (NOW - timedelta(hours=1), "c")):  # fmt: skip
        after = cases.record_action(ctx, case.id, v, "inform_parents", at=at, note=note, by="x")
        assert after == cases.get_case(ctx, case.id)
        v = after.version
    assert [a.details for a in after.actions] == ["a", "b", "c"]
    meeting = StrategyMeeting(
        NOW - timedelta(minutes=30), "plan agreed", (Attendee("Dr A", "paediatrician", "health"),)
    )
    after = cases.record_meeting(ctx, case.id, v, meeting)
    assert after == cases.get_case(ctx, case.id) and after.version == v + 1
    after = cases.request_investigation(ctx, case.id, after.version, "skeletal_survey_initial")
    assert after == cases.get_case(ctx, case.id)


def test_a_stale_edit_is_still_refused_and_writes_nothing(ctx):
    case = _case(ctx)
    cases.record_action(ctx, case.id, case.version, "inform_parents", by="a", note="first")
    with pytest.raises(ConflictError):
        cases.record_action(ctx, case.id, case.version, "inform_parents", by="b", note="stale")
    assert [a.details for a in cases.get_case(ctx, case.id).actions] == ["first"]


def test_the_audit_keeps_the_whole_case_before_and_after(ctx):
    case = _case(ctx)
    after = cases.record_action(ctx, case.id, case.version, "inform_parents", by="a", note="n")
    with ctx.engine.connect() as conn:
        before_text, after_text = conn.execute(
            text(
                "SELECT before, after FROM audit_event WHERE entity = 'case' "
                "AND action = 'update' ORDER BY id DESC LIMIT 1"
            )
        ).one()
    as_json = lambda c: json.loads(json.dumps(dataclasses.asdict(c), default=str))  # noqa: E731
    assert json.loads(before_text) == as_json(case)
    assert json.loads(after_text) == as_json(after)


texts = st.none() | st.text(max_size=5)
moments = st.datetimes(datetime(2025, 1, 1), datetime(2026, 1, 1))
records = st.builds(
    CaseRecord,
    child_id=st.integers(1, 9),
    status=st.sampled_from(["open", "closed"]),
    opened_at=moments,
    opened_by=st.text(max_size=5),
    actions=st.lists(
        st.builds(
            CaseAction,
            at=moments,
            person=st.text(max_size=3),
            kind=st.text(max_size=3),
            reference=texts,
            details=texts,
            id=st.none() | st.integers(1, 99),
        ),
        max_size=4,
    ).map(tuple),
    investigations=st.lists(
        st.builds(
            InvestigationRecord,
            kind=st.text(max_size=3),
            status=st.text(max_size=3),
            requested_at=st.none() | moments,
            due_from=st.none() | st.dates(),
        ),
        max_size=3,
    ).map(tuple),
    meetings=st.lists(
        st.builds(
            StrategyMeeting,
            held_at=moments,
            outcome=st.text(max_size=3),
            attendees=st.lists(
                st.builds(Attendee, st.text(max_size=2), st.text(max_size=2), st.text(max_size=2)),
                max_size=2,
            ).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    presentation_ids=st.lists(st.integers(1, 9), max_size=3).map(tuple),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_the_fast_audit_form_is_exactly_dataclasses_asdict(case):
    assert cases.case_audit(case) == dataclasses.asdict(case)
