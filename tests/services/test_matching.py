"""Record matching in the store: candidates, ranking with reasons, possible earlier records,
same-child links, rejections, and NHS numbers added to un-numbered records."""

import dataclasses
from datetime import date

import pytest

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.errors import InputError
from triage_app.domain.matching import TWIN_WARNING
from triage_app.domain.records import ChildRecord
from triage_app.services import children, history, links, matching
from triage_app.services.assessments import record_assessment
from triage_app.services.audit_log import verify

DOB = date(2025, 7, 20)


@pytest.fixture
def people(ctx):
    rows = [
        ("O'Brien", "Niamh", DOB, "XX1 1AA"),
        ("OBrien", "Niamh", DOB, "XX9 9ZZ"),
        ("O'Brian", "Neve", DOB, None),  # two names different: not shown
        ("O'Brien", "Niamh", date(2025, 7, 22), None),  # DOB typed 2 days out
        ("O'Brien", "Niamh", date(2025, 7, 2), None),  # same name, another date: not shown
        ("Smith", "Jo", DOB, "XX1 1AA"),  # same DOB and postcode only: not shown
        ("Smith", "Jo", DOB, None),  # same DOB only: not shown
    ]
    return [
        children.record_child(ctx, ChildRecord(dob, fam, giv, None, postcode=pc))
        for fam, giv, dob, pc in rows
    ]


def test_name_and_dob_matches_are_ranked_with_reasons(ctx, people):
    found = matching.find_matches(ctx, "O'BRIEN, Niamh", DOB, "XX1 1AA")
    ids = [m.child.id for m in found]
    assert ids[0] == people[0].id
    assert set(found[0].reasons) == {
        "date of birth exact",
        "family name exact",
        "given name exact",
        "same postcode",
    }
    assert set(ids) == {people[0].id, people[1].id, people[3].id}
    assert "date of birth two days out" in found[ids.index(people[3].id)].reasons
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_name_search_never_merges_records(ctx, people):
    matching.find_matches(ctx, "O'BRIEN, Niamh", DOB)
    again = matching.find_matches(ctx, "Niamh O'Brien", DOB)
    assert len({m.child.id for m in again}) == len(again) >= 3
    assert len(history.history_by_child_id(ctx, people[0].id).linked) == 0


@pytest.mark.parametrize(
    ("name", "dob"),
    [
        ("NIAMH, O'Brien", DOB),  # names the other way round
        ("O'BRIEN, Niamh", date(2025, 7, 21)),  # one day out
        ("OBRIEN, Baby", DOB),  # not yet named
        ("O'BIREN, Niamh", date(2025, 7, 19)),  # a typo and a one-day slip
    ],
)
def test_the_error_classes_real_data_carries_still_find_the_child(ctx, people, name, dob):
    found = matching.find_matches(ctx, name, dob)
    assert found and found[0].child.family_name in ("O'Brien", "OBrien")


def test_a_day_and_month_swap_is_found(ctx):
    kid = children.record_child(ctx, ChildRecord(date(2025, 3, 7), "Okafor", "Tobi"))
    found = matching.find_matches(ctx, "OKAFOR, Tobi", date(2025, 7, 3))
    assert [m.child.id for m in found] == [kid.id]
    assert "date of birth day and month swapped" in found[0].reasons


def test_nothing_is_shown_for_a_child_with_no_record(ctx, people):
    assert matching.find_matches(ctx, "SMITH, Harriet", DOB) == []


def test_twins_carry_a_warning(ctx):
    a = children.record_child(ctx, ChildRecord(DOB, "Adeyemi", "Oliver", postcode="XX2 2BB"))
    b = children.record_child(ctx, ChildRecord(DOB, "Adeyemi", "Amelia", postcode="XX2 2BB"))
    found = matching.find_matches(ctx, "ADEYEMI, Ollie", DOB)
    assert found[0].child.id == a.id and TWIN_WARNING in found[0].reasons
    assert b.id not in [m.child.id for m in found[:1]]


def _unnumbered_with_injury(ctx, make):
    data = make.case_json(None, assessed_at="2025-08-10T09:00")
    data["findings"] = [{"kind": "bleeding", "site": "mouth"}]
    return record_assessment(ctx, data).child


