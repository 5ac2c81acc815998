"""Audit definitions: facts from a decision, suppression, months, ages and charts (pure)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain import compliance as c
from triage_app.domain.compliance import MetricCounts, MonthCount
from triage_app.domain.spc import xmr

ROOT = Path(__file__).resolve().parents[2]


def _example(name):
    data = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    out = ROOT / "examples" / "decisions" / f"{name}.decision.json"
    return data, json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "triggered", "prompted", "exception", "pre_birth"),
    [
        ("child-af-3-purple-mark", True, True, None, False),
        ("documented-birthmark", False, False, "birthmark", False),
        ("mobile-toddler", False, False, None, False),
        ("pregnant-mother-family-history", True, True, None, True),
    ],
)
def test_facts_from_the_committed_example_decisions(
    name, triggered, prompted, exception, pre_birth
):
    data, decision = _example(name)
    f = c.facts_from_decision(data, decision)
    assert (f.protocol_triggered, f.survey_prompted, f.exception_types, f.pre_birth) == (
        triggered, prompted, exception, pre_birth,
    )  # fmt: skip
    assert f.setting == data.get("setting")


def test_metric_ids_are_exactly_the_issues_list_and_each_has_a_rule():
    assert c.METRIC_IDS == (
        "nim_presentations", "phoned_same_day", "written_referral_in_time",
        "paediatric_assessment_same_day", "cp_is_checked", "initial_survey_done",
        "follow_up_done", "follow_up_in_window", "supervision_decided_with_health",
        "closed_with_results_pending", "sentinel_children", "exceptions_accepted",
        "pre_birth_referrals",
    )  # fmt: skip
    assert all(len(m.rule) > 60 for m in c.METRICS)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (120, 120)])
def test_suppression_of_small_counts(count, shown):
    assert c.shown_count(count, True) == shown
    assert c.shown_count(count, False) == count


@pytest.mark.parametrize(
    ("n", "d", "shown"),
    [(3, 50, "<5"), (48, 50, "<5"), (20, 50, 40.0), (0, 0, None), (0, 10, 0.0), (2, 3, "<5")],
)
def test_a_percentage_that_would_reveal_a_small_count_is_suppressed(n, d, shown):
    assert c.shown_percent(n, d, True) == shown


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_suppressed_output_never_shows_a_count_of_one_to_four(n, extra):
    d = n + extra
    for value in (c.shown_count(n, True), c.shown_count(d, True)):
        assert value == "<5" or value == 0 or value >= 5
    pct = c.shown_percent(n, d, True)
    if isinstance(pct, float):
        assert n == 0 or n >= 5 and (d - n == 0 or d - n >= 5)


def test_months_of_a_period_and_missing_months_are_zero():
    assert c.months_between(date(2024, 11, 15), date(2025, 2, 1)) == [
        "2024-11", "2024-12", "2025-01", "2025-02",
    ]  # fmt: skip
    months = c.fill_months(date(2025, 1, 1), date(2025, 3, 31), [("2025-02", 3, 4)])
    assert [(m.month, m.numerator, m.denominator) for m in months] == [
        ("2025-01", 0, 0), ("2025-02", 3, 4), ("2025-03", 0, 0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("days", "text"), [(None, "not known"), (12, "12d"), (45, "6w 3d"), (200, "6m"), (800, "2y")]
)
def test_age_from_days_needs_no_date_of_birth(days, text):
    assert c.age_from_days(days) == text


def test_a_percentage_chart_skips_months_with_no_denominator():
    months = (
        MonthCount("2025-01", 9, 10),
        MonthCount("2025-02", 0, 0),
        MonthCount("2025-03", 5, 10),
    )
    result = c.result_for(MetricCounts("phoned_same_day", 14, 20, months))
    assert [m.month for m in result.chart_months] == ["2025-01", "2025-03"]
    assert result.chart.values == [90.0, 50.0]
    assert result.failing_overall  # 70% against a target of 100%


def test_closed_with_results_pending_fails_on_any_case():
    ok = c.result_for(MetricCounts("closed_with_results_pending", 0, 7))
    bad = c.result_for(MetricCounts("closed_with_results_pending", 1, 7))
    assert not ok.failing_overall and bad.failing_overall


@pytest.mark.parametrize(
    ("kind", "values", "limits", "target", "expected"),
    [
        # a percentage shows neither below 0 nor above 100, whatever its limits
        (c.Kind.PROPORTION, [40.0, 90.0], (-20.0, 130.0), None, (0.0, 100.0)),
        (c.Kind.PROPORTION, [40.0, 90.0], (30.0, 95.0), 97.0, (30.0, 97.0)),
        # a count is never below 0 but goes as high as its values, limits and target
        (c.Kind.COUNT, [3.0, 4.0], (-1.5, 8.5), 12.0, (0.0, 12.0)),
        (c.Kind.COUNT, [3.0, 140.0], (2.0, 120.0), None, (2.0, 140.0)),
        # a flat chart is widened by 1 each way
        (c.Kind.COUNT, [5.0, 5.0], (5.0, 5.0), None, (4.0, 6.0)),
        (c.Kind.PROPORTION, [0.0, 0.0], (0.0, 0.0), None, (-1.0, 1.0)),
    ],
)
def test_the_chart_range_holds_values_limits_and_target_within_what_the_kind_allows(
    kind, values, limits, target, expected
):
    chart = dataclasses.replace(
        xmr(values, target=target), lower_limit=limits[0], upper_limit=limits[1]
    )
    assert c.chart_range(kind, chart) == expected


@given(
    st.lists(st.floats(min_value=0, max_value=100), min_size=2, max_size=30),
    st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
    st.sampled_from(list(c.Kind)),
)
def test_every_value_and_the_target_lie_within_the_chart_range(values, target, kind):
    lo, hi = c.chart_range(kind, xmr(values, target=target))
    assert lo >= -1.0 and lo < hi
    for v in [*values, *([] if target is None else [target])]:
        assert lo <= v <= hi
