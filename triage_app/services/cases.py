"""Use-cases: a safeguarding case from opening to safe closure.

Every step takes the case version the user read (optimistic concurrency) and enforces the case
rules in :mod:`triage_app.domain.case_rules`, so the rules hold whatever the front end.

Sealing (:mod:`triage_app.services.referrals`) freezes the case's referral record, not the
case: results, actions, meetings, supervision and closure are still recorded here after it,
and ``sealed`` is never changed here. A sealed version itself never changes; to hand later
changes over, seal an addendum.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from triage_app.domain import case_rules as rules
from triage_app.domain.case_rules import CaseRuleError, CaseStatus
from triage_app.domain.records import (
    CaseAction,
    CaseRecord,
    CaseSummary,
    InvestigationRecord,
    StrategyMeeting,
)
from triage_app.services.context import StoreContext
from triage_app.store.case_repository import CaseRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository

RECENT_DAYS = 30


def case_audit(case: CaseRecord) -> dict[str, Any]:
    """A case as the audit trail stores it (JSON-able)."""
    return dataclasses.asdict(case)


def _profile_for(ctx: StoreContext, repo: CaseRepository, case: CaseRecord) -> Any:
    """The profile of the case's assessment, or the default profile."""
    profile_id = None
    if case.presentation_id is not None:
        found = PresentationRepository(repo.s).assessments([case.presentation_id])
        if case.presentation_id in found:
            profile_id = found[case.presentation_id].profile_id
    registry = ctx.protocol.registry
    return registry.get(profile_id if profile_id in registry.ids() else None)


