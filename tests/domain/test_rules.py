"""Rules R0 to R9 and the contract's action and flag tables, one behaviour per test."""

import pytest

from tests.domain.factories import action_ids, case, decide, finding, flag_ids
from triage_app.domain.vocab import EmergencySign, FindingKind, Setting, Site

R4_ACTIONS = [
    "phone_csc",
    "paediatric_cp_assessment",
    "written_referral",
    "complete_body_map",
    "record_explanation_verbatim",
    "inform_parents",
    "check_household_children",
    "confirm_paediatric_attendance",
]
NON_EMERGENCY_KINDS = [k for k in FindingKind if k is not FindingKind.SUSPECTED_FRACTURE]


# ---------------------------------------------------------------- R2 and R4: every finding kind


@pytest.mark.parametrize("kind", NON_EMERGENCY_KINDS, ids=str)
@pytest.mark.parametrize("profile", ["nyscp", "hips"])
def test_any_finding_in_a_nim_baby_requires_referral(kind, profile):
    d = decide(case(profile=profile, findings=[finding(kind.value, "thigh")]))
    assert d["urgency"] == "immediate"
    assert set(R4_ACTIONS) <= set(action_ids(d))
    assert d["findings"][0]["qualifying"] is True
    assert d["findings"][0]["triggers_protocol"] is True
    assert all(a["rule"] == "R4" for a in d["actions"] if a["id"] in R4_ACTIONS)


@pytest.mark.parametrize("site", list(Site), ids=str)
def test_every_body_site_is_accepted_and_tagged(site):
    d = decide(case(findings=[finding("bruise", site.value)]))
    letters = {
        "eyelid": "E",
        "subconjunctiva": "S",
        "ear": "E",
        "cheek": "C",
        "angle_of_jaw": "A",
        "frenulum": "F",
        "neck": "N",
        "chest": "T",
        "abdomen": "T",
        "back": "T",
        "buttock": "T",
        "genitalia": "T",
        "hip": "T",
    }
    assert d["findings"][0]["ten4facesp"] == letters.get(site.value)
    assert d["urgency"] == "immediate"


def test_no_findings_and_no_signs_means_no_action():
    d = decide(case(findings=[]))
    assert d["urgency"] == "none"
    assert d["actions"] == []


def test_written_referral_carries_the_profile_limit():
    nyscp = decide(case(findings=[finding()]))
    hips = decide(case(profile="hips", findings=[finding()]))
    w1 = next(a for a in nyscp["actions"] if a["id"] == "written_referral")
    w2 = next(a for a in hips["actions"] if a["id"] == "written_referral")
    assert w1["due"] == "within 24h"
    assert w1["due_at"] == "2025-09-04T10:40"
    assert w2["due"] == "immediately after the phone call"


def test_paediatric_assessment_timescale_comes_from_the_profile():
    nyscp = decide(case(findings=[finding()]))
    hips = decide(case(profile="hips", findings=[finding()]))
    p1 = next(a for a in nyscp["actions"] if a["id"] == "paediatric_cp_assessment")
    p2 = next(a for a in hips["actions"] if a["id"] == "paediatric_cp_assessment")
    assert (p1["due"], p1["due_at"]) == ("same day", "2025-09-03T23:59")
    assert (p2["due"], p2["due_at"]) == ("within 4h", "2025-09-03T14:40")


def test_phone_action_gives_the_published_front_door_number():
    d = decide(case(findings=[finding()]))
    phone = next(a for a in d["actions"] if a["id"] == "phone_csc")
    assert "0300 131 2 131" in phone["text"]
    assert phone["due"] == "now" and phone["due_at"] == "2025-09-03T10:40"


def test_check_cp_is_only_when_not_checked():
    assert "check_cp_is" in action_ids(
        decide(case(findings=[finding()], history_set={"cp_is": "not_checked"}))
    )
    for state in ("none", "unavailable", "cpp"):
        assert "check_cp_is" not in action_ids(
            decide(case(findings=[finding()], history_set={"cp_is": state}))
        )


