"""The case tracker port over ``triage_app.services.cases`` (rule R8 lives in the services).

Each change passes the case version this view last read (optimistic concurrency): if someone
else changed the case in between, the service refuses and the user is told to reload.

A case shows the decision stored with its assessment (actions with their due times and
rules, flags, investigation prompts), read through
:func:`triage_app.services.assessments.decision_for_case`, so it reads the same after a
restart as in the session that made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from triage_app.domain import cases as rules
from triage_app.domain.access import AccessDeniedError
from triage_app.domain.case_actions import action_people, details_with_handler
from triage_app.domain.cases import CaseRuleError
from triage_app.domain.display import nhs_datetime
from triage_app.domain.errors import InputError
from triage_app.domain.model import Decision
from triage_app.domain.records import (
    Attendee,
    CaseRecord,
    ChildRecord,
    ConflictError,
    DueItem,
    InvestigationRecord,
    NotFoundError,
    StrategyMeeting,
)
from triage_app.domain.records import CaseAction as StoredAction
from triage_app.domain.records import CaseSummary as StoredSummary
from triage_app.domain.sealed import ExportTargetError, SealedRecord, SealingError
from triage_app.domain.vocab import Urgency
from triage_app.services import assessments, cases, permissions, referrals
from triage_app.services.context import StoreContext
from triage_app.ui.labels import ACTION, INVESTIGATION
from triage_app.ui.ports import Refused
from triage_app.ui.service_common import child_view
from triage_app.ui.viewmodels import (
    ActionRecord,
    CaseDetail,
    CaseRow,
    ChildView,
    DueLine,
    InvestigationView,
    MeetingForm,
    RequiredAction,
)

# Shown only for a case opened without a recorded assessment (no stored decision to show).
DEFAULT_ACTIONS = (
    "phone_csc",
    "written_referral",
    "paediatric_cp_assessment",
    "confirm_paediatric_attendance",
)


class StoreCaseTracker:
    """Open cases, case detail and every case step, through the case services."""

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx
        self._versions: dict[int, int] = {}
        self._decisions: dict[int, Decision | None] = {}

    def remember(self, case_id: int, version: int, decision: Decision | None) -> None:
        """Keep the version and decision of a case the window just opened or joined."""
        self._versions[case_id] = version
        self._decisions[case_id] = decision

    def current_location(self, case_id: str) -> tuple[str | None, str | None]:
        """Where the case's child is now, as a line, and when it was recorded."""
        from triage_app.domain.display import nhs_datetime
        from triage_app.services import handover

        loc = handover.current_location(self.ctx, int(case_id))
        if loc is None:
            return None, None
        when = nhs_datetime(loc.recorded_at) if loc.recorded_at else None
        return loc.line(), when

    def record_location(self, case_id: str, place: str, detail: str, with_whom: str | None) -> None:
        """Record where the case's child is now (refused with the reasons on bad input)."""
        from triage_app.domain.errors import InputError
        from triage_app.services import handover

        try:
            handover.record_location(self.ctx, int(case_id), place, detail, with_whom)
        except InputError as exc:
            raise Refused("; ".join(p.reason for p in exc.problems)) from exc

    def _call(self, case_id: str, step: Callable[[int, int], CaseRecord]) -> None:
        cid = int(case_id)
        version = self._versions.get(cid)
        if version is None:
            version = cases.get_case(self.ctx, cid).version
        try:
            updated = step(cid, version)
        except CaseRuleError as exc:
            raise Refused(" ".join(_sentence(r) for r in exc.reasons)) from exc
        except ConflictError as exc:
            self._versions.pop(cid, None)
            raise Refused(
                "Someone else changed this case after you opened it. Nothing was overwritten: "
                "the case has been reloaded; make your change again."
            ) from exc
        except (InputError, NotFoundError) as exc:
            raise Refused(str(exc)) from exc
        self._versions[cid] = updated.version

    # Reading ----------------------------------------------------------------------------
    def open_cases(self) -> list[CaseRow]:
        """Return the open cases with what each is waiting for (case rule C7's one list)."""
        # Only the cases this user may see (a clinician: their own; a lead: all).
        return [
            self._summary(s)
            for s in permissions.visible_cases(self.ctx)
            if s.case.status != "closed"
        ]

    def closed_cases(self) -> list[CaseRow]:
        """Return every closed case this user may see, newest first (C6)."""
        return [
            self._summary(s)
            for s in permissions.visible_cases(self.ctx, recent_days=None, closed=True)
        ]

    def _summary(self, s: StoredSummary) -> CaseRow:
        return CaseRow(
            str(s.case.id),
            _child(s.child),
            s.case.opened_at,
            self._urgency(s.case, s.child),
            tuple(due_views(s.due, s.case)),
            "closed" if s.case.status == "closed" else "open",
        )

    def case_detail(self, case_id: str) -> CaseDetail:
        """Return one case in full (read fresh; its version is kept for the next change)."""
        try:
            details = cases.show_case(self.ctx, int(case_id))
        except NotFoundError as exc:
            raise Refused(str(exc)) from exc
        case = details.case
        self._versions[case.id] = case.version
        decision = self._decision(case.id)
        requested = {i.kind for i in case.investigations}
        if decision is not None:
            prompts = [(i.id, INVESTIGATION.get(i.id, i.text)) for i in decision.investigations]
        else:
            profile = self.ctx.protocol.registry.get(None)
            prompts = [(i.id, INVESTIGATION.get(i.id, i.text)) for i in profile.investigations]
        prompts = [p for p in prompts if p[0] != rules.SURVEY_FOLLOW_UP]
        sup = details.supervision
        return CaseDetail(
            str(case.id),
            _child(details.child),
            case.opened_at,
            self._urgency(case, details.child),
            tuple(_actions(case, decision, details.due)),
            tuple(_investigation(case, i) for i in case.investigations),
            tuple(p for p in prompts if p[0] not in requested),
            tuple(_meeting(m) for m in case.meetings),
            sup.in_force if sup.decision is not None else None,
            sup.conditions,
            "closed" if case.status == "closed" else "open",
            tuple(f.text for f in decision.flags) if decision else (),
            tuple(_sealed_line(r) for r in referrals.list_records(self.ctx, case.id)),
            supervision=sup,
            due_items=tuple(due_views(details.due, case)),
            close_outcome=case.close_outcome,
            close_reason=case.close_reason,
            closed_at=case.closed_at,
            case_status=case.status,
        )

    def _decision(self, case_id: int) -> Decision | None:
        """The decision stored with the case's assessment (``None``: opened without one)."""
        if case_id not in self._decisions:
            try:
                stored = assessments.decision_for_case(self.ctx, case_id)
            except NotFoundError as exc:
                raise Refused(str(exc)) from exc
            self._decisions[case_id] = stored.decision if stored else None
        return self._decisions[case_id]

    def _urgency(self, case: CaseRecord, child: ChildRecord) -> Urgency | None:
        """The urgency of the decision stored with the case's assessment."""
        decision = self._decision(case.id) if case.id is not None else None
        return decision.urgency if decision is not None else None

    # Changing ---------------------------------------------------------------------------
    def record_action(self, case_id: str, record: ActionRecord) -> None:
        """Record an action; the phone referral starts the written-referral countdown."""
        action = stored_action(record, self.ctx.user)
        self._call(case_id, lambda cid, v: cases.add_action(self.ctx, cid, v, action))

    def undo_action(self, case_id: str, action_id: str) -> None:
        """Undo the latest record of an action (a new audited event; the rules decide, C6)."""
        self._call(case_id, lambda cid, v: cases.undo_latest(self.ctx, cid, v, action_id))

    def request_investigation(self, case_id: str, investigation_id: str, on: datetime) -> None:
        """Request an investigation the protocol prompts for."""
        self._call(
            case_id,
            lambda cid, v: cases.request_investigation(
                self.ctx, cid, v, investigation_id, requested_at=on
            ),
        )

    def add_result(
        self,
        case_id: str,
        investigation_id: str,
        result: str,
        on: date,
        early_reason: str = "",
        by: str = "",
    ) -> None:
        """Record an investigation as performed on ``on`` (stage 1 creates stage 2, C2)."""
        self._call(
            case_id,
            lambda cid, v: cases.report_investigation(
                self.ctx,
                cid,
                v,
                int(investigation_id),
                result=result,
                reported_at=self.ctx.clock(),
                performed_on=on,
                early_reason=early_reason or None,
                by=by or None,
            ),  # fmt: skip
        )

    def mark_not_required(self, case_id: str, investigation_id: str, reason: str, by: str) -> None:
        """Record that an investigation is not required, why and who decided (C2)."""
        self._call(
            case_id,
            lambda cid, v: cases.report_investigation(
                self.ctx,
                cid,
                v,
                int(investigation_id),
                result="",
                reported_at=self.ctx.clock(),
                status=rules.NOT_REQUIRED,
                reason=reason,
                by=by,
            ),  # fmt: skip
        )

    def record_strategy_meeting(self, case_id: str, meeting: MeetingForm) -> None:
        """Record a strategy meeting and its supervision decision (the only way it changes)."""
        stored = StrategyMeeting(
            held_at=meeting.held_at,
            outcome=meeting.outcome,
            attendees=tuple(Attendee(*a) for a in meeting.attendees),
            supervision=meeting.supervision,
            conditions=meeting.conditions or None,
            relax_conditions=meeting.relax_conditions or None,
            review_on=meeting.review_on,
            reason=meeting.reason or None,
        )
        self._call(case_id, lambda cid, v: cases.record_meeting(self.ctx, cid, v, stored))

    def reopen_case(self, case_id: str, reason: str) -> None:
        """Reopen a closed case with a reason (C6)."""
        self._call(case_id, lambda cid, v: cases.reopen_case(self.ctx, cid, v, reason=reason))

    def seal_referral(self, case_id: str) -> str:
        """Seal the referral record from the case as it now stands (one transaction)."""
        cid = int(case_id)
        try:
            record = referrals.finalise_case(self.ctx, cid, case_version=self._versions.get(cid))
        except ConflictError as exc:
            self._versions.pop(cid, None)
            raise Refused(
                "Someone else changed this case after you opened it: reload it, check it, "
                "then seal."
            ) from exc
        except (SealingError, AccessDeniedError, NotFoundError, ValueError) as exc:
            raise Refused(_sentence(str(exc))) from exc
        self._versions.pop(cid, None)  # sealing updates the case: read it again
        return f"Referral record {_sealed_line(record)}."

    def export_referral(self, case_id: str, pdf_path: str) -> str:
        """Write the sealed PDF bytes (not a re-render) where the user chose."""
        try:
            result = referrals.export_record(self.ctx, int(case_id), pdf_path=pdf_path)
        except (ExportTargetError, SealingError, NotFoundError, OSError) as exc:
            raise Refused(_sentence(str(exc))) from exc
        return f"Saved {result.pdf_path} ({result.record.record_uid})."

    def close_case(self, case_id: str, outcome: str, reason: str) -> str | None:
        """Close the case, or return every reason it cannot be closed yet."""
        try:
            self._call(
                case_id,
                lambda cid, v: cases.close_case(self.ctx, cid, v, outcome=outcome, reason=reason),
            )
        except Refused as exc:
            return str(exc)
        return None