def test_possible_earlier_records_are_offered_until_linked_or_rejected(ctx, make):
    earlier = _unnumbered_with_injury(ctx, make)
    numbered = children.record_child(ctx, make.child())
    found = history.history_by_child_id(ctx, numbered.id)
    [match] = found.possible_matches
    assert match.child.id == earlier.id and "bleeding@mouth" in match.injuries[0]
    assert found.unconfirmed_note == "possible earlier injury, unconfirmed"

    links.reject_match(ctx, numbered.id, earlier.id, "a different baby: checked with the GP")
    assert history.history_by_child_id(ctx, numbered.id).possible_matches == ()

    links.link_children(ctx, earlier.id, numbered.id, "same baby after all")
    linked = history.history_by_child_id(ctx, numbered.id)
    assert [c.id for c in linked.linked] == [earlier.id]
    assert [(e.relation, e.child.id) for e in linked.entries] == [("self", earlier.id)]
    assert linked.unconfirmed_note is None

    links.unlink_children(ctx, numbered.id, earlier.id, "linked in error")
    assert history.history_by_child_id(ctx, numbered.id).entries == ()
    assert verify(ctx).intact


def test_an_assessment_with_a_possible_earlier_injury_carries_the_note(ctx, make):
    _unnumbered_with_injury(ctx, make)
    recorded = record_assessment(ctx, make.case_json(make.NHS[0]))
    assert any(
        n.startswith("possible earlier injury, unconfirmed") for n in recorded.decision.notices
    )
    stored = recorded.assessment.decision_json["notices"]
    assert any(n.startswith("possible earlier injury, unconfirmed") for n in stored)


def test_linking_needs_a_reason_a_lead_and_two_children(ctx, make):
    a = children.record_child(ctx, make.child(nhs_number=None))
    b = children.record_child(ctx, make.child(1))
    c = children.record_child(ctx, make.child(2))
    with pytest.raises(InputError, match="--reason"):
        links.link_children(ctx, a.id, b.id, "  ")
    with pytest.raises(InputError, match="itself"):
        links.link_children(ctx, a.id, a.id, "x")
    with pytest.raises(InputError, match="different NHS numbers"):
        links.link_children(ctx, b.id, c.id, "x")
    clinician = dataclasses.replace(ctx, role="clinician")
    with pytest.raises(AccessDeniedError):
        links.link_children(clinician, a.id, b.id, "x")


def test_the_wizard_never_drops_a_number_it_was_given(ctx, make):
    opened = children.record_child(ctx, make.child(nhs_number=None))
    record_assessment(ctx, make.case_json(make.NHS[3]), child_id=opened.id)
    assert children.get_child(ctx, opened.id).nhs_number == make.NHS[3]
    assert history.history_by_nhs_number(ctx, make.NHS[3]).child.id == opened.id


def test_adding_a_number_held_by_another_record_offers_the_link_route(ctx, make):
    a = children.record_child(ctx, make.child(nhs_number=None))
    b = children.record_child(ctx, make.child(1))
    with pytest.raises(InputError, match=f"child link {a.id} --to {b.id}"):
        links.add_nhs_number(ctx, a.id, make.NHS[1])
    assert links.add_nhs_number(ctx, a.id, make.NHS[4]).nhs_number == make.NHS[4]


def test_the_referral_record_lists_a_linked_records_presentation_with_its_record(ctx, make):
    from triage_app.services import cases
    from triage_app.services.referral_content import build_case_record

    earlier = _unnumbered_with_injury(ctx, make)
    rec = record_assessment(ctx, make.case_json(make.NHS[0]))
    case = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    links.link_children(ctx, earlier.id, rec.child.id, "same baby, traced")  # after the decision
    with ctx.transaction() as s:
        record = build_case_record(
            ctx, s, case, record_id="T-1", generated_at=rec.presentation.seen_at
        )
    [entry] = [e for e in record.timeline if "linked record" in e.subject]
    assert f"linked record {earlier.id}, the same child" in entry.subject
    assert "bleeding" in entry.findings


def test_a_twin_offered_as_a_possible_record_carries_the_twin_warning(ctx):
    a = children.record_child(ctx, ChildRecord(DOB, "Adeyemi", "Oliver", postcode="XX2 2BB"))
    b = children.record_child(ctx, ChildRecord(DOB, "Adeyemi", "Amelia", postcode="XX2 2BB"))
    [match] = history.history_by_child_id(ctx, a.id).possible_matches
    assert match.child.id == b.id and TWIN_WARNING in match.warnings
