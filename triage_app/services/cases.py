"""Use-cases: a safeguarding case from opening to safe closure (case contract C1 to C8).

Every step takes the case version the user read (optimistic concurrency), runs in one
transaction, and enforces the case rules of :mod:`triage_app.domain.cases`; a refusal raises
:class:`CaseRuleError` with one ``Cn: ...`` line per reason and changes nothing. Bad input (an
unknown kind, action or outcome) raises :class:`InputError`.

Supervision is never set directly: it is the latest strategy-meeting decision (C4). The case
status follows the case: ``results_pending`` while any investigation is pending, then
``referred`` once the phone referral is made, until it is closed.

Sealing (:mod:`triage_app.services.referrals`) freezes the case's referral record, not the
case: results, actions, meetings and closure are still recorded here after it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain import cases as rules
from triage_app.domain.case_actions import details_with_handler, handler_problem
from triage_app.domain.cases import CaseRuleError, CaseStatus, CaseTerms, Duty
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import (
    CaseAction,
    CaseRecord,
    CaseSummary,
    ChildRecord,
    DueItem,
    InvestigationRecord,
    StrategyMeeting,
    Supervision,
)
from triage_app.domain.vocab import ACTION_IDS as KNOWN_ACTIONS
from triage_app.services.context import StoreContext
from triage_app.store.case_repository import CaseRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository

RECENT_DAYS = 30

__all__ = ["CaseRuleError", "CaseStatus"]


@dataclass(frozen=True)
class CaseDetails:
    """A case as ``case show`` and the case view show it.

    The case, its child, what is due (C7), the supervision in force (C4) and the urgency of
    the decision it follows.
    """

    case: CaseRecord
    child: ChildRecord
    due: tuple[DueItem, ...]
    supervision: Supervision
    urgency: str | None
    terms: CaseTerms


def case_audit(case: CaseRecord) -> dict[str, Any]:
    """A case as the audit trail stores it (JSON-able): what ``dataclasses.asdict`` gives.

    Built field by field (the records hold immutable values only): ``asdict`` deep-copies
    every value, which made the audit the slowest part of editing a case with many actions.
    """
    data = _flat(case)
    data["actions"] = tuple(_flat(a) for a in case.actions)
    data["investigations"] = tuple(_flat(i) for i in case.investigations)
    data["meetings"] = tuple(
        {**_flat(m), "attendees": tuple(_flat(a) for a in m.attendees)} for m in case.meetings
    )
    return data


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _flat(record: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in dataclasses.fields(record))
    return {n: getattr(record, n) for n in names}


# --- the decision a case follows and its terms ---------------------------------------------


def _profile_for(ctx: StoreContext, repo: CaseRepository, case: CaseRecord) -> Any:
    """The profile of the case's assessment, or the default profile."""
    profile_id = None
    if case.presentation_id is not None:
        found = PresentationRepository(repo.s).assessments([case.presentation_id])
        if case.presentation_id in found:
            profile_id = found[case.presentation_id].profile_id
    registry = ctx.protocol.registry
    return registry.get(profile_id if profile_id in registry.ids() else None)


def _assessment(s: Session, presentation_id: int | None) -> Any:
    if presentation_id is None:
        return None
    return PresentationRepository(s).assessments([presentation_id]).get(presentation_id)


def terms_for(ctx: StoreContext, s: Session, case: CaseRecord) -> CaseTerms:
    """What the rules need besides the case (the case's terms).

    The duties of the decision it follows, the investigations that decision prompted, the
    profile's limits and when the record was last sealed.
    """
    repo = CaseRepository(s)
    profile = _profile_for(ctx, repo, case)
    row = _assessment(s, case.presentation_id)
    duties: tuple[Duty, ...] = ()
    prompted: tuple[str, ...] = ()
    decided_at = None
    if row is not None:
        decision = row.decision_json
        duties = tuple(
            Duty(a["id"], _label(a["id"]), _parse_time(a.get("due_at")))
            for a in decision.get("actions", [])
        )
        prompted = tuple(i["id"] for i in decision.get("investigations", []))
        if len(case.presentation_ids) > 1:
            decided_at = row.assessed_at
    child = ChildRepository(s).get(case.child_id)
    return CaseTerms(
        duties=duties,
        decided_at=decided_at,
        prompted=prompted,
        written_referral_hours=profile.written_referral_max_hours,
        follow_up_days=tuple(profile.follow_up_skeletal_survey_days),
        strategy_review_working_days=getattr(
            profile, "strategy_review_working_days", rules.DEFAULT_STRATEGY_REVIEW_WORKING_DAYS
        ),
        sealed_at=repo.last_sealed_at(case.id) if case.id is not None else None,
        pregnancy_due_date=child.pregnancy_due_date,
    )


