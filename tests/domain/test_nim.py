"""Rule R1: who is not independently mobile, per profile, and why."""

import pytest

from tests.domain.factories import ALL_FALSE, case, decide

UNKNOWN = {k: None for k in ALL_FALSE}

# (profile, date of birth [assessed 2025-09-03], mobility, expected status, expected basis)
NIM_TABLE = [
    # nyscp: everyone under 6 months is NIM, whatever the milestones
    ("nyscp", "2025-07-20", ALL_FALSE, True, ["age_under_floor"]),
    ("nyscp", "2025-07-20", UNKNOWN, True, ["age_under_floor", "mobility_unknown"]),
    (
        "nyscp",
        "2025-07-20",
        {**ALL_FALSE, "rolls": True},
        True,
        ["age_under_floor", "rolling_only"],
    ),
    ("nyscp", "2025-07-20", {**ALL_FALSE, "crawls": True}, True, ["age_under_floor"]),
    ("nyscp", "2025-03-04", {**ALL_FALSE, "walks": True}, True, ["age_under_floor"]),  # 5m 30d
    # at exactly 6 months the floor no longer applies
    ("nyscp", "2025-03-03", ALL_FALSE, True, ["no_mobility_milestone"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "rolls": True}, True, ["rolling_only"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "sits": True}, True, ["no_mobility_milestone"]),
    ("nyscp", "2025-03-03", UNKNOWN, True, ["mobility_unknown"]),
    ("nyscp", "2025-03-03", {**UNKNOWN, "rolls": True}, True, ["mobility_unknown", "rolling_only"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "crawls": True}, False, ["mobile_milestone"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "bottom_shuffles": True}, False, ["mobile_milestone"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "pulls_to_stand": True}, False, ["mobile_milestone"]),
    ("nyscp", "2025-03-03", {**ALL_FALSE, "cruises": True}, False, ["mobile_milestone"]),
    ("nyscp", "2025-03-03", {**UNKNOWN, "walks": True}, False, ["mobile_milestone"]),
    # disability overrides milestones at any age
    (
        "nyscp",
        "2022-01-01",
        {**ALL_FALSE, "not_mobile_due_to_disability": True},
        True,
        ["disability"],
    ),
    (
        "nyscp",
        "2022-01-01",
        {**ALL_FALSE, "walks": True, "not_mobile_due_to_disability": True},
        True,
        ["disability"],
    ),
    (
        "nyscp",
        "2025-07-20",
        {**ALL_FALSE, "not_mobile_due_to_disability": True},
        True,
        ["age_under_floor", "disability"],
    ),
    # hips: rolling or crawling makes a baby mobile, but never under 6 months (contract 1.1:
    # the national floor applies under every profile)
    ("hips", "2025-07-20", ALL_FALSE, True, ["age_under_floor"]),
    ("hips", "2025-07-20", {**ALL_FALSE, "rolls": True}, True, ["age_under_floor"]),
    ("hips", "2025-07-20", UNKNOWN, True, ["age_under_floor", "mobility_unknown"]),
    ("hips", "2025-03-03", ALL_FALSE, True, ["no_mobility_milestone"]),
    ("hips", "2025-03-03", {**ALL_FALSE, "rolls": True}, False, ["mobile_milestone"]),
    ("hips", "2025-03-03", UNKNOWN, True, ["mobility_unknown"]),
    ("hips", "2025-03-03", {**ALL_FALSE, "sits": True}, True, ["no_mobility_milestone"]),
    (
        "hips",
        "2024-01-01",
        {**ALL_FALSE, "not_mobile_due_to_disability": True},
        True,
        ["disability"],
    ),
]


@pytest.mark.parametrize(("profile", "dob", "mobility", "status", "basis"), NIM_TABLE)
def test_nim_classification(profile, dob, mobility, status, basis):
    d = decide(case(profile=profile, dob=dob, mobility=mobility))
    assert d["nim"] == {"status": status, "basis": basis}


def test_missing_mobility_section_is_unknown_and_treated_as_nim():
    data = case(dob="2024-09-03")
    del data["mobility"]
    d = decide(data)
    assert d["nim"] == {"status": True, "basis": ["mobility_unknown"]}
    assert "treated as not mobile" in d["notices"][0]


def test_nim_reasons_are_explained_in_words():
    d = decide(case(mobility_set={"rolls": True}))
    assert d["notices"][0].startswith("Not independently mobile: under 6 months (age 6w 3d)")
    assert "rolling alone does not make a baby mobile" in d["notices"][0]


def test_a_mobile_child_is_told_which_milestone_ended_nim():
    d = decide(case(dob="2024-09-03", mobility_set={"crawls": True}))
    assert d["notices"][0].startswith("Independently mobile (age 12m 0d): crawls.")


@pytest.mark.parametrize("profile", ["nyscp", "hips"])
def test_the_same_young_roller_is_referred_under_each_profile(profile):
    """A 6-week-old who rolls, with a bruise: referred whatever the profile (contract 1.1)."""
    d = decide(
        case(
            profile=profile,
            mobility_set={"rolls": True},
            findings=[{"kind": "bruise", "site": "thigh"}],
        )
    )
    assert d["nim"]["status"] is True and d["urgency"] == "immediate"
    assert not any("Independently mobile" in n for n in d["notices"])


def test_an_older_roller_is_mobile_under_hips_only():
    older = {
        "dob": "2025-02-01",
        "mobility_set": {"rolls": True},
        "findings": [{"kind": "bruise", "site": "cheek"}],
    }
    assert decide(case(profile="nyscp", **older))["nim"]["status"] is True
    hips = decide(case(profile="hips", **older))
    assert hips["nim"]["status"] is False and hips["urgency"] == "consider"
