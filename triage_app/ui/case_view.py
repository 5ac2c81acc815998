"""The case view: actions, investigations and results, strategy meeting, supervision, closure.

Closure as "no concern" is refused while results are pending (rule R8); every refusal and its
reason are shown on the page in words, never only in a pop-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import nhs_datetime
from triage_app.ui.labels import URGENCY
from triage_app.ui.ports import CaseTracker, Refused, SealedRecords
from triage_app.ui.seams import Executor, ImmediateExecutor, Prompter
from triage_app.ui.viewmodels import ActionRecord, CaseDetail, SealedVersion
from triage_app.ui.widgets.actions_checklist import ActionsChecklist
from triage_app.ui.widgets.case_panels import (
    CLOSE_OUTCOMES,
    InvestigationsPanel,
    MeetingPanel,
)
from triage_app.ui.widgets.referral_panel import ReferralPanel, save_sealed_copy


class CaseView(QWidget):
    """One case in full; every change goes through the case tracker port."""

    closed_case = Signal(str)
    back_requested = Signal()
    preview_requested = Signal(str, object)  # case id, SealedVersion

    def __init__(
        self,
        cases: CaseTracker | None,
        clock: Any,
        parent: QWidget | None = None,
        *,
        executor: Executor | None = None,
        prompter: Prompter | None = None,
        records: SealedRecords | None = None,
    ) -> None:
        super().__init__(parent)
        self._cases, self._clock = cases, clock
        self._records = records
        self._executor = executor or ImmediateExecutor()
        self._prompter = prompter
        self.user = ""
        self.case: CaseDetail | None = None
        self.header_label = QLabel(self)
        self.header_label.setObjectName("case_header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setAccessibleName("Case status")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("case_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.checklist = ActionsChecklist(self)
        actions_box = QGroupBox("Actions", self)
        QVBoxLayout(actions_box).addWidget(self.checklist)
        self.investigations = InvestigationsPanel(self)
        self.meeting = MeetingPanel(self)
        self.referral = ReferralPanel(self)

        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setAccessibleName("Closure outcome")
        for code, text in CLOSE_OUTCOMES.items():
            self.outcome_combo.addItem(text, code)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName("Reason for closing")
        self.reason_edit.setPlaceholderText("Reason for closing")
        self.close_button = QPushButton("Close the cas&e", self)
        self.close_button.setAccessibleName("Close the case")
        self.back_button = QPushButton("Back to &cases", self)
        self.back_button.setAccessibleName("Back to cases")
        self.closure_label = QLabel(self)
        self.closure_label.setObjectName("closure_label")
        self.closure_label.setWordWrap(True)
        self.closure_label.setAccessibleName("Closure")

        right = QVBoxLayout()
        right.addWidget(self.investigations, 1)
        right.addWidget(self.meeting, 0)
        left = QVBoxLayout()
        left.addWidget(self.referral, 0)  # the written referral: first thing on the left
        left.addWidget(actions_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        closing = QHBoxLayout()
        closing.addWidget(self.back_button)
        closing.addStretch(1)
        closing.addWidget(self.outcome_combo)
        closing.addWidget(self.reason_edit, 1)
        closing.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.message_label)
        layout.addLayout(columns, 1)
        layout.addLayout(closing)
        layout.addWidget(self.closure_label)

        i, m = self.investigations, self.meeting
        self.checklist.recorded.connect(self._on_checklist_recorded)
        i.request_button.clicked.connect(self._on_request_clicked)
        i.add_result_button.clicked.connect(self._on_add_result_clicked)
        m.meeting_button.clicked.connect(self._on_meeting_clicked)
        m.supervision_button.clicked.connect(self._on_supervision_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.referral.seal_button.clicked.connect(self._on_seal_clicked)
        self.referral.export_button.clicked.connect(self._on_export_clicked)
        self.referral.preview_button.clicked.connect(self._on_preview_clicked)
        self.referral.addendum_button.clicked.connect(self._on_addendum_clicked)
        self.referral.reason_edit.returnPressed.connect(self._on_addendum_clicked)
        self.back_button.clicked.connect(self.back_requested)

    def set_cases_port(self, cases: CaseTracker, records: SealedRecords | None = None) -> None:
        """Attach the case tracker (and the sealed records, when the record has them)."""
        self._cases = cases
        self._records = records

    def show_case(self, case_id: str) -> None:
        """Load and show one case."""
        assert self._cases is not None
        self.closure_label.setText("")
        self.message_label.setText("")
        self._show(self._cases.case_detail(case_id))

    def _show(self, case: CaseDetail) -> None:
        self.case = case
        now = self._clock.now()
        status = "OPEN" if case.is_open else "CLOSED"
        flags = "".join(f"\n\u2691 {f}" for f in case.flags)
        self.header_label.setText(
            f"Case {status}, opened {nhs_datetime(case.opened_at)}. "
            f"{URGENCY.get(case.urgency, 'Urgency not recorded')}.{flags}"
        )
        self.checklist.read_only = not case.is_open
        self.checklist.set_actions(list(case.actions), now, self.user)
        self.investigations.show_case(case, now.date())
        self.meeting.show_case(case)
        self.meeting.held_at.set_value(now)
        self.referral.show_case(case, self._sealed_versions(case))
        self.close_button.setEnabled(case.is_open)

    def _sealed_versions(self, case: CaseDetail) -> list[SealedVersion] | None:
        """The sealed versions (an audited listing), read only once the case has one."""
        if self._records is None or not case.referral_versions:
            return None
        try:
            return self._records.sealed_versions(case.case_id)
        except Refused as exc:
            self.message_label.setText(f"\u2716 The sealed versions cannot be listed: {exc}")
            return None

    def _run(self, change: Callable[[CaseTracker, str], None], done: str) -> bool:
        """Make one change through the port; show the refusal, or reload and say what happened."""
        assert self._cases is not None and self.case is not None
        try:
            change(self._cases, self.case.case_id)
        except Refused as exc:
            self.message_label.setText(f"\u2716 NOT SAVED: {exc}")
            return False
        self.message_label.setText(f"\u2714 {done}")
        self._show(self._cases.case_detail(self.case.case_id))
        return True

    def _on_checklist_recorded(self, record: ActionRecord) -> None:
        self._run(lambda c, cid: c.record_action(cid, record), "Action recorded.")

    def _on_request_clicked(self) -> None:
        combo = self.investigations.request_combo
        investigation_id, name = combo.currentData(), combo.currentText()
        if investigation_id:
            now = self._clock.now()
            self._run(
                lambda c, cid: c.request_investigation(cid, investigation_id, now),
                f"{name} requested.",
            )

    def _on_add_result_clicked(self) -> None:
        panel = self.investigations
        investigation_id = panel.investigation_combo.currentData()
        result = panel.result_edit.text().strip()
        on = panel.result_date.value()
        if not investigation_id or not result or on is None:
            self.message_label.setText(
                "\u26a0 Choose the investigation, type its result and the date (e.g. 05-Sep-2025)."
            )
            return
        if self._run(
            lambda c, cid: c.add_result(cid, investigation_id, result, on), "Result recorded."
        ):
            panel.result_edit.clear()

    def _on_meeting_clicked(self) -> None:
        m = self.meeting
        held_at = m.held_at.value()
        if held_at is None:
            self.message_label.setText("\u26a0 Type when the meeting was held.")
            return
        outcome, agreed = m.outcome_edit.text().strip(), m.agreed_by_edit.text().strip()
        relax = m.relax_combo.currentIndex() == 1
        if self._run(
            lambda c, cid: c.record_strategy_meeting(cid, held_at, outcome, agreed, relax),
            "Strategy meeting recorded.",
        ):
            m.outcome_edit.clear()

    def _on_supervision_clicked(self) -> None:
        m = self.meeting
        required = m.required_combo.currentIndex() == 0
        conditions, agreed = m.conditions_edit.text().strip(), m.supervision_agreed_edit.text()
        if self._run(
            lambda c, cid: c.set_supervision(cid, required, conditions, agreed.strip()),
            "Supervision recorded.",
        ):
            m.conditions_edit.clear()

    def _on_seal_clicked(self) -> None:
        """Seal in the background (the PDF takes a moment); the window stays responsive."""
        assert self._cases is not None and self.case is not None
        cases, case_id = self._cases, self.case.case_id
        self.referral.seal_button.setEnabled(False)
        self.message_label.setText("Sealing the referral record\u2026")

        def done(text: Any) -> None:
            self.message_label.setText(f"\u2714 {text}")
            self._show(cases.case_detail(case_id))

        def failed(exc: BaseException) -> None:
            why = str(exc) if isinstance(exc, Refused) else "the record could not be sealed"
            self.message_label.setText(f"\u2716 NOT SEALED: {why}")
            self.referral.seal_button.setEnabled(True)

        self._executor.submit(lambda control: cases.seal_referral(case_id), done, failed)

    def _on_export_clicked(self) -> None:
        """Save the chosen sealed version (its sealed bytes) where the user says (audited)."""
        assert self._cases is not None and self.case is not None
        if self._prompter is None:
            return
        chosen = self.referral.chosen()
        if self._records is not None and chosen is not None:
            text = save_sealed_copy(self._records, self._prompter, self.case.case_id, chosen)
            if text:
                self.message_label.setText(text)
            return
        name = f"referral-case-{self.case.case_id}.pdf"
        path = self._prompter.ask_save_path("Export the sealed referral PDF", name)
        if not path:
            return
        try:
            text = self._cases.export_referral(self.case.case_id, path)
        except Refused as exc:
            self.message_label.setText(f"\u2716 NOT EXPORTED: {exc}")
            return
        self.message_label.setText(f"\u2714 {text}")

    def _on_preview_clicked(self) -> None:
        """Ask the window to preview the chosen sealed version."""
        chosen = self.referral.chosen()
        if self.case is not None and chosen is not None:
            self.preview_requested.emit(self.case.case_id, chosen)

    def _on_addendum_clicked(self) -> None:
        """Seal an addendum in the background; a reason is required."""
        if self._records is None or self.case is None:
            return
        reason = self.referral.reason_edit.text().strip()
        if not reason:
            self.message_label.setText(
                "\u26a0 Type the reason for the addendum: what is corrected or added, and why."
            )
            self.referral.reason_edit.setFocus()
            return
        records, case_id = self._records, self.case.case_id
        self.referral.addendum_button.setEnabled(False)
        self.message_label.setText("Sealing the addendum\u2026")

        def done(text: Any) -> None:
            self.referral.reason_edit.clear()
            self.message_label.setText(f"\u2714 {text}")
            self._show(self._cases.case_detail(case_id))

        def failed(exc: BaseException) -> None:
            why = str(exc) if isinstance(exc, Refused) else "the addendum could not be sealed"
            self.message_label.setText(f"\u2716 NOT SEALED: {why}")
            self.referral.addendum_button.setEnabled(True)

        self._executor.submit(lambda control: records.add_addendum(case_id, reason), done, failed)

    def _on_close_clicked(self) -> None:
        if self.case is None or self._cases is None:
            return
        outcome = self.outcome_combo.currentData()
        refusal = self._cases.close_case(self.case.case_id, outcome, self.reason_edit.text())
        if refusal:
            self.closure_label.setText(f"\u2716 CLOSURE REFUSED: {refusal}")
            self.closure_label.setStyleSheet("color: #8a1538; font-weight: bold;")
            return
        self.closure_label.setStyleSheet("")
        self.closure_label.setText("\u2611 Case closed.")
        self._show(self._cases.case_detail(self.case.case_id))
        self.closed_case.emit(self.case.case_id)