def _label(action_id: str) -> str:
    return action_id.replace("_", " ").capitalize()


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def known_kinds(ctx: StoreContext) -> tuple[str, ...]:
    """Investigation kinds of every installed profile (plus ``other``, free text)."""
    kinds: list[str] = []
    for profile in ctx.protocol.registry:
        for item in profile.investigations:
            if item.id not in kinds:
                kinds.append(item.id)
    return tuple(kinds)


# --- reading ----------------------------------------------------------------------------------


def open_case(
    ctx: StoreContext,
    child_id: int,
    *,
    presentation_id: int | None = None,
    opened_at: datetime | None = None,
    separate_reason: str | None = None,
) -> CaseRecord:
    """Open a case for a child (optionally for one presentation).

    Raises:
        CaseRuleError: C8, the child has an open case and no reason for a separate one.
    """
    now = ctx.clock()
    with ctx.transaction() as s:
        return _open(ctx, s, child_id, presentation_id, opened_at or now, separate_reason, now)


def _open(
    ctx: StoreContext,
    s: Session,
    child_id: int,
    presentation_id: int | None,
    opened_at: datetime,
    separate_reason: str | None,
    now: datetime,
) -> CaseRecord:
    ChildRepository(s).get(child_id)
    repo = CaseRepository(s)
    already = repo.open_for_child(child_id)
    if already and not (separate_reason or "").strip():
        raise CaseRuleError(
            [
                f"C8: the child already has an open case ({already[0].id}): a new assessment "
                "joins it, or a separate case is opened with a reason"
            ]
        )
    case = repo.add(
        CaseRecord(
            child_id=child_id,
            status=CaseStatus.OPEN.value,
            opened_at=opened_at,
            opened_by=ctx.user,
            presentation_id=presentation_id,
            separate_reason=(separate_reason or "").strip() or None,
        ),
        ctx.user,
        now,
    )
    ctx.audit(s, "create", "case", case.id, after=case_audit(case))
    return case


def get_case(ctx: StoreContext, case_id: int) -> CaseRecord:
    """Return a case (audited view)."""
    with ctx.transaction() as s:
        case = CaseRepository(s).get(case_id)
        ctx.audit(s, "view", "case", case_id)
        return case


def show_case(ctx: StoreContext, case_id: int) -> CaseDetails:
    """A case with what is due (C7) and the supervision in force (C4); audited view."""
    now = ctx.clock()
    with ctx.transaction() as s:
        case = CaseRepository(s).get(case_id)
        details = _details(ctx, s, case, now)
        ctx.audit(s, "view", "case", case_id)
        return details


def _details(ctx: StoreContext, s: Session, case: CaseRecord, now: datetime) -> CaseDetails:
    terms = terms_for(ctx, s, case)
    row = _assessment(s, case.presentation_id)
    return CaseDetails(
        case,
        ChildRepository(s).get(case.child_id),
        tuple(rules.due_items(case, now, terms)),
        rules.supervision(case),
        row.urgency if row is not None else None,
        terms,
    )


def due_for(ctx: StoreContext, s: Session, case: CaseRecord, now: datetime) -> list[DueItem]:
    """C7 for one case inside a transaction (the one list every screen shows)."""
    return rules.due_items(case, now, terms_for(ctx, s, case))


