"""The prior-presentation check: the whole history at the moment of decision."""

from datetime import date

import pytest

from triage_app.domain.errors import InputError
from triage_app.domain.records import Relation
from triage_app.services import children, history
from triage_app.services.assessments import record_assessment


def _visit(ctx, make, when, findings, nhs=None, **child):
    data = make.case_json(nhs or make.NHS[0], assessed_at=when, findings=findings)
    data["child"].update(child)
    return record_assessment(ctx, data)


@pytest.fixture
def family(ctx, make):
    """Child AF's pattern: three presentations in three weeks; a sibling with a past plan."""
    sister = children.record_child(
        ctx, make.child(1, given_name="Freya", date_of_birth=date(2021, 3, 2), cp_plan="past")
    )
    first = _visit(ctx, make, "2025-08-10T09:00", [{"kind": "bleeding", "site": "mouth"}])
    children.link_household(ctx, first.child.id, Relation.SIBLING, related_child_id=sister.id)
    _visit(
        ctx,
        make,
        "2025-08-24T09:00",
        [{"kind": "subconjunctival_haemorrhage", "site": "subconjunctiva"}],
    )
    _visit(ctx, make, "2025-08-31T09:00", [{"kind": "mark", "site": "lower_leg"}])
    _visit(
        ctx,
        make,
        "2025-06-01T09:00",
        [{"kind": "bruise", "site": "forehead"}],
        nhs=make.NHS[1],
        date_of_birth="2021-03-02",
        given_name="Freya",
    )
    return first.child, sister


def test_history_lists_child_and_household_newest_first_with_flags(ctx, family):
    baby, sister = family
    h = history.history_by_nhs_number(ctx, baby.nhs_number)
    seen = [(e.presentation.seen_at.date().isoformat(), e.relation) for e in h.entries]
    assert seen == [
        ("2025-08-31", "self"),
        ("2025-08-24", "self"),
        ("2025-08-10", "self"),
        ("2025-06-01", "sibling"),
    ]
    assert h.entries[-1].child.id == sister.id
    flags = {f.id for f in h.flags}
    assert {"prior_injury_presentation", "family_safeguarding_history", "high_risk_site"} <= flags
    assert "cp_is_not_checked" not in flags
    assert h.entries[0].urgency == "immediate"


def test_history_accepts_spaces_and_rejects_invalid_numbers(ctx, family):
    baby, _ = family
    spaced = f"{baby.nhs_number[:3]} {baby.nhs_number[3:6]} {baby.nhs_number[6:]}"
    assert history.history_by_nhs_number(ctx, spaced).child.id == baby.id
    with pytest.raises(InputError, match="Modulus 11"):
        history.history_by_nhs_number(ctx, baby.nhs_number[:9] + "0")


def test_unknown_nhs_number_gives_none(ctx, make):
    assert history.history_by_nhs_number(ctx, make.NHS[30]) is None


def test_recording_a_new_presentation_sees_the_stored_history(ctx, make, family):
    """The engine decides the fourth presentation with the first three and the sibling."""
    fourth = _visit(ctx, make, "2025-09-03T10:40", [{"kind": "bruise", "site": "thigh"}])
    flags = {f.id for f in fourth.decision.flags}
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= flags
    stored = fourth.assessment.input_json["history"]
    assert len(stored["prior_presentations"]) == 3
    assert stored["household_children"][0]["cp_plan"] == "past"


def test_lookup_adds_stored_history_to_a_case_without_duplicating(ctx, make, family):
    case = make.case_json(assessed_at="2025-09-03T10:40")
    case["history"] = {
        "prior_presentations": [
            {"date": "2025-08-10", "findings": [{"kind": "bleeding", "site": "mouth"}]}
        ]
    }
    extended, notes = history.lookup_for_case(ctx, case)
    assert len(extended["history"]["prior_presentations"]) == 3  # 1 given + 2 new
    assert len(extended["history"]["household_children"]) == 1
    assert notes == ["lookup: added 2 stored presentation(s) and 1 household child(ren)"]
    assert case["history"]["prior_presentations"][0]["date"] == "2025-08-10"  # input untouched


def test_lookup_only_counts_presentations_before_the_assessment(ctx, make, family):
    extended, _ = history.lookup_for_case(ctx, make.case_json(assessed_at="2025-08-25T10:00"))
    assert [p["date"] for p in extended["history"]["prior_presentations"]] == [
        "2025-08-10",
        "2025-08-24",
    ]


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ({"date_of_birth": "2025-07-21"}, "stored history was NOT added"),
        ({"nhs_number": None}, "no NHS number"),
    ],
)
def test_lookup_adds_nothing_when_identity_is_unsure(ctx, make, family, change, note):
    case = make.case_json()
    case["child"].update(change)
    case["child"] = {k: v for k, v in case["child"].items() if v is not None}
    extended, notes = history.lookup_for_case(ctx, case)
    assert extended == case and note in notes[0]


def test_recording_with_a_different_date_of_birth_is_refused(ctx, make, family):
    data = make.case_json()
    data["child"]["date_of_birth"] = "2025-07-21"
    with pytest.raises(InputError, match="differs from the stored child"):
        record_assessment(ctx, data)


def test_a_child_first_met_in_an_assessment_may_have_no_name(ctx, make):
    data = make.case_json()
    data["child"] = {"nhs_number": make.NHS[7], "date_of_birth": "2025-07-20"}
    recorded = record_assessment(ctx, data)
    assert (recorded.child.family_name, recorded.child.given_name) == (None, None)
    assert recorded.child_created
