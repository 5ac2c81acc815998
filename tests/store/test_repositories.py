"""Repositories: every entity round-trips as a domain record; stale saves are refused."""

import dataclasses
from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from triage_app.domain.records import (
    AssessmentRecord,
    Attendee,
    CaseAction,
    CaseRecord,
    ChildRecord,
    ConflictError,
    FindingRecord,
    InvestigationRecord,
    NotFoundError,
    PresentationRecord,
    Relation,
    StrategyMeeting,
)
from triage_app.store.case_repository import CaseRepository
from triage_app.store.repositories import (
    ChildRepository,
    PresentationRepository,
    UserRepository,
)

NOW = datetime(2025, 9, 3, 10, 0)


def _is_domain(value):
    return dataclasses.is_dataclass(value) and type(value).__module__.startswith(
        "triage_app.domain"
    )


def test_child_round_trip_with_every_field(ctx, make):
    child = make.child(
        address="1 Example Row\nTestville",
        gp_practice="Synthetic Surgery",
        cp_plan="none",
        looked_after=False,
        family_name="Ó Briain",
        given_name="Siân",
    )
    with ctx.session_factory.begin() as s:
        stored = ChildRepository(s).add(child, "tester", NOW)
    with ctx.session_factory.begin() as s:
        again = ChildRepository(s).get(stored.id)
        by_nhs = ChildRepository(s).by_nhs_number(child.nhs_number)
    assert _is_domain(again)
    assert again == by_nhs == dataclasses.replace(child, id=stored.id, version=1)


def test_nhs_number_is_unique_but_many_children_may_have_none(ctx, make):
    with ctx.session_factory.begin() as s:
        repo = ChildRepository(s)
        repo.add(make.child(nhs_number=None), "t", NOW)
        repo.add(make.child(nhs_number=None, given_name="Bo"), "t", NOW)
        repo.add(make.child(0), "t", NOW)
    with pytest.raises(IntegrityError), ctx.session_factory.begin() as s:
        ChildRepository(s).add(make.child(0, given_name="Other"), "t", NOW)


def test_missing_child_is_a_clear_not_found(ctx):
    with (
        pytest.raises(NotFoundError, match="no child with id 999"),
        ctx.session_factory.begin() as s,
    ):
        ChildRepository(s).get(999)


def test_household_links_read_from_either_child_and_name_adults(ctx, make):
    with ctx.session_factory.begin() as s:
        repo = ChildRepository(s)
        baby = repo.add(make.child(0), "t", NOW)
        sister = repo.add(make.child(1, date_of_birth=date(2021, 3, 2), cp_plan="past"), "t", NOW)
        repo.link(baby.id, Relation.SIBLING, "t", NOW, related_child_id=sister.id)
        repo.link(baby.id, Relation.CARER, "t", NOW, person_name="Grandmother (carer)")
        repo.link(baby.id, Relation.PARENTAL_RESPONSIBILITY, "t", NOW, person_name="Mother")
    with ctx.session_factory.begin() as s:
        from_baby = ChildRepository(s).household(baby.id)
        from_sister = ChildRepository(s).household(sister.id)
    assert [
        (m.relation, m.related_child and m.related_child.id, m.person_name) for m in from_baby
    ] == [
        (Relation.SIBLING, sister.id, None),
        (Relation.CARER, None, "Grandmother (carer)"),
        (Relation.PARENTAL_RESPONSIBILITY, None, "Mother"),
    ]
    assert [m.related_child.id for m in from_sister] == [baby.id]
    assert from_baby[0].related_child.cp_plan == "past"


@pytest.mark.parametrize(
    ("relation", "kwargs", "message"),
    [
        (Relation.SIBLING, {"person_name": "Sam"}, "needs the other child's record"),
        (Relation.CARER, {}, "needs the person's name"),
        (Relation.SIBLING, {"related_child_id": "self"}, "cannot be linked to themselves"),
        (Relation.SIBLING, {"related_child_id": 404}, "no child with id 404"),
    ],
)
def test_bad_household_links_are_refused(ctx, make, relation, kwargs, message):
    with ctx.session_factory.begin() as s:
        baby = ChildRepository(s).add(make.child(), "t", NOW)
    if kwargs.get("related_child_id") == "self":
        kwargs = {"related_child_id": baby.id}
    with (
        pytest.raises((ValueError, NotFoundError), match=message),
        ctx.session_factory.begin() as s,
    ):
        ChildRepository(s).link(baby.id, relation, "t", NOW, **kwargs)


