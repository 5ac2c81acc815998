"""Each rule of decide() on its own: one small function per rule (R0 to R9)."""

import pytest

from tests.domain.factories import case, engine, finding
from triage_app.domain import rules
from triage_app.domain.parse import parse_assessment
from triage_app.domain.vocab import Urgency

BIRTHMARK = {
    "type": "birthmark",
    "documented_by": "midwife",
    "documented_on": "2025-07-21",
    "matches_documentation": True,
}


def facts(**changes):
    a = parse_assessment(case(**changes))
    return rules.gather_facts(a, engine().registry.get(a.profile_id))


def ids(outcome):
    return [action_id for action_id, _, _ in outcome.actions]


# (rule, case changes, expected urgency, expected action ids, expected rules fired)
RULE_TABLE = [
    (rules.r1_nim, {}, None, [], ("R1",)),
    (rules.r0_emergency, {}, None, [], ()),
    (rules.r0_emergency, {"signs": ["seizure"]}, Urgency.EMERGENCY, ["emergency_care"], ("R0",)),
    (
        rules.r0_emergency,
        {"signs": ["seizure"], "findings": [finding()]},
        Urgency.EMERGENCY,
        ["emergency_care", "inform_csc_of_location"],
        ("R0",),
    ),
    (
        rules.r0_emergency,
        {"findings": [finding("bleeding", "mouth")]},
        Urgency.EMERGENCY,
        ["emergency_care", "inform_csc_of_location"],
        ("R0",),
    ),
    (rules.r2_findings, {}, None, [], ()),
    (rules.r2_findings, {"findings": [finding()]}, None, [], ("R2",)),
    (
        rules.r4_core_protocol,
        {"findings": [finding()]},
        Urgency.IMMEDIATE,
        [
            "phone_csc",
            "paediatric_cp_assessment",
            "complete_body_map",
            "record_explanation_verbatim",
            "inform_parents",
            "check_household_children",
            "written_referral",
            "confirm_paediatric_attendance",
        ],
        ("R4",),
    ),
    (rules.r4_core_protocol, {"findings": [finding(exception=BIRTHMARK)]}, None, [], ()),
    (
        rules.r3_exception_gate,
        {"findings": [finding(exception=BIRTHMARK)]},
        Urgency.RECORD_ONLY,
        ["document_exception"],
        ("R3",),
    ),
    (
        rules.r3_exception_gate,
        {"findings": [finding(exception={**BIRTHMARK, "documented_on": None})]},
        Urgency.SAME_DAY_REVIEW,
        ["same_day_review"],
        ("R3",),
    ),
    (
        rules.r3_bleeding_disorder,
        {"findings": [finding()], "history_set": {"bleeding_disorder_known": True}},
        None,
        ["haematology_review"],
        (),
    ),
    (
        rules.r4_allocated_social_worker,
        {"history_set": {"cp_is": "ucpp"}},
        None,
        ["contact_allocated_social_worker"],
        (),
    ),
    (
        rules.r6_pre_birth,
        {"history_set": {"mother_pregnant": True, "child_cp_plan": "past"}},
        None,
        ["pre_birth_referral"],
        ("R6",),
    ),
    (rules.r6_pre_birth, {"history_set": {"mother_pregnant": True}}, None, [], ()),
    (rules.r7_investigations, {"findings": [finding()]}, None, [], ("R7",)),
    (
        rules.r9_mobile_child,
        {"dob": "2024-01-01", "mobility_set": {"walks": True}, "findings": [finding()]},
        Urgency.CONSIDER,  # a cheek bruise: a TEN-4-FACESp region
        [],
        ("R9",),
    ),
    (
        rules.r9_mobile_child,
        {
            "dob": "2024-01-01",
            "mobility_set": {"walks": True},
            "findings": [finding("bruise", "lower_leg")],
        },
        Urgency.RECORD_ONLY,
        [],
        ("R9",),
    ),
]


@pytest.mark.parametrize(("rule", "changes", "urgency", "actions", "fired"), RULE_TABLE)
def test_each_rule_on_its_own(rule, changes, urgency, actions, fired):
    outcome = rule(facts(**changes))
    assert outcome.urgency == urgency
    assert ids(outcome) == actions
    assert outcome.rules == fired


@pytest.mark.parametrize(
    ("rule", "changes", "urgency", "actions"),
    [
        (
            rules.r5_ed_senior_review,
            {"setting": "ed"},
            Urgency.IMMEDIATE,
            ["senior_review_before_discharge"],
        ),
        (rules.r5_ed_senior_review, {"setting": "ed"}, Urgency.SAME_DAY_REVIEW, []),
        (rules.r5_ed_senior_review, {"setting": "gp"}, Urgency.EMERGENCY, []),
        (rules.r9_discuss_with_senior, {}, Urgency.CONSIDER, ["discuss_with_senior"]),
        (rules.r9_discuss_with_senior, {}, Urgency.IMMEDIATE, []),
    ],
)
def test_rules_that_follow_the_final_urgency(rule, changes, urgency, actions):
    outcome = rule(facts(**changes), urgency)
    assert ids(outcome) == actions
    assert outcome.urgency is None  # they never change the urgency


def test_role_notices_only_when_action_is_required():
    gp = facts(setting="gp")
    assert rules.r5_role_notices(gp, Urgency.IMMEDIATE).notices
    assert rules.r5_role_notices(gp, Urgency.RECORD_ONLY).notices == ()


def test_every_rule_r0_to_r9_except_r8_has_a_function():
    """R8 (the pending-results lock) belongs to the case tracker, not the engine."""
    names = {f.__name__.split("_")[0] for f in rules.URGENCY_RULES + rules.FINAL_RULES}
    assert names == {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r9"}