def list_cases(
    ctx: StoreContext, recent_days: int | None = RECENT_DAYS, *, closed: bool = False
) -> list[CaseSummary]:
    """Open cases and those closed in the last ``recent_days``, with what is due (C7).

    ``closed``: the closed cases alone (all of them when ``recent_days`` is ``None``).
    Audited as a view.
    """
    now = ctx.clock()
    since = now - timedelta(days=recent_days) if recent_days is not None else None
    with ctx.transaction() as s:
        listed = CaseRepository(s).listing(since, closed_only=closed)
        out = summaries(ctx, s, listed, now)
        ctx.audit(s, "view", "case_list", None, after={"cases": [c.id for c in listed]})
        return out


def summaries(
    ctx: StoreContext, s: Session, listed: Iterable[CaseRecord], now: datetime
) -> list[CaseSummary]:
    """Case list lines with C7's due items, overdue cases first."""
    children = ChildRepository(s)
    out = [CaseSummary(c, children.get(c.child_id), tuple(due_for(ctx, s, c, now))) for c in listed]
    return sorted(out, key=lambda x: not any(d.overdue for d in x.due))


# --- changing ---------------------------------------------------------------------------------

Step = Callable[[CaseRepository, CaseRecord, datetime], CaseRecord]


def _change(ctx: StoreContext, case_id: int, version: int, step: Step) -> CaseRecord:
    """Run one change on a case in one transaction, keep its status, audit before and after."""
    with ctx.transaction() as s:
        repo = CaseRepository(s)
        before = repo.get(case_id)
        if before.version != version:
            repo.update(case_id, version, ctx.user, ctx.clock())  # raises ConflictError
        now = ctx.clock()
        after = step(repo, before, now)
        status = rules.status_for(after)
        if status != after.status:
            after = repo.update(case_id, after.version, ctx.user, now, status=status)
        ctx.audit(s, "update", "case", case_id, case_audit(before), case_audit(after))
        return after


def _refuse(problems: list[str]) -> None:
    if problems:
        raise CaseRuleError(problems)


def _bad(path: str, reason: str) -> InputError:
    return InputError([Problem(path, reason)])


def record_action(
    ctx: StoreContext,
    case_id: int,
    version: int,
    action_id: str,
    *,
    at: datetime | None = None,
    by: str | None = None,
    note: str | None = None,
    reference: str | None = None,
    handler: str | None = None,
) -> CaseRecord:
    """Record a referral duty (a decision action id) as done: who, when, reference, note.

    ``handler``: the person spoken to, for a phone call only (bad input on any other action;
    kept as :mod:`triage_app.domain.case_actions` says). The phone referral starts the
    written-referral countdown (the profile's limit after the call); the written referral
    stops it.
    """
    problem = handler_problem(action_id, handler)
    if problem:
        raise _bad("handler", problem.removeprefix("handler: "))
    note = details_with_handler(action_id, handler, note)
    return _record_action(
        ctx, case_id, version, action_id, at=at, by=by, note=note, reference=reference
    )


def waive_action(
    ctx: StoreContext, case_id: int, version: int, action_id: str, *, reason: str, by: str
) -> CaseRecord:
    """Waive a referral duty with a reason and who decided (C3)."""
    return _record_action(ctx, case_id, version, action_id, by=by, reason=reason, waive=True)


def _record_action(
    ctx: StoreContext,
    case_id: int,
    version: int,
    action_id: str,
    *,
    at: datetime | None = None,
    by: str | None = None,
    note: str | None = None,
    reference: str | None = None,
    reason: str | None = None,
    waive: bool = False,
) -> CaseRecord:
    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        terms = terms_for(ctx, repo.s, case)
        if action_id not in KNOWN_ACTIONS and action_id not in {d.id for d in terms.duties}:
            raise _bad("action", f"unknown action id {action_id!r}")
        when = at or now
        _refuse(
            rules.action_problems(
                case, action_id, terms, waive=waive, reason=reason, by=by, at=when, now=now
            )
        )
        return _add_action(
            ctx,
            repo,
            case,
            CaseAction(
                when,
                (by or "").strip() or ctx.user,
                action_id,
                reference,
                note,
                waived=waive,
                reason=(reason or "").strip() or None,
            ),
            now,
        )

    return _change(ctx, case_id, version, step)


