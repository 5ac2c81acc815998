"""Case rules C1 to C8 (shared/docs/case-contract.md): the safety net after the decision.

Pure functions over :class:`~triage_app.domain.records.CaseRecord`. The services enforce them
on every route (window, command line, services), so nothing can walk round them. Every
refusal is one line that starts with the rule it comes from (``C1: ...``).

The rules come from the Child AF practice review (shared/docs/child-af-practice-review.txt):
supervision was removed, without health, on the strength of stage 1 of the skeletal survey;
stage 2 then showed two rib fractures.

- C1 pending results block every closure (any outcome).
- C2 the two survey stages, the follow-up in its window; ``not_required`` needs a reason and
  a name; a free-text investigation (``other``) never counts as a survey stage.
- C3 "no concern" needs everything back: both stages, every duty done or waived, no
  supervision in force.
- C4 supervision is decided at strategy meetings with health and children's social care.
- C5 a result reported after the last meeting brings a strategy review (and an addendum).
- C6 nothing disappears: closed cases are listed and reopened with a reason; an overdue
  referral duty cannot vanish by closing the case; an action recorded in error is undone by
  a new event (``action_undone``) that names it, never by deleting it (:func:`undo_problems`).
- C7 one list of what is due (:func:`due_items`), used by every screen and command.
- C8 one open case per child (:func:`stricter`: a joined presentation's decision wins when it
  is at least as urgent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from triage_app.domain.records import (
    AGENCIES,
    CaseAction,
    CaseRecord,
    DueItem,
    InvestigationRecord,
    StrategyMeeting,
    Supervision,
    SupervisionDecision,
)
from triage_app.domain.vocab import urgency_rank

SURVEY_INITIAL = "skeletal_survey_initial"
SURVEY_FOLLOW_UP = "skeletal_survey_follow_up"
SURVEY_STAGES = (SURVEY_INITIAL, SURVEY_FOLLOW_UP)
OTHER_KIND = "other"
PENDING = "pending"
REPORTED = "reported"
NOT_REQUIRED = "not_required"
INVESTIGATION_STATUSES = (PENDING, REPORTED, NOT_REQUIRED)
SUPERVISION_DECISIONS = ("impose", "maintain", "change", "relax")
DECISIONS_NEEDING_HEALTH_AND_CSC = frozenset({"impose", "change", "relax"})
DECISIONS_WITH_CONDITIONS = frozenset({"impose", "maintain", "change"})
CLOSED_EVENT = "case_closed"
REOPENED_EVENT = "case_reopened"
ACTION_UNDONE = "action_undone"  # reference: the undone action's id; details: its kind
CASE_EVENTS = frozenset({CLOSED_EVENT, REOPENED_EVENT, ACTION_UNDONE})
MEETING_REVIEW = "meeting_review"
PRE_BIRTH_REFERRAL = "pre_birth_referral"
STRATEGY_REVIEW = "strategy_review"
RECORD_ADDENDUM = "record_addendum"
WRITTEN_REFERRAL = "written_referral"
PHONE_CSC = "phone_csc"
DEFAULT_STRATEGY_REVIEW_WORKING_DAYS = 1
END_OF_DAY = time(23, 59)
_END_OF_DAY = END_OF_DAY


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


CLOSE_OUTCOMES = tuple(o.value for o in CloseOutcome)

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
    """A case step was refused by a case rule. ``reasons`` says why, one line each (``C1: ...``)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class Duty:
    """A referral duty of the decision the case follows (an action id, its text and time)."""

    id: str
    label: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class CaseTerms:
    """What the rules need besides the case: its decision's duties and the profile's limits.

    Attributes:
        duties: The referral duties of the decision the case follows (C7, C3).
        decided_at: For a case that joined a later presentation (C8), when the decision it
            follows was made: a duty is then done only by an action recorded at or after it
            (an earlier call was about an earlier injury). ``None``: any action counts.
        prompted: The investigation kinds the decision prompted (shown as suggestions).
        written_referral_hours: The profile's limit for the written referral after the call.
        follow_up_days: The profile's follow-up survey window (days after the initial).
        strategy_review_working_days: The profile's limit for the strategy review (C5).
        sealed_at: When the case's referral record was last sealed (``None``: never).
        pregnancy_due_date: The expected date of a pregnancy in the household (pre-birth).
    """

    duties: tuple[Duty, ...] = ()
    decided_at: datetime | None = None
    prompted: tuple[str, ...] = ()
    written_referral_hours: int = 24
    follow_up_days: tuple[int, int] = (11, 14)
    strategy_review_working_days: int = DEFAULT_STRATEGY_REVIEW_WORKING_DAYS
    sealed_at: datetime | None = None
    pregnancy_due_date: date | None = None


