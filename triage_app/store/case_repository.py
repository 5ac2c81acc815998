"""Cases: lifecycle fields, actions, investigations and strategy meetings.

Every change to a case (including adding an action, an investigation or a meeting) names
the case version the user read and bumps it, so two people editing one case cannot silently
overwrite each other: the second save raises ConflictError and writes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from triage_app.domain.cases import supervision
from triage_app.domain.records import (
    Attendee,
    CaseAction,
    CaseRecord,
    ConflictError,
    InvestigationRecord,
    NotFoundError,
    StrategyMeeting,
)
from triage_app.store.orm import (
    Case,
    CaseActionRow,
    CasePresentationRow,
    InvestigationRow,
    MeetingAttendeeRow,
    ReferralRecordRow,
    StrategyMeetingRow,
)
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
    "close_outcome",
    "close_reason",
    "closed_at",
    "sealed",
    "separate_reason",
)
# Supervision is never set here: it is read from strategy-meeting decisions (case rule C4).
UPDATABLE = frozenset(CASE_FIELDS) - {"child_id", "opened_at", "opened_by", "sealed"}
INVESTIGATION_FIELDS = (
    "kind",
    "status",
    "requested_at",
    "due_from",
    "due_to",
    "result",
    "reported_at",
    "label",
    "performed_on",
    "early_reason",
    "not_required_reason",
    "decided_by",
)
INVESTIGATION_UPDATABLE = frozenset(INVESTIGATION_FIELDS) - {"kind", "label", "requested_at"}


def meeting_record(m: StrategyMeetingRow) -> StrategyMeeting:
    """Map a strategy-meeting row (with its attendees) to its record."""
    return StrategyMeeting(
        held_at=m.held_at,
        outcome=m.outcome,
        attendees=tuple(Attendee(a.name, a.role, a.agency) for a in m.attendees),
        supervision=m.supervision_decision,
        conditions=m.supervision_conditions,
        relax_conditions=m.relax_conditions,
        review_on=m.review_on,
        reason=m.reason,
        id=m.id,
        agreed_by=m.agreed_by,
    )


def _action_order(a: CaseActionRow) -> tuple[datetime, int]:
    return a.at, a.id or 0


def _meeting_order(m: StrategyMeetingRow) -> tuple[datetime, int]:
    return m.held_at, m.id or 0


def case_record(row: Case) -> CaseRecord:
    """Map a case row (with its actions, investigations and meetings) to its record.

    The supervision fields are read from the latest strategy-meeting decision (C4).
    """
    case = CaseRecord(
        **{f: getattr(row, f) for f in CASE_FIELDS},
        actions=tuple(
            CaseAction(
                a.at, a.person, a.kind, a.reference, a.details, a.id, bool(a.waived), a.reason
            )
            for a in sorted(row.actions, key=_action_order)
        ),
        investigations=tuple(
            InvestigationRecord(
                **{f: getattr(i, f) for f in INVESTIGATION_FIELDS if f != "id"}, id=i.id
            )
            for i in row.investigations
        ),
        meetings=tuple(meeting_record(m) for m in sorted(row.meetings, key=_meeting_order)),
        id=row.id,
        version=row.row_version,
        presentation_ids=tuple(p.presentation_id for p in row.presentations),
    )
    s = supervision(case)
    if s.decision is None:
        return case
    return replace(
        case,
        supervision_required=s.in_force,
        supervision_conditions=s.conditions,
        supervision_agreed_by=s.decided_by,
    )


class CaseRepository:
    """Safeguarding cases."""

    def __init__(self, session: Session) -> None:
        self.s = session
        # The case rows read in this transaction, held so the session keeps them: it holds
        # unchanged rows weakly, and a row dropped between the read and the change would be
        # read again with every action (a cost that grows with the case).
        self._held: dict[int, Case] = {}

    def add(self, case: CaseRecord, user: str, now: datetime) -> CaseRecord:
        """Store a new case (its actions and investigations too) and return it."""
        row = Case(**{f: getattr(case, f) for f in CASE_FIELDS}, created_at=now, created_by=user)
        for a in case.actions:
            row.actions.append(_action_row(a, user, now))
        for i in case.investigations:
            row.investigations.append(_investigation_row(i))
        for m in case.meetings:
            row.meetings.append(_meeting_row(m, user, now))
        for pid in case.presentation_ids or (
            (case.presentation_id,) if case.presentation_id is not None else ()
        ):
            row.presentations.append(
                CasePresentationRow(presentation_id=pid, joined_at=now, created_by=user)
            )
        self.s.add(row)
        self.s.flush()
        return case_record(row)

    def get(self, case_id: int) -> CaseRecord:
        """Return a case by id, or raise NotFoundError."""
        return case_record(self._row(case_id))

    def _row(self, case_id: int) -> Case:
        row = self._held.get(case_id) or self.s.get(Case, case_id)
        if row is None:
            raise NotFoundError(f"no case with id {case_id}")
        self._held[case_id] = row
        return row

    def _locked(self, case_id: int, expected: int, attempted: dict[str, Any]) -> Case:
        row = self._row(case_id)
        if row.row_version != expected:
            raise ConflictError("case", case_id, expected, row.row_version, attempted)
        return row

    def _touch(self, row: Case, expected: int, user: str, now: datetime) -> CaseRecord:
        row.modified_at, row.modified_by = now, user
        # Always an UPDATE of the case row (so its version moves on), even when only a child
        # row (an action, an investigation, a meeting) changed at the same clock time.
        flag_modified(row, "modified_at")
        flush_or_conflict(self.s, "case", row.id, expected)
        # No re-read: the version check guarantees no one else changed the case since it was
        # read in this transaction, and the rows just added have their ids (case_record
        # orders them as the database would). Re-reading every action made an edit cost
        # grow with the case.
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

    def update_investigation(
        self,
        case_id: int,
        expected: int,
        investigation_id: int,
        user: str,
        now: datetime,
        **changes: Any,
    ) -> CaseRecord:
        """Change an investigation's status, dates, result and reasons."""
        bad = set(changes) - INVESTIGATION_UPDATABLE
        if bad:
            raise ValueError(f"investigation fields that cannot be changed: {', '.join(bad)}")
        row = self._locked(case_id, expected, {"investigation_id": investigation_id} | changes)
        inv = next((i for i in row.investigations if i.id == investigation_id), None)
        if inv is None:
            raise NotFoundError(f"case {case_id} has no investigation {investigation_id}")
        for name, value in changes.items():
            setattr(inv, name, value)
        return self._touch(row, expected, user, now)

    def add_presentation(
        self, case_id: int, expected: int, presentation_id: int, user: str, now: datetime
    ) -> CaseRecord:
        """A later presentation of the child joins the case (C8)."""
        row = self._locked(case_id, expected, {"presentation_id": presentation_id})
        row.presentations.append(
            CasePresentationRow(presentation_id=presentation_id, joined_at=now, created_by=user)
        )
        return self._touch(row, expected, user, now)

    def last_sealed_at(self, case_id: int) -> datetime | None:
        """When the case's referral record was last sealed (``None``: never)."""
        return self.s.scalars(
            select(func.max(ReferralRecordRow.sealed_at)).where(
                ReferralRecordRow.case_id == case_id
            )
        ).first()

    def open_for_child(self, child_id: int) -> list[CaseRecord]:
        """The child's cases that are not closed, oldest first."""
        rows = self.s.scalars(
            select(Case)
            .where(Case.child_id == child_id, Case.status != "closed")
            .order_by(Case.opened_at, Case.id)
        ).all()
        return [case_record(r) for r in rows]

    def add_meeting(
        self, case_id: int, expected: int, meeting: StrategyMeeting, user: str, now: datetime
    ) -> CaseRecord:
        """Record a strategy meeting's outcome."""
        row = self._locked(case_id, expected, {"meeting": meeting.__dict__})
        row.meetings.append(_meeting_row(meeting, user, now))
        return self._touch(row, expected, user, now)

    def listing(
        self, recent_since: datetime | None, limit: int = 500, *, closed_only: bool = False
    ) -> list[CaseRecord]:
        """Open cases, and cases closed since ``recent_since``; newest first.

        ``recent_since`` ``None``: every closed case. ``closed_only``: the closed cases alone.
        """
        closed = Case.status == "closed"
        if recent_since is not None:
            closed = closed & (Case.closed_at >= recent_since)
        where = closed if closed_only else or_(Case.status != "closed", closed)
        rows = self.s.scalars(
            select(Case).where(where).order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit)
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
        waived=a.waived,
        reason=a.reason,
    )


def _investigation_row(i: InvestigationRecord) -> InvestigationRow:
    return InvestigationRow(**{f: getattr(i, f) for f in INVESTIGATION_FIELDS})


def _meeting_row(m: StrategyMeeting, user: str, now: datetime) -> StrategyMeetingRow:
    return StrategyMeetingRow(
        held_at=m.held_at,
        outcome=m.outcome,
        agreed_by=m.who(),
        supervision_decision=m.supervision,
        supervision_conditions=m.conditions,
        relax_conditions=m.relax_conditions,
        review_on=m.review_on,
        reason=m.reason,
        created_at=now,
        created_by=user,
        attendees=[
            MeetingAttendeeRow(name=a.name, role=a.role, agency=a.agency) for a in m.attendees
        ],
    )