@pytest.mark.parametrize("state", ["cpp", "lac", "ucpp"])  # ucpp: contract 1.1
def test_allocated_social_worker_for_plan_or_looked_after(state):
    assert "contact_allocated_social_worker" in action_ids(
        decide(case(history_set={"cp_is": state}))
    )


@pytest.mark.parametrize("state", ["none", "not_checked", "unavailable"])
def test_no_allocated_social_worker_call_otherwise(state):
    assert "contact_allocated_social_worker" not in action_ids(
        decide(case(history_set={"cp_is": state}))
    )


def test_wording_says_the_protocol_requires_and_never_that_abuse_is_likely():
    d = decide(case(findings=[finding()]))
    text = " ".join(
        d["notices"] + [a["text"] for a in d["actions"]] + [f["text"] for f in d["flags"]]
    )
    assert "protocol requires" in text
    assert "abuse is likely" not in text.lower()
    assert "likely" not in text.lower()


# ---------------------------------------------------------------- R0 emergency


@pytest.mark.parametrize("sign", list(EmergencySign), ids=str)
def test_any_emergency_sign_means_emergency_care(sign):
    d = decide(case(signs=[sign.value]))
    assert d["urgency"] == "emergency"
    assert action_ids(d)[0] == "emergency_care"
    assert "inform_csc_of_location" not in action_ids(d)  # no qualifying finding


def test_emergency_in_a_nim_child_with_a_finding_tells_csc_where_the_child_is():
    d = decide(case(signs=["seizure"], findings=[finding()]))
    assert action_ids(d)[:3] == ["emergency_care", "inform_csc_of_location", "phone_csc"]
    assert set(R4_ACTIONS) <= set(action_ids(d)), "the rest of the pathway still runs"


@pytest.mark.parametrize(
    ("kind", "site"),
    [
        ("suspected_fracture", "forearm"),
        ("bleeding", "nose"),
        ("bleeding", "mouth"),
        ("bleeding", "ear"),
        ("swelling", "scalp"),
    ],
)
def test_profile_emergency_findings(kind, site):
    d = decide(case(findings=[finding(kind, site)]))
    assert d["urgency"] == "emergency"
    assert "R0" in d["rules_fired"]


def test_bleeding_elsewhere_is_not_an_emergency_finding():
    assert decide(case(findings=[finding("bleeding", "hand")]))["urgency"] == "immediate"


def test_emergency_in_a_mobile_child_has_no_nim_referral():
    d = decide(case(dob="2023-01-01", mobility_set={"walks": True}, signs=["breathing_difficulty"]))
    assert d["urgency"] == "emergency"
    assert action_ids(d) == ["emergency_care"]


# ---------------------------------------------------------------- R3 the exception gate

DOC = {
    "type": "birthmark",
    "documented_by": "midwife, newborn check",
    "documented_on": "2025-07-21",
    "matches_documentation": True,
}

GATE_TABLE = [
    # (claim changes, kind, exception status, urgency)
    ({}, "mark", "accepted", "record_only"),
    ({}, "bruise", "accepted", "record_only"),
    ({"documented_on": "2025-09-03"}, "mark", "accepted", "record_only"),  # same day counts
    ({"documented_on": "2025-09-04"}, "mark", "not_accepted", "same_day_review"),  # after
    ({"documented_on": "2025-07-19"}, "mark", "not_accepted", "same_day_review"),  # before birth
    ({"documented_on": None}, "mark", "not_accepted", "same_day_review"),
    ({"documented_by": None}, "mark", "not_accepted", "same_day_review"),
    ({"documented_by": "  "}, "mark", "not_accepted", "same_day_review"),
    ({"matches_documentation": False}, "mark", "not_accepted", "same_day_review"),
    ({"matches_documentation": None}, "mark", "not_accepted", "same_day_review"),
    # a birthmark cannot explain a burn: the finding follows the full protocol
    ({}, "burn", "not_accepted", "immediate"),
    # contract 1.1: a birth injury only up to the profile's age limit (14 days for SCH);
    # this child is 45 days old, so the claim is refused and R4 applies
    ({"type": "birth_injury"}, "subconjunctival_haemorrhage", "not_accepted", "immediate"),
    ({"type": "birth_injury"}, "bleeding", "not_accepted", "immediate"),
    ({"type": "procedure_mark"}, "petechiae", "accepted", "record_only"),
    ({"type": "procedure_mark"}, "laceration", "accepted", "record_only"),
    ({"type": "procedure_mark"}, "bleeding", "not_accepted", "immediate"),
    ({"type": "birthmark"}, "subconjunctival_haemorrhage", "not_accepted", "immediate"),
]


