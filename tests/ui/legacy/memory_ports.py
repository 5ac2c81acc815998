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

from tests.ui.legacy.memory_records import MemoryRecords
from triage_app.domain import nhs_number
from triage_app.domain.display import nhs_datetime
from triage_app.domain.model import Assessment, Decision
from triage_app.ui.labels import ACTION, INVESTIGATION
from triage_app.ui.ports import Draft, Refused, UiServices
from triage_app.ui.viewmodels import (
    NEW_CHILD_ID,
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


class MemoryRecord(MemoryRecords):
    """Children, histories, cases, users, a draft and sealed records, all in memory."""

    def __init__(self) -> None:
        self.children: dict[str, ChildRecord] = {}
        self.histories: dict[str, ChildHistory] = {}
        self.cases: dict[str, CaseDetail] = {}
        self.user_list: list[UserRecord] = []
        self.draft: Draft | None = None
        self.finalised: list[tuple[str, Assessment, Decision]] = []
        self.relax_agreed: set[str] = set()
        self._ids = itertools.count(1)
        self._records_init()

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
        self,
        family_name: str,
        given_name: str,
        date_of_birth: date | None,
        postcode: str | None = None,
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

    def request_investigation(self, case_id: str, investigation_id: str, on: datetime) -> None:
        """Add a requested investigation; the follow-up survey window runs from the initial."""
        case = self.cases[case_id]
        name = INVESTIGATION.get(investigation_id, investigation_id)
        due_from = due_to = None
        if investigation_id == "skeletal_survey_follow_up":
            initial = next(
                (i for i in case.investigations if i.investigation_id == "skeletal_survey_initial"),
                None,
            )
            base = (initial.resulted_on or initial.requested_on) if initial else on.date()
            due_from, due_to = base + timedelta(days=11), base + timedelta(days=14)
        item = InvestigationView(investigation_id, name, due_from, due_to, requested_on=on.date())
        suggested = tuple(x for x in case.suggested_investigations if x[0] != investigation_id)
        self.cases[case_id] = replace(
            case, investigations=(*case.investigations, item), suggested_investigations=suggested
        )

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

    def record_strategy_meeting(
        self, case_id: str, held_at: datetime, outcome: str, agreed_by: str, relax: bool
    ) -> None:
        """Record a strategy meeting; a decision to relax supervision is kept with it."""
        if not outcome.strip() or not agreed_by.strip():
            raise Refused("The meeting's outcome and who agreed it are both required.")
        case = self.cases[case_id]
        decision = "relax supervision" if relax else "maintain supervision"
        line = f"{nhs_datetime(held_at)}: {outcome} (agreed by {agreed_by}; {decision})"
        if relax:
            self.relax_agreed.add(case_id)
        self.cases[case_id] = replace(case, meetings=(*case.meetings, line))

    def set_supervision(
        self, case_id: str, required: bool, conditions: str, agreed_by: str
    ) -> None:
        """Set supervision; relaxing early needs a strategy-meeting decision (Child AF)."""
        if not agreed_by.strip():
            raise Refused("Who agreed the supervision arrangement is required.")
        case = self.cases[case_id]
        if not required and case.supervision_required and case_id not in self.relax_agreed:
            surveys = {i.investigation_id for i in case.investigations if not i.pending} >= {
                "skeletal_survey_initial",
                "skeletal_survey_follow_up",
            }
            if not surveys:
                raise Refused(
                    "Supervision cannot be relaxed before both skeletal surveys are reported "
                    "unless a strategy meeting decided to relax it."
                )
        self.cases[case_id] = replace(
            case, supervision_required=required, supervision_conditions=conditions or None
        )

    def close_case(self, case_id: str, outcome: str, reason: str) -> str | None:
        """Close a case; "no concern" is refused while results are pending (rule R8)."""
        case = self.cases[case_id]
        problems = []
        if not reason.strip():
            problems.append("A reason for closing is required.")
        pending = [i.name for i in case.investigations if i.pending]
        if outcome == "no_concern" and pending:
            problems.append(
                "Cannot close as no concern while results are pending: " + ", ".join(pending) + "."
            )
        if problems:
            return " ".join(problems)
        self.cases[case_id] = replace(case, status="closed")
        return None

    def seal_referral(self, case_id: str) -> str:
        """Seal version 1 (a small stand-in PDF: the in-memory record has no report layer)."""
        case = self.cases[case_id]
        if self.sealed.get(case_id):
            raise Refused("This referral record is already sealed: add an addendum instead.")
        view = self.seal_version(case_id, None)
        line = f"{view.record_uid}: version 1 sealed {nhs_datetime(view.sealed_at)}"
        self.cases[case_id] = replace(case, referral_versions=(*case.referral_versions, line))
        return line

    def add_addendum(self, case_id: str, reason: str) -> str:
        """Seal an addendum and list it with the case's versions."""
        text = super().add_addendum(case_id, reason)
        view = self.sealed[case_id][-1].view
        case = self.cases[case_id]
        line = f"{view.record_uid}: version {view.version} addendum ({view.addendum_reason})"
        self.cases[case_id] = replace(case, referral_versions=(*case.referral_versions, line))
        return text

    def export_referral(self, case_id: str, pdf_path: str) -> str:
        """Write the latest sealed version where the user chose."""
        versions = self.sealed.get(case_id)
        if not versions:
            raise Refused("The referral record is not sealed yet: seal it first.")
        return self.save_sealed_pdf(case_id, versions[-1].view.version, pdf_path)

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
        if child_id == NEW_CHILD_ID:  # stored with its first assessment
            c = assessment.child
            child_id = self.add_child(
                NewChild(c.date_of_birth, c.nhs_number, c.given_name, c.family_name, c.sex)
            ).id
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
        from tests.ui.legacy.sample import add_sample

        return add_sample(
            self, datetime.now().replace(second=0, microsecond=0), progress, cancelled
        )

    def services(self) -> UiServices:
        """Return this record as the bundle of ports the main window takes."""
        return UiServices(self, self, self, self, self, self, self, records=self, session=self)


class MemoryOpener:
    """A :class:`~triage_app.ui.ports.RecordOpener` over an in-memory record (no passwords)."""

    def __init__(self, record: MemoryRecord | None = None) -> None:
        self.record = record or MemoryRecord()

    def state(self) -> str:
        """``fresh`` until a user exists, then ``open``."""
        return "open" if self.record.user_list else "fresh"

    def create_first_user(self, name: str, password: str) -> UiServices:
        """Create the user (the password is kept in memory only, to unlock the screen)."""
        self.record.create_user(name, "administrator")
        self.record.passwords[name] = password
        return self.record.services()

    def sign_in(self, name: str, password: str) -> UiServices:
        """Open as the named user."""
        return self.record.services()

    def open(self) -> UiServices:
        """Open the record."""
        return self.record.services()


def case_from_decision(
    case_id: str, child: ChildRecord, assessment: Assessment, decision: Decision
) -> CaseDetail:
    """Build a new case from a decision: its actions and investigation prompts."""
    actions = tuple(CaseAction(a.id, a.text, a.due, a.rule, a.due_at) for a in decision.actions)
    suggested = tuple((i.id, INVESTIGATION.get(i.id, i.text)) for i in decision.investigations)
    return CaseDetail(
        case_id,
        child,
        assessment.assessed_at,
        decision.urgency,
        actions,
        suggested_investigations=suggested,
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
    if case.supervision_required:
        conditions = case.supervision_conditions or "conditions not recorded"
        items.append(DueItem(f"Supervision in force: {conditions}", None, kind="supervision"))
    return CaseSummary(case.case_id, case.child, case.opened_at, case.urgency, tuple(items))