# --- small helpers -----------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def kind_name(kind: str, label: str | None = None) -> str:
    """A readable name for an investigation kind (``other`` shows its label)."""
    if kind == OTHER_KIND:
        return f"other investigation ({label or 'no label'})"
    return {
        SURVEY_INITIAL: "the initial skeletal survey",
        SURVEY_FOLLOW_UP: "the follow-up skeletal survey",
    }.get(kind, kind.replace("_", " "))


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Monday to Friday), same time of day."""
    out = start
    added = 0
    while added < days:
        out += timedelta(days=1)
        if out.weekday() < 5:
            added += 1
    return out


def end_of(day: date) -> datetime:
    """23:59 on ``day`` (a date-only deadline)."""
    return datetime.combine(day, END_OF_DAY)


def follow_up_survey_window(initial_on: date, days: tuple[int, int]) -> tuple[date, date]:
    """Return the follow-up skeletal survey window (e.g. day 11 to 14 after the initial)."""
    low, high = days
    return initial_on + timedelta(days=low), initial_on + timedelta(days=high)


def written_referral_due(called_at: datetime, max_hours: int) -> datetime:
    """Return when the written referral is due: the phone call time plus the profile limit."""
    return called_at + timedelta(hours=max_hours)


def investigation(case: CaseRecord, kind: str) -> InvestigationRecord | None:
    """The case's (latest) investigation of ``kind`` (survey stages: at most one each)."""
    found = [i for i in case.investigations if i.kind == kind]
    return found[-1] if found else None


def pending_investigations(case: CaseRecord) -> list[InvestigationRecord]:
    """Return the case's investigations that are still pending."""
    return [i for i in case.investigations if i.status == PENDING]


def survey_stages_reported(case: CaseRecord) -> bool:
    """True when both stages of the skeletal survey (initial and follow-up) are reported."""
    reported = {i.kind for i in case.investigations if i.status == REPORTED}
    return SURVEY_INITIAL in reported and SURVEY_FOLLOW_UP in reported


def survey_on_case(case: CaseRecord) -> bool:
    """True when the initial survey was requested or performed (not ``not_required``)."""
    initial = investigation(case, SURVEY_INITIAL)
    return initial is not None and initial.status != NOT_REQUIRED


def stage(case: CaseRecord, inv: InvestigationRecord) -> str | None:
    """The survey stage text of an investigation (C2), ``None`` when it is not a stage.

    Until the follow-up is reported the initial survey reads ``1 of 2: not complete``
    whatever its result says.
    """
    if inv.kind == SURVEY_INITIAL:
        follow = investigation(case, SURVEY_FOLLOW_UP)
        done = follow is not None and follow.status == REPORTED
        return "1 of 2" if done else "1 of 2: not complete"
    if inv.kind == SURVEY_FOLLOW_UP:
        return "2 of 2" if inv.status == REPORTED else "2 of 2: not complete"
    return None


def status_for(case: CaseRecord) -> str:
    """The status a case should show: closed, results_pending, referred or open."""
    if case.status == CaseStatus.CLOSED:
        return CaseStatus.CLOSED.value
    if pending_investigations(case):
        return CaseStatus.RESULTS_PENDING.value
    if case.referral_called_at is not None or any(
        a.kind == PHONE_CSC and not a.waived for a in effective_actions(case)
    ):
        return CaseStatus.REFERRED.value
    return CaseStatus.OPEN.value