def open_case(
    ctx: StoreContext,
    child_id: int,
    *,
    presentation_id: int | None = None,
    supervision_required: bool | None = None,
    opened_at: datetime | None = None,
) -> CaseRecord:
    """Open a case for a child (optionally for one presentation)."""
    now = ctx.clock()
    with ctx.transaction() as s:
        ChildRepository(s).get(child_id)
        case = CaseRepository(s).add(
            CaseRecord(
                child_id=child_id,
                status=CaseStatus.OPEN.value,
                opened_at=opened_at or now,
                opened_by=ctx.user,
                presentation_id=presentation_id,
                supervision_required=supervision_required,
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


def _change(ctx: StoreContext, case_id: int, version: int, step: Any) -> CaseRecord:
    """Run one change on a case in one transaction and audit before and after."""
    with ctx.transaction() as s:
        repo = CaseRepository(s)
        before = repo.get(case_id)
        after = step(repo, before, ctx.clock())
        ctx.audit(s, "update", "case", case_id, case_audit(before), case_audit(after))
        return after


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
    """Record the phone referral to children's social care; the written referral falls due.

    The written referral is due at the call time plus the profile's limit (e.g. 24 hours).
    """

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        profile = _profile_for(ctx, repo, case)
        due = rules.written_referral_due(called_at, profile.written_referral_max_hours)
        action = CaseAction(called_at, person, "phone_csc", reference, details)
        case = repo.add_action(case_id, version, action, ctx.user, now)
        changes: dict[str, Any] = {"referral_called_at": called_at, "written_referral_due": due}
        if case.status == CaseStatus.OPEN:
            changes["status"] = CaseStatus.REFERRED.value
        return repo.update(case_id, case.version, ctx.user, now, **changes)

    return _change(ctx, case_id, version, step)


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

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        action = CaseAction(sent_at, person, "written_referral", reference)
        case = repo.add_action(case_id, version, action, ctx.user, now)
        return repo.update(case_id, case.version, ctx.user, now, written_referral_sent_at=sent_at)

    return _change(ctx, case_id, version, step)


def add_action(ctx: StoreContext, case_id: int, version: int, action: CaseAction) -> CaseRecord:
    """Record any other action taken (who, when, reference, details)."""
    return _change(
        ctx,
        case_id,
        version,
        lambda repo, case, now: repo.add_action(case_id, version, action, ctx.user, now),
    )


def request_investigation(
    ctx: StoreContext,
    case_id: int,
    version: int,
    kind: str,
    *,
    requested_at: datetime,
    due_to: datetime | None = None,
) -> CaseRecord:
    """Record a requested investigation.

    A follow-up skeletal survey is due 11 to 14 days (the profile's window) after the initial
    survey; its due dates are set from the initial survey's date when not given.
    """

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        due_from = due_end = due_to.date() if due_to else None
        if kind == rules.SURVEY_FOLLOW_UP and due_to is None:
            initial = next((i for i in case.investigations if i.kind == rules.SURVEY_INITIAL), None)
            base = (initial.reported_at or initial.requested_at) if initial else None
            window = _profile_for(ctx, repo, case).follow_up_skeletal_survey_days
            due_from, due_end = rules.follow_up_survey_window((base or requested_at).date(), window)
        inv = InvestigationRecord(kind, rules.PENDING, requested_at, due_from, due_end)
        return repo.add_investigation(case_id, version, inv, ctx.user, now)

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
) -> CaseRecord:
    """Record an investigation's result (``reported``) or that it is ``not_required``."""
    if status not in (rules.REPORTED, rules.NOT_REQUIRED):
        raise CaseRuleError(
            [f"an investigation result must be reported or not_required, not {status!r}"]
        )
    return _change(
        ctx,
        case_id,
        version,
        lambda repo, case, now: repo.report_investigation(
            case_id, version, investigation_id, status, result, reported_at, ctx.user, now
        ),
    )


def record_strategy_meeting(
    ctx: StoreContext, case_id: int, version: int, meeting: StrategyMeeting
) -> CaseRecord:
    """Record a strategy meeting's outcome, its supervision decision and who agreed."""
    problems = []
    if not meeting.outcome.strip():
        problems.append("the meeting's outcome is required")
    if not meeting.agreed_by.strip():
        problems.append("who agreed the decision is required")
    if meeting.supervision_decision not in ("maintain", "relax"):
        problems.append("the supervision decision must be maintain or relax")
    if problems:
        raise CaseRuleError(problems)
    return _change(
        ctx,
        case_id,
        version,
        lambda repo, case, now: repo.add_meeting(case_id, version, meeting, ctx.user, now),
    )


def set_supervision(
    ctx: StoreContext,
    case_id: int,
    version: int,
    *,
    required: bool,
    conditions: str | None,
    agreed_by: str,
) -> CaseRecord:
    """Set or relax supervision, recording who agreed it.

    Relaxing before both skeletal-survey stages are reported needs a recorded
    strategy-meeting decision to relax (case rule; Child AF review).
    """
    if not agreed_by.strip():
        raise CaseRuleError(["who agreed the supervision arrangement is required"])

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        if not required and case.supervision_required is not False:
            problem = rules.relax_supervision_problem(case)
            if problem:
                raise CaseRuleError([problem])
        return repo.update(
            case_id,
            version,
            ctx.user,
            now,
            supervision_required=required,
            supervision_conditions=conditions,
            supervision_agreed_by=agreed_by,
        )

    return _change(ctx, case_id, version, step)


def set_status(ctx: StoreContext, case_id: int, version: int, status: str) -> CaseRecord:
    """Move a case to ``referred`` or ``results_pending`` (use close_case to close)."""
    if status == CaseStatus.CLOSED:
        raise CaseRuleError(["use close_case to close a case (an outcome and reason are needed)"])

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        problem = rules.transition_problem(case.status, status)
        if problem:
            raise CaseRuleError([problem])
        changes: dict[str, Any] = {"status": status}
        if status == CaseStatus.OPEN:  # reopening
            changes |= {"closed_at": None, "close_outcome": None, "close_reason": None}
        return repo.update(case_id, version, ctx.user, now, **changes)

    return _change(ctx, case_id, version, step)


def close_case(
    ctx: StoreContext, case_id: int, version: int, *, outcome: str, reason: str
) -> CaseRecord:
    """Close a case. "No concern" is refused while any investigation is pending.

    Raises:
        CaseRuleError: with every reason the case cannot be closed yet.
        ConflictError: the case changed since ``version`` was read.
    """

    def step(repo: CaseRepository, case: CaseRecord, now: datetime) -> CaseRecord:
        problems = rules.close_problems(case, outcome, reason)
        if problems:
            raise CaseRuleError(problems)
        return repo.update(
            case_id,
            version,
            ctx.user,
            now,
            status=CaseStatus.CLOSED.value,
            close_outcome=outcome,
            close_reason=reason,
            closed_at=now,
        )

    return _change(ctx, case_id, version, step)


def list_cases(ctx: StoreContext, recent_days: int = RECENT_DAYS) -> list[CaseSummary]:
    """Open cases and those closed in the last ``recent_days``, with what is due (audited)."""
    now = ctx.clock()
    with ctx.transaction() as s:
        cases = CaseRepository(s).listing(now - timedelta(days=recent_days))
        children = ChildRepository(s)
        out = [
            CaseSummary(c, children.get(c.child_id), tuple(rules.due_items(c, now))) for c in cases
        ]
        ctx.audit(s, "view", "case_list", None, after={"cases": [c.id for c in cases]})
        return out
