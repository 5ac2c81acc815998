"""Assess contract version 1.1, one table per addition, written from the sources.

Each expected value comes from the contract text ("Version 1.1 additions") or the source it
cites, never from the engine's output:
- pre-birth assessment: the review's first learning point (Child AF) and contract 1.1;
- sentinel injuries: Sheets 2013 / Petska & Sheets 2014 [E18][E19] (a minor injury in a
  pre-cruising infant), "NIM then" per contract 1.1, unknown mobility counts as NIM (R1);
- birth injuries: "documented and consistent", review "if it persists or appears later"
  [P29][P24]; newborn subconjunctival haemorrhage usually clears within 1-2 weeks [E24];
- the 6-month floor: the Panel's 2022 briefing and the HIPS 2023 update ("all young babies
  with a bruise should be ... referred immediately").
"""

from datetime import date, timedelta

import pytest

from tests.domain.factories import ALL_FALSE, action_ids, case, decide, finding, flag_ids
from triage_app.domain.errors import InputError

R4_CORE = {"phone_csc", "paediatric_cp_assessment", "written_referral"}
ASSESSED = date(2025, 9, 3)  # factories.BASE assessed_at


def _dob(days_old: int) -> str:
    return str(ASSESSED - timedelta(days=days_old))


# ------------------------------------------------------------------------ input: child_cp_plan


@pytest.mark.parametrize("plan", ["current", "past", "none", "unknown"])
def test_child_cp_plan_takes_the_plan_vocabulary(plan):
    decide(case(history_set={"child_cp_plan": plan}))  # no InputError


def test_child_cp_plan_outside_the_vocabulary_is_an_input_error():
    with pytest.raises(InputError, match=r"history\.child_cp_plan: must be one of"):
        decide(case(history_set={"child_cp_plan": "yes"}))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nim", "yes", "must be true, false or null"),
        ("nim", 1, "must be true, false or null"),
        ("explanation", 3, "must be a string"),
    ],
)
def test_prior_nim_and_explanation_are_typed(field, value, message):
    prior = {"date": "2025-08-10", "findings": [], field: value}
    with pytest.raises(InputError, match=rf"prior_presentations\[0\]\.{field}: {message}"):
        decide(case(history_set={"prior_presentations": [prior]}))


# ------------------------------------------------------------------------ pre_birth_referral

PREGNANT = {"mother_pregnant": True, "cp_is": "none"}
PRE_BIRTH_TABLE = [
    # the child's own plan (review learning point 1: the child who had the plan presents)
    ({"child_cp_plan": "current"}, True),
    ({"child_cp_plan": "past"}, True),
    ({"child_cp_plan": "none"}, False),
    ({"child_cp_plan": "unknown"}, False),
    ({"cp_is": "cpp"}, True),
    # a household child: plan, looked after, or removed from the family's care
    ({"household_children": [{"cp_plan": "current"}]}, True),
    ({"household_children": [{"cp_plan": "past"}]}, True),
    ({"household_children": [{"cp_plan": "none", "looked_after": True}]}, True),
    ({"household_children": [{"cp_plan": "none", "removed_from_care": True}]}, True),
    ({"household_children": [{"cp_plan": "none", "looked_after": False}]}, False),
    ({"household_children": [{"cp_plan": "unknown"}]}, False),
    # previous non-accidental injury in the family
    ({"previous_nai_in_family": True}, True),
    ({}, False),
]


@pytest.mark.parametrize(("history", "expected"), PRE_BIRTH_TABLE)
@pytest.mark.parametrize("findings", [[], [finding()]], ids=["no finding", "bruise"])
def test_pre_birth_referral_when_the_mother_is_pregnant(history, expected, findings):
    d = decide(case(findings=findings, history_set={**PREGNANT, **history}))
    assert ("pre_birth_referral" in action_ids(d)) is expected
    if expected:
        assert any("pre-birth assessment" in n for n in d["notices"])


