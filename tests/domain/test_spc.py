"""XmR charts ("Making Data Count"): limits, special-cause rules and icons on worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain.spc import (
    Assurance,
    Direction,
    Variation,
    assurance_of,
    moving_ranges,
    process_limits,
    xmr,
)


def test_worked_example_mean_moving_range_and_limits():
    # 5, 7, 6, 8, 4: mean 30/5 = 6; moving ranges 2, 1, 2, 4 (mean 9/4 = 2.25);
    # limits 6 -/+ 2.66 x 2.25 = 6 -/+ 5.985 -> 0.015 and 11.985.
    values = [5, 7, 6, 8, 4]
    assert moving_ranges(values) == [2, 1, 2, 4]
    mean, mr, lower, upper = process_limits(values)
    assert mean == 6
    assert mr == 2.25
    assert lower == pytest.approx(0.015)
    assert upper == pytest.approx(11.985)
    chart = xmr(values)
    assert [p.moving_range for p in chart.points] == [None, 2, 1, 2, 4]
    assert not any(p.special for p in chart.points)
    assert chart.variation is Variation.COMMON_CAUSE


def test_worked_example_point_above_the_upper_limit():
    # Mean 93/7 = 13.286; moving ranges 1,1,1,1,1,19 (mean 24/6 = 4);
    # upper limit 13.286 + 2.66 x 4 = 23.926: 30 is outside, the rest are not.
    chart = xmr([10, 11, 10, 11, 10, 11, 30], direction=Direction.LOWER)
    assert chart.mean_moving_range == 4
    assert chart.upper_limit == pytest.approx(23.926, abs=1e-3)
    assert [p.rules for p in chart.points][-1] == ("outside",)
    assert not any(p.special for p in chart.points[:-1])
    # Higher is worse for this metric: the latest point is a concern.
    assert chart.variation is Variation.CONCERNING_HIGH


def test_worked_example_run_of_seven_below_the_mean():
    # Five high months, then seven low ones: mean 9.583; the seven points below it form a run.
    values = [12, 13, 12, 13, 12, 8, 8, 7, 8, 7, 8, 7]
    chart = xmr(values, direction=Direction.HIGHER)
    flagged = [i for i, p in enumerate(chart.points) if "run" in p.rules]
    assert flagged == [5, 6, 7, 8, 9, 10, 11]
    assert chart.variation is Variation.CONCERNING_LOW


def test_a_run_of_six_is_not_a_signal():
    values = [12, 13, 12, 13, 12, 13, 8, 8, 7, 8, 7, 8]
    chart = xmr(values)
    assert not any("run" in p.rules for p in chart.points)


def test_a_point_on_the_mean_breaks_the_run():
    values = [1, 1, 1, 3, 1, 1, 1, 5, 5, 5, 5]  # mean 29/11; no 7 on one side
    assert not any("run" in p.rules for p in xmr(values).points)


def test_worked_example_trend_of_seven_rising():
    # 1..7 rising by one: six rises, seven points; mean 4, moving range 1, limits 1.34 to 6.66.
    chart = xmr([1, 2, 3, 4, 5, 6, 7], direction=Direction.HIGHER)
    assert all("trend" in p.rules for p in chart.points)
    # 1 and 7 are beyond the limits; 1, 2 (and 6, 7) are also two near the same limit.
    assert chart.points[0].rules == ("outside", "trend", "two_of_three")
    assert chart.points[3].rules == ("trend",)
    assert chart.points[-1].rules == ("outside", "trend", "two_of_three")
    assert chart.variation is Variation.IMPROVING_HIGH


def test_six_rising_points_are_not_a_trend_by_default_but_are_with_trend_length_six():
    values = [5, 3, 4, 5, 6, 7, 8, 6]
    assert not any("trend" in p.rules for p in xmr(values).points)
    six = xmr(values, trend_length=6)
    assert [i for i, p in enumerate(six.points) if "trend" in p.rules] == [1, 2, 3, 4, 5, 6]


def test_a_repeated_value_breaks_a_trend():
    values = [1, 2, 3, 3, 4, 5, 6, 7]
    assert not any("trend" in p.rules for p in xmr(values).points)


def test_worked_example_two_of_three_near_the_upper_limit():
    # Ten months alternating 11, 12, then 14.5, 12.5, 14.5. Mean 156.5/13 = 12.038; mean
    # moving range 15.5/12 = 1.292; upper limit 12.038 + 2.66 x 1.292 = 15.474; the outer
    # third starts at 12.038 + 2/3 x 3.436 = 14.329. The two 14.5s are near the limit with the
    # 12.5 between them above the mean: both are flagged (the 12.5 is not). The ten baseline
    # months are all below the mean: a run.
    values = [11, 12, 11, 12, 11, 12, 11, 12, 11, 12, 14.5, 12.5, 14.5]
    chart = xmr(values)
    assert chart.mean == pytest.approx(12.038, abs=1e-3)
    assert chart.upper_limit == pytest.approx(15.474, abs=1e-3)
    assert [p.rules for p in chart.points] == [("run",)] * 10 + [
        ("two_of_three",),
        (),
        ("two_of_three",),
    ]
    assert chart.variation is Variation.NEITHER_HIGH


def test_two_near_the_limit_with_one_below_the_mean_between_are_not_a_signal():
    values = [11, 12, 11, 12, 11, 12, 11, 12, 11, 12, 14.5, 11, 14.5]
    assert not any(p.special for p in xmr(values).points)


def test_constant_series_has_no_signal_and_passes_a_target_it_meets():
    chart = xmr([100.0] * 12, direction=Direction.HIGHER, target=100.0)
    assert chart.lower_limit == chart.upper_limit == 100.0
    assert not any(p.special for p in chart.points)
    assert chart.assurance is Assurance.PASS


@pytest.mark.parametrize(
    ("lower", "upper", "target", "direction", "expected"),
    [
        (80, 95, 70, Direction.HIGHER, Assurance.PASS),
        (80, 95, 98, Direction.HIGHER, Assurance.FAIL),
        (80, 95, 90, Direction.HIGHER, Assurance.HIT_AND_MISS),
        (0, 2, 5, Direction.LOWER, Assurance.PASS),
        (3, 8, 0, Direction.LOWER, Assurance.FAIL),
        (-1, 2, 0, Direction.LOWER, Assurance.HIT_AND_MISS),
        (0, 2, None, Direction.LOWER, Assurance.NONE),
        (0, 2, 1, Direction.NEITHER, Assurance.NONE),
    ],
)
def test_assurance_icons(lower, upper, target, direction, expected):
    assert assurance_of(lower, upper, target, direction) is expected


def test_empty_series_is_refused():
    with pytest.raises(ValueError):
        xmr([])


values_st = st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1, max_size=40)


@given(values_st)
def test_limits_surround_the_mean(values):
    chart = xmr(values)
    assert chart.lower_limit <= chart.mean <= chart.upper_limit
    assert chart.upper_limit - chart.mean == pytest.approx(chart.mean - chart.lower_limit)


@given(values_st)
def test_outside_flags_exactly_the_points_beyond_the_limits(values):
    chart = xmr(values)
    for p in chart.points:
        beyond = p.value > chart.upper_limit + 1e-9 or p.value < chart.lower_limit - 1e-9
        inside = chart.lower_limit + 1e-9 < p.value < chart.upper_limit - 1e-9
        if beyond:
            assert "outside" in p.rules
        if inside:
            assert "outside" not in p.rules


@given(values_st)
def test_mirroring_the_series_keeps_the_signals_and_swaps_high_and_low(values):
    up = xmr(values, direction=Direction.HIGHER)
    down = xmr([-v for v in values], direction=Direction.LOWER)
    assert [p.rules for p in up.points] == [p.rules for p in down.points]
    swap = {
        Variation.COMMON_CAUSE: Variation.COMMON_CAUSE,
        Variation.IMPROVING_HIGH: Variation.IMPROVING_LOW,
        Variation.CONCERNING_LOW: Variation.CONCERNING_HIGH,
    }
    assert swap[up.variation] is down.variation
