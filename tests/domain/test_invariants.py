"""Invariants of the engine, proven over generated cases (hypothesis)."""

import copy
import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.factories import decide
from triage_app.domain.errors import InputError
from triage_app.domain.vocab import (
    MOBILITY_FIELDS,
    CpIs,
    CpPlan,
    EmergencySign,
    ExceptionType,
    FindingKind,
    ReportMode,
    Setting,
    Side,
    Site,
    urgency_rank,
)

ASSESSED = date(2025, 9, 3)
COMMON = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates_before = st.integers(min_value=0, max_value=4 * 365).map(
    lambda d: ASSESSED - timedelta(days=d)
)
maybe_bool = st.sampled_from([True, False, None])
texts = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40),
)


@st.composite
def exceptions(draw):
    if draw(st.booleans()):
        return None
    return {
        "type": draw(st.sampled_from([e.value for e in ExceptionType])),
        "documented_by": draw(texts),
        "documented_on": draw(st.one_of(st.none(), dates_before.map(str))),
        "matches_documentation": draw(maybe_bool),
    }


@st.composite
def findings(draw):
    return {
        "kind": draw(st.sampled_from([k.value for k in FindingKind])),
        "site": draw(st.sampled_from([s.value for s in Site])),
        "side": draw(st.one_of(st.none(), st.sampled_from([s.value for s in Side]))),
        "size_mm": draw(st.one_of(st.none(), st.integers(0, 200))),
        "patterned": draw(maybe_bool),
        "description": draw(texts),
        "exception": draw(exceptions()),
    }


@st.composite
def cases(draw):
    dob = draw(
        st.integers(min_value=0, max_value=4 * 365).map(lambda d: ASSESSED - timedelta(days=d))
    )
    prior_dates = st.integers(0, max(0, (ASSESSED - dob).days)).map(
        lambda d: ASSESSED - timedelta(days=d)
    )
    prior = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": prior_dates.map(str),
                    "nim": maybe_bool,
                    "explanation": texts,
                    "findings": st.lists(
                        st.fixed_dictionaries(
                            {
                                "kind": st.sampled_from([k.value for k in FindingKind]),
                                "site": st.sampled_from([s.value for s in Site]),
                            }
                        ),
                        max_size=2,
                    ),
                }
            ),
            max_size=6,
        )
    )
    return {
        "schema": "triage-assess/1",
        "profile": draw(st.sampled_from(["nyscp", "hips"])),
        "assessed_at": f"{ASSESSED}T10:40",
        "setting": draw(st.sampled_from([s.value for s in Setting])),
        "report_mode": draw(st.sampled_from([m.value for m in ReportMode])),
        "child": {"date_of_birth": str(dob)},
        "mobility": {name: draw(maybe_bool) for name in MOBILITY_FIELDS},
        "clinical_state": {
            "emergency_signs": draw(
                st.lists(st.sampled_from([s.value for s in EmergencySign]), max_size=2)
            )
        },
        "findings": draw(st.lists(findings(), max_size=4)),
        "explanation": {
            "text": draw(texts),
            "changed_over_time": draw(maybe_bool),
            "delay_in_presentation": draw(maybe_bool),
        },
        "history": {
            "bleeding_disorder_known": draw(maybe_bool),
            "cp_is": draw(st.sampled_from([c.value for c in CpIs])),
            "previous_nai_in_family": draw(maybe_bool),
            "mother_pregnant": draw(maybe_bool),
            "household_children": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "cp_plan": st.sampled_from([p.value for p in CpPlan]),
                            "looked_after": maybe_bool,
                            "removed_from_care": maybe_bool,
                        }
                    ),
                    max_size=3,
                )
            ),
            "prior_presentations": prior,
            "child_cp_plan": draw(st.sampled_from([None, *[p.value for p in CpPlan]])),
        },
    }


def rank(decision):
    return urgency_rank(decision["urgency"])


@COMMON
@given(cases(), findings())
def test_adding_a_finding_never_lowers_urgency(case, extra):
    more = copy.deepcopy(case)
    more["findings"].append(extra)
    assert rank(decide(more)) >= rank(decide(case))