@pytest.mark.parametrize(("history", "expected"), PRE_BIRTH_TABLE)
@pytest.mark.parametrize("pregnant", [False, None])
def test_no_pre_birth_referral_unless_the_mother_is_pregnant(history, expected, pregnant):
    d = decide(case(history_set={"cp_is": "none", **history, "mother_pregnant": pregnant}))
    assert "pre_birth_referral" not in action_ids(d)


# ------------------------------------------------------- contact_allocated_social_worker


@pytest.mark.parametrize(
    ("cp_is", "expected"),
    [
        ("cpp", True),
        ("lac", True),
        ("ucpp", True),  # 1.1: an unborn-plan flag prompts the call too
        ("none", False),
        ("not_checked", False),
        ("unavailable", False),
    ],
)
def test_contact_allocated_social_worker_for_any_cp_is_flag(cp_is, expected):
    d = decide(case(findings=[finding()], history_set={"cp_is": cp_is}))
    assert ("contact_allocated_social_worker" in action_ids(d)) is expected


# ------------------------------------------------------------ family_safeguarding_history


@pytest.mark.parametrize(
    ("history", "expected", "words"),
    [
        ({"child_cp_plan": "current"}, True, "this child: current child protection plan"),
        ({"child_cp_plan": "past"}, True, "this child: past child protection plan"),
        ({"child_cp_plan": "none"}, False, None),
        ({"child_cp_plan": "unknown"}, False, None),
        (
            {"household_children": [{"name": "Sam", "removed_from_care": True}]},
            True,
            "household Sam: removed from the family's care",
        ),
    ],
)
def test_family_history_includes_the_childs_own_plan(history, expected, words):
    d = decide(case(history_set=history))
    assert ("family_safeguarding_history" in flag_ids(d)) is expected
    if words:
        text = next(f["text"] for f in d["flags"] if f["id"] == "family_safeguarding_history")
        assert words in text


def test_the_childs_own_plan_makes_the_referral_share_the_history():
    d = decide(case(findings=[finding()], history_set={"child_cp_plan": "past"}))
    assert "share_cumulative_history" in action_ids(d)


# ------------------------------------------------------------------ sentinel: NIM *then*

# (profile, child's date of birth, prior date, nim recorded then, expected sentinel)
# The child walks now (mobile at 20 months), so only the prior's own NIM matters.
SENTINEL_TABLE = [
    ("nyscp", "2024-01-01", "2024-09-01", True, True),  # NIM then
    ("nyscp", "2024-01-01", "2024-09-01", None, True),  # unknown then: counts as NIM (R1)
    ("nyscp", "2024-01-01", "2024-09-01", False, False),  # mobile then, at 8 months
    ("nyscp", "2024-01-01", "2024-06-30", False, True),  # under 6 months then: always
    ("nyscp", "2024-01-01", "2024-07-01", False, False),  # exactly 6 months: no longer
    # HIPS: a mouth bleed at 3 weeks in a baby recorded as rolling (mobile under HIPS then)
    ("hips", "2024-01-01", "2024-01-22", False, True),
    ("hips", "2024-01-01", "2024-09-01", None, True),  # injury at 8 months, mobility unknown
    ("hips", "2024-01-01", "2024-09-01", False, False),
]


@pytest.mark.parametrize(("profile", "dob", "when", "nim", "expected"), SENTINEL_TABLE)
def test_sentinel_uses_nim_at_the_time_of_the_earlier_presentation(
    profile, dob, when, nim, expected
):
    prior = {"date": when, "findings": [{"kind": "bleeding", "site": "mouth"}]}
    if nim is not None:
        prior["nim"] = nim
    d = decide(
        case(
            profile=profile,
            dob=dob,
            mobility_set={"walks": True},
            history_set={"prior_presentations": [prior]},
        )
    )
    assert d["nim"]["status"] is False  # mobile now: the old rule used this for every prior
    assert ("prior_injury_presentation" in flag_ids(d)) is expected


