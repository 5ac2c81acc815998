"""Protocol-compliance audit: each metric's id and the rule that defines it (pure, no I/O).

The store computes the counts (SQL aggregates, :mod:`triage_app.store.compliance`); this module
says what each metric means, derives the per-assessment facts the store indexes, turns monthly
counts into "Making Data Count" charts (:mod:`triage_app.domain.spc`), and applies small-number
suppression to anything exported. The rule text printed beside each metric in the window, the
PDF, the CSV and the JSON is the ``rule`` below: one place.

Scope of every metric: presentations seen (assessed) in the period ``from`` to ``to``
inclusive, optionally of one setting and one organisation. A *protocol presentation* is a
stored assessment of a child not independently mobile (NIM) with at least one qualifying
finding not covered by an accepted exception (the decision's ``triggers_protocol``). Its case
is the case opened for that presentation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from triage_app.domain.spc import Direction, XmrChart, xmr

SMALL = 5  # counts of 1 to 4 are shown as "<5" when suppressing
SUPPRESSED = "<5"


class Kind(StrEnum):
    """What a metric measures."""

    PROPORTION = "proportion"  # numerator of denominator, as a percentage
    COUNT = "count"  # a count (numerator) out of a population (denominator)


@dataclass(frozen=True)
class MetricDefinition:
    """One audit metric: its id, title, the rule that defines it, and what is better.

    ``target`` is the percentage (``PROPORTION``) or count (``COUNT``) the protocol expects;
    with ``direction`` it gives the chart's assurance icon.
    """

    id: str
    title: str
    rule: str
    kind: Kind
    direction: Direction
    target: float | None


METRICS: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        "nim_presentations",
        "NIM presentations under the protocol",
        "Numerator: presentations of a child not independently mobile with at least one "
        "qualifying finding not covered by an accepted exception. Denominator: every assessed "
        "presentation in the period. Broken down by setting.",
        Kind.COUNT,
        Direction.NEITHER,
        None,
    ),
    MetricDefinition(
        "phoned_same_day",
        "Phone referral the same day",
        "Of the protocol presentations, those whose case records the phone referral to "
        "children's social care (action phone_csc) on the same calendar day as the "
        "assessment. A presentation with no case or no call fails. Times: minutes from the "
        "assessment to the case's first call on or after that day (median and 90th "
        "percentile, nearest rank) over the calls recorded.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "written_referral_in_time",
        "Written referral within the profile's limit of the call",
        "Of the cases opened for protocol presentations (each case once) that record a phone "
        "referral, those whose written referral was sent no later than the limit after the "
        "call (the profile's written_referral_max_hours, stored as the case's "
        "written-referral due time).",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "paediatric_assessment_same_day",
        "Paediatric assessment the same day (attendance confirmed)",
        "Of the protocol presentations, those whose case records the action "
        "confirm_paediatric_attendance on the same calendar day as the assessment.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "cp_is_checked",
        "CP-IS checked",
        "Of the protocol presentations, those where CP-IS was checked at the assessment (a "
        "result other than not_checked or unavailable) or the case records the action "
        "check_cp_is.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "initial_survey_done",
        "Initial skeletal survey done where the protocol prompts it",
        "Of the protocol presentations whose decision lists the initial skeletal survey "
        "(skeletal_survey_initial), those whose case has it reported.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "follow_up_done",
        "Follow-up skeletal survey done",
        "Of the cases opened for protocol presentations (each case once) with the initial "
        "skeletal survey reported, except those whose follow-up is still pending in a window "
        "that has not closed by the end of the period (or today), those with the follow-up "
        "survey reported.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "follow_up_in_window",
        "Follow-up skeletal survey in its window (day 11 to 14)",
        "Of the same cases as follow_up_done, those whose follow-up survey was performed "
        "(reported, where the store has no performed date) inside its window: from the "
        "window's first to its last day (default day 11 to 14 after the initial survey).",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "supervision_decided_with_health",
        "Supervision decided with health and children's social care present",
        "Of the strategy meetings held in the period that impose, change or relax "
        "supervision (for protocol presentations' cases), those with at least one attendee "
        "from health and one from children's social care (csc).",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
    MetricDefinition(
        "closed_with_results_pending",
        "Cases closed with results pending (must be 0)",
        "Numerator: cases opened for protocol presentations (each case once) that are closed "
        "while any investigation is still pending; each is listed. Denominator: those cases "
        "that are closed. The protocol requires 0.",
        Kind.COUNT,
        Direction.LOWER,
        0.0,
    ),
    MetricDefinition(
        "sentinel_children",
        "Sentinel children (two or more presentations while NIM)",
        "Numerator: children with two or more presentations while not independently mobile "
        "in the period. Denominator: children with at least one such presentation.",
        Kind.COUNT,
        Direction.NEITHER,
        None,
    ),
    MetricDefinition(
        "exceptions_accepted",
        "Exceptions accepted, by type",
        "Numerator: presentations of a child not independently mobile where the protocol "
        "accepted a documented exception (birthmark, birth injury, procedure mark) for a "
        "finding. Denominator: every NIM presentation assessed. Broken down by type.",
        Kind.COUNT,
        Direction.NEITHER,
        None,
    ),
    MetricDefinition(
        "pre_birth_referrals",
        "Pre-birth referrals made",
        "Of the assessed presentations whose decision requires a pre-birth referral "
        "(pre_birth_referral), those whose case records the action pre_birth_referral.",
        Kind.PROPORTION,
        Direction.HIGHER,
        100.0,
    ),
)
BY_ID = {m.id: m for m in METRICS}
METRIC_IDS = tuple(m.id for m in METRICS)

# Investigation kinds and action ids the metrics read (the decision contract's ids).
SURVEY_INITIAL = "skeletal_survey_initial"
SURVEY_FOLLOW_UP = "skeletal_survey_follow_up"
CP_IS_UNCHECKED = ("not_checked", "unavailable")
ACTION_PHONE = "phone_csc"
ACTION_CONFIRM_ATTENDANCE = "confirm_paediatric_attendance"
ACTION_CHECK_CP_IS = "check_cp_is"
ACTION_PRE_BIRTH = "pre_birth_referral"
SUPERVISION_CHANGES = ("impose", "change", "relax")


@dataclass(frozen=True)
class AssessmentFacts:
    """What the audit needs from one stored decision, kept in indexed columns."""

    nim: bool
    protocol_triggered: bool
    survey_prompted: bool
    cp_is: str | None
    pre_birth: bool
    exception_types: str | None  # accepted exception types, sorted, comma-separated
    setting: str | None  # where the child was seen (the assessment's setting)


def facts_from_decision(
    input_json: dict[str, Any], decision_json: dict[str, Any]
) -> AssessmentFacts:
    """Derive the audit facts of one assessment from its stored input and decision."""
    nim = bool((decision_json.get("nim") or {}).get("status"))
    results = decision_json.get("findings") or []
    triggered = nim and any(bool(f.get("triggers_protocol")) for f in results)
    investigations = {i.get("id") for i in decision_json.get("investigations") or []}
    actions = {a.get("id") for a in decision_json.get("actions") or []}
    findings = input_json.get("findings") or []
    types: set[str] = set()
    for r in results:
        if r.get("exception") != "accepted":
            continue
        index = r.get("index")
        claim = (
            findings[index].get("exception")
            if isinstance(index, int) and index < len(findings)
            else None
        )
        types.add(str((claim or {}).get("type") or "unspecified"))
    cp_is = (input_json.get("history") or {}).get("cp_is")
    return AssessmentFacts(
        nim=nim,
        protocol_triggered=triggered,
        survey_prompted=triggered and SURVEY_INITIAL in investigations,
        cp_is=str(cp_is) if cp_is is not None else None,
        pre_birth=ACTION_PRE_BIRTH in actions,
        exception_types=",".join(sorted(types)) or None,
        setting=str(input_json["setting"]) if input_json.get("setting") else None,
    )


@dataclass(frozen=True)
class FailingCase:
    """One failing case in a metric's drill-down: never a name, NHS number or birth date."""

    case_id: int | None
    presentation_id: int
    child_age: str
    setting: str | None
    month: str
    detail: str = ""