def transition_problem(current: str, target: str) -> str | None:
    """Return why a case cannot move from ``current`` to ``target``, or ``None``."""
    try:
        src, dst = CaseStatus(current), CaseStatus(target)
    except ValueError:
        return f"unknown case status {target!r} (known: {', '.join(s.value for s in CaseStatus)})"
    if dst not in TRANSITIONS[src]:
        return f"a case that is {src.value} cannot be moved to {dst.value}"
    return None


def stricter(current_urgency: str | None, new_urgency: str | None) -> bool:
    """C8: True when a joined presentation's decision becomes the one the case follows.

    The new decision wins when it is at least as urgent (a new injury at the same urgency
    restarts its duties); a less urgent one never lowers what the case follows.
    """
    if new_urgency is None:
        return False
    if current_urgency is None:
        return True
    return urgency_rank(new_urgency) >= urgency_rank(current_urgency)


# --- C4 supervision --------------------------------------------------------------------


def _ordered_meetings(case: CaseRecord) -> list[StrategyMeeting]:
    return sorted(case.meetings, key=lambda m: (m.held_at, m.id or 0))


def supervision(case: CaseRecord) -> Supervision:
    """C4: the supervision in force is the latest strategy-meeting decision; with its history."""
    history = tuple(
        SupervisionDecision(
            m.supervision,
            m.held_at,
            m.who(),
            m.conditions,
            m.relax_conditions,
            m.reason,
            m.id,
        )
        for m in _ordered_meetings(case)
        if m.supervision in SUPERVISION_DECISIONS
    )
    if not history:
        return Supervision()
    last = history[-1]
    in_force = last.decision != "relax"
    return Supervision(
        in_force=in_force,
        conditions=last.conditions if in_force else None,
        relax_conditions=last.relax_conditions if in_force else None,
        decided_at=last.decided_at,
        decided_by=last.decided_by,
        decision=last.decision,
        meeting_id=last.meeting_id,
        history=history[:-1],
    )


def meeting_problems(case: CaseRecord, meeting: StrategyMeeting, now: datetime) -> list[str]:
    """C4: every reason a strategy meeting cannot be recorded as given (empty when it can)."""
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    if meeting.held_at > now:
        problems.append("C4: a meeting cannot be recorded as held in the future")
    if meeting.held_at < case.opened_at:
        problems.append("C4: a meeting cannot be recorded as held before the case opened")
    if _blank(meeting.outcome):
        problems.append("C4: the meeting's outcome is required")
    if not meeting.attendees:
        problems.append("C4: who attended is required (name, role and agency of each)")
    for a in meeting.attendees:
        if _blank(a.name) or _blank(a.role):
            problems.append("C4: every attendee needs a name and a role")
        if a.agency not in AGENCIES:
            problems.append(f"C4: attendee agency {a.agency!r} is not one of {', '.join(AGENCIES)}")
    decision = meeting.supervision
    if decision is not None and decision not in SUPERVISION_DECISIONS:
        problems.append(
            f"C4: the supervision decision must be one of {', '.join(SUPERVISION_DECISIONS)}"
        )
        return problems
    if meeting.review_on is not None and meeting.review_on < meeting.held_at.date():
        problems.append("C4: the review date is before the meeting")
    if decision is None:
        if not (_blank(meeting.conditions) and _blank(meeting.relax_conditions)):
            problems.append(
                "C4: conditions are only recorded with a supervision decision "
                "(impose, maintain or change)"
            )
        return problems
    now_in_force = supervision(case)
    if decision in ("maintain", "change") and not now_in_force.in_force:
        problems.append(
            f"C4: no supervision is in force, so it cannot be {decision}d: impose it instead"
        )
    if decision in DECISIONS_WITH_CONDITIONS:
        if _blank(meeting.conditions):
            problems.append(f"C4: to {decision} supervision the meeting records its conditions")
        if _blank(meeting.relax_conditions):
            problems.append(
                f"C4: to {decision} supervision the meeting records the conditions for relaxing"
            )
    if decision in DECISIONS_NEEDING_HEALTH_AND_CSC:
        agencies = {a.agency for a in meeting.attendees}
        missing = [a for a in ("health", "csc") if a not in agencies]
        if missing:
            names = {"health": "health", "csc": "children's social care (csc)"}
            problems.append(
                f"C4: a decision to {decision} supervision needs at least one health and one "
                f"csc attendee; missing: {', '.join(names[m] for m in missing)}"
            )
    if decision == "relax" and not relax_without_reason_allowed(case) and _blank(meeting.reason):
        problems.append(
            "C4: relaxing supervision before both skeletal survey stages are reported needs "
            "a recorded reason"
        )
    return problems