def _add_action(
    ctx: StoreContext, repo: CaseRepository, case: CaseRecord, action: CaseAction, now: datetime
) -> CaseRecord:
    assert case.id is not None
    out = repo.add_action(case.id, case.version, action, ctx.user, now)
    if action.waived:
        return out
    if action.kind == rules.PHONE_CSC:
        profile = _profile_for(ctx, repo, out)
        due = rules.written_referral_due(action.at, profile.written_referral_max_hours)
        return repo.update(
            case.id, out.version, ctx.user, now, referral_called_at=action.at,
            written_referral_due=due,
        )  # fmt: skip
    if action.kind == rules.WRITTEN_REFERRAL:
        return repo.update(case.id, out.version, ctx.user, now, written_referral_sent_at=action.at)
    return out


def undo_action(
    ctx: StoreContext, case_id: int, version: int, action_row_id: int, *, reason: str = ""
) -> CaseRecord:
    """Undo the latest action recorded on a case (C6): a new audited event, never a delete.

    The ``action_undone`` event names the action it takes back; the action stays in the case's
    history and the audit trail. Undoing the phone call or the written referral puts the
    referral times back to the earlier call (or letter) that still stands, or clears them.

    Raises:
        CaseRuleError: the rules refuse it (not the latest action, a case event, sealed since,
            the case closed, already undone).
        ConflictError: the case changed since ``version`` was read.
    """

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        return _undo(ctx, repo, case, now, action_row_id, reason)

    return _change(ctx, case_id, version, step)


def _undo(
    ctx: StoreContext,
    repo: CaseRepository,
    case: CaseRecord,
    now: datetime,
    action_row_id: int,
    reason: str,
) -> CaseRecord:
    """Add the ``action_undone`` event (C6 checked) and put the referral times right."""
    assert case.id is not None
    _refuse(rules.undo_problems(case, action_row_id, terms_for(ctx, repo.s, case)))
    undone = next(a for a in case.actions if a.id == action_row_id)
    why = reason.strip() or "recorded in error"
    event = CaseAction(
        now, ctx.user, rules.ACTION_UNDONE, str(action_row_id), undone.kind, reason=why
    )
    out = repo.add_action(case.id, case.version, event, ctx.user, now)
    standing = [a for a in rules.effective_actions(out) if not a.waived]
    if undone.kind == rules.PHONE_CSC:
        call = next((a for a in reversed(standing) if a.kind == rules.PHONE_CSC), None)
        hours = _profile_for(ctx, repo, out).written_referral_max_hours
        due = rules.written_referral_due(call.at, hours) if call else None
        return repo.update(
            case.id, out.version, ctx.user, now,
            referral_called_at=call.at if call else None, written_referral_due=due,
        )  # fmt: skip
    if undone.kind == rules.WRITTEN_REFERRAL:
        sent = next((a for a in reversed(standing) if a.kind == rules.WRITTEN_REFERRAL), None)
        return repo.update(
            case.id, out.version, ctx.user, now,
            written_referral_sent_at=sent.at if sent else None,
        )  # fmt: skip
    return out


def undo_latest(
    ctx: StoreContext, case_id: int, version: int, action_id: str, *, reason: str = ""
) -> CaseRecord:
    """Undo the latest standing record of ``action_id`` (a duty's id), as :func:`undo_action`.

    The window's "Undo" and ``triage-app case undo`` both come here; the rule is C6's
    (:func:`~triage_app.domain.cases.undo_problems`): only the latest action on an open case,
    once, and not once a record was sealed after it.

    Raises:
        InputError: ``action_id`` is not an action id.
        CaseRuleError: nothing to undo (no standing record of it), or the rules refuse it.
        ConflictError: the case changed since ``version`` was read.
    """

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        terms = terms_for(ctx, repo.s, case)
        if action_id not in KNOWN_ACTIONS and action_id not in {d.id for d in terms.duties}:
            raise _bad("action", f"unknown action id {action_id!r}")
        standing = [a for a in rules.effective_actions(case) if a.kind == action_id]
        if not standing or standing[-1].id is None:
            raise CaseRuleError([f"C6: there is no record of {action_id} on this case to undo"])
        return _undo(ctx, repo, case, now, standing[-1].id, reason)

    return _change(ctx, case_id, version, step)