@dataclass(frozen=True)
class MonthCount:
    """One month's numerator and denominator."""

    month: str  # YYYY-MM
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The month's charted value: the percentage, or ``None`` with no denominator."""
        return percent(self.numerator, self.denominator)


@dataclass(frozen=True)
class MetricCounts:
    """What the store computed for one metric (before charts and suppression)."""

    id: str
    numerator: int
    denominator: int
    months: tuple[MonthCount, ...] = ()
    breakdown: tuple[tuple[str, int, int], ...] = ()  # (label, numerator, denominator)
    median_minutes: float | None = None
    p90_minutes: float | None = None
    failing: tuple[FailingCase, ...] = ()
    computed_on: str = ""
    available: bool = True


@dataclass(frozen=True)
class MetricResult:
    """A metric with its definition, percentage, chart and drill-down."""

    definition: MetricDefinition
    counts: MetricCounts
    chart: XmrChart | None

    @property
    def chart_months(self) -> list[MonthCount]:
        """The months the chart plots, in order (one per chart point)."""
        return charted_months(self.definition, self.counts.months)

    @property
    def percent(self) -> float | None:
        """Numerator over denominator, as a percentage (``None`` with no denominator)."""
        return percent(self.counts.numerator, self.counts.denominator)

    @property
    def failing_overall(self) -> bool:
        """True when the period's figure misses the target (a case to drill into)."""
        d, c = self.definition, self.counts
        if not c.available or d.target is None:
            return False
        if d.kind is Kind.COUNT:
            return c.numerator > d.target if d.direction is Direction.LOWER else False
        value = self.percent
        if value is None:
            return False
        return value < d.target if d.direction is Direction.HIGHER else value > d.target