@pytest.mark.parametrize(("changes", "kind", "status", "urgency"), GATE_TABLE)
def test_exception_gate(changes, kind, status, urgency):
    claim = {**DOC, **changes}
    d = decide(case(findings=[finding(kind, "thigh", exception=claim)]))
    assert d["findings"][0]["exception"] == status
    assert d["urgency"] == urgency


def test_accepted_exception_is_documented_and_not_referred():
    d = decide(case(findings=[finding("mark", "buttock", exception=DOC)]))
    assert action_ids(d) == ["document_exception"]
    assert d["findings"][0]["triggers_protocol"] is False
    assert "R3" in d["rules_fired"]
    assert "high_risk_site" not in flag_ids(d)


def test_unaccepted_exception_alone_needs_a_same_day_review():
    d = decide(case(findings=[finding("mark", "back", exception={"type": "birthmark"})]))
    assert action_ids(d) == ["same_day_review"]
    assert d["actions"][0]["rule"] == "R3"
    assert any("same-day review is required" in n for n in d["notices"])


def test_another_qualifying_finding_still_goes_to_r4():
    d = decide(
        case(findings=[finding("mark", "buttock", exception=DOC), finding("bruise", "upper_arm")])
    )
    assert d["urgency"] == "immediate"
    assert "phone_csc" in action_ids(d)
    assert "document_exception" in action_ids(d)
    assert [f["exception"] for f in d["findings"]] == ["accepted", "none"]


def test_unaccepted_exception_with_another_finding_is_included_in_the_referral():
    d = decide(
        case(
            findings=[
                finding("mark", "back", exception={"type": "birthmark"}),
                finding("bruise", "thigh"),
            ]
        )
    )
    assert d["urgency"] == "immediate"
    assert "same_day_review" not in action_ids(d)
    assert any("included in the referral" in n for n in d["notices"])


def test_a_profile_that_disallows_an_exception_type_follows_the_protocol():
    from dataclasses import replace

    from tests.domain.factories import engine
    from triage_app.domain.engine import decide as engine_decide
    from triage_app.domain.parse import parse_assessment
    from triage_app.domain.profile import ExceptionRule
    from triage_app.domain.vocab import ExceptionType

    profile = engine().registry.get("nyscp")
    strict = replace(
        profile,
        exceptions={
            **profile.exceptions,
            ExceptionType.BIRTHMARK: ExceptionRule(ExceptionType.BIRTHMARK, False, frozenset()),
        },
    )
    a = parse_assessment(case(findings=[finding("mark", "thigh", exception=DOC)]))
    d = engine_decide(a, strict, engine().guidance)
    assert d.urgency == "immediate"
    assert d.findings[0].exception == "not_accepted"
    assert "does not accept" in d.findings[0].reasons[0]


# ---------------------------------------------------------------- bleeding disorder, pre-birth


def test_known_bleeding_disorder_adds_haematology_and_never_removes_the_referral():
    d = decide(case(findings=[finding()], history_set={"bleeding_disorder_known": True}))
    assert d["urgency"] == "immediate"
    assert "haematology_review" in action_ids(d) and "phone_csc" in action_ids(d)