@COMMON
@given(cases())
def test_flags_never_lower_urgency(case):
    """Removing everything that raises a flag never makes the decision more urgent."""
    bare = copy.deepcopy(case)
    bare["history"] = {"cp_is": "none"}
    bare["explanation"] = {"text": case["explanation"]["text"]}
    for f in bare["findings"]:
        f["patterned"] = False
    with_flags = copy.deepcopy(bare)
    with_flags["history"] = case["history"]
    with_flags["explanation"] = case["explanation"]
    assert rank(decide(with_flags)) >= rank(decide(bare))


@COMMON
@given(cases(), texts, maybe_bool, maybe_bool)
def test_for_a_nim_child_the_explanation_never_changes_urgency(case, text, changed, delay):
    d = decide(case)
    other = copy.deepcopy(case)
    other["explanation"] = {
        "text": text,
        "changed_over_time": changed,
        "delay_in_presentation": delay,
    }
    d2 = decide(other)
    if d["nim"]["status"]:
        assert d2["urgency"] == d["urgency"]
        assert ("phone_csc" in [a["id"] for a in d2["actions"]]) == (
            "phone_csc" in [a["id"] for a in d["actions"]]
        )


@COMMON
@given(cases())
def test_a_nim_child_with_an_unexempted_injury_is_always_referred(case):
    d = decide(case)
    if d["nim"]["status"] and any(f["exception"] == "none" for f in d["findings"]):
        assert rank(d) >= urgency_rank("immediate")
        assert {"phone_csc", "paediatric_cp_assessment", "written_referral"} <= {
            a["id"] for a in d["actions"]
        }


@COMMON
@given(cases())
def test_the_same_input_always_gives_the_same_output(case):
    first = json.dumps(decide(case), sort_keys=True)
    assert json.dumps(decide(copy.deepcopy(case)), sort_keys=True) == first


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_no_input_crashes_the_engine(value):
    try:
        decide(value)
    except InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_mutated_cases_decide_or_list_every_problem(case, data):
    """Replace one value anywhere in a valid case with arbitrary JSON."""
    mutated = copy.deepcopy(case)
    node = mutated
    while isinstance(node, dict | list) and node:
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
            node[key] = data.draw(json_values)
            break
        node = node[key]
    try:
        result = decide(mutated)
        assert result["schema"] == "triage-decision/1"
    except InputError as exc:
        assert exc.problems


@COMMON
@given(cases())
def test_under_six_months_an_unexempted_injury_is_referred_under_every_profile(case):
    """Contract 1.1: no profile shrinks NIM below 6 months, whatever the milestones."""
    for profile in ("nyscp", "hips"):
        d = decide({**case, "profile": profile})
        if d["age"]["days"] < 182 and any(
            f["qualifying"] and f["exception"] == "none" for f in d["findings"]
        ):
            assert d["nim"]["status"] is True
            assert rank(d) >= urgency_rank("immediate")


@COMMON
@given(cases(), st.data())
def test_more_history_never_lowers_urgency(case, data):
    """Adding an earlier presentation, a plan, or a pregnancy never makes a case less urgent."""
    more = copy.deepcopy(case)
    h = more["history"]
    change = data.draw(st.sampled_from(["prior", "plan", "pregnant", "removed"]))
    if change == "prior" and case["history"]["prior_presentations"]:
        h["prior_presentations"].append(dict(h["prior_presentations"][0]))
    elif change == "plan":
        h["child_cp_plan"] = data.draw(st.sampled_from(["current", "past"]))
    elif change == "pregnant":
        h["mother_pregnant"] = True
    else:
        h["household_children"].append({"removed_from_care": True})
    assert rank(decide(more)) >= rank(decide(case))


@COMMON
@given(cases())
def test_urgency_is_the_maximum_over_the_rules(case):
    from tests.domain.factories import engine
    from triage_app.domain.parse import parse_assessment
    from triage_app.domain.rules import URGENCY_RULES, gather_facts

    e = engine()
    a = parse_assessment(case)
    profile = e.registry.get(a.profile_id)
    facts = gather_facts(a, profile)
    ranks = [urgency_rank(o.urgency) for o in (r(facts) for r in URGENCY_RULES) if o.urgency]
    assert urgency_rank(e.decide(a).urgency) == max(ranks, default=0)