def test_an_earlier_presentation_without_an_injury_is_not_a_sentinel():
    prior = {"date": "2025-08-10", "findings": [], "nim": True, "complaint": "feeding"}
    d = decide(case(history_set={"prior_presentations": [prior]}))
    assert "prior_injury_presentation" not in flag_ids(d)


def test_the_explanation_given_then_is_accepted_and_kept():
    prior = {
        "date": "2025-08-10",
        "findings": [{"kind": "bleeding", "site": "mouth"}],
        "explanation": "she bit her lip on the bottle",
    }
    from tests.domain.factories import decide_obj
    from triage_app.domain.parse import parse_assessment

    data = case(history_set={"prior_presentations": [prior]})
    a = parse_assessment(data)
    assert a.history.prior_presentations[0].explanation == "she bit her lip on the bottle"
    assert a.to_json()["history"]["prior_presentations"][0]["explanation"] == (
        "she bit her lip on the bottle"
    )
    assert "prior_injury_presentation" in [f.id for f in decide_obj(data).flags]


# ---------------------------------------------------------- birth injury: age limit per kind

BIRTH_INJURY_KINDS = [
    "subconjunctival_haemorrhage",
    "bruise",
    "mark",
    "petechiae",
    "swelling",
    "abrasion",
    "laceration",
]


def _birth_injury(kind: str, days_old: int, profile: str = "nyscp") -> dict:
    claim = {
        "type": "birth_injury",
        "documented_by": "midwife, newborn check",
        "documented_on": _dob(days_old),  # documented on the day of birth
        "matches_documentation": True,
    }
    site = "subconjunctiva" if kind == "subconjunctival_haemorrhage" else "thigh"
    return case(
        profile=profile,
        dob=_dob(days_old),
        findings=[finding(kind, site, exception=claim)],
    )


@pytest.mark.parametrize("profile", ["nyscp", "hips"])
@pytest.mark.parametrize("kind", BIRTH_INJURY_KINDS)
@pytest.mark.parametrize(
    ("days_old", "status", "urgency"),
    [
        (0, "accepted", "record_only"),
        (7, "accepted", "record_only"),
        (14, "accepted", "record_only"),  # newborn SCH usually clears within 1-2 weeks [E24]
        (15, "not_accepted", "immediate"),  # persists: R4, not a same-day review
        (35, "not_accepted", "immediate"),  # Child AF's second presentation (5 weeks)
    ],
)
def test_a_birth_injury_is_accepted_only_up_to_the_profiles_age_limit(
    profile, kind, days_old, status, urgency
):
    d = decide(_birth_injury(kind, days_old, profile))
    assert d["findings"][0]["exception"] == status
    assert d["urgency"] == urgency
    if status == "not_accepted":
        assert set(action_ids(d)) >= R4_CORE
        assert "same_day_review" not in action_ids(d)
        assert "past the age a birth injury can explain" in " ".join(d["findings"][0]["reasons"])