def test_bleeding_disorder_without_a_finding_needs_no_haematology_prompt():
    assert "haematology_review" not in action_ids(
        decide(case(history_set={"bleeding_disorder_known": True}))
    )


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ({"mother_pregnant": True, "household_children": [{"cp_plan": "past"}]}, True),
        ({"mother_pregnant": True, "household_children": [{"cp_plan": "current"}]}, True),
        ({"mother_pregnant": True, "previous_nai_in_family": True}, True),
        ({"mother_pregnant": True, "household_children": [{"cp_plan": "none"}]}, False),
        ({"mother_pregnant": False, "previous_nai_in_family": True}, False),
        ({"mother_pregnant": None, "household_children": [{"cp_plan": "past"}]}, False),
    ],
)
def test_pre_birth_referral(history, expected):
    assert ("pre_birth_referral" in action_ids(decide(case(history_set=history)))) is expected


# ---------------------------------------------------------------- R5 role variants


@pytest.mark.parametrize("setting", list(Setting), ids=str)
def test_every_role_keeps_the_same_obligations(setting):
    d = decide(case(setting=setting.value, findings=[finding()]))
    assert d["urgency"] == "immediate"
    assert set(R4_ACTIONS) <= set(action_ids(d))


def test_ed_needs_senior_review_before_discharge():
    d = decide(case(setting="ed", findings=[finding()]))
    assert "senior_review_before_discharge" in action_ids(d)
    assert "R5" in d["rules_fired"]
    assert "senior_review_before_discharge" not in action_ids(
        decide(case(setting="gp", findings=[finding()]))
    )
    assert "senior_review_before_discharge" not in action_ids(decide(case(setting="ed")))


def test_gp_is_told_not_to_book_a_routine_appointment():
    d = decide(case(setting="gp", findings=[finding()]))
    assert any("do not book a routine appointment" in n for n in d["notices"])


def test_early_years_staff_are_told_not_to_examine():
    d = decide(case(setting="early_years", findings=[finding()]))
    body_map = next(a for a in d["actions"] if a["id"] == "complete_body_map")
    assert "Do not examine the baby" in body_map["text"]
    assert any("do not examine the baby" in n for n in d["notices"])


def test_ambulance_phone_call_says_where_the_child_is_going():
    d = decide(case(setting="ambulance", findings=[finding()]))
    phone = next(a for a in d["actions"] if a["id"] == "phone_csc")
    assert "where the child is being taken" in phone["text"]


def test_remote_report_still_requires_referral():
    d = decide(case(report_mode="remote", findings=[finding()]))
    assert d["urgency"] == "immediate"
    assert any(n.startswith("Remote report") for n in d["notices"])


# ---------------------------------------------------------------- R6 flags

PRIOR_INJURY = {
    "date": "2025-08-14",
    "setting": "gp",
    "findings": [{"kind": "bleeding", "site": "mouth"}],
}


def test_prior_injury_while_nim_is_a_sentinel_flag_and_must_be_shared():
    d = decide(case(findings=[finding()], history_set={"prior_presentations": [PRIOR_INJURY]}))
    assert "prior_injury_presentation" in flag_ids(d)
    assert "14-Aug-2025: bleeding (mouth)" in d["flags"][0]["text"]
    assert "share_cumulative_history" in action_ids(d)


def test_prior_presentation_without_injury_is_not_a_sentinel():
    p = {"date": "2025-08-14", "setting": "gp", "findings": [], "complaint": "feeding"}
    assert "prior_injury_presentation" not in flag_ids(
        decide(case(history_set={"prior_presentations": [p]}))
    )


