"""Rule R6: cumulative-risk flags, one function per flag. Information, never a score.

F1 sentinel (an injury at an earlier presentation while NIM *then*), F2 family safeguarding
history, F3 frequent attender (a weak predictor, labelled so), F4 TEN-4-FACESp sites or
patterned findings, F5 explanation concerns, and the CP-IS reminder. A flag never lowers
urgency.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from operator import attrgetter

from triage_app.domain.display import add_months, nhs_date
from triage_app.domain.model import (
    Assessment,
    FindingResult,
    Flag,
    History,
    PriorFinding,
    PriorPresentation,
)
from triage_app.domain.profile import (
    Profile,
    nim_floor_months,
)
from triage_app.domain.vocab import (
    TEN4_LETTER,
    CpIs,
    CpPlan,
    FindingKind,
    Site,
)


@cache
def _describe(kind: FindingKind, site: Site) -> str:
    """``kind (site)`` in words; few pairs exist, so each is worded once."""
    text = kind.value.replace("_", " ")
    if site.value != "other":
        text += f" ({site.value.replace('_', ' ')})"
    return text


_BY_DATE = attrgetter("date")  # earlier presentations in date order (a key read in C)


def cumulative_risk_flags(
    a: Assessment, profile: Profile, results: list[FindingResult]
) -> tuple[Flag, ...]:
    """Rule R6: cumulative-risk flags from the supplied history. Information, never a score.

    One function per flag (F1 to F5 of the protocol model, and the CP-IS reminder).
    """
    by_date = sorted(a.history.prior_presentations, key=_BY_DATE)
    flags = (
        _sentinel_flag(a, profile, by_date),
        _family_flag(a.history),
        _frequent_attender_flag(a, profile, by_date),
        _high_risk_site_flag(a, results, by_date),
        _explanation_flag(a),
        _cp_is_flag(a.history),
    )
    return tuple(f for f in flags if f is not None)


def _family_flag(h: History) -> Flag | None:
    family = _family_history(h)
    if not family:
        return None
    return Flag(
        "family_safeguarding_history", "Family safeguarding history: " + "; ".join(family) + "."
    )


def _frequent_attender_flag(
    a: Assessment, profile: Profile, by_date: list[PriorPresentation]
) -> Flag | None:
    """F3: the local frequent-attender rule; a weak predictor, labelled as one.

    The presentations from ``window`` days before the assessment up to its day, counted by
    two binary searches of the presentations in date order.
    """
    on = a.assessed_at.date()
    window = profile.frequent_attender_window_days
    try:
        start = on - timedelta(days=window)
    except OverflowError:  # a window reaching back before the year 1
        start = date.min
    recent = bisect_right(by_date, on, key=_BY_DATE) - bisect_left(by_date, start, key=_BY_DATE)
    if recent <= profile.frequent_attender_threshold:
        return None
    return Flag(
        "frequent_attender",
        f"{recent} earlier presentations in the {window} days before this one "
        f"(local frequent-attender rule: more than {profile.frequent_attender_threshold}). "
        "A weak predictor on its own; shown as information only.",
    )


def _high_risk_site_flag(
    a: Assessment, results: list[FindingResult], by_date: list[PriorPresentation]
) -> Flag | None:
    """F4: a current or earlier finding at a TEN-4-FACESp site, or patterned."""
    current_sites = []
    for f, r in zip(a.findings, results, strict=True):
        if r.exception == "accepted":
            continue
        if f.site in TEN4_LETTER or f.patterned:
            current_sites.append(("patterned " if f.patterned else "") + _describe(f.kind, f.site))
    prior_sites = [
        (p, f) for p in by_date for f in p.findings if f.site in TEN4_LETTER or f.patterned
    ]
    if not (current_sites or prior_sites):
        return None
    parts = current_sites + ([_summarise(prior_sites, _prior_site_text)] if prior_sites else [])
    return Flag(
        "high_risk_site", "Finding at a TEN-4-FACESp site or patterned: " + "; ".join(parts) + "."
    )


def _prior_site_text(item: tuple[PriorPresentation, PriorFinding]) -> str:
    p, f = item
    return f"{_describe(f.kind, f.site)} on {nhs_date(p.date)}"


def _explanation_flag(a: Assessment) -> Flag | None:
    """F5: the explanation changed, or care was sought late."""
    e = a.explanation
    concerns = []
    if e.changed_over_time:
        concerns.append("the explanation changed over time or between carers")
    if e.delay_in_presentation:
        concerns.append("there was a delay in seeking care")
    if not concerns:
        return None
    return Flag("explanation_concerns", "Explanation: " + "; ".join(concerns) + ".")


def _cp_is_flag(h: History) -> Flag | None:
    """CP-IS not checked or unavailable: the absence of a flag is not reassurance."""
    if h.cp_is not in (CpIs.NOT_CHECKED, CpIs.UNAVAILABLE):
        return None
    state = "not checked" if h.cp_is == CpIs.NOT_CHECKED else "unavailable"
    return Flag("cp_is_not_checked", f"CP-IS {state}. The absence of a flag is not reassurance.")


def nim_then(p: PriorPresentation, dob: date, profile: Profile) -> bool:
    """Whether the child was NIM at an earlier presentation (the sentinel rule's test).

    NIM as recorded then; unknown counts as NIM (as in R1); and always under the age floor
    (never less than 6 months, whatever the profile) at that date.
    """
    return p.nim is not False or p.date < add_months(dob, nim_floor_months(profile))


def _sentinel_flag(
    a: Assessment, profile: Profile, by_date: list[PriorPresentation]
) -> Flag | None:
    """F1: an injury-type finding at an earlier presentation while the child was NIM then."""
    floor_date = add_months(a.child.date_of_birth, nim_floor_months(profile))
    qualifying = profile.qualifying_findings
    sentinel = [
        (p, injuries)
        for p in by_date
        if (p.nim is not False or p.date < floor_date)  # NIM then (unknown counts as NIM)
        and (injuries := [f for f in p.findings if f.kind in qualifying])
    ]
    if not sentinel:
        return None
    return Flag(
        "prior_injury_presentation",
        "Earlier presentation with an injury while not independently mobile "
        f"({_summarise(sentinel, _sentinel_text)}). A minor injury in a non-mobile baby can be "
        "a sentinel injury: consider each presentation together, not alone.",
    )


def _sentinel_text(item: tuple[PriorPresentation, list[PriorFinding]]) -> str:
    p, injuries = item
    return f"{nhs_date(p.date)}: " + ", ".join([_describe(f.kind, f.site) for f in injuries])


def _family_history(h: History) -> list[str]:
    """F2: CP-IS flag, the child's own plan, household plans, care or removal, previous NAI."""
    family = []
    if h.cp_is in (CpIs.CPP, CpIs.LAC, CpIs.UCPP):
        family.append(
            {
                CpIs.CPP: "CP-IS: child protection plan",
                CpIs.LAC: "CP-IS: looked after",
                CpIs.UCPP: "CP-IS: unborn child protection plan",
            }[h.cp_is]
        )
    if h.child_cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
        family.append(f"this child: {h.child_cp_plan.value} child protection plan")
    for child in h.household_children:
        label = child.name or (
            f"child born {nhs_date(child.date_of_birth)}" if child.date_of_birth else "a child"
        )
        if child.cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
            family.append(f"household {label}: {child.cp_plan.value} child protection plan")
        if child.looked_after:
            family.append(f"household {label}: looked after")
        if child.removed_from_care:
            family.append(f"household {label}: removed from the family's care")
    if h.previous_nai_in_family:
        family.append("previous non-accidental injury in the family")
    return family


def _summarise[T](items: list[T], text: Callable[[T], str], limit: int = 6) -> str:
    """Join items for a flag's text; past ``limit``, name the most recent and count the rest.

    Only the items shown are put into words (a long history names its latest few).
    """
    if len(items) <= limit:
        return "; ".join(map(text, items))
    return f"{len(items)} in all, the latest: " + "; ".join(map(text, items[-limit:]))