def record_phone_referral(
    ctx: StoreContext,
    case_id: int,
    version: int,
    *,
    called_at: datetime,
    person: str,
    reference: str | None = None,
    details: str | None = None,
) -> CaseRecord:
    """Record the phone referral to children's social care; the written referral falls due."""
    return record_action(
        ctx, case_id, version, rules.PHONE_CSC, at=called_at, by=person, note=details,
        reference=reference,
    )  # fmt: skip


def record_written_referral(
    ctx: StoreContext,
    case_id: int,
    version: int,
    *,
    sent_at: datetime,
    person: str,
    reference: str | None = None,
) -> CaseRecord:
    """Record that the written referral was sent."""
    return record_action(
        ctx, case_id, version, rules.WRITTEN_REFERRAL, at=sent_at, by=person, reference=reference
    )


def add_action(ctx: StoreContext, case_id: int, version: int, action: CaseAction) -> CaseRecord:
    """Record any action taken (who, when, reference, details), its details kept as given.

    (The window builds them with :func:`~triage_app.domain.case_actions.details_with_handler`.)
    """
    if action.waived:
        return waive_action(
            ctx, case_id, version, action.kind, reason=action.reason or "", by=action.person
        )
    return _record_action(
        ctx, case_id, version, action.kind, at=action.at, by=action.person,
        note=action.details, reference=action.reference,
    )  # fmt: skip


def _kind_check(ctx: StoreContext, kind: str, label: str | None) -> None:
    problem = rules.kind_problem(kind, known_kinds(ctx), label)
    if problem:
        raise _bad("kind", problem)


def _find(case: CaseRecord, kind: str, label: str | None, pending_only: bool = True) -> Any:
    for inv in reversed(case.investigations):
        if inv.kind != kind or (kind == rules.OTHER_KIND and inv.label != label):
            continue
        if pending_only and inv.status != rules.PENDING:
            continue
        return inv
    return None


def request_investigation(
    ctx: StoreContext,
    case_id: int,
    version: int,
    kind: str,
    *,
    requested_at: datetime | None = None,
    label: str | None = None,
    due_to: datetime | None = None,
) -> CaseRecord:
    """Request an investigation (a profile kind, or ``other`` with a label).

    The follow-up skeletal survey is never requested by hand: it is created when the initial
    survey is recorded as performed (C2).
    """
    _kind_check(ctx, kind, label)

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        _refuse(rules.request_problems(case, kind, label))
        when = requested_at or now
        day = due_to.date() if due_to else None
        inv = InvestigationRecord(
            kind, rules.PENDING, when, day, day,
            label=(label or "").strip() or None if kind == rules.OTHER_KIND else None,
        )  # fmt: skip
        return repo.add_investigation(case_id, case.version, inv, ctx.user, now)

    return _change(ctx, case_id, version, step)


def report_result(
    ctx: StoreContext,
    case_id: int,
    version: int,
    kind: str,
    *,
    performed_on: date,
    result: str,
    early_reason: str | None = None,
    by: str | None = None,
    label: str | None = None,
    reported_at: datetime | None = None,
) -> CaseRecord:
    """Report an investigation as performed on ``performed_on`` with its result (C2).

    ``reported_at`` is when the result came back (default now; never in the future): C5's
    strategy review and addendum fall due when it is after the last meeting or seal.

    Reporting the initial skeletal survey creates the follow-up (pending, in the profile's
    window after the initial's date). The follow-up cannot be reported before its window
    opens without an early reason and who decided (both kept).
    """
    _kind_check(ctx, kind, label)

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        inv = _find(case, kind, label)
        _refuse(
            rules.report_problems(
                case,
                inv,
                kind,
                performed_on=performed_on,
                result=result,
                early_reason=early_reason,
                decided_by=by,
                today=now.date(),
            )  # fmt: skip
        )
        if reported_at is not None and reported_at > now:
            raise _bad("reported_at", "a result cannot be recorded as received in the future")
        received = reported_at or now
        early = inv is not None and inv.due_from is not None and performed_on < inv.due_from
        if inv is None:
            inv_new = InvestigationRecord(
                kind, rules.PENDING, now, label=label if kind == rules.OTHER_KIND else None
            )
            case = repo.add_investigation(case_id, case.version, inv_new, ctx.user, now)
            inv = case.investigations[-1]
        case = repo.update_investigation(
            case_id, case.version, inv.id, ctx.user, now,
            status=rules.REPORTED, result=result.strip(), reported_at=received,
            performed_on=performed_on,
            early_reason=(early_reason or "").strip() or None if early else None,
            decided_by=(by or "").strip() or None if early else None,
        )  # fmt: skip
        if (
            kind == rules.SURVEY_INITIAL
            and rules.investigation(case, rules.SURVEY_FOLLOW_UP) is None
        ):
            window = _profile_for(ctx, repo, case).follow_up_skeletal_survey_days
            start, end = rules.follow_up_survey_window(performed_on, window)
            follow = InvestigationRecord(rules.SURVEY_FOLLOW_UP, rules.PENDING, now, start, end)
            case = repo.add_investigation(case_id, case.version, follow, ctx.user, now)
        return case

    return _change(ctx, case_id, version, step)