def test_prior_injury_in_a_now_mobile_child_counts_when_nim_then():
    # walks now (so mobile); injuries at 3 months (under the floor) and at 10 months
    early = {"date": "2024-04-01", "findings": [{"kind": "bruise", "site": "thigh"}], "nim": False}
    late = {"date": "2024-11-01", "findings": [{"kind": "bruise", "site": "thigh"}]}
    base = {"dob": "2024-01-01", "mobility_set": {"walks": True}}
    assert "prior_injury_presentation" in flag_ids(
        decide(case(**base, history_set={"prior_presentations": [early]}))
    )
    # contract 1.1: at 10 months with mobility unknown then, the child counts as NIM then
    assert "prior_injury_presentation" in flag_ids(
        decide(case(**base, history_set={"prior_presentations": [late]}))
    )
    assert "prior_injury_presentation" not in flag_ids(
        decide(case(**base, history_set={"prior_presentations": [{**late, "nim": False}]}))
    )


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ({"cp_is": "cpp"}, True),
        ({"cp_is": "lac"}, True),
        ({"cp_is": "ucpp"}, True),
        ({"cp_is": "none"}, False),
        ({"household_children": [{"cp_plan": "past"}]}, True),
        ({"household_children": [{"cp_plan": "current"}]}, True),
        ({"household_children": [{"cp_plan": "none", "looked_after": True}]}, True),
        ({"household_children": [{"cp_plan": "unknown"}]}, False),
        ({"previous_nai_in_family": True}, True),
    ],
)
def test_family_safeguarding_history(history, expected):
    assert (
        "family_safeguarding_history" in flag_ids(decide(case(history_set=history)))
    ) is expected


@pytest.mark.parametrize(("count", "expected"), [(3, False), (4, True), (6, True)])
def test_frequent_attender_means_more_than_three_in_183_days(count, expected):
    prior = [{"date": "2025-08-20", "findings": []} for _ in range(count)]
    d = decide(case(history_set={"prior_presentations": prior}))
    assert ("frequent_attender" in flag_ids(d)) is expected
    if expected:
        text = next(f["text"] for f in d["flags"] if f["id"] == "frequent_attender")
        assert "weak predictor" in text


def test_frequent_attender_window_edge():
    older = {"date": "2024-03-04", "findings": []}  # 183 days before 2024-09-03
    too_old = {"date": "2024-03-03", "findings": []}  # 184 days
    base = {"dob": "2024-01-01"}
    d = decide(
        case(
            **base, assessed_at="2024-09-03T10:00", history_set={"prior_presentations": [older] * 4}
        )
    )
    assert "frequent_attender" in flag_ids(d)
    d = decide(
        case(
            **base,
            assessed_at="2024-09-03T10:00",
            history_set={"prior_presentations": [too_old] * 4},
        )
    )
    assert "frequent_attender" not in flag_ids(d)


def test_high_risk_site_from_current_prior_or_pattern():
    assert "high_risk_site" in flag_ids(decide(case(findings=[finding("bruise", "ear")])))
    assert "high_risk_site" in flag_ids(
        decide(case(findings=[finding("bruise", "thigh", patterned=True)]))
    )
    prior = {"date": "2025-08-01", "findings": [{"kind": "bruise", "site": "neck"}]}
    assert "high_risk_site" in flag_ids(decide(case(history_set={"prior_presentations": [prior]})))
    assert "high_risk_site" not in flag_ids(decide(case(findings=[finding("bruise", "thigh")])))


@pytest.mark.parametrize(
    ("explanation", "expected"),
    [
        ({"changed_over_time": True}, True),
        ({"delay_in_presentation": True}, True),
        ({"changed_over_time": False, "delay_in_presentation": False}, False),
    ],
)
def test_explanation_concerns(explanation, expected):
    d = decide(case(explanation_set=explanation))
    assert ("explanation_concerns" in flag_ids(d)) is expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [("not_checked", True), ("unavailable", True), ("none", False), ("cpp", False)],
)
def test_cp_is_not_checked_flag(state, expected):
    d = decide(case(history_set={"cp_is": state}))
    assert ("cp_is_not_checked" in flag_ids(d)) is expected


def test_no_cp_is_flag_is_not_reassurance():
    d = decide(case(findings=[finding()], history_set={"cp_is": "none"}))
    assert any("CP-IS shows no flag. That is not reassurance" in n for n in d["notices"])


# ---------------------------------------------------------------- TEN-4-FACESp


