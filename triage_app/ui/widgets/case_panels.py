"""Layout of the case view's panels: investigations, strategy meeting and supervision, closure.

The panels only lay out and show; :class:`~triage_app.ui.case_view.CaseView` wires them to
the case tracker.
"""

from __future__ import annotations

from datetime import date

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

from triage_app.domain.display import nhs_date
from triage_app.ui.viewmodels import CaseDetail, InvestigationView
from triage_app.ui.widgets.date_field import DateField

INVESTIGATION_HEADERS = ("Investigation", "Due", "Result", "Status")
CLOSE_OUTCOMES = {
    "no_concern": "No safeguarding concern (every result back)",
    "csc_lead": "Children's social care have taken the case forward",
    "child_protection_plan": "Child protection plan in place",
    "other": "Other (say why)",
}


def _button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    return button


def _edit(parent: QWidget, name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def investigation_due(item: InvestigationView) -> str:
    """Return the due window (``04-Sep-2025 to 07-Sep-2025``) or ``No set date``."""
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


class InvestigationsPanel(QGroupBox):
    """Requested investigations with due windows and results; request and result forms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Investigations and results", parent)
        self.table = QTableWidget(0, len(INVESTIGATION_HEADERS), self)
        self.table.setObjectName("investigations_table")
        self.table.setAccessibleName("Investigations and results")
        self.table.setHorizontalHeaderLabels(list(INVESTIGATION_HEADERS))
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Room for every investigation the profiles prompt for (seven) without scrolling.
        self.table.setMinimumHeight(int(self.fontMetrics().lineSpacing() * 1.7 * 7))
        self.request_combo = QComboBox(self)
        self.request_combo.setAccessibleName("Investigation to request")
        self.request_button = _button(self, "Re&quest", "Request investigation")
        self.investigation_combo = QComboBox(self)
        self.investigation_combo.setAccessibleName("Investigation to record a result for")
        self.result_edit = _edit(self, "Result")
        self.result_date_edit = _edit(self, "Result date")
        self.result_date = DateField(self.result_date_edit)
        self.add_result_button = _button(self, "Record res&ult", "Record result")
        request = QHBoxLayout()
        request.addWidget(self.request_combo, 1)
        request.addWidget(self.request_button)
        form = QFormLayout()
        form.addRow("Prompted by the protocol", request)
        form.addRow("&Investigation", self.investigation_combo)
        form.addRow("Resul&t", self.result_edit)
        form.addRow("Result &date", self.result_date_edit)
        form.addRow(self.add_result_button)
        self.hint_label = QLabel(self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("Investigations note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)

    def show_case(self, case: CaseDetail, today: date) -> None:
        """Fill the table and the two choosers."""
        self.table.setRowCount(len(case.investigations))
        self.investigation_combo.clear()
        for row, item in enumerate(case.investigations):
            result = item.result or ""
            if item.resulted_on:
                result = f"{nhs_date(item.resulted_on)}: {result}"
            cells = (item.name, investigation_due(item), result, investigation_status(item, today))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
            if item.pending:
                self.investigation_combo.addItem(item.name, item.investigation_id)
        self.table.resizeRowsToContents()
        pending = sum(1 for i in case.investigations if i.pending)
        if not case.investigations:
            self.hint_label.setText(
                "No investigation requested yet. Request those the paediatrician decides on "
                "from the protocol's list below."
            )
        else:
            self.hint_label.setText(
                f"{len(case.investigations)} requested, {pending} result(s) pending."
            )
        self.request_combo.clear()
        for investigation_id, name in case.suggested_investigations:
            self.request_combo.addItem(name, investigation_id)
        self.request_button.setEnabled(bool(case.suggested_investigations) and case.is_open)
        self.add_result_button.setEnabled(self.investigation_combo.count() > 0)
        self.result_date.set_value(today)


class MeetingPanel(QGroupBox):
    """Strategy meetings and the supervision arrangement in force."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Strategy meeting and supervision", parent)
        self.meetings_list = QListWidget(self)
        self.meetings_list.setAccessibleName("Strategy meetings")
        self.meetings_list.setWordWrap(True)
        self.meetings_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.held_at_edit = _edit(self, "Meeting held at")
        self.held_at = DateField(self.held_at_edit, with_time=True)
        self.outcome_edit = _edit(self, "Meeting outcome", "e.g. section 47 enquiry agreed")
        self.agreed_by_edit = _edit(self, "Agreed by", "Name and role")
        self.relax_combo = QComboBox(self)
        self.relax_combo.setAccessibleName("Supervision decision")
        self.relax_combo.addItems(["Maintain supervision", "Relax supervision"])
        self.meeting_button = _button(self, "Record &strategy meeting", "Record strategy meeting")
        self.supervision_label = QLabel(self)
        self.supervision_label.setWordWrap(True)
        self.supervision_label.setAccessibleName("Supervision in force")
        self.required_combo = QComboBox(self)
        self.required_combo.setAccessibleName("Supervision required")
        self.required_combo.addItems(["Supervision required", "No supervision required"])
        self.conditions_edit = _edit(self, "Supervision conditions", "e.g. contact supervised")
        self.supervision_agreed_edit = _edit(self, "Supervision agreed by", "Name and role")
        self.supervision_button = _button(self, "Set super&vision", "Set supervision")
        form = QFormLayout(self)
        form.addRow(self.meetings_list)
        form.addRow("Held &at", self.held_at_edit)
        form.addRow("&Outcome", self.outcome_edit)
        form.addRow("A&greed by", self.agreed_by_edit)
        form.addRow("Supervision decision", self.relax_combo)
        form.addRow(self.meeting_button)
        form.addRow(self.supervision_label)
        form.addRow("Supervision", self.required_combo)
        form.addRow("Co&nditions", self.conditions_edit)
        form.addRow("Agreed b&y", self.supervision_agreed_edit)
        form.addRow(self.supervision_button)

    def show_case(self, case: CaseDetail) -> None:
        """Show the meetings and the supervision in force."""
        self.meetings_list.clear()
        self.meetings_list.addItems(list(case.meetings) or ["No strategy meeting recorded yet."])
        if case.supervision_required:
            conditions = case.supervision_conditions or "conditions not recorded"
            text = f"\u2691 Supervision IN FORCE: {conditions}"
        elif case.supervision_required is False:
            text = "Supervision: not required (recorded)."
        else:
            text = "Supervision: not recorded yet."
        self.supervision_label.setText(text)
        for w in (self.meeting_button, self.supervision_button):
            w.setEnabled(case.is_open)