def relax_without_reason_allowed(case: CaseRecord) -> bool:
    """True when both survey stages are reported (or no survey is needed: initial not required)."""
    initial = investigation(case, SURVEY_INITIAL)
    if initial is not None and initial.status == NOT_REQUIRED:
        return True
    return survey_stages_reported(case)


# --- C2 investigations -------------------------------------------------------------------


def kind_problem(kind: str, known: Iterable[str], label: str | None) -> str | None:
    """Bad input (not a rule): an unknown kind, or ``other`` without a label."""
    known = tuple(known)
    if kind == OTHER_KIND:
        return "--label: an investigation of kind other needs a label" if _blank(label) else None
    if kind not in known:
        return f"unknown investigation kind {kind!r} (known: {', '.join((*known, OTHER_KIND))})"
    return None


def request_problems(case: CaseRecord, kind: str, label: str | None) -> list[str]:
    """C2: why an investigation cannot be requested now (empty when it can)."""
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    if kind == SURVEY_FOLLOW_UP:
        problems.append(
            "C2: the follow-up skeletal survey is created when the initial survey is recorded "
            "as performed (its window counts from that date)"
        )
    elif kind == SURVEY_INITIAL and investigation(case, SURVEY_INITIAL) is not None:
        problems.append("C2: the initial skeletal survey is already on the case")
    elif kind != OTHER_KIND and any(
        i.kind == kind and i.status == PENDING for i in case.investigations
    ):
        problems.append(f"C2: {kind_name(kind)} is already requested and pending")
    elif kind == OTHER_KIND and any(
        i.kind == OTHER_KIND and i.status == PENDING and i.label == label
        for i in case.investigations
    ):
        problems.append(f"C2: {kind_name(kind, label)} is already requested and pending")
    return problems


def report_problems(
    case: CaseRecord,
    inv: InvestigationRecord | None,
    kind: str,
    *,
    performed_on: date,
    result: str,
    early_reason: str | None,
    decided_by: str | None,
    today: date,
) -> list[str]:
    """C2: why an investigation cannot be reported as performed now (empty when it can).

    ``inv`` is the pending investigation of ``kind`` (``None``: not on the case yet; a stage
    other than the initial survey cannot be reported before it exists).
    """
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    if _blank(result):
        problems.append("C2: the result is required")
    if performed_on > today:
        problems.append("C2: an investigation cannot be recorded as performed in the future")
    if inv is None:
        if kind == SURVEY_FOLLOW_UP:
            problems.append(
                "C2: the follow-up skeletal survey does not exist until the initial survey "
                "is recorded as performed"
            )
        elif kind == SURVEY_INITIAL and investigation(case, SURVEY_INITIAL) is not None:
            problems.append("C2: the initial skeletal survey is already reported or not required")
        return problems
    if inv.status != PENDING:
        problems.append(f"C2: {kind_name(inv.kind, inv.label)} is already {inv.status}")
        return problems
    early = inv.due_from is not None and performed_on < inv.due_from
    if inv.kind == SURVEY_FOLLOW_UP and early and (_blank(early_reason) or _blank(decided_by)):
        assert inv.due_from is not None
        problems.append(
            f"C2: the follow-up skeletal survey's window opens on {inv.due_from.isoformat()}; "
            f"recording it as performed on {performed_on.isoformat()} needs an early reason "
            "and the name of the clinician who decided (--early-reason, --by)"
        )
    if inv.kind == SURVEY_FOLLOW_UP:
        initial = investigation(case, SURVEY_INITIAL)
        if initial is not None and initial.performed_on and performed_on < initial.performed_on:
            problems.append("C2: the follow-up cannot be performed before the initial survey")
    return problems


