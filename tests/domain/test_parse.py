"""Bad input: every problem listed with its JSON path; vocabularies accepted exactly."""

import pytest

from tests.domain.factories import case, decide, finding
from triage_app.domain.errors import InputError
from triage_app.domain.parse import parse_assessment
from triage_app.domain.vocab import CpIs, CpPlan, ExceptionType, ReportMode, Sex, Side


def problems(data, profile=None) -> list[str]:
    with pytest.raises(InputError) as exc:
        decide(data, profile)
    return [str(p) for p in exc.value.problems]


def test_contract_example_message_for_birth_after_assessment():
    assert problems(case(dob="2025-09-04")) == ["child.date_of_birth: after assessed_at"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("schema"), 'schema: required: "triage-assess/1"'),
        (lambda d: d.update(schema="triage-assess/2"), 'schema: must be "triage-assess/1"'),
        (lambda d: d.pop("assessed_at"), "assessed_at: required"),
        (
            lambda d: d.update(assessed_at="2025-09-03 10:40"),
            "assessed_at: must be a local date and time",
        ),
        (
            lambda d: d.update(assessed_at="2025-02-30T10:00"),
            "assessed_at: must be a local date and time",
        ),
        (lambda d: d.pop("child"), "child.date_of_birth: required"),
        (lambda d: d["child"].pop("date_of_birth"), "child.date_of_birth: required"),
        (
            lambda d: d["child"].update(date_of_birth="20/07/2025"),
            "child.date_of_birth: must be a date YYYY-MM-DD",
        ),
        (
            lambda d: d["child"].update(date_of_birth="2005-01-01"),
            "child.date_of_birth: the child is 18 or older",
        ),
        (lambda d: d.pop("findings"), "findings: required"),
        (lambda d: d.update(findings=None), "findings: must be a list"),
        (lambda d: d.update(findings={"kind": "bruise"}), "findings: must be a list"),
        (lambda d: d.update(setting="pharmacy"), "setting: must be one of:"),
        (lambda d: d.update(report_mode="email"), "report_mode: must be one of:"),
        (lambda d: d["child"].update(sex="F"), "child.sex: must be one of:"),
        (
            lambda d: d["mobility"].update(rolls="yes"),
            "mobility.rolls: must be true, false or null",
        ),
        (lambda d: d["mobility"].update(crawls=1), "mobility.crawls: must be true, false or null"),
        (lambda d: d["mobility"].update(hops=True), "mobility.hops: unknown field"),
        (
            lambda d: d.update(clinical_state={"emergency_sign": ["seizure"]}),
            "clinical_state.emergency_sign: unknown field",
        ),
        (
            lambda d: d.update(clinical_state={"emergency_signs": ["fever"]}),
            "clinical_state.emergency_signs[0]: must be one of:",
        ),
        (lambda d: d.update(findings=[finding("graze")]), "findings[0].kind: must be one of:"),
        (
            lambda d: d.update(findings=[finding("bruise", "shin")]),
            "findings[0].site: must be one of:",
        ),
        (lambda d: d.update(findings=[finding(side="top")]), "findings[0].side: must be one of:"),
        (
            lambda d: d.update(findings=[finding(size_mm=-1)]),
            "findings[0].size_mm: must be between 0 and 1000",
        ),
        (
            lambda d: d.update(findings=[finding(size_mm="10")]),
            "findings[0].size_mm: must be a number",
        ),
        (
            lambda d: d.update(findings=[finding(size_mm=True)]),
            "findings[0].size_mm: must be a number",
        ),
        (
            lambda d: d.update(findings=[finding(patterned="no")]),
            "findings[0].patterned: must be true, false or null",
        ),
        (
            lambda d: d.update(findings=[finding(colour="blue")]),
            "findings[0].colour: unknown field",
        ),
        (
            lambda d: d.update(findings=[finding(exception={"documented_by": "x"})]),
            "findings[0].exception.type: required",
        ),
        (
            lambda d: d.update(findings=[finding(exception={"type": "mongolian_spot"})]),
            "findings[0].exception.type: must be one of:",
        ),
        (
            lambda d: d.update(
                findings=[finding(exception={"type": "birthmark", "documented_on": "yesterday"})]
            ),
            "findings[0].exception.documented_on: must be a date",
        ),
        (lambda d: d.update(findings=[None]), "findings[0]: must be an object"),
        (lambda d: d.update(explanation={"text": 42}), "explanation.text: must be a string"),
        (
            lambda d: d.update(explanation={"text": "a\x00b"}),
            "explanation.text: contains a NUL character",
        ),
        (
            lambda d: d.update(explanation={"text": "\ud800"}),
            "explanation.text: contains an unpaired surrogate",
        ),
        (
            lambda d: d.update(explanation={"text": "x" * 100_001}),
            "explanation.text: is 100001 characters long",
        ),
        (
            lambda d: d.update(explanation={"given_at": "2025-09-04T10:00"}),
            "explanation.given_at: after assessed_at",
        ),
        (
            lambda d: d["child"].update(family_name="A\nB"),
            "child.family_name: contains a control character",
        ),
        (lambda d: d["history"].update(cp_is="yes"), "history.cp_is: must be one of:"),
        (
            lambda d: d["history"].update(household_children=[{"cp_plan": "maybe"}]),
            "history.household_children[0].cp_plan: must be one of:",
        ),
        (
            lambda d: d["history"].update(household_children=[{"date_of_birth": "2026-01-01"}]),
            "history.household_children[0].date_of_birth: after assessed_at",
        ),
        (
            lambda d: d["history"].update(prior_presentations=[{"setting": "gp"}]),
            "history.prior_presentations[0].date: required",
        ),
        (
            lambda d: d["history"].update(prior_presentations=[{"date": "2025-10-01"}]),
            "history.prior_presentations[0].date: after assessed_at",
        ),
        (
            lambda d: d["history"].update(prior_presentations=[{"date": "2025-07-01"}]),
            "history.prior_presentations[0].date: before the child's date of birth",
        ),
        (
            lambda d: d["history"].update(
                prior_presentations=[{"date": "2025-08-01", "findings": [{"kind": "scratch"}]}]
            ),
            "history.prior_presentations[0].findings[0].kind: must be one of:",
        ),
        (lambda d: d.update(extra=True), "extra: unknown field"),
    ],
)
def test_bad_input_names_the_path_and_reason(mutate, expected):
    data = case()
    mutate(data)
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_listed_not_just_the_first():
    data = case(setting="pharmacy", findings=[finding("graze", "shin")], report_mode="fax")
    data["child"]["nhs_number"] = "943 476 5918"
    found = problems(data)
    assert [p.split(":")[0] for p in found] == [
        "setting",
        "report_mode",
        "child.nhs_number",
        "findings[0].kind",
        "findings[0].site",
    ]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("943 476 5918", "fails the Modulus 11 check digit"),
        ("94347659", "must be 10 digits"),
        ("943-476-5919", "must be 10 digits"),
        ("000 000 0000", "outside the ranges issued"),
        ("500 000 0005", "outside the ranges issued"),
        ("222 222 2222", "impossible date"),
    ],
)
def test_invalid_nhs_numbers_are_input_errors(number, reason):
    data = case()
    data["child"]["nhs_number"] = number
    assert any(reason in p for p in problems(data))


