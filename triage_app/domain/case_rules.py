"""Case rules: the lifecycle of a safeguarding case and what must be true before each step.

Pure functions over :class:`~triage_app.domain.records.CaseRecord`. The services enforce them
(not only the UI), so no route into the store can skip them. The two safety rules come from
the Child AF practice review (shared/docs/child-af-practice-review.txt):

- "a skeletal survey cannot be deemed normal until both parts are complete, which takes 14
  days": a case cannot be closed as "no concern" while any investigation is pending;
- "decisions about supervision ... should not be made until both stages of the skeletal
  survey are completed", and conditions for relaxing supervision are agreed in strategy
  meetings: relaxing supervision before both stages are reported needs a recorded
  strategy-meeting decision, with who agreed it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from triage_app.domain.records import CaseRecord, DueItem, InvestigationRecord

SURVEY_INITIAL = "skeletal_survey_initial"
SURVEY_FOLLOW_UP = "skeletal_survey_follow_up"
PENDING = "pending"
REPORTED = "reported"
NOT_REQUIRED = "not_required"
INVESTIGATION_STATUSES = (PENDING, REPORTED, NOT_REQUIRED)
_END_OF_DAY = time(23, 59)


class CaseStatus(StrEnum):
    """Where a case is in its lifecycle."""

    OPEN = "open"
    REFERRED = "referred"
    RESULTS_PENDING = "results_pending"
    CLOSED = "closed"


class CloseOutcome(StrEnum):
    """Why a case was closed."""

    NO_CONCERN = "no_concern"
    CSC_LEAD = "csc_lead"  # children's social care have taken the case forward
    CHILD_PROTECTION_PLAN = "child_protection_plan"
    OTHER = "other"


# Allowed moves. A closed case can be reopened (new information arrives).
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset(
        {CaseStatus.REFERRED, CaseStatus.RESULTS_PENDING, CaseStatus.CLOSED}
    ),
    CaseStatus.REFERRED: frozenset({CaseStatus.RESULTS_PENDING, CaseStatus.CLOSED}),
    CaseStatus.RESULTS_PENDING: frozenset({CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


class CaseRuleError(ValueError):
    """A case step was refused by a case rule. ``reasons`` says why, one line each."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(reasons))


def transition_problem(current: str, target: str) -> str | None:
    """Return why a case cannot move from ``current`` to ``target``, or ``None``."""
    try:
        src, dst = CaseStatus(current), CaseStatus(target)
    except ValueError:
        return f"unknown case status {target!r} (known: {', '.join(s.value for s in CaseStatus)})"
    if dst not in TRANSITIONS[src]:
        return f"a case that is {src.value} cannot be moved to {dst.value}"
    return None


def pending_investigations(case: CaseRecord) -> list[InvestigationRecord]:
    """Return the case's investigations that are still pending."""
    return [i for i in case.investigations if i.status == PENDING]


def survey_stages_reported(case: CaseRecord) -> bool:
    """True when both stages of the skeletal survey (initial and follow-up) are reported."""
    reported = {i.kind for i in case.investigations if i.status == REPORTED}
    return SURVEY_INITIAL in reported and SURVEY_FOLLOW_UP in reported


def close_problems(case: CaseRecord, outcome: str, reason: str | None) -> list[str]:
    """Return every reason the case cannot be closed with ``outcome`` (empty when it can)."""
    problems: list[str] = []
    try:
        chosen = CloseOutcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in CloseOutcome)
        return [f"unknown close outcome {outcome!r} (known: {known})"]
    move = transition_problem(case.status, CaseStatus.CLOSED)
    if move:
        problems.append(move)
    if not (reason or "").strip():
        problems.append("a reason for closing is required")
    if chosen is CloseOutcome.NO_CONCERN:
        pending = pending_investigations(case)
        if pending:
            names = ", ".join(i.kind for i in pending)
            problems.append(
                f"cannot close as no concern while investigations are pending ({names}); "
                "record their results first"
            )
        kinds = {i.kind for i in case.investigations}
        if SURVEY_INITIAL in kinds and SURVEY_FOLLOW_UP not in kinds:
            problems.append(
                "the follow-up skeletal survey (day 11 to 14) is not recorded: a skeletal "
                "survey cannot be deemed normal until both stages are reported"
            )
    return problems


def relax_supervision_problem(case: CaseRecord) -> str | None:
    """Return why supervision cannot be relaxed now, or ``None`` when it can.

    Before both stages of the skeletal survey are reported, relaxing needs a recorded
    strategy-meeting decision to relax, with who agreed it.
    """
    if survey_stages_reported(case):
        return None
    agreed = [
        m
        for m in case.meetings
        if m.supervision_decision == "relax" and (m.agreed_by or "").strip()
    ]
    if agreed:
        return None
    return (
        "supervision cannot be relaxed before both stages of the skeletal survey are "
        "reported unless a strategy meeting has decided to relax it (record the meeting, "
        "its conditions and who agreed)"
    )


def written_referral_due(called_at: datetime, max_hours: int) -> datetime:
    """Return when the written referral is due: the phone call time plus the profile limit."""
    return called_at + timedelta(hours=max_hours)


def follow_up_survey_window(initial_on: date, days: tuple[int, int]) -> tuple[date, date]:
    """Return the follow-up skeletal survey window (e.g. day 11 to 14 after the initial)."""
    low, high = days
    return initial_on + timedelta(days=low), initial_on + timedelta(days=high)


def due_items(case: CaseRecord, now: datetime) -> list[DueItem]:
    """Return what is due or overdue on an open case, most pressing first."""
    if case.status == CaseStatus.CLOSED:
        return []
    items: list[DueItem] = []
    if case.written_referral_due is not None and case.written_referral_sent_at is None:
        items.append(
            DueItem("written_referral", case.written_referral_due, now > case.written_referral_due)
        )
    for inv in pending_investigations(case):
        if inv.due_to is None:
            continue
        due_at = datetime.combine(inv.due_to, _END_OF_DAY)
        items.append(DueItem(inv.kind, due_at, now > due_at))
    return sorted(items, key=lambda d: (not d.overdue, d.due_at))
