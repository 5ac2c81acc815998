"""Statistical process control for the compliance audit: XmR charts, NHS "Making Data Count".

Pure computation (no I/O). An XmR ("individuals and moving range") chart plots one value per
period (here: per month) with

- the **mean** of the values;
- the **moving ranges**: the absolute difference between each value and the one before;
- the **process limits** at ``mean +/- 2.66 x mean moving range`` (2.66 = 3 / d2, d2 = 1.128
  for ranges of two points: the limits sit at about three sigma).

A point is **special cause** when any of these rules holds (the rules and icon categories of
NHS England's "Making Data Count" programme, as implemented by the NHS-R community's reference
package NHSRplotthedots):

1. ``outside``: the point is above the upper or below the lower process limit;
2. ``run``: the point is part of a run of ``RUN_LENGTH`` (7) or more consecutive points on the
   same side of the mean (a point on the mean breaks the run);
3. ``trend``: the point is part of ``TREND_LENGTH`` (7) or more consecutive points each higher
   (or each lower) than the one before; a repeated value breaks the trend. Some improvement
   guides use 6; the MDC tools and NHSRplotthedots use 7, and so does this module by default
   (``trend_length`` is a parameter);
4. ``two_of_three``: two out of three consecutive points are close to (in the outer third
   between the mean and) or beyond the same process limit, with all three on that side of the
   mean; the points near the limit are flagged.

The **variation** icon describes the latest point: common cause, or special cause that is an
improvement, a concern, or neither (when no direction is better). The **assurance** icon
compares the process limits with the target: the target outside the limits means the process
will consistently pass (or consistently fail) it; inside, it will hit and miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7


class Direction(StrEnum):
    """Which way is better for a metric."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class Variation(StrEnum):
    """The "Making Data Count" variation icon (of the latest point)."""

    COMMON_CAUSE = "common_cause"
    IMPROVING_HIGH = "special_cause_improving_high"
    IMPROVING_LOW = "special_cause_improving_low"
    CONCERNING_HIGH = "special_cause_concerning_high"
    CONCERNING_LOW = "special_cause_concerning_low"
    NEITHER_HIGH = "special_cause_neither_high"
    NEITHER_LOW = "special_cause_neither_low"


class Assurance(StrEnum):
    """The "Making Data Count" assurance icon (process limits against the target)."""

    PASS = "consistently_pass"
    FAIL = "consistently_fail"
    HIT_AND_MISS = "hit_and_miss"
    NONE = "no_target"


VARIATION_TEXT = {
    Variation.COMMON_CAUSE: "common cause variation: no significant change",
    Variation.IMPROVING_HIGH: "special cause: improvement (higher)",
    Variation.IMPROVING_LOW: "special cause: improvement (lower)",
    Variation.CONCERNING_HIGH: "special cause: concern (higher)",
    Variation.CONCERNING_LOW: "special cause: concern (lower)",
    Variation.NEITHER_HIGH: "special cause: higher (neither better nor worse)",
    Variation.NEITHER_LOW: "special cause: lower (neither better nor worse)",
}
ASSURANCE_TEXT = {
    Assurance.PASS: "will consistently meet the target",
    Assurance.FAIL: "will consistently fail the target",
    Assurance.HIT_AND_MISS: "will hit and miss the target at random",
    Assurance.NONE: "no target",
}


@dataclass(frozen=True)
class XmrPoint:
    """One point of the chart and the special-cause rules it is part of."""

    value: float
    moving_range: float | None
    rules: tuple[str, ...]
    side: int  # +1 above the mean, -1 below, 0 on it

    @property
    def special(self) -> bool:
        """True when any special-cause rule flags this point."""
        return bool(self.rules)


@dataclass(frozen=True)
class XmrChart:
    """An XmR chart: mean, limits, every point, and the two icons."""

    points: tuple[XmrPoint, ...]
    mean: float
    mean_moving_range: float
    upper_limit: float
    lower_limit: float
    variation: Variation
    assurance: Assurance
    target: float | None
    direction: Direction

    @property
    def values(self) -> list[float]:
        """The plotted values, in order."""
        return [p.value for p in self.points]


def moving_ranges(values: Sequence[float]) -> list[float]:
    """Absolute differences between consecutive values (one fewer than the values)."""
    return [abs(b - a) for a, b in zip(values, values[1:], strict=False)]


def process_limits(values: Sequence[float]) -> tuple[float, float, float, float]:
    """Return (mean, mean moving range, lower limit, upper limit) of ``values``.

    Raises:
        ValueError: no values.
    """
    if not values:
        raise ValueError("an XmR chart needs at least one value")
    mean = sum(values) / len(values)
    ranges = moving_ranges(values)
    mr = sum(ranges) / len(ranges) if ranges else 0.0
    return mean, mr, mean - LIMIT_FACTOR * mr, mean + LIMIT_FACTOR * mr


def _sign(x: float, eps: float = 1e-12) -> int:
    return 0 if abs(x) <= eps else (1 if x > 0 else -1)


