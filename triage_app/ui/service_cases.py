"""The case tracker port over ``triage_app.services.cases`` (rule R8 lives in the services).

Each change passes the case version this view last read (optimistic concurrency): if someone
else changed the case in between, the service refuses and the user is told to reload.

A case shows the decision stored with its assessment (actions with their due times and
rules, flags, investigation prompts), read through
:func:`triage_app.services.assessments.decision_for_case`, so it reads the same after a
restart as in the session that made it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.case_rules import CaseRuleError
from triage_app.domain.errors import InputError
from triage_app.domain.records import CaseAction as StoredAction
from triage_app.domain.records import ConflictError, NotFoundError, StrategyMeeting
from triage_app.domain.sealed import ExportTargetError, SealingError
from triage_app.domain.vocab import Urgency
from triage_app.services import assessments, cases, children, permissions, referrals
from triage_app.services.context import StoreContext
from triage_app.ui.labels import ACTION, INVESTIGATION
from triage_app.ui.ports import Refused
from triage_app.ui.viewmodels import (
    ActionRecord,
    CaseAction,
    CaseDetail,
    CaseSummary,
    DueItem,
    InvestigationView,
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
        self._decisions: dict[int, Any] = {}

    def open_for(self, recorded: Any, opened_at: datetime) -> str:
        """Open a case for a recorded assessment and remember its decision."""
        case = cases.open_case(
            self.ctx,
            recorded.child.id,
            presentation_id=recorded.presentation.id,
            opened_at=opened_at,
        )
        self._decisions[case.id] = recorded.decision
        self._versions[case.id] = case.version
        return str(case.id)

    def _call(self, case_id: str, step: Any) -> None:
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
    def open_cases(self) -> list[CaseSummary]:
        """Return the open cases with what each is waiting for."""
        out = []
        # Only the cases this user may see (a clinician: their own; a lead: all).
        for s in permissions.visible_cases(self.ctx):
            if s.case.status == "closed":
                continue
            out.append(
                CaseSummary(
                    str(s.case.id),
                    _child(s.child),
                    s.case.opened_at,
                    self._urgency(s.case, s.child),
                    tuple(_due_items(s)),
                )
            )
        return out

    def case_detail(self, case_id: str) -> CaseDetail:
        """Return one case in full (read fresh; its version is kept for the next change)."""
        case = cases.get_case(self.ctx, int(case_id))
        self._versions[case.id] = case.version
        child = children.get_child(self.ctx, case.child_id)
        decision = self._decision(case.id)
        requested = {i.kind for i in case.investigations}
        if decision is not None:
            prompts = [(i.id, INVESTIGATION.get(i.id, i.text)) for i in decision.investigations]
        else:
            profile = self.ctx.protocol.registry.get(None)
            prompts = [(i.id, INVESTIGATION.get(i.id, i.text)) for i in profile.investigations]
        return CaseDetail(
            str(case.id),
            _child(child),
            case.opened_at,
            self._urgency(case, child),
            tuple(_actions(case, decision)),
            tuple(_investigation(i) for i in case.investigations),
            tuple(p for p in prompts if p[0] not in requested),
            tuple(_meeting(m) for m in case.meetings),
            case.supervision_required,
            case.supervision_conditions,
            "closed" if case.status == "closed" else "open",
            tuple(f.text for f in decision.flags) if decision else (),
            tuple(_sealed_line(r) for r in referrals.list_records(self.ctx, case.id)),
        )

    def _decision(self, case_id: int) -> Any:
        """The decision stored with the case's assessment (``None``: opened without one)."""
        if case_id not in self._decisions:
            try:
                stored = assessments.decision_for_case(self.ctx, case_id)
            except NotFoundError as exc:
                raise Refused(str(exc)) from exc
            self._decisions[case_id] = stored.decision if stored else None
        return self._decisions[case_id]

    def _urgency(self, case: Any, child: Any) -> Urgency | None:
        """The urgency of the decision stored with the case's assessment."""
        decision = self._decision(case.id)
        return decision.urgency if decision is not None else None

    # Changing ---------------------------------------------------------------------------
    def record_action(self, case_id: str, record: ActionRecord) -> None:
        """Record an action; the phone referral starts the written-referral countdown."""
        d = dict(record.details)
        reference = d.pop("reference", None)
        handler = d.pop("handler", None)
        details = "; ".join(f"{k}: {v}" for k, v in d.items() if v) or None
        if record.action_id == "phone_csc":
            person = handler or record.by or self.ctx.user
            note = f"recorded by {record.by}; {details}" if details else f"recorded by {record.by}"

            def step(cid: int, version: int) -> Any:
                return cases.record_phone_referral(
                    self.ctx, cid, version, called_at=record.done_at, person=person,
                    reference=reference, details=note,
                )  # fmt: skip
        elif record.action_id == "written_referral":

            def step(cid: int, version: int) -> Any:
                return cases.record_written_referral(
                    self.ctx, cid, version, sent_at=record.done_at,
                    person=record.by or self.ctx.user, reference=reference,
                )  # fmt: skip
        else:
            if handler:
                details = f"handler: {handler}; {details}" if details else f"handler: {handler}"
            action = StoredAction(
                record.done_at, record.by or self.ctx.user, record.action_id, reference, details
            )

            def step(cid: int, version: int) -> Any:
                return cases.add_action(self.ctx, cid, version, action)

        self._call(case_id, step)

    def request_investigation(self, case_id: str, investigation_id: str, on: datetime) -> None:
        """Request an investigation (the follow-up survey's window comes from the initial)."""
        self._call(
            case_id,
            lambda cid, v: cases.request_investigation(
                self.ctx, cid, v, investigation_id, requested_at=on
            ),
        )

    def add_result(self, case_id: str, investigation_id: str, result: str, on: date) -> None:
        """Record a result (reported on ``on``)."""
        now = self.ctx.clock()
        at = datetime.combine(on, now.time() if on == now.date() else time(12, 0))
        self._call(
            case_id,
            lambda cid, v: cases.report_investigation(
                self.ctx, cid, v, int(investigation_id), result=result, reported_at=at
            ),
        )

    def record_strategy_meeting(
        self, case_id: str, held_at: datetime, outcome: str, agreed_by: str, relax: bool
    ) -> None:
        """Record a strategy meeting and its supervision decision."""
        meeting = StrategyMeeting(held_at, outcome, agreed_by, "relax" if relax else "maintain")
        self._call(case_id, lambda cid, v: cases.record_strategy_meeting(self.ctx, cid, v, meeting))

    def set_supervision(
        self, case_id: str, required: bool, conditions: str, agreed_by: str
    ) -> None:
        """Set or relax supervision (relaxing early needs a meeting's decision)."""
        self._call(
            case_id,
            lambda cid, v: cases.set_supervision(
                self.ctx,
                cid,
                v,
                required=required,
                conditions=conditions or None,
                agreed_by=agreed_by,
            ),  # fmt: skip
        )

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