def test_presentation_round_trip_newest_first_and_source_unique(ctx, make):
    findings = (
        FindingRecord("bruise", "cheek", "left", 10.0, False, "purple, oval"),
        FindingRecord("bleeding", "mouth"),
    )
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
        repo = PresentationRepository(s)
        older = repo.add(
            PresentationRecord(
                child.id,
                datetime(2025, 8, 14, 9, 0),
                "gp",
                "Synthetic Surgery",
                "mouth bleeding",
                findings[1:],
                "scratched",
                "advice given",
                None,
                True,
                "emis",
                "E-1",
            ),
            "t",
            NOW,
        )
        newer = repo.add(
            PresentationRecord(
                child.id,
                datetime(2025, 9, 3, 10, 40),
                "ed",
                findings=findings,
                mobility={"rolls": False, "walks": None},
            ),
            "t",
            NOW,
        )
    with ctx.session_factory.begin() as s:
        got = PresentationRepository(s).for_children([child.id])
        before = PresentationRepository(s).for_children([child.id], before=datetime(2025, 9, 1))
    assert [p.id for p in got] == [newer.id, older.id]
    assert got[0].findings == findings and got[0].mobility == {"rolls": False, "walks": None}
    assert got[1].source == "emis" and got[1].source_id == "E-1" and got[1].nim_at_time is True
    assert got[0].source == "local" and got[0].source_id is None
    assert [p.id for p in before] == [older.id]
    with pytest.raises(IntegrityError), ctx.session_factory.begin() as s:
        PresentationRepository(s).add(
            PresentationRecord(child.id, NOW, source="emis", source_id="E-1"), "t", NOW
        )


def test_assessment_round_trip_keeps_input_and_decision_json(ctx, make):
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
        repo = PresentationRepository(s)
        p = repo.add(PresentationRecord(child.id, NOW), "t", NOW)
        a = repo.add_assessment(
            AssessmentRecord(
                p.id,
                NOW,
                "nyscp",
                "2025.1",
                "immediate",
                {"schema": "triage-assess/1", "x": "é"},
                {"schema": "triage-decision/1", "flags": []},
            ),
            "t",
            NOW,
        )
    with ctx.session_factory.begin() as s:
        got = PresentationRepository(s).assessments([p.id])[p.id]
    assert got == a and got.input_json["x"] == "é" and got.profile_version == "2025.1"


def test_user_is_created_once(ctx):
    with ctx.session_factory.begin() as s:
        first, created = UserRepository(s).ensure("nurse.a", NOW)
        again, created_again = UserRepository(s).ensure("nurse.a", NOW)
    assert created and not created_again and first == again and _is_domain(first)


def _case(child_id):
    return CaseRecord(
        child_id=child_id,
        status="open",
        opened_at=NOW,
        opened_by="t",
        actions=(CaseAction(NOW, "Dr A", "phone_csc", "CSC-1", "spoke to duty SW"),),
        investigations=(InvestigationRecord("skeletal_survey_initial", requested_at=NOW),),
        meetings=(
            StrategyMeeting(
                NOW, "s47", (Attendee("J Reed", "manager", "csc"),), "impose", "supervised contact"
            ),
        ),
    )


def test_case_round_trip_with_actions_investigations_and_meetings(ctx, make):
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
        stored = CaseRepository(s).add(_case(child.id), "t", NOW)
    with ctx.session_factory.begin() as s:
        got = CaseRepository(s).get(stored.id)
    assert _is_domain(got) and got.sealed is False and got.version == 1
    assert got.actions[0].reference == "CSC-1" and got.actions[0].person == "Dr A"
    assert got.investigations[0].status == "pending"
    assert got.meetings[0].attendees == (Attendee("J Reed", "manager", "csc"),)
    assert got.supervision_required is True and got.supervision_conditions == "supervised contact"


def test_a_stale_case_save_is_refused_and_the_stored_change_survives(ctx, make):
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
        case = CaseRepository(s).add(_case(child.id), "t", NOW)
    with ctx.session_factory.begin() as s:  # user A saves first
        CaseRepository(s).update(case.id, case.version, "a", NOW, close_reason="A's")
    with pytest.raises(ConflictError) as err, ctx.session_factory.begin() as s:  # B is stale
        CaseRepository(s).update(case.id, case.version, "b", NOW, close_reason="B's")
    assert err.value.attempted == {"close_reason": "B's"}  # B's words are kept
    assert "changed by someone else" in str(err.value) and "nothing stored was overwritten" in str(
        err.value
    )
    with ctx.session_factory.begin() as s:
        assert CaseRepository(s).get(case.id).close_reason == "A's"


def test_a_stale_child_save_is_refused(ctx, make):
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
    with ctx.session_factory.begin() as s:
        ChildRepository(s).update(dataclasses.replace(child, postcode="XX9 9ZZ"), "a", NOW)
    with (
        pytest.raises(ConflictError, match="version 1; the stored version is 2"),
        ctx.session_factory.begin() as s,
    ):
        ChildRepository(s).update(dataclasses.replace(child, postcode="XX8 8YY"), "b", NOW)
    with ctx.session_factory.begin() as s:
        assert ChildRepository(s).get(child.id).postcode == "XX9 9ZZ"


def test_a_record_written_between_read_and_write_is_a_conflict(ctx, make):
    """Two sessions hold the same version; the later flush hits the version check in SQL."""
    if ctx.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): this interleaving cannot occur")
    with ctx.session_factory.begin() as s:
        child = ChildRepository(s).add(make.child(), "t", NOW)
    from triage_app.store.orm import Child
    from triage_app.store.repositories import flush_or_conflict

    with ctx.session_factory() as s1:
        row = s1.get(Child, child.id)
        with ctx.session_factory.begin() as s2:
            ChildRepository(s2).update(dataclasses.replace(child, postcode="XX7 7AA"), "a", NOW)
        row.postcode = "XX6 6AA"
        with pytest.raises(ConflictError):
            flush_or_conflict(s1, "child", child.id, child.version)
        s1.rollback()
    assert isinstance(child, ChildRecord)
