"""The case view: actions, investigations and results, strategy meeting, supervision, closure.

Closure is refused while results are pending (rule R8); the refusal and its reason are shown
on the page, in words, not in a pop-up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import nhs_date, nhs_datetime
from triage_app.ui.labels import URGENCY
from triage_app.ui.ports import CaseTracker
from triage_app.ui.viewmodels import ActionRecord, CaseDetail, InvestigationView
from triage_app.ui.widgets.actions_checklist import ActionsChecklist
from triage_app.ui.widgets.date_field import DateField

INVESTIGATION_HEADERS = ("Investigation", "Due", "Result", "Status")


def investigation_due(item: InvestigationView) -> str:
    """Return the due window (``due 14-Sep-2025 to 17-Sep-2025``) or ``No set date``."""
    if item.due_from and item.due_to:
        return f"{nhs_date(item.due_from)} to {nhs_date(item.due_to)}"
    return "No set date"


def investigation_status(item: InvestigationView, today: date) -> str:
    """Return ``Resulted``, ``PENDING``, ``PENDING: due now`` or ``OVERDUE`` in words."""
    if not item.pending:
        return "\u2611 Resulted"
    if item.due_to is not None and item.due_to < today:
        return "\u26a0 OVERDUE"
    if item.due_from is not None and item.due_from <= today:
        return "\u25cb PENDING: due now"
    return "\u25cb PENDING"


class CaseView(QWidget):
    """One case in full; changes go through the case tracker port."""

    closed_case = Signal(str)
    back_requested = Signal()

    def __init__(self, cases: CaseTracker | None, clock: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self._cases, self._clock = cases, clock
        self.user = ""
        self.case: CaseDetail | None = None
        self.header_label = QLabel(self)
        self.header_label.setObjectName("case_header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setAccessibleName("Case status")
        self.checklist = ActionsChecklist(self)
        actions_box = QGroupBox("Actions", self)
        QVBoxLayout(actions_box).addWidget(self.checklist)

        self.investigations_table = QTableWidget(0, len(INVESTIGATION_HEADERS), self)
        self.investigations_table.setObjectName("investigations_table")
        self.investigations_table.setAccessibleName("Investigations and results")
        self.investigations_table.setHorizontalHeaderLabels(list(INVESTIGATION_HEADERS))
        self.investigations_table.setTabKeyNavigation(False)
        self.investigations_table.setWordWrap(True)
        self.investigations_table.verticalHeader().setVisible(False)
        header = self.investigations_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.investigation_combo = QComboBox(self)
        self.investigation_combo.setAccessibleName("Investigation to record a result for")
        self.result_edit = QLineEdit(self)
        self.result_edit.setAccessibleName("Result")
        self.result_date_edit = QLineEdit(self)
        self.result_date = DateField(self.result_date_edit)
        self.result_date_edit.setAccessibleName("Result date")
        self.add_result_button = QPushButton("Record res&ult", self)
        self.add_result_button.setAccessibleName("Record result")
        inv_box = QGroupBox("Investigations and results", self)
        inv = QVBoxLayout(inv_box)
        inv.addWidget(self.investigations_table, 1)
        form = QFormLayout()
        form.addRow("&Investigation", self.investigation_combo)
        form.addRow("Resul&t", self.result_edit)
        form.addRow("Result &date", self.result_date_edit)
        form.addRow(self.add_result_button)
        inv.addLayout(form)

        self.strategy_edit = QLineEdit(self)
        self.strategy_edit.setAccessibleName("Strategy meeting")
        self.strategy_edit.setPlaceholderText("Date, who attended, outcome")
        self.strategy_button = QPushButton("Record &strategy meeting", self)
        self.strategy_button.setAccessibleName("Record strategy meeting")
        self.strategy_label = QLabel(self)
        self.strategy_label.setWordWrap(True)
        self.conditions_list = QListWidget(self)
        self.conditions_list.setAccessibleName("Supervision conditions in force")
        self.condition_edit = QLineEdit(self)
        self.condition_edit.setAccessibleName("New supervision condition")
        self.condition_button = QPushButton("Add &condition", self)
        self.condition_button.setAccessibleName("Add supervision condition")
        meet_box = QGroupBox("Strategy meeting and supervision conditions", self)
        meet = QFormLayout(meet_box)
        meet.addRow(self.strategy_label)
        meet.addRow("Strategy &meeting", self.strategy_edit)
        meet.addRow(self.strategy_button)
        meet.addRow(self.conditions_list)
        meet.addRow("Co&ndition", self.condition_edit)
        meet.addRow(self.condition_button)

        self.close_button = QPushButton("Close the cas&e", self)
        self.close_button.setAccessibleName("Close the case")
        self.back_button = QPushButton("Back to &cases", self)
        self.back_button.setAccessibleName("Back to cases")
        self.closure_label = QLabel(self)
        self.closure_label.setObjectName("closure_label")
        self.closure_label.setWordWrap(True)
        self.closure_label.setAccessibleName("Closure")

        right = QVBoxLayout()
        right.addWidget(inv_box, 3)
        right.addWidget(meet_box, 2)
        columns = QHBoxLayout()
        columns.addWidget(actions_box, 1)
        columns.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.closure_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)

        self.checklist.recorded.connect(self._on_checklist_recorded)
        self.add_result_button.clicked.connect(self._on_add_result_clicked)
        self.strategy_button.clicked.connect(self._on_strategy_clicked)
        self.condition_button.clicked.connect(self._on_condition_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.back_button.clicked.connect(self.back_requested)

    def set_cases_port(self, cases: CaseTracker) -> None:
        """Attach the case tracker."""
        self._cases = cases

    def show_case(self, case_id: str) -> None:
        """Load and show one case."""
        assert self._cases is not None
        self.closure_label.setText("")
        self._show(self._cases.case_detail(case_id))

    def _show(self, case: CaseDetail) -> None:
        self.case = case
        now = self._clock.now()
        status = "OPEN" if case.status == "open" else "CLOSED"
        flags = "".join(f"\n\u2691 {f}" for f in case.flags)
        self.header_label.setText(
            f"Case {status}, opened {nhs_datetime(case.opened_at)}. {URGENCY[case.urgency]}.{flags}"
        )
        self.checklist.set_actions(list(case.actions), now, self.user)
        table = self.investigations_table
        table.setRowCount(len(case.investigations))
        self.investigation_combo.clear()
        for row, item in enumerate(case.investigations):
            result = item.result or ""
            if item.resulted_on:
                result = f"{nhs_date(item.resulted_on)}: {result}"
            status_text = investigation_status(item, now.date())
            for col, text in enumerate((item.name, investigation_due(item), result, status_text)):
                table.setItem(row, col, QTableWidgetItem(text))
            if item.pending:
                self.investigation_combo.addItem(item.name, item.investigation_id)
        table.resizeRowsToContents()
        self.result_date.set_value(now.date())
        self.strategy_label.setText(
            f"Strategy meeting: {case.strategy_meeting}"
            if case.strategy_meeting
            else "Strategy meeting: not recorded yet."
        )
        self.conditions_list.clear()
        self.conditions_list.addItems(list(case.supervision_conditions) or ["None recorded"])
        self.close_button.setEnabled(case.status == "open")

    def _reload(self) -> None:
        assert self._cases is not None and self.case is not None
        self._show(self._cases.case_detail(self.case.case_id))

    def _on_checklist_recorded(self, record: ActionRecord) -> None:
        assert self._cases is not None and self.case is not None
        self._cases.record_action(self.case.case_id, record)
        self._reload()

    def _on_add_result_clicked(self) -> None:
        investigation_id = self.investigation_combo.currentData()
        result = self.result_edit.text().strip()
        if not investigation_id or not result or self.case is None or self._cases is None:
            self.closure_label.setText("Choose an investigation and type its result first.")
            return
        on = self.result_date.value()
        if on is None:
            self.closure_label.setText("Type the result date, e.g. 05-Sep-2025.")
            return
        self._cases.add_result(self.case.case_id, investigation_id, result, on)
        self.result_edit.clear()
        self._reload()

    def _on_strategy_clicked(self) -> None:
        text = self.strategy_edit.text().strip()
        if text and self.case is not None and self._cases is not None:
            self._cases.record_strategy_meeting(self.case.case_id, text)
            self.strategy_edit.clear()
            self._reload()

    def _on_condition_clicked(self) -> None:
        text = self.condition_edit.text().strip()
        if text and self.case is not None and self._cases is not None:
            self._cases.add_supervision_condition(self.case.case_id, text)
            self.condition_edit.clear()
            self._reload()

    def _on_close_clicked(self) -> None:
        if self.case is None or self._cases is None:
            return
        refusal = self._cases.close_case(self.case.case_id, self.user)
        if refusal:
            self.closure_label.setText(f"\u2716 CLOSURE REFUSED: {refusal}")
            self.closure_label.setStyleSheet("color: #8a1538; font-weight: bold;")
            return
        self.closure_label.setStyleSheet("")
        self.closure_label.setText("\u2611 Case closed.")
        self._reload()
        self.closed_case.emit(self.case.case_id)
