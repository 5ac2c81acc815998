"""The shipped examples give the committed decisions (review changes with scripts/update_examples.py)."""

import json
from pathlib import Path

import pytest

from tests.domain.factories import decide

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_example_decision_is_unchanged(path):
    expected = json.loads(
        (EXAMPLES / "decisions" / f"{path.stem}.decision.json").read_text(encoding="utf-8")
    )
    assert decide(json.loads(path.read_text(encoding="utf-8"))) == expected


def load(name):
    return decide(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def test_child_af_each_presentation_requires_referral_and_builds_cumulative_risk():
    first = load("child-af-1-bleeding-mouth")
    second = load("child-af-2-subconjunctival-haemorrhage")
    third = load("child-af-3-purple-mark")
    assert first["urgency"] == "emergency"  # bleeding from the mouth in a 3-week-old
    assert second["urgency"] == third["urgency"] == "immediate"
    flags2 = [f["id"] for f in second["flags"]]
    flags3 = [f["id"] for f in third["flags"]]
    assert "prior_injury_presentation" in flags2
    assert {
        "prior_injury_presentation",
        "family_safeguarding_history",
        "explanation_concerns",
    } <= set(flags3)
    sentinel = next(f["text"] for f in third["flags"] if f["id"] == "prior_injury_presentation")
    assert (
        "10-Aug-2025: bleeding (mouth)" in sentinel
        and "24-Aug-2025: subconjunctival haemorrhage" in sentinel
    )
    for d in (second, third):
        assert "share_cumulative_history" in [a["id"] for a in d["actions"]]
    follow_up = next(i for i in third["investigations"] if i["id"] == "skeletal_survey_follow_up")
    assert (follow_up["due_from"], follow_up["due_to"]) == ("2025-09-11", "2025-09-14")


def test_there_are_at_least_three_child_af_examples_and_a_handful_of_others():
    names = [p.stem for p in CASES]
    assert sum(n.startswith("child-af-") for n in names) == 3
    assert len(names) >= 8