def test_valid_nhs_number_with_or_without_spaces():
    for number in ("943 476 5919", "9434765919", "999 000 0018"):
        data = case()
        data["child"]["nhs_number"] = number
        assert parse_assessment(data).child.nhs_number == number.replace(" ", "")


def test_not_a_json_object():
    for value in (None, [], "case", 3):
        with pytest.raises(InputError):
            parse_assessment(value)


def test_unknown_profile_lists_the_known_ids():
    assert problems(case(profile="kent")) == [
        "profile: unknown profile 'kent' (known: hips, nyscp)"
    ]
    assert problems(case(), profile="kent") == [
        "--profile: unknown profile 'kent' (known: hips, nyscp)"
    ]


def test_profile_override_replaces_the_case_profile():
    assert decide(case(profile="kent"), profile="hips")["profile"]["id"] == "hips"


def test_default_profile_is_nyscp():
    data = case()
    del data["profile"]
    assert decide(data)["profile"]["id"] == "nyscp"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("report_mode", list(ReportMode)),
        ("sex", list(Sex)),
        ("side", list(Side)),
        ("cp_is", list(CpIs)),
        ("cp_plan", list(CpPlan)),
        ("exception", list(ExceptionType)),
    ],
)
def test_every_vocabulary_value_is_accepted(field, values):
    for value in values:
        data = case(findings=[finding()])
        if field == "report_mode":
            data["report_mode"] = value.value
        elif field == "sex":
            data["child"]["sex"] = value.value
        elif field == "side":
            data["findings"][0]["side"] = value.value
        elif field == "cp_is":
            data["history"]["cp_is"] = value.value
        elif field == "cp_plan":
            data["history"]["household_children"] = [{"cp_plan": value.value}]
        else:
            data["findings"][0]["exception"] = {"type": value.value}
        assert decide(data)["schema"] == "triage-decision/1"


def test_nulls_mean_unknown():
    data = case(setting=None, report_mode=None, explanation=None, history=None, mobility=None)
    data["child"] = {"date_of_birth": "2025-07-20", "nhs_number": None, "sex": None}
    d = decide(data)
    assert d["nim"]["basis"] == ["age_under_floor", "mobility_unknown"]


def test_round_trip_through_json_gives_the_same_assessment():
    data = case(
        findings=[
            finding(size_mm=12, patterned=True, description="x", exception={"type": "birthmark"})
        ],
        history_set={
            "prior_presentations": [
                {"date": "2025-08-01", "findings": [{"kind": "mark", "site": "back"}]}
            ],
            "household_children": [{"date_of_birth": "2021-01-01", "cp_plan": "past"}],
        },
    )
    a = parse_assessment(data)
    assert parse_assessment(a.to_json()) == a
