"""An in-memory implementation of every port, for ``--self-test``, screenshots and tests.

It keeps nothing on disk and holds only what it is given or the synthetic sample below
(NHS numbers from the synthetic 999 range, never issued to a patient).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from triage_app.domain import nhs_number
from triage_app.domain.model import Assessment, Decision
from triage_app.ui.labels import ACTION, INVESTIGATION
from triage_app.ui.ports import Draft, UiServices
from triage_app.ui.viewmodels import (
    ActionRecord,
    CaseAction,
    CaseDetail,
    CaseSummary,
    ChildHistory,
    ChildMatch,
    ChildRecord,
    DueItem,
    InvestigationView,
    NewChild,
    UserRecord,
)

WRITTEN_REFERRAL_HOURS = 24


class MemoryRecord:
    """Children, histories, cases, users and a draft, all in memory."""

    def __init__(self) -> None:
        self.children: dict[str, ChildRecord] = {}
        self.histories: dict[str, ChildHistory] = {}
        self.cases: dict[str, CaseDetail] = {}
        self.user_list: list[UserRecord] = []
        self.draft: Draft | None = None
        self.finalised: list[tuple[str, Assessment, Decision]] = []
        self._ids = itertools.count(1)

    def next_id(self, prefix: str) -> str:
        """Return a fresh id such as ``child-3``."""
        return f"{prefix}-{next(self._ids)}"

    # ChildDirectory -------------------------------------------------------------------
    def find_by_nhs_number(self, nhs_number: str) -> list[ChildMatch]:
        """Return the children with this NHS number."""
        digits = nhs_number.replace(" ", "")
        return [
            ChildMatch(c, ("NHS number matches",))
            for c in self.children.values()
            if c.nhs_number == digits
        ]

    def find_by_name(
        self, family_name: str, given_name: str, date_of_birth: date | None
    ) -> list[ChildMatch]:
        """Return probable matches: same family name, with given name and birth date reasons."""
        out = []
        for c in self.children.values():
            reasons = []
            if family_name and (c.family_name or "").lower() == family_name.strip().lower():
                reasons.append("family name matches")
            if given_name and (c.given_name or "").lower() == given_name.strip().lower():
                reasons.append("given name matches")
            if date_of_birth and c.date_of_birth == date_of_birth:
                reasons.append("date of birth matches")
            if len(reasons) >= 2:
                out.append(ChildMatch(c, tuple(reasons)))
        return sorted(out, key=lambda m: -len(m.reasons))

    def add_child(self, child: NewChild) -> ChildRecord:
        """Add a child and return its record."""
        nhs = nhs_number.normalise(child.nhs_number) if child.nhs_number else None
        record = ChildRecord(
            self.next_id("child"),
            child.date_of_birth,
            nhs,
            child.given_name,
            child.family_name,
            child.sex,
        )
        self.children[record.id] = record
        return record

    # HistoryLookup --------------------------------------------------------------------
    def history(self, child_id: str, before: datetime) -> ChildHistory:
        """Return the stored history for a child (empty when none)."""
        return self.histories.get(child_id, ChildHistory())

    # CaseTracker ----------------------------------------------------------------------
    def open_cases(self) -> list[CaseSummary]:
        """Return the open cases with their due items."""
        return [summarise(c) for c in self.cases.values() if c.status == "open"]

    def case_detail(self, case_id: str) -> CaseDetail:
        """Return one case."""
        return self.cases[case_id]

    def record_action(self, case_id: str, record: ActionRecord) -> None:
        """Record an action; the call to social care starts the written-referral countdown."""
        case = self.cases[case_id]
        actions = []
        for a in case.actions:
            if a.action_id == record.action_id:
                a = replace(a, record=record)
            if a.action_id == "written_referral" and record.action_id == "phone_csc":
                a = replace(a, due_at=record.done_at + timedelta(hours=WRITTEN_REFERRAL_HOURS))
            actions.append(a)
        self.cases[case_id] = replace(case, actions=tuple(actions))

    def add_result(self, case_id: str, investigation_id: str, result: str, on: date) -> None:
        """Record an investigation result."""
        case = self.cases[case_id]
        items = tuple(
            replace(i, result=result, resulted_on=on)
            if i.investigation_id == investigation_id
            else i
            for i in case.investigations
        )
        self.cases[case_id] = replace(case, investigations=items)

    def record_strategy_meeting(self, case_id: str, summary: str) -> None:
        """Record the strategy meeting."""
        self.cases[case_id] = replace(self.cases[case_id], strategy_meeting=summary)

    def add_supervision_condition(self, case_id: str, condition: str) -> None:
        """Add a supervision condition."""
        case = self.cases[case_id]
        conditions = (*case.supervision_conditions, condition)
        self.cases[case_id] = replace(case, supervision_conditions=conditions)

    def close_case(self, case_id: str, by: str) -> str | None:
        """Close a case unless results or the paediatric attendance are outstanding (R8)."""
        case = self.cases[case_id]
        pending = [i.name for i in case.investigations if i.pending]
        if pending:
            return "Results are still pending: " + ", ".join(pending) + "."
        attendance = next(
            (a for a in case.actions if a.action_id == "confirm_paediatric_attendance"), None
        )
        if attendance is not None and attendance.record is None:
            return "Attendance at the paediatric assessment has not been confirmed."
        self.cases[case_id] = replace(case, status="closed")
        return None

    # AssessmentRecorder ---------------------------------------------------------------
    def finalise(
        self,
        child_id: str,
        assessment: Assessment,
        decision: Decision,
        actions: tuple[ActionRecord, ...],
        by: str,
        extra: Mapping[str, Any],
    ) -> str:
        """Open a case from the decision and record the actions already done."""
        case_id = self.next_id("case")
        self.finalised.append((case_id, assessment, decision))
        self.cases[case_id] = case_from_decision(
            case_id, self.children[child_id], assessment, decision
        )
        for record in actions:
            self.record_action(case_id, record)
        return case_id

    # DraftStore -----------------------------------------------------------------------
    def save(self, data: Mapping[str, Any]) -> None:
        """Keep the draft in memory."""
        self.draft = Draft(datetime.now().replace(microsecond=0), dict(data))

    def load(self) -> Draft | None:
        """Return the draft in memory."""
        return self.draft

    def discard(self) -> None:
        """Forget the draft."""
        self.draft = None

    # UserDirectory --------------------------------------------------------------------
    def users(self) -> list[UserRecord]:
        """Return the users."""
        return list(self.user_list)

    def create_user(self, name: str, role: str) -> UserRecord:
        """Create a user."""
        user = UserRecord(self.next_id("user"), name, role)
        self.user_list.append(user)
        return user

    # DemoData -------------------------------------------------------------------------
    def load_demo(self, progress: Any, cancelled: Any) -> int:
        """Add the synthetic sample children one by one, stopping when cancelled."""
        from triage_app.ui.sample import add_sample

        return add_sample(
            self, datetime.now().replace(second=0, microsecond=0), progress, cancelled
        )

    def services(self) -> UiServices:
        """Return this record as the bundle of ports the main window takes."""
        return UiServices(self, self, self, self, self, self, self)


def case_from_decision(
    case_id: str, child: ChildRecord, assessment: Assessment, decision: Decision
) -> CaseDetail:
    """Build a new case from a decision: its actions and investigation prompts."""
    actions = tuple(CaseAction(a.id, a.text, a.due, a.rule, a.due_at) for a in decision.actions)
    investigations = tuple(
        InvestigationView(i.id, INVESTIGATION.get(i.id, i.text), i.due_from, i.due_to)
        for i in decision.investigations
    )
    return CaseDetail(
        case_id,
        child,
        assessment.assessed_at,
        decision.urgency,
        actions,
        investigations,
        flags=tuple(f.text for f in decision.flags),
    )


def summarise(case: CaseDetail) -> CaseSummary:
    """Return the dashboard line of a case: undone actions, pending results, conditions."""
    items = [
        DueItem(ACTION.get(a.action_id, a.action_id), a.due_at, kind="action")
        for a in case.actions
        if a.record is None and a.due_at is not None
    ]
    for inv in case.investigations:
        if inv.pending:
            due = datetime.combine(inv.due_to, time(23, 59)) if inv.due_to else None
            kind = "survey" if inv.due_to else "result"
            items.append(DueItem(f"Result pending: {inv.name}", due, kind=kind))
    for condition in case.supervision_conditions:
        items.append(DueItem(f"Supervision condition: {condition}", None, kind="supervision"))
    return CaseSummary(case.case_id, case.child, case.opened_at, case.urgency, tuple(items))