def not_required_problems(
    case: CaseRecord, inv: InvestigationRecord | None, reason: str | None, decided_by: str | None
) -> list[str]:
    """C2: an investigation (either survey stage) is not required only with a reason and name."""
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    if _blank(reason):
        problems.append("C2: marking an investigation not required needs a reason")
    if _blank(decided_by):
        problems.append("C2: marking an investigation not required needs the name of who decided")
    if inv is not None and inv.status != PENDING:
        problems.append(f"C2: {kind_name(inv.kind, inv.label)} is already {inv.status}")
    return problems


# --- referral duties -------------------------------------------------------------------


def duty_action(case: CaseRecord, duty_id: str, since: datetime | None) -> CaseAction | None:
    """The action that does or waives a duty (recorded at or after ``since``), or ``None``."""
    found: CaseAction | None = None
    for a in effective_actions(case):
        if a.kind != duty_id:
            continue
        if since is not None and a.at < since:
            continue
        if a.waived and _blank(a.reason):
            continue
        found = a
    return found


def duty_due_at(case: CaseRecord, duty: Duty, terms: CaseTerms) -> datetime | None:
    """When a duty is due; the written referral counts from the phone call once it is made."""
    if duty.id == WRITTEN_REFERRAL:
        call = duty_action(case, PHONE_CSC, terms.decided_at)
        if call is not None and not call.waived:
            return written_referral_due(call.at, terms.written_referral_hours)
        if case.written_referral_due is not None:
            return case.written_referral_due
    return duty.due_at


def open_duties(case: CaseRecord, terms: CaseTerms) -> list[Duty]:
    """The decision's duties neither done nor waived with a reason."""
    return [d for d in terms.duties if duty_action(case, d.id, terms.decided_at) is None]


def action_problems(
    case: CaseRecord,
    action_id: str,
    terms: CaseTerms,
    *,
    waive: bool,
    reason: str | None,
    by: str | None,
    at: datetime,
    now: datetime,
) -> list[str]:
    """Why a duty cannot be recorded as done or waived (empty when it can)."""
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    if at > now:
        problems.append("C7: an action cannot be recorded as done in the future")
    if waive:
        if _blank(reason):
            problems.append("C3: waiving a duty needs a reason")
        if _blank(by):
            problems.append("C3: waiving a duty needs the name of who decided")
    return problems


def undone_ids(case: CaseRecord) -> frozenset[int]:
    """The ids of the actions an ``action_undone`` event has taken back (C6)."""
    return frozenset(
        int(a.reference)
        for a in case.actions
        if a.kind == ACTION_UNDONE and a.reference and a.reference.isdigit()
    )


def effective_actions(case: CaseRecord) -> tuple[CaseAction, ...]:
    """The case's actions that stand: every undone action and every undo event left out."""
    undone = undone_ids(case)
    return tuple(a for a in case.actions if a.kind != ACTION_UNDONE and a.id not in undone)


