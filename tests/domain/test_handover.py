"""Handover rules: where the child is, CP-IS before sealing, explanations never scored."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain.handover import (
    PROFESSIONAL_ROLES,
    ChildLocation,
    ReferrerDetails,
    StatedExplanation,
    cp_is_seal_problem,
    explanation_changes,
    location_problems,
    professional_role_label,
    professional_role_problem,
)


@pytest.mark.parametrize(
    ("place", "detail", "with_whom", "problem"),
    [
        ("admitted", "Ward 7", None, None),
        ("emergency_department", "Synthetic ED", "father", None),
        ("home", "home address on record", "mother", None),
        ("other", "foster placement", None, None),
        ("home", "home address", None, "named carer"),
        ("home", "home address", "  ", "named carer"),
        ("admitted", "", "mother", "give the ward"),
        ("garden", "x", None, "where must be one of"),
        (None, "x", None, "where must be one of"),
    ],
)
def test_location_rules(place, detail, with_whom, problem):
    problems = location_problems(place, detail, with_whom)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems)


def test_a_location_prints_where_and_with_whom():
    assert ChildLocation("admitted", "Ward 7", "mother").line() == "Admitted: Ward 7, with mother"
    assert ChildLocation("other", "school").line() == "Other: school"


@pytest.mark.parametrize(
    ("setting", "status", "note", "refused"),
    [
        ("ed", "not_checked", None, True),  # unscheduled care: a result is needed
        ("ambulance", "not_checked", None, True),
        ("ed", "none", None, False),  # checked, no flag
        ("ed", "cpp", None, False),
        ("ed", "unavailable", None, True),  # "not available" needs a reason
        ("ed", "unavailable", "national spine down 10:00-12:00", False),
        ("ed", "not_checked", "checked later: no flag", False),  # the check recorded on the case
        ("gp", "not_checked", None, False),  # CP-IS is not required from every setting
        ("gp", "unavailable", None, True),
        (None, "not_checked", None, False),
    ],
)
def test_cp_is_before_sealing(setting, status, note, refused):
    assert (cp_is_seal_problem(setting, status, note) is not None) is refused


def test_professional_roles_are_the_clinical_list_not_permission_roles():
    assert list(PROFESSIONAL_ROLES.values()) == [
        "GP", "ED doctor", "ED nurse", "Health visitor", "Midwife", "Safeguarding nurse",
        "Paediatrician", "Other",
    ]  # fmt: skip
    assert professional_role_problem("administrator") is not None
    assert professional_role_problem("ed_doctor") is None
    assert professional_role_label("ed_doctor") == "ED doctor"
    assert ReferrerDetails("Dr A", "gp", "", None).missing() == ["organisation", "call-back number"]


START = date(2026, 1, 1)


def test_three_different_explanations_in_three_weeks_are_noted_for_the_reader():
    note = explanation_changes(
        [
            StatedExplanation(START, "she must have scratched her mouth with her nail"),
            StatedExplanation(START + timedelta(days=14), "it was there after she cried a lot"),
            StatedExplanation(START + timedelta(days=21), "she caught it on the cot bars"),
        ]
    )
    assert note is not None
    assert note.startswith("3 different explanations were recorded at 3 presentations over 3 weeks")
    assert "the app does not score or interpret them" in note


texts = st.text(alphabet="abc .,!", min_size=1, max_size=20).filter(lambda t: t.strip(" .,!"))


@given(st.lists(st.tuples(st.integers(0, 60), texts), max_size=6))
def test_explanation_notes_are_never_a_score(rows):
    stated = [StatedExplanation(START + timedelta(days=d), t) for d, t in rows]
    note = explanation_changes(stated)
    if note is None:
        return
    assert "%" not in note
    for word in ("score:", "risk", "likely", "inconsistent", "suspicious"):
        assert word not in note.lower()


@given(texts, st.lists(st.integers(0, 60), max_size=6))
def test_the_same_explanation_every_time_is_not_a_change(text, days):
    stated = [
        StatedExplanation(START + timedelta(days=d), text.upper() if d % 2 else text) for d in days
    ]
    assert explanation_changes(stated) is None