def _mark_runs(flags: list[set[str]], keys: Sequence[int], length: int, rule: str) -> None:
    """Flag every index in a run of ``length`` or more equal non-zero keys."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0 and i - start >= length:
                for j in range(start, i):
                    flags[j].add(rule)
            start = i


def special_causes(
    values: Sequence[float],
    mean: float,
    lower: float,
    upper: float,
    *,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
) -> list[tuple[str, ...]]:
    """Return, for each value, the special-cause rules it is part of (see the module doc)."""
    n = len(values)
    flags: list[set[str]] = [set() for _ in range(n)]
    sides = [_sign(v - mean) for v in values]
    spread = upper - mean
    for i, v in enumerate(values):
        if _sign(v - upper) > 0 or _sign(lower - v) > 0:
            flags[i].add("outside")
    _mark_runs(flags, sides, run_length, "run")
    # Trend: steps[i] is the direction from value i-1 to value i; a trend of k points is k-1
    # equal steps in a row.
    steps = [0] + [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    start = 1
    for i in range(2, n + 1):
        if i == n or steps[i] != steps[start]:
            if start < n and steps[start] != 0 and i - start + 1 >= trend_length:
                for j in range(start - 1, i):
                    flags[j].add("trend")
            start = i
    if spread > 0:
        near_limit = 2.0 / 3.0 * spread
        near = [_sign(abs(v - mean) - near_limit) > 0 for v in values]
        for i in range(n - 2):
            window = range(i, i + 3)
            side = sides[i]
            if side == 0 or any(sides[j] != side for j in window):
                continue
            close = [j for j in window if near[j]]
            if len(close) >= 2:
                for j in close:
                    flags[j].add("two_of_three")
    order = ("outside", "run", "trend", "two_of_three")
    return [tuple(r for r in order if r in f) for f in flags]


def variation_of(point: XmrPoint, direction: Direction) -> Variation:
    """The variation icon for ``point`` given which direction is better."""
    if not point.special or point.side == 0:
        return Variation.COMMON_CAUSE
    high = point.side > 0
    if direction is Direction.NEITHER:
        return Variation.NEITHER_HIGH if high else Variation.NEITHER_LOW
    better = high == (direction is Direction.HIGHER)
    if better:
        return Variation.IMPROVING_HIGH if high else Variation.IMPROVING_LOW
    return Variation.CONCERNING_HIGH if high else Variation.CONCERNING_LOW


def assurance_of(
    lower: float, upper: float, target: float | None, direction: Direction
) -> Assurance:
    """The assurance icon: where the target lies against the process limits."""
    if target is None or direction is Direction.NEITHER:
        return Assurance.NONE
    higher = direction is Direction.HIGHER
    if higher and lower >= target or not higher and upper <= target:
        return Assurance.PASS
    if higher and upper < target or not higher and lower > target:
        return Assurance.FAIL
    return Assurance.HIT_AND_MISS


def xmr(
    values: Sequence[float],
    *,
    direction: Direction = Direction.NEITHER,
    target: float | None = None,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
) -> XmrChart:
    """Compute the XmR chart of ``values`` (oldest first).

    Raises:
        ValueError: no values.
    """
    mean, mr, lower, upper = process_limits(values)
    rules = special_causes(
        values, mean, lower, upper, run_length=run_length, trend_length=trend_length
    )
    ranges: list[float | None] = [None, *moving_ranges(values)]
    points = tuple(
        XmrPoint(float(v), r, rs, _sign(v - mean))
        for v, r, rs in zip(values, ranges, rules, strict=True)
    )
    return XmrChart(
        points=points,
        mean=mean,
        mean_moving_range=mr,
        upper_limit=upper,
        lower_limit=lower,
        variation=variation_of(points[-1], direction),
        assurance=assurance_of(lower, upper, target, direction),
        target=target,
        direction=direction,
    )


# Point and icon colours of the "Making Data Count" charts (shared by the window and the PDF).
COLOURS = {
    "common": "#A6A6A6",
    "improvement": "#289DE0",
    "concern": "#E8A33C",
    "neither": "#5A2C83",
    "mean": "#212B32",
    "limit": "#768692",
    "target": "#D5281B",
}


def point_category(point: XmrPoint, direction: Direction) -> str:
    """``common``, ``improvement``, ``concern`` or ``neither``: how to colour one point."""
    if not point.special or point.side == 0:
        return "common"
    if direction is Direction.NEITHER:
        return "neither"
    better = (point.side > 0) == (direction is Direction.HIGHER)
    return "improvement" if better else "concern"


def icon_category(variation: Variation) -> str:
    """The colour category of a variation icon."""
    if variation is Variation.COMMON_CAUSE:
        return "common"
    if variation in (Variation.IMPROVING_HIGH, Variation.IMPROVING_LOW):
        return "improvement"
    if variation in (Variation.CONCERNING_HIGH, Variation.CONCERNING_LOW):
        return "concern"
    return "neither"


def icon_letter(variation: Variation) -> str:
    """The letter inside a variation icon: H (higher), L (lower), or none for common cause."""
    if variation is Variation.COMMON_CAUSE:
        return ""
    return "H" if variation.value.endswith("_high") else "L"


ASSURANCE_LETTER = {
    Assurance.PASS: "P",
    Assurance.FAIL: "F",
    Assurance.HIT_AND_MISS: "?",
    Assurance.NONE: "",
}
ASSURANCE_CATEGORY = {
    Assurance.PASS: "improvement",
    Assurance.FAIL: "concern",
    Assurance.HIT_AND_MISS: "common",
    Assurance.NONE: "common",
}