def undo_problems(case: CaseRecord, action_id: int, terms: CaseTerms) -> list[str]:
    """Why an action cannot be undone (empty when it can).

    Only the latest action recorded on an open case can be undone (the "Undo" offered just
    after "Record as done"), once, and never after a referral record was sealed with it in
    (a sealed record is corrected by an addendum). Case events (closed, reopened, undone)
    are never undone: a closure is undone by reopening with a reason.
    """
    problems: list[str] = []
    if case.status == CaseStatus.CLOSED:
        problems.append("C6: the case is closed; reopen it with a reason first")
    action = next((a for a in case.actions if a.id == action_id), None)
    if action is None:
        return [*problems, f"C6: there is no action {action_id} on this case"]
    if action.kind in CASE_EVENTS:
        problems.append("C6: a case event cannot be undone (reopen a closed case with a reason)")
    elif action_id in undone_ids(case):
        problems.append("C6: this action has already been undone")
    latest = max((a.id for a in case.actions if a.id is not None), default=None)
    if latest != action_id:
        problems.append(
            "C6: only the latest action recorded on the case can be undone; something was "
            "recorded after it"
        )
    if terms.sealed_at is not None and terms.sealed_at >= action.at:
        problems.append(
            "C6: the referral record was sealed after this action was done; correct it with "
            "an addendum"
        )
    return problems


# --- C1, C3, C6 closure --------------------------------------------------------------------