def _sealed_line(r: Any) -> str:
    from triage_app.domain.display import nhs_datetime

    what = f"addendum ({r.addendum_reason})" if r.version > 1 else "sealed"
    return (
        f"{r.record_uid}: version {r.version} {what} {nhs_datetime(r.sealed_at)} by "
        f"{r.sealed_by}; PDF SHA-256 {r.pdf_sha256[:12]}\u2026"
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _child(c: Any) -> Any:
    from triage_app.ui.service_adapters import child_view

    return child_view(c)


def _due_items(s: Any) -> list[DueItem]:
    items = []
    for d in s.due:
        if d.what == "written_referral":
            items.append(DueItem("Written referral", d.due_at, kind="action"))
        else:
            name = INVESTIGATION.get(d.what, d.what)
            items.append(DueItem(f"Result pending: {name}", d.due_at, kind="survey"))
    dated = {d.what for d in s.due}
    for inv in s.case.investigations:
        if inv.status == "pending" and inv.kind not in dated:
            name = INVESTIGATION.get(inv.kind, inv.kind)
            items.append(DueItem(f"Result pending: {name}", None, kind="result"))
    if not any(a.kind == "confirm_paediatric_attendance" for a in s.case.actions):
        items.append(DueItem("Paediatric attendance not yet confirmed", None, kind="attendance"))
    if s.case.supervision_required:
        conditions = s.case.supervision_conditions or "conditions not recorded"
        items.append(DueItem(f"Supervision in force: {conditions}", None, kind="supervision"))
    return items


def _actions(case: Any, decision: Any) -> list[CaseAction]:
    done: dict[str, Any] = {}
    for a in case.actions:
        done.setdefault(a.kind, a)
    if decision is not None:
        required = [(a.id, a.text, a.due, a.rule, a.due_at) for a in decision.actions]
    else:
        required = [(k, ACTION[k], "", "R4", None) for k in DEFAULT_ACTIONS]
    out = []
    for action_id, text, due, rule, due_at in required:
        if action_id == "written_referral" and case.written_referral_due is not None:
            due_at = case.written_referral_due
        if action_id == "phone_csc" and due_at is None:
            due_at = case.opened_at
        record = None
        if action_id in done:
            a = done[action_id]
            details = {"handler": a.person, "reference": a.reference or "", "note": a.details or ""}
            record = ActionRecord(action_id, a.at, a.person, details)
        out.append(CaseAction(action_id, text, due, rule, due_at, record))
    extra = [k for k in done if k not in {r[0] for r in required}]
    for kind in extra:
        a = done[kind]
        record = ActionRecord(kind, a.at, a.person, {"note": a.details or ""})
        out.append(CaseAction(kind, ACTION.get(kind, kind), "", "", None, record))
    return out


def _investigation(i: Any) -> InvestigationView:
    result = i.result
    if i.status == "not_required":
        result = f"Not required{': ' + result if result else ''}"
    return InvestigationView(
        str(i.id),
        INVESTIGATION.get(i.kind, i.kind),
        i.due_from,
        i.due_to,
        result if i.status != "pending" else None,
        i.reported_at.date() if i.reported_at and i.status != "pending" else None,
        i.requested_at.date() if i.requested_at else None,
    )


def _meeting(m: Any) -> str:
    from triage_app.domain.display import nhs_datetime

    decision = "relax supervision" if m.supervision_decision == "relax" else "maintain supervision"
    return f"{nhs_datetime(m.held_at)}: {m.outcome} (agreed by {m.agreed_by}; {decision})"
