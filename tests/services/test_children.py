"""Recording and finding children; household links; presentations entered by hand."""

import dataclasses
from datetime import datetime

import pytest

from triage_app.domain.errors import InputError
from triage_app.domain.records import (
    ConflictError,
    FindingRecord,
    NotFoundError,
    PresentationRecord,
    Relation,
)
from triage_app.services import audit_log, children, history
from triage_app.services.assessments import record_presentation


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"nhs_number": "9990000019"}, "nhs_number", "Modulus 11"),
        ({"nhs_number": "12345"}, "nhs_number", "10 digits"),
        ({"sex": "F"}, "sex", "must be one of"),
        ({"cp_plan": "maybe"}, "cp_plan", "must be one of"),
        ({"family_name": " ", "given_name": None}, "family_name", "is required"),
    ],
)
def test_invalid_child_details_are_refused_naming_the_field(ctx, make, change, field, reason):
    with pytest.raises(InputError) as err:
        children.record_child(ctx, make.child(**change))
    assert [p.path for p in err.value.problems] == [field]
    assert reason in err.value.problems[0].reason
    assert audit_log.events(ctx) == []  # nothing was written, not even the user


def test_nhs_number_is_stored_without_spaces_and_found_with_them(ctx, make):
    spaced = f"{make.NHS[2][:3]} {make.NHS[2][3:6]} {make.NHS[2][6:]}"
    stored = children.record_child(ctx, make.child(nhs_number=spaced))
    assert stored.nhs_number == make.NHS[2]
    assert children.find_by_nhs_number(ctx, spaced) == stored
    assert children.find_by_nhs_number(ctx, make.NHS[3]) is None


def test_a_second_child_with_the_same_nhs_number_is_refused(ctx, make):
    children.record_child(ctx, make.child())
    with pytest.raises(InputError, match="already stored"):
        children.record_child(ctx, make.child(given_name="Other"))


def test_update_is_audited_and_a_stale_update_is_refused(ctx, other_ctx, make):
    stored = children.record_child(ctx, make.child())
    mine = children.get_child(ctx, stored.id)
    theirs = children.get_child(other_ctx, stored.id)
    children.update_child(ctx, dataclasses.replace(mine, gp_practice="Synthetic Surgery"))
    with pytest.raises(ConflictError) as err:
        children.update_child(other_ctx, dataclasses.replace(theirs, postcode="XX3 3CC"))
    assert err.value.attempted["postcode"] == "XX3 3CC"
    now = children.get_child(ctx, stored.id)
    assert (now.gp_practice, now.postcode, now.version) == ("Synthetic Surgery", "XX1 1AA", 2)


def test_household_link_is_audited_and_shows_in_history(ctx, make):
    baby = children.record_child(ctx, make.child(0))
    brother = children.record_child(ctx, make.child(1, given_name="Sam", cp_plan="current"))
    children.link_household(ctx, baby.id, Relation.SIBLING, related_child_id=brother.id)
    children.link_household(ctx, baby.id, "carer", person_name="Grandmother")
    assert [e.entity for e in audit_log.events(ctx)[-2:]] == ["household_link"] * 2
    h = history.history_by_nhs_number(ctx, baby.nhs_number)
    assert [m.relation for m in h.household] == [Relation.SIBLING, Relation.CARER]
    assert "current child protection plan" in next(
        f.text for f in h.flags if f.id == "family_safeguarding_history"
    )


def test_a_presentation_entered_by_hand_is_stored_and_audited(ctx, make):
    baby = children.record_child(ctx, make.child())
    p = record_presentation(
        ctx,
        PresentationRecord(
            baby.id,
            datetime(2025, 8, 1, 9, 0),
            "health_visitor",
            "Synthetic Trust",
            "red eye",
            (FindingRecord("subconjunctival_haemorrhage", "subconjunctiva", "left"),),
            "cried a lot",
            "advice given",
        ),
    )
    assert p.id is not None and p.source == "local"
    assert audit_log.events(ctx)[-1].entity == "presentation"
    with pytest.raises(NotFoundError, match="no child with id 999"):
        record_presentation(ctx, PresentationRecord(999, datetime(2025, 8, 1, 9, 0)))