def close_problems(
    case: CaseRecord,
    outcome: str,
    reason: str | None,
    terms: CaseTerms | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Return every reason the case cannot be closed with ``outcome`` (empty when it can)."""
    terms = terms or CaseTerms()
    problems: list[str] = []
    try:
        chosen = CloseOutcome(outcome)
    except ValueError:
        return [f"unknown close outcome {outcome!r} (known: {', '.join(CLOSE_OUTCOMES)})"]
    if case.status == CaseStatus.CLOSED:
        return ["C6: the case is already closed"]
    if _blank(reason):
        problems.append("C6: a reason for closing is required")
    for inv in pending_investigations(case):
        problems.append(
            f"C1: {kind_name(inv.kind, inv.label)} is pending: no closure with any outcome "
            "while results are pending (the case stays open, results_pending)"
        )
    if now is not None:
        for d in open_duties(case, terms):
            due = duty_due_at(case, d, terms)
            if due is not None and now > due:
                problems.append(
                    f"C6: the duty {d.id} ({d.label}) is overdue and not done or waived: "
                    "record it or waive it with a reason before closing"
                )
    if chosen is CloseOutcome.NO_CONCERN:
        problems.extend(_no_concern_problems(case, terms, now))
    return problems


def _no_concern_problems(case: CaseRecord, terms: CaseTerms, now: datetime | None) -> list[str]:
    problems: list[str] = []
    if not case.investigations:
        problems.append(
            "C3: no investigation is recorded: 'no concern' needs the investigations reported "
            "(or marked not required with a reason and a name)"
        )
    if survey_on_case(case):
        initial = investigation(case, SURVEY_INITIAL)
        follow = investigation(case, SURVEY_FOLLOW_UP)
        if initial is None or initial.status != REPORTED:
            problems.append("C3: 'no concern' needs the initial skeletal survey reported")
        if follow is None or follow.status != REPORTED:
            problems.append(
                "C3: 'no concern' needs the follow-up skeletal survey (stage 2) reported: a "
                "skeletal survey cannot be deemed normal until both stages are reported"
            )
    for d in open_duties(case, terms):
        if now is not None:
            due = duty_due_at(case, d, terms)
            if due is not None and now > due:
                continue  # already refused under C6
        problems.append(f"C3: the duty {d.id} ({d.label}) is not done or waived with a reason")
    if supervision(case).in_force:
        problems.append("C3: supervision is in force: relax it at a strategy meeting first")
    if now is not None:
        for item in _c5_items(case, terms, now):
            problems.append(f"C3: {item.label} is still due")
    return problems


def reopen_problems(case: CaseRecord, reason: str | None) -> list[str]:
    """C6: a closed case is reopened with a reason."""
    problems: list[str] = []
    if case.status != CaseStatus.CLOSED:
        problems.append("C6: only a closed case can be reopened")
    if _blank(reason):
        problems.append("C6: reopening a case needs a reason")
    return problems


# --- C5, C7 what is due ---------------------------------------------------------------------


def _c5_items(case: CaseRecord, terms: CaseTerms, now: datetime) -> list[DueItem]:
    meetings = _ordered_meetings(case)
    items: list[DueItem] = []
    reported = [i for i in case.investigations if i.status == REPORTED and i.reported_at]
    if meetings:
        items += _results_since(
            reported,
            meetings[-1].held_at,
            terms,
            now,
            STRATEGY_REVIEW,
            "Strategy review with the result of",
        )
    if terms.sealed_at is not None:
        items += _results_since(
            reported,
            terms.sealed_at,
            terms,
            now,
            RECORD_ADDENDUM,
            "Addendum to the sealed referral record carrying the result of",
        )
    return items


def _results_since(
    reported: list[InvestigationRecord],
    since: datetime,
    terms: CaseTerms,
    now: datetime,
    kind: str,
    what: str,
) -> list[DueItem]:
    """The ``kind`` item (none or one) for the results reported after ``since``.

    Due the strategy review's working days after the first of them; ``what`` and their names
    say what it is.
    """
    late = [i for i in reported if i.reported_at and i.reported_at > since]
    if not late:
        return []
    first = min(late, key=lambda i: i.reported_at or since)
    assert first.reported_at is not None
    due = add_working_days(first.reported_at, terms.strategy_review_working_days)
    names = ", ".join(kind_name(i.kind, i.label) for i in late)
    return [DueItem(kind, due, now > due, f"{what} {names}")]


def due_items(case: CaseRecord, now: datetime, terms: CaseTerms | None = None) -> list[DueItem]:
    """C7: every item due on a case and its time, overdue first (empty once closed).

    The referral duties of the decision (the written referral counted from the call), each
    pending investigation (its window start and end), the latest meeting's review date, the
    pre-birth referral, and C5's strategy review and addendum. The dashboard, ``cases`` and
    ``case show`` all list exactly this.
    """
    if case.status == CaseStatus.CLOSED:
        return []
    terms = terms or CaseTerms()
    items: list[DueItem] = []
    duty_ids = {d.id for d in terms.duties}
    for d in open_duties(case, terms):
        due = duty_due_at(case, d, terms)
        label = d.label
        if d.id == PRE_BIRTH_REFERRAL and terms.pregnancy_due_date is not None:
            label = f"{label} (baby expected {terms.pregnancy_due_date.isoformat()})"
        items.append(DueItem(d.id, due, due is not None and now > due, label))
    if (
        WRITTEN_REFERRAL not in duty_ids
        and case.written_referral_due is not None
        and case.written_referral_sent_at is None
        and duty_action(case, WRITTEN_REFERRAL, None) is None
    ):
        due = case.written_referral_due
        items.append(DueItem(WRITTEN_REFERRAL, due, now > due, "Written referral"))
    for inv in pending_investigations(case):
        due_at = end_of(inv.due_to) if inv.due_to else None
        what = inv.kind
        label = kind_name(inv.kind, inv.label).capitalize() + " (result pending)"
        items.append(
            DueItem(what, due_at, due_at is not None and now > due_at, label, inv.due_from)
        )
    meetings = _ordered_meetings(case)
    if meetings and meetings[-1].review_on is not None:
        review_on = meetings[-1].review_on
        due = end_of(review_on)
        items.append(DueItem(MEETING_REVIEW, due, now > due, "Strategy meeting review"))
    items.extend(_c5_items(case, terms, now))
    return sort_due(items)


def sort_due(items: Iterable[DueItem]) -> list[DueItem]:
    """Overdue first, then by time; items with no set time last."""
    return sorted(
        items,
        key=lambda d: (not d.overdue, d.due_at is None, d.due_at or datetime.max, d.what),
    )


# --- compatibility (pre-contract names) -----------------------------------------------------


def relax_supervision_problem(case: CaseRecord) -> str | None:
    """Why supervision cannot be relaxed without a reason now (``None``: it can)."""
    if relax_without_reason_allowed(case):
        return None
    return (
        "C4: relaxing supervision before both skeletal survey stages are reported needs a "
        "strategy meeting with health and csc, and a recorded reason"
    )
