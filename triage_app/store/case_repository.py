"""Cases: lifecycle fields, actions, investigations and strategy meetings.

Every change to a case (including adding an action, an investigation or a meeting) names
the case version the user read and bumps it, so two people editing one case cannot silently
overwrite each other: the second save raises ConflictError and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from triage_app.domain.records import (
    CaseAction,
    CaseRecord,
    ConflictError,
    InvestigationRecord,
    NotFoundError,
    StrategyMeeting,
)
from triage_app.store.orm import Case, CaseActionRow, InvestigationRow, StrategyMeetingRow
from triage_app.store.repositories import flush_or_conflict

CASE_FIELDS = (
    "child_id",
    "status",
    "opened_at",
    "opened_by",
    "presentation_id",
    "referral_called_at",
    "written_referral_due",
    "written_referral_sent_at",
    "supervision_required",
    "supervision_conditions",
    "supervision_agreed_by",
    "close_outcome",
    "close_reason",
    "closed_at",
    "sealed",
)
UPDATABLE = frozenset(CASE_FIELDS) - {"child_id", "opened_at", "opened_by", "sealed"}


def case_record(row: Case) -> CaseRecord:
    """Map a case row (with its actions, investigations and meetings) to its record."""
    return CaseRecord(
        **{f: getattr(row, f) for f in CASE_FIELDS},
        actions=tuple(
            CaseAction(a.at, a.person, a.kind, a.reference, a.details, a.id) for a in row.actions
        ),
        investigations=tuple(
            InvestigationRecord(
                i.kind,
                i.status,
                i.requested_at,
                i.due_from,
                i.due_to,
                i.result,
                i.reported_at,
                i.id,
            )
            for i in row.investigations
        ),
        meetings=tuple(
            StrategyMeeting(
                m.held_at,
                m.outcome,
                m.agreed_by,
                m.supervision_decision,
                m.supervision_conditions,
                m.id,
            )
            for m in row.meetings
        ),
        id=row.id,
        version=row.row_version,
    )


class CaseRepository:
    """Safeguarding cases."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, case: CaseRecord, user: str, now: datetime) -> CaseRecord:
        """Store a new case (its actions and investigations too) and return it."""
        row = Case(**{f: getattr(case, f) for f in CASE_FIELDS}, created_at=now, created_by=user)
        for a in case.actions:
            row.actions.append(_action_row(a, user, now))
        for i in case.investigations:
            row.investigations.append(_investigation_row(i))
        for m in case.meetings:
            row.meetings.append(_meeting_row(m, user, now))
        self.s.add(row)
        self.s.flush()
        return case_record(row)

    def get(self, case_id: int) -> CaseRecord:
        """Return a case by id, or raise NotFoundError."""
        return case_record(self._row(case_id))

    def _row(self, case_id: int) -> Case:
        row = self.s.get(Case, case_id)
        if row is None:
            raise NotFoundError(f"no case with id {case_id}")
        return row

    def _locked(self, case_id: int, expected: int, attempted: dict[str, Any]) -> Case:
        row = self._row(case_id)
        if row.row_version != expected:
            raise ConflictError("case", case_id, expected, row.row_version, attempted)
        return row

    def _touch(self, row: Case, expected: int, user: str, now: datetime) -> CaseRecord:
        row.modified_at, row.modified_by = now, user
        flush_or_conflict(self.s, "case", row.id, expected)
        self.s.refresh(row)
        return case_record(row)

    def update(
        self, case_id: int, expected: int, user: str, now: datetime, **changes: Any
    ) -> CaseRecord:
        """Change lifecycle fields (status, referral times, supervision, closure)."""
        bad = set(changes) - UPDATABLE
        if bad:
            raise ValueError(f"case fields that cannot be changed here: {', '.join(sorted(bad))}")
        row = self._locked(case_id, expected, changes)
        for name, value in changes.items():
            setattr(row, name, value)
        return self._touch(row, expected, user, now)

    def add_action(
        self, case_id: int, expected: int, action: CaseAction, user: str, now: datetime
    ) -> CaseRecord:
        """Record an action taken on the case."""
        row = self._locked(case_id, expected, {"action": action.__dict__})
        row.actions.append(_action_row(action, user, now))
        return self._touch(row, expected, user, now)

    def add_investigation(
        self, case_id: int, expected: int, inv: InvestigationRecord, user: str, now: datetime
    ) -> CaseRecord:
        """Record an investigation requested on the case."""
        row = self._locked(case_id, expected, {"investigation": inv.__dict__})
        row.investigations.append(_investigation_row(inv))
        return self._touch(row, expected, user, now)

    def report_investigation(
        self,
        case_id: int,
        expected: int,
        investigation_id: int,
        status: str,
        result: str | None,
        reported_at: datetime | None,
        user: str,
        now: datetime,
    ) -> CaseRecord:
        """Record an investigation's result (or that it is not required)."""
        attempted = {"investigation_id": investigation_id, "status": status, "result": result}
        row = self._locked(case_id, expected, attempted)
        inv = next((i for i in row.investigations if i.id == investigation_id), None)
        if inv is None:
            raise NotFoundError(f"case {case_id} has no investigation {investigation_id}")
        inv.status, inv.result, inv.reported_at = status, result, reported_at
        return self._touch(row, expected, user, now)

    def add_meeting(
        self, case_id: int, expected: int, meeting: StrategyMeeting, user: str, now: datetime
    ) -> CaseRecord:
        """Record a strategy meeting's outcome."""
        row = self._locked(case_id, expected, {"meeting": meeting.__dict__})
        row.meetings.append(_meeting_row(meeting, user, now))
        return self._touch(row, expected, user, now)

    def listing(self, recent_since: datetime, limit: int = 500) -> list[CaseRecord]:
        """Open cases, and cases closed since ``recent_since``; newest first."""
        rows = self.s.scalars(
            select(Case)
            .where(or_(Case.status != "closed", Case.closed_at >= recent_since))
            .order_by(Case.opened_at.desc(), Case.id.desc())
            .limit(limit)
        ).all()
        return [case_record(r) for r in rows]

    def for_child(self, child_id: int) -> list[CaseRecord]:
        """All cases of one child, newest first."""
        rows = self.s.scalars(
            select(Case).where(Case.child_id == child_id).order_by(Case.opened_at.desc())
        ).all()
        return [case_record(r) for r in rows]


def _action_row(a: CaseAction, user: str, now: datetime) -> CaseActionRow:
    return CaseActionRow(
        at=a.at,
        person=a.person,
        kind=a.kind,
        reference=a.reference,
        details=a.details,
        created_at=now,
        created_by=user,
    )


def _investigation_row(i: InvestigationRecord) -> InvestigationRow:
    return InvestigationRow(
        kind=i.kind,
        status=i.status,
        requested_at=i.requested_at,
        due_from=i.due_from,
        due_to=i.due_to,
        result=i.result,
        reported_at=i.reported_at,
    )


def _meeting_row(m: StrategyMeeting, user: str, now: datetime) -> StrategyMeetingRow:
    return StrategyMeetingRow(
        held_at=m.held_at,
        outcome=m.outcome,
        agreed_by=m.agreed_by,
        supervision_decision=m.supervision_decision,
        supervision_conditions=m.supervision_conditions,
        created_at=now,
        created_by=user,
    )