def mark_not_required(
    ctx: StoreContext,
    case_id: int,
    version: int,
    kind: str,
    *,
    reason: str,
    by: str,
    label: str | None = None,
) -> CaseRecord:
    """Record that an investigation is not required, with the reason and who decided (C2)."""
    _kind_check(ctx, kind, label)

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        inv = _find(case, kind, label)
        if inv is None and kind in rules.SURVEY_STAGES:
            inv = rules.investigation(case, kind)
        _refuse(rules.not_required_problems(case, inv, reason, by))
        if inv is None:
            new = InvestigationRecord(
                kind, rules.PENDING, now, label=label if kind == rules.OTHER_KIND else None
            )
            case = repo.add_investigation(case_id, case.version, new, ctx.user, now)
            inv = case.investigations[-1]
        return repo.update_investigation(
            case_id, case.version, inv.id, ctx.user, now, status=rules.NOT_REQUIRED,
            not_required_reason=reason.strip(), decided_by=by.strip(), reported_at=now,
        )  # fmt: skip

    return _change(ctx, case_id, version, step)


def report_investigation(
    ctx: StoreContext,
    case_id: int,
    version: int,
    investigation_id: int,
    *,
    result: str,
    reported_at: datetime,
    status: str = rules.REPORTED,
    performed_on: date | None = None,
    early_reason: str | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> CaseRecord:
    """Report an investigation by its id (the window's route): see :func:`report_result`."""
    case = get_case(ctx, case_id)
    inv = next((i for i in case.investigations if i.id == investigation_id), None)
    if inv is None:
        raise _bad("investigation", f"case {case_id} has no investigation {investigation_id}")
    if status == rules.NOT_REQUIRED:
        return mark_not_required(
            ctx, case_id, version, inv.kind, reason=reason or result, by=by or "",
            label=inv.label,
        )  # fmt: skip
    if status != rules.REPORTED:
        raise _bad("status", f"must be reported or not_required, not {status!r}")
    return report_result(
        ctx, case_id, version, inv.kind, performed_on=performed_on or reported_at.date(),
        result=result, early_reason=early_reason, by=by, label=inv.label,
    )  # fmt: skip


def record_meeting(
    ctx: StoreContext, case_id: int, version: int, meeting: StrategyMeeting
) -> CaseRecord:
    """Record a strategy meeting: attendees, outcome, any supervision decision (C4)."""
    if meeting.supervision is not None and meeting.supervision not in rules.SUPERVISION_DECISIONS:
        raise _bad("supervision", f"must be one of {', '.join(rules.SUPERVISION_DECISIONS)}")

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        _refuse(rules.meeting_problems(case, meeting, now))
        clean = dataclasses.replace(
            meeting,
            outcome=meeting.outcome.strip(),
            conditions=(meeting.conditions or "").strip() or None,
            relax_conditions=(meeting.relax_conditions or "").strip() or None,
            reason=(meeting.reason or "").strip() or None,
        )
        return repo.add_meeting(case_id, case.version, clean, ctx.user, now)

    return _change(ctx, case_id, version, step)


record_strategy_meeting = record_meeting


def close_case(
    ctx: StoreContext, case_id: int, version: int, *, outcome: str, reason: str
) -> CaseRecord:
    """Close a case (C1, C3, C6).

    Raises:
        InputError: an unknown outcome.
        CaseRuleError: with every reason the case cannot be closed yet.
        ConflictError: the case changed since ``version`` was read.
    """
    if outcome not in rules.CLOSE_OUTCOMES:
        raise _bad("outcome", f"must be one of {', '.join(rules.CLOSE_OUTCOMES)}")

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        terms = terms_for(ctx, repo.s, case)
        _refuse(rules.close_problems(case, outcome, reason, terms, now))
        event = CaseAction(now, ctx.user, rules.CLOSED_EVENT, None, f"{outcome}: {reason.strip()}")
        case = repo.add_action(case_id, case.version, event, ctx.user, now)
        return repo.update(
            case_id, case.version, ctx.user, now, status=CaseStatus.CLOSED.value,
            close_outcome=outcome, close_reason=reason.strip(), closed_at=now,
        )  # fmt: skip

    return _change(ctx, case_id, version, step)


def reopen_case(ctx: StoreContext, case_id: int, version: int, *, reason: str) -> CaseRecord:
    """Reopen a closed case with a reason (C6); the closure stays in its history."""

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        _refuse(rules.reopen_problems(case, reason))
        event = CaseAction(now, ctx.user, rules.REOPENED_EVENT, None, reason.strip())
        case = repo.add_action(case_id, case.version, event, ctx.user, now)
        return repo.update(
            case_id, case.version, ctx.user, now, status=CaseStatus.OPEN.value,
            close_outcome=None, close_reason=None, closed_at=None,
        )  # fmt: skip

    return _change(ctx, case_id, version, step)


def join_presentation(
    ctx: StoreContext,
    s: Session,
    case: CaseRecord,
    presentation_id: int,
    urgency: str,
    now: datetime,
) -> CaseRecord:
    """C8 inside a transaction: a presentation joins the child's open case.

    The case follows its decision when that is at least as urgent as the one it follows.
    """
    repo = CaseRepository(s)
    case_id = case.id
    assert case_id is not None
    before = case
    current = _assessment(s, case.presentation_id)
    case = repo.add_presentation(case_id, case.version, presentation_id, ctx.user, now)
    if rules.stricter(current.urgency if current is not None else None, urgency):
        case = repo.update(case_id, case.version, ctx.user, now, presentation_id=presentation_id)
    ctx.audit(s, "update", "case", case.id, case_audit(before), case_audit(case))
    return case


def open_or_join(
    ctx: StoreContext,
    s: Session,
    child_id: int,
    presentation_id: int,
    urgency: str,
    opened_at: datetime,
    now: datetime,
    separate_reason: str | None = None,
) -> tuple[CaseRecord, bool]:
    """C8: join the child's open case, or open one (a separate one only with a reason).

    Returns the case and whether it was joined (``False``: opened).
    """
    open_cases = CaseRepository(s).open_for_child(child_id)
    if open_cases and not (separate_reason or "").strip():
        return join_presentation(ctx, s, open_cases[0], presentation_id, urgency, now), True
    case = _open(ctx, s, child_id, presentation_id, opened_at, separate_reason, now)
    return case, False


def record_done_actions(
    ctx: StoreContext, s: Session, case: CaseRecord, actions: Iterable[CaseAction], now: datetime
) -> CaseRecord:
    """Record, inside a transaction, the actions the wizard already did."""
    repo = CaseRepository(s)
    terms = terms_for(ctx, s, case)
    before = case
    for action in actions:
        if action.kind not in KNOWN_ACTIONS and action.kind not in {d.id for d in terms.duties}:
            raise _bad("actions", f"unknown action id {action.kind!r}")
        _refuse(
            rules.action_problems(
                case,
                action.kind,
                terms,
                waive=action.waived,
                reason=action.reason,
                by=action.person,
                at=action.at,
                now=now,
            )  # fmt: skip
        )
        case = _add_action(ctx, repo, case, action, now)
    status = rules.status_for(case)
    if status != case.status:
        assert case.id is not None
        case = repo.update(case.id, case.version, ctx.user, now, status=status)
    if case is not before:
        ctx.audit(s, "update", "case", case.id, case_audit(before), case_audit(case))
    return case
