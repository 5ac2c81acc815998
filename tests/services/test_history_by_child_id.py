"""History by the stored child's id: for children with and without an NHS number."""

from datetime import date

import pytest

from triage_app.domain.records import NotFoundError, Relation
from triage_app.services import children, history
from triage_app.services.assessments import record_assessment


def _case(make, when, findings, nhs=None, **child):
    data = make.case_json(nhs, assessed_at=when, findings=findings)
    data["child"].update(child)
    return data


def test_a_child_without_an_nhs_number_has_their_history_and_household(ctx, make):
    first = record_assessment(
        ctx, _case(make, "2025-08-10T09:00", [{"kind": "bleeding", "site": "mouth"}])
    )
    baby = first.child
    assert baby.nhs_number is None
    record_assessment(
        ctx,
        _case(make, "2025-08-31T09:00", [{"kind": "mark", "site": "lower_leg"}]),
        child_id=baby.id,
    )
    sister = children.record_child(
        ctx, make.child(1, given_name="Freya", date_of_birth=date(2021, 3, 2))
    )
    children.link_household(ctx, baby.id, Relation.SIBLING, related_child_id=sister.id)
    record_assessment(
        ctx,
        _case(
            make,
            "2025-06-01T09:00",
            [{"kind": "bruise", "site": "forehead"}],
            nhs=make.NHS[1],
            given_name="Freya",
            date_of_birth="2021-03-02",
        ),
    )

    h = history.history_by_child_id(ctx, baby.id)

    assert h.child.id == baby.id
    assert [(e.relation, e.presentation.seen_at.isoformat()) for e in h.entries] == [
        ("self", "2025-08-31T09:00:00"),
        ("self", "2025-08-10T09:00:00"),
        ("sibling", "2025-06-01T09:00:00"),
    ]  # newest first, the child's and the household's
    assert [m.related_child.id for m in h.household] == [sister.id]
    assert h.flags  # two injuries while not independently mobile: rule R6 flags them


def test_the_same_history_as_by_nhs_number(ctx, make):
    rec = record_assessment(ctx, make.case_json())
    by_id = history.history_by_child_id(ctx, rec.child.id)
    by_number = history.history_by_nhs_number(ctx, make.NHS[0])
    assert by_id == by_number


def test_an_unknown_child_id_is_not_found(ctx):
    with pytest.raises(NotFoundError):
        history.history_by_child_id(ctx, 12345)