def _sealed_line(r: SealedRecord) -> str:
    from triage_app.domain.display import nhs_datetime

    what = f"addendum ({r.addendum_reason})" if r.version > 1 else "sealed"
    return (
        f"{r.record_uid}: version {r.version} {what} {nhs_datetime(r.sealed_at)} by "
        f"{r.sealed_by}; PDF SHA-256 {r.pdf_sha256[:12]}\u2026"
    )


_DUTY_ID = re.compile(r"the duty ([a-z0-9_]+) \([^()]*\)")
_COMMAND_LINE = re.compile(r" \(on the command line: [^()]*\)")


def _sentence(text: str) -> str:
    """A rule's reason as the window says it: a sentence, each duty by its name, not its id.

    (The rules name a duty ``the duty inform_parents (Inform parents)`` for the command line;
    a clinician reads ``the duty “Tell the parents or carers”``; a reason's hint
    for the command line is left out.)
    """
    text = _COMMAND_LINE.sub("", text.strip())
    text = _DUTY_ID.sub(lambda m: f"the duty “{ACTION.get(m[1], m[1])}”", text)
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _child(c: ChildRecord) -> ChildView:
    return child_view(c)


def stored_action(record: ActionRecord, user: str) -> StoredAction:
    """The case action for what the user recorded in the window (handler, reference, note).

    Who recorded it is who did it; a phone call's handler is kept with the call
    (:mod:`triage_app.domain.case_actions`, the one rule for every route).
    """
    d = dict(record.details)
    reference = d.pop("reference", None) or None
    handler = d.pop("handler", None)
    note = d.pop("note", None)  # the note as typed (found under Xvfb: "note: note: ...")
    parts = [f"{k}: {v}" for k, v in d.items() if v] + ([note] if note else [])
    details = details_with_handler(record.action_id, handler, "; ".join(parts) or None)
    return StoredAction(record.done_at, record.by or user, record.action_id, reference, details)