def test_child_af_subconjunctival_haemorrhage_documented_at_birth_is_referred():
    """Child AF's second presentation at 5 weeks, with a claim it was documented at birth."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "birth-injury-claimed-at-5-weeks.json"
    d = decide(json.loads(path.read_text(encoding="utf-8")))
    assert d["age"]["days"] == 35
    assert d["findings"][0]["exception"] == "not_accepted"
    assert d["urgency"] == "immediate"
    assert set(action_ids(d)) >= R4_CORE


def test_the_age_limits_are_listed_as_awaiting_sign_off_with_their_sources():
    from triage_app.domain.profile import ProfileRegistry

    for profile in ProfileRegistry.load():
        item = next(
            p
            for p in profile.awaiting_sign_off
            if p.field == "exceptions.birth_injury.max_age_days"
        )
        assert item.sources and any("[E24]" in s for s in item.sources)
        limits = profile.exceptions["birth_injury"].max_age_days
        assert limits["subconjunctival_haemorrhage"] == 14
        d = decide(case(profile=profile.id))
        assert "exceptions.birth_injury.max_age_days" in d["notices"][-1]


def test_a_kind_with_no_age_limit_is_never_accepted_as_a_birth_injury():
    import tomllib

    from tests.domain.test_profiles import NYSCP
    from triage_app.domain.engine import decide as engine_decide
    from triage_app.domain.guidance import Guidance
    from triage_app.domain.parse import parse_assessment
    from triage_app.domain.profile import parse_profile

    text = NYSCP.replace("\nbruise = 14\n", "\n", 1)
    profile = parse_profile(tomllib.loads(text), "nyscp.toml")
    assert "bruise" not in profile.exceptions["birth_injury"].max_age_days
    decision = engine_decide(parse_assessment(_birth_injury("bruise", 1)), profile, Guidance.load())
    assert decision.findings[0].exception == "not_accepted"
    assert decision.urgency == "immediate"
    assert (
        "sets no age up to which a bruise can be a birth injury" in decision.findings[0].reasons[0]
    )


# ------------------------------------------------- the under-6-months floor, every profile

EVERY_MILESTONE = {
    **ALL_FALSE,
    **{m: True for m in ALL_FALSE if m != "not_mobile_due_to_disability"},
}


@pytest.mark.parametrize("profile", ["nyscp", "hips"])
@pytest.mark.parametrize(
    "mobility",
    [
        {**ALL_FALSE, "rolls": True},  # the HIPS 3-month-old who has started to roll
        {**ALL_FALSE, "rolls": True, "crawls": True},
        EVERY_MILESTONE,
    ],
    ids=["rolls", "rolls and crawls", "every milestone"],
)
@pytest.mark.parametrize("days_old", [1, 90, 182])
def test_under_six_months_a_bruise_gets_the_referral_duties_whatever_the_milestones(
    profile, mobility, days_old
):
    d = decide(case(profile=profile, dob=_dob(days_old), mobility=mobility, findings=[finding()]))
    assert d["nim"]["status"] is True
    assert d["nim"]["basis"][0] == "age_under_floor"
    assert d["urgency"] == "immediate"
    assert set(action_ids(d)) >= R4_CORE
    assert not any(n.startswith("Independently mobile") for n in d["notices"])
    assert "discuss_with_senior" not in action_ids(d)


def test_the_hips_three_month_old_roller_with_a_bruise_is_not_called_mobile():
    d = decide(
        case(
            profile="hips",
            dob="2025-06-01",
            mobility_set={"rolls": True},
            findings=[finding("bruise", "lower_leg")],
        )
    )
    assert d["nim"] == {"status": True, "basis": ["age_under_floor"]}
    assert d["notices"][0].startswith("Not independently mobile: under 6 months")
    assert any("whatever they can already do" in n for n in d["notices"])


@pytest.mark.parametrize("floor", [0, 3, 5])
def test_no_profile_can_shrink_nim_below_six_months(floor):
    import tomllib

    from tests.domain.test_profiles import HIPS
    from triage_app.domain.errors import ProfileError
    from triage_app.domain.profile import parse_profile

    text = HIPS.replace("age_floor_months = 6", f"age_floor_months = {floor}")
    with pytest.raises(ProfileError, match=r"hips\.toml: nim\.age_floor_months: must be between 6"):
        parse_profile(tomllib.loads(text), "hips.toml")


def test_a_profile_may_extend_nim_above_six_months():
    import tomllib

    from tests.domain.test_profiles import NYSCP
    from triage_app.domain.engine import decide as engine_decide
    from triage_app.domain.guidance import Guidance
    from triage_app.domain.parse import parse_assessment
    from triage_app.domain.profile import parse_profile

    profile = parse_profile(
        tomllib.loads(NYSCP.replace("age_floor_months = 6", "age_floor_months = 9")), "nyscp.toml"
    )
    a = parse_assessment(case(dob=_dob(240), mobility_set={"crawls": True}, findings=[finding()]))
    decision = engine_decide(a, profile, Guidance.load())  # 8 months, crawls: NIM under 9
    assert decision.nim.status is True and decision.urgency == "immediate"
