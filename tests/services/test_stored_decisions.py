"""The stored decision of a case, and assessing a child the user opened (by id)."""

from datetime import date

import pytest

from triage_app.domain.errors import InputError
from triage_app.domain.records import NotFoundError
from triage_app.services import assessments, cases, children, history, matching
from triage_app.services.assessments import record_assessment


def _no_nhs_case(make, when, findings, **child):
    data = make.case_json(None, assessed_at=when, findings=findings)
    data["child"].update(child)
    return data


def test_a_case_returns_the_decision_stored_with_its_assessment(ctx, make):
    first = record_assessment(ctx, make.case_json(assessed_at="2025-08-20T09:00"))
    rec = record_assessment(
        ctx,
        make.case_json(findings=[{"kind": "bruise", "site": "ear", "side": "left"}]),
        child_id=first.child.id,
    )
    case = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)

    stored = assessments.decision_for_case(ctx, case.id)

    assert stored.decision == rec.decision  # the decision made then, with every action
    assert [a.id for a in stored.decision.actions] == [a.id for a in rec.decision.actions]
    assert all(a.rule for a in stored.decision.actions)
    assert any(a.due_at for a in stored.decision.actions)
    assert stored.decision.flags  # the earlier presentation raised a cumulative-risk flag
    assert (stored.profile_id, stored.profile_version) == (
        rec.decision.profile_id,
        rec.decision.profile_version,
    )
    assert stored.input_json["child"]["nhs_number"] == make.NHS[0]
    assert len(stored.input_json["history"]["prior_presentations"]) == 1


def test_a_case_without_an_assessment_has_no_stored_decision(ctx, make):
    child = children.record_child(ctx, make.child())
    case = cases.open_case(ctx, child.id)
    assert assessments.decision_for_case(ctx, case.id) is None
    with pytest.raises(NotFoundError):
        assessments.decision_for_case(ctx, case.id + 100)


def test_a_child_without_an_nhs_number_assessed_again_by_id_keeps_one_record(ctx, make):
    first = record_assessment(
        ctx, _no_nhs_case(make, "2025-08-20T09:00", [{"kind": "bruise", "site": "cheek"}])
    )
    again = record_assessment(
        ctx,
        _no_nhs_case(make, "2025-09-03T10:40", [{"kind": "bruise", "site": "ear"}]),
        child_id=first.child.id,
    )

    assert again.child.id == first.child.id and not again.child_created
    found = matching.find_matches(ctx, "Example, Ava", date(2025, 7, 20))
    assert [m.child.id for m in found] == [first.child.id]
    prior = again.assessment.input_json["history"]["prior_presentations"]
    assert [p["date"] for p in prior] == ["2025-08-20"]  # the first visit counted (rule R6)


def test_without_an_id_or_nhs_number_children_are_never_merged_by_name(ctx, make):
    a = record_assessment(ctx, _no_nhs_case(make, "2025-08-20T09:00", []))
    b = record_assessment(ctx, _no_nhs_case(make, "2025-09-03T10:40", []))
    assert a.child.id != b.child.id and b.child_created


def test_nhs_number_matching_still_works_without_an_id(ctx, make):
    a = record_assessment(ctx, make.case_json(assessed_at="2025-08-20T09:00"))
    b = record_assessment(ctx, make.case_json())
    assert a.child.id == b.child.id and not b.child_created


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"date_of_birth": "2025-07-21"}, "date_of_birth"),
        ({"nhs_number": "NHS1"}, "nhs_number"),
    ],
)
def test_an_id_that_does_not_describe_the_case_stores_nothing(ctx, make, change, words):
    stored = children.record_child(ctx, make.child())
    other = children.record_child(ctx, make.child(1))
    if change.get("nhs_number") == "NHS1":
        change = {"nhs_number": other.nhs_number}
    data = make.case_json(**{})
    data["child"].update(change)
    with pytest.raises(InputError, match=words):
        record_assessment(ctx, data, child_id=stored.id)
    assert history.history_by_child_id(ctx, stored.id).entries == ()


def test_an_nhs_number_held_by_another_record_is_kept_and_the_link_route_named(ctx, make):
    stored = children.record_child(ctx, make.child(nhs_number=None))
    holder = children.record_child(ctx, make.child(1))
    data = make.case_json(make.NHS[1])
    recorded = record_assessment(ctx, data, child_id=stored.id)
    assert recorded.child.id == stored.id and recorded.child.nhs_number is None
    assert recorded.assessment.input_json["child"]["nhs_number"] == make.NHS[1]
    assert any(
        f"belongs to stored record {holder.id}" in n and "child link" in n
        for n in recorded.decision.notices
    )


def test_an_unknown_child_id_is_refused(ctx, make):
    with pytest.raises(InputError, match="no stored child"):
        record_assessment(ctx, make.case_json(), child_id=999)