@dataclass(frozen=True)
class AuditFilter:
    """The period and scope of a report."""

    start: date
    end: date
    setting: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class AuditReport:
    """Every metric over one period and scope."""

    filter: AuditFilter
    metrics: tuple[MetricResult, ...]
    generated_at: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def metric(self, metric_id: str) -> MetricResult:
        """The result of one metric by id (KeyError when unknown)."""
        for m in self.metrics:
            if m.definition.id == metric_id:
                return m
        raise KeyError(metric_id)


def percent(numerator: int, denominator: int) -> float | None:
    """``numerator`` / ``denominator`` x 100, or ``None`` when the denominator is 0."""
    return None if denominator == 0 else 100.0 * numerator / denominator


def months_between(start: date, end: date) -> list[str]:
    """Every month ``YYYY-MM`` from ``start`` to ``end`` inclusive."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def fill_months(
    start: date, end: date, rows: Iterable[tuple[str, int, int]]
) -> tuple[MonthCount, ...]:
    """Monthly counts for every month of the period (months with no rows count 0 of 0)."""
    found = {month: (n, d) for month, n, d in rows}
    return tuple(MonthCount(m, *found.get(m, (0, 0))) for m in months_between(start, end))


def charted_months(definition: MetricDefinition, months: Sequence[MonthCount]) -> list[MonthCount]:
    """The months a chart plots: every month for a count, months with a denominator otherwise."""
    if definition.kind is Kind.PROPORTION:
        return [m for m in months if m.denominator > 0]
    return list(months)


def chart_value(definition: MetricDefinition, month: MonthCount) -> float:
    """The charted value of one month: its percentage, or its count."""
    if definition.kind is Kind.PROPORTION:
        return month.value or 0.0
    return float(month.numerator)


def chart_for(definition: MetricDefinition, months: Sequence[MonthCount]) -> XmrChart | None:
    """The XmR chart of a metric's months (percentages, or counts for a COUNT metric).

    Months with no denominator are left out of a percentage chart. ``None`` with fewer than
    two charted months.
    """
    shown = charted_months(definition, months)
    if len(shown) < 2:
        return None
    values = [chart_value(definition, m) for m in shown]
    return xmr(values, direction=definition.direction, target=definition.target)


def chart_range(kind: Kind, chart: XmrChart) -> tuple[float, float]:
    """The range (low, high) a run chart shows, on the screen and in the printed report.

    It holds the values, the process limits and the target, never below 0 (nor above 100 for a
    percentage); a flat chart is widened by 1 each way. The charts add a margin around it.
    """
    bounds = [*chart.values, chart.lower_limit, chart.upper_limit]
    if chart.target is not None:
        bounds.append(chart.target)
    lo, hi = max(min(bounds), 0.0), max(bounds)
    if kind is Kind.PROPORTION:
        hi = min(hi, 100.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    return lo, hi


def result_for(counts: MetricCounts) -> MetricResult:
    """Attach the definition and the chart to the store's counts."""
    definition = BY_ID[counts.id]
    chart = chart_for(definition, counts.months) if counts.available else None
    return MetricResult(definition, counts, chart)


def age_from_days(days: int | None) -> str:
    """A child's age from whole days, NHS style (``12d``, ``6w 3d``, ``5m``); no birth date."""
    if days is None or days < 0:
        return "not known"
    if days < 28:
        return f"{days}d"
    if days < 91:
        return f"{days // 7}w {days % 7}d"
    if days < 730:
        return f"{int(days // 30.4375)}m"
    return f"{days // 365}y"


def is_small(count: int) -> bool:
    """True for counts of 1 to 4 (a zero is not disclosive and is shown)."""
    return 0 < count < SMALL


def shown_count(count: int, suppress: bool) -> int | str:
    """A count as exported: ``"<5"`` for 1 to 4 when suppressing."""
    return SUPPRESSED if suppress and is_small(count) else count


def shown_percent(numerator: int, denominator: int, suppress: bool) -> float | str | None:
    """A percentage as exported; suppressed when it would reveal a count of 1 to 4.

    A percentage of a known denominator gives its numerator back, and the complement
    (denominator minus numerator) too, so either being small suppresses it.
    """
    value = percent(numerator, denominator)
    if value is None:
        return None
    if suppress and (
        is_small(numerator) or is_small(denominator) or is_small(denominator - numerator)
    ):
        return SUPPRESSED
    return round(value, 1)