def due_label(item: DueItem) -> str:
    """The words for one item of case rule C7's list."""
    base = ACTION.get(item.what) or INVESTIGATION.get(item.what)
    if item.what == rules.MEETING_REVIEW:
        base = "Strategy meeting review"
    if base is None or item.what in (rules.STRATEGY_REVIEW, rules.RECORD_ADDENDUM):
        return item.label or item.what
    if item.what in INVESTIGATION:
        return f"Result pending: {base}"
    if item.what == rules.PRE_BIRTH_REFERRAL and "expected" in (item.label or ""):
        return f"{base} ({item.label.split('(', 1)[-1]}"
    return base


def due_views(due: Iterable[DueItem], case: CaseRecord) -> list[DueLine]:
    """C7's items as the window shows them (the same items the command line lists).

    The supervision in force follows as a note (never counted as due or overdue).
    """
    items = [
        DueLine(due_label(d), d.due_at, kind="survey" if d.what in INVESTIGATION else "action")
        for d in due
    ]
    sup = rules.supervision(case)
    if sup.in_force and case.status != "closed":
        items.append(DueLine(f"Supervision in force: {sup.conditions}", None, kind="supervision"))
    return items


def _actions(
    case: CaseRecord, decision: Decision | None, due: Iterable[DueItem]
) -> list[RequiredAction]:
    done: dict[str, StoredAction] = {}
    for a in rules.effective_actions(case):  # an undone record no longer counts (C6)
        if a.kind not in rules.CASE_EVENTS:
            done[a.kind] = a
    when = {d.what: d.due_at for d in due}
    if decision is not None:
        required = [(a.id, a.text, a.due, a.rule, a.due_at) for a in decision.actions]
    else:
        required = [(k, ACTION[k], "", "R4", None) for k in DEFAULT_ACTIONS]
    out = []
    for action_id, text, due_text, rule, due_at in required:
        due_at = when.get(action_id, due_at)  # C7's time (the written referral from the call)
        record = None
        if action_id in done:
            a = done[action_id]
            people = action_people(a)  # only a phone call has a handler
            note = f"WAIVED: {a.reason}" if a.waived else people.note or ""
            details = {
                "handler": people.handler or "",
                "reference": a.reference or "",
                "note": note,
            }
            record = ActionRecord(action_id, a.at, people.by, details)
        out.append(RequiredAction(action_id, text, due_text, rule, due_at, record))
    extra = [k for k in done if k not in {r[0] for r in required}]
    for kind in extra:
        a = done[kind]
        people = action_people(a)
        details = {"handler": people.handler or "", "note": people.note or ""}
        record = ActionRecord(kind, a.at, people.by, details)
        out.append(RequiredAction(kind, ACTION.get(kind, kind), "", "", None, record))
    return out


def _investigation(case: CaseRecord, i: InvestigationRecord) -> InvestigationView:
    name = INVESTIGATION.get(i.kind, i.kind)
    if i.kind == rules.OTHER_KIND:
        name = f"Other: {i.label}"
    return InvestigationView(
        str(i.id),
        name,
        i.due_from,
        i.due_to,
        i.result if i.status == rules.REPORTED else None,
        i.performed_on or (i.reported_at.date() if i.reported_at else None)
        if i.status != rules.PENDING
        else None,
        i.requested_at.date() if i.requested_at else None,
        status=i.status,
        stage=rules.stage(case, i),
        early_reason=i.early_reason,
        not_required_reason=i.not_required_reason,
        decided_by=i.decided_by,
        kind=i.kind,
    )


def _meeting(m: StrategyMeeting) -> str:
    text = f"{nhs_datetime(m.held_at)}: {m.outcome} (attended by {m.who()})"
    if m.supervision:
        text += f"; supervision: {m.supervision}"
    if m.review_on:
        text += f"; review by {m.review_on.strftime('%d-%b-%Y')}"
    return text