@pytest.mark.parametrize(
    ("dob", "f", "components"),
    [
        ("2025-07-20", finding("bruise", "cheek"), ["region", "age_under_5_months"]),
        ("2025-07-20", finding("bruise", "thigh"), ["age_under_5_months"]),
        ("2025-01-20", finding("bruise", "thigh"), []),
        ("2025-01-20", finding("bruise", "thigh", patterned=True), ["patterned"]),
        ("2025-01-20", finding("subconjunctival_haemorrhage", "subconjunctiva"), ["region"]),
        ("2025-01-20", finding("burn", "chest"), []),  # TEN-4-FACESp describes bruising
    ],
)
def test_ten4facesp_components(dob, f, components):
    d = decide(case(dob=dob, findings=[f]))
    assert d["ten4facesp"] == {"positive": bool(components), "components": components}


# ---------------------------------------------------------------- R7 investigations


def test_follow_up_skeletal_survey_window_is_11_to_14_days():
    d = decide(case(findings=[finding()]))
    ss = next(i for i in d["investigations"] if i["id"] == "skeletal_survey_follow_up")
    assert (ss["due_from"], ss["due_to"]) == ("2025-09-14", "2025-09-17")
    assert "cannot be recorded as normal" in ss["text"]


def test_no_investigation_prompts_without_a_referral():
    assert decide(case(findings=[]))["investigations"] == []


# ---------------------------------------------------------------- R9 mobile children

MOBILE = {"dob": "2023-06-01", "mobility_set": {"walks": True}}


def test_mobile_child_with_an_explained_minor_bruise_is_record_only_with_nice_prompts():
    d = decide(case(**MOBILE, findings=[finding("bruise", "lower_leg")]))
    assert d["urgency"] == "record_only"
    assert d["nice_prompts"] and "NICE" in d["nice_prompts"][0]
    assert "R9" in d["rules_fired"]
    assert "phone_csc" not in action_ids(d)


@pytest.mark.parametrize(
    "changes",
    [
        {"findings": [finding("bruise", "ear")]},
        {"findings": [finding("bruise", "thigh", patterned=True)]},
        {"findings": [finding("bite", "forearm")]},
        {"findings": [finding("burn", "hand")]},
        {"findings": [finding("bruise", "thigh")], "explanation": {}},
        {"findings": [finding("bruise", "thigh")], "explanation_set": {"changed_over_time": True}},
        {"findings": [finding("bruise", "thigh")], "history_set": {"cp_is": "cpp"}},
    ],
)
def test_mobile_child_with_nice_features_means_consider(changes):
    d = decide(case(**MOBILE, **changes))
    assert d["urgency"] == "consider"
    assert "discuss_with_senior" in action_ids(d)


def test_mobile_child_without_findings_needs_nothing():
    assert decide(case(**MOBILE))["urgency"] == "none"


# ---------------------------------------------------------------- profile status in every decision


def test_every_decision_says_the_profile_awaits_sign_off():
    d = decide(case())
    assert d["profile"]["status"] == "awaiting_sign_off"
    assert any("awaiting sign-off by the designated professional" in n for n in d["notices"])


def test_decision_after_the_review_date_carries_a_warning():
    d = decide(case(dob="2027-06-01", assessed_at="2027-08-01T09:00"))
    assert (
        d["profile"]["warnings"]
        and "was due for review on 01-Jul-2027" in d["profile"]["warnings"][0]
    )
    assert decide(case())["profile"]["warnings"] == []


def test_long_histories_are_summarised_in_flag_text_with_the_latest_named():
    prior = [
        {"date": f"2025-08-{day:02d}", "findings": [{"kind": "bruise", "site": "cheek"}]}
        for day in range(1, 31)
    ]
    d = decide(
        case(findings=[finding("bruise", "ear")], history_set={"prior_presentations": prior})
    )
    sentinel = next(f["text"] for f in d["flags"] if f["id"] == "prior_injury_presentation")
    assert "30 in all, the latest: 25-Aug-2025" in sentinel and "30-Aug-2025" in sentinel
    assert "01-Aug-2025" not in sentinel
    sites = next(f["text"] for f in d["flags"] if f["id"] == "high_risk_site")
    assert sites.startswith("Finding at a TEN-4-FACESp site or patterned: bruise (ear); 30 in all")
    assert len(sentinel) < 600 and len(sites) < 600
