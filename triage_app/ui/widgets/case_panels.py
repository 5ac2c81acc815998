"""Layout of the case view's panels: what is due, investigations, strategy meeting, supervision.

The panels only lay out and show; :class:`~triage_app.ui.case_view.CaseView` wires them to
the case tracker. Every form is cleared by ``clear_form`` (a new case never shows another
case's typing), and each form has its own message line beside its buttons, where a refusal
names the case rule and the refused values stay on screen to correct.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtGui import QResizeEvent
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
from triage_app.domain.records import SupervisionDecision
from triage_app.ui.labels import due_phrase
from triage_app.ui.viewmodels import CaseDetail, InvestigationView, MeetingForm
from triage_app.ui.widgets.date_field import DateField

INVESTIGATION_HEADERS = ("Investigation", "Stage", "Window", "Result", "Status")
CLOSE_OUTCOMES = {
    "no_concern": "No safeguarding concern (every result back)",
    "csc_lead": "Children's social care have taken the case forward",
    "child_protection_plan": "Child protection plan in place",
    "other": "Other (say why)",
}
AGENCIES = {
    "health": "Health",
    "csc": "Children's social care",
    "police": "Police",
    "education": "Education",
    "other": "Other",
}
SUPERVISION_CHOICES = {
    "": "No supervision decision",
    "impose": "Impose supervision",
    "maintain": "Maintain supervision",
    "change": "Change the conditions",
    "relax": "Relax supervision",
}
REFUSED_STYLE = "color: #8a1538; font-weight: bold;"


def _button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    return button


def _edit(parent: QWidget, name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def message_label(parent: QWidget, name: str) -> QLabel:
    """A message line beside a form's buttons (refusals in words, in dark red, bold)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    return label


def say(label: QLabel, text: str, refused: bool = False) -> None:
    """Show a message (a refusal in dark red and bold, with its cross in the words)."""
    label.setStyleSheet(REFUSED_STYLE if refused else "")
    label.setText(text)


def investigation_due(item: InvestigationView) -> str:
    """Return the window (``14-Sep-2025 to 17-Sep-2025``) or ``No set date``."""
    if item.due_from and item.due_to:
        return f"{nhs_date(item.due_from)} to {nhs_date(item.due_to)}"
    if item.due_to:
        return f"by {nhs_date(item.due_to)}"
    return "No set date"


def investigation_status(item: InvestigationView, today: date) -> str:
    """Return ``Reported``, ``Not required``, ``PENDING``, ``PENDING: due now`` or ``OVERDUE``."""
    if item.status == "not_required":
        return "\u2611 Not required"
    if not item.pending:
        return "\u2611 Reported"
    if item.due_to is not None and item.due_to < today:
        return "\u26a0 OVERDUE"
    if item.due_from is not None and item.due_from <= today:
        return "\u25cb PENDING: due now"
    return "\u25cb PENDING"


def investigation_result(item: InvestigationView) -> str:
    """The result with when it was performed, and any early or not-required reason."""
    if item.status == "not_required":
        return f"Not required: {item.not_required_reason} (decided by {item.decided_by})"
    if item.pending:
        return ""
    text = item.result or ""
    if item.resulted_on:
        text = f"Performed {nhs_date(item.resulted_on)}: {text}"
    if item.early_reason:
        text += f" (before its window: {item.early_reason}; decided by {item.decided_by})"
    return text


class DuePanel(QGroupBox):
    """What is due on the case (case rule C7: the same list as the dashboard and ``cases``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("What is due", parent)
        self.due_list = QListWidget(self)
        self.due_list.setObjectName("due_list")
        self.due_list.setAccessibleName("What is due")
        self.due_list.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.due_list)

    def show_case(self, case: CaseDetail, now: datetime) -> None:
        """List every item due, overdue first, in words."""
        self.due_list.clear()
        for item in case.due_items:
            if item.kind == "supervision":
                continue
            phrase, late = due_phrase(item.due_at, now)
            mark = "\u26a0" if late else ("\u25f7" if item.due_at else "\u2610")
            self.due_list.addItem(f"{mark} {item.label}: {phrase}")
        if self.due_list.count() == 0:
            self.due_list.addItem("Nothing due." if case.is_open else "Closed: nothing due.")
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Refit the list to its wrapped items at the new width."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """As tall as its items at this width, from three lines up to six.

        A short list leaves the room to the rest of the case (at 1920x1080 the whole case
        fits without scrolling); a long one scrolls, and its title counts the items.
        """
        line = self.fontMetrics().lineSpacing()
        count = self.due_list.count()
        rows = sum(self.due_list.sizeHintForRow(i) for i in range(count))
        frame = 2 * self.due_list.frameWidth() + 4
        self.due_list.setMaximumHeight(min(6 * line, max(3 * line, rows)) + frame)
        # A list taller than six lines scrolls: its title says how many items it holds, so
        # the ones below the fold are not taken for absent (overdue items come first).
        hidden = rows > 6 * line and count > 1
        self.setTitle(f"What is due: {count} items, scroll for all" if hidden else "What is due")


class InvestigationsPanel(QGroupBox):
    """Investigations with their stage, window, result and reasons; request and result forms."""

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
        # The name and the result share what is left (wrapped), so at 1024 px the result
        # is on screen rather than behind a horizontal scroll bar.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().averageCharWidth()
        for col, chars in ((1, 12), (2, 13)):  # stage and window wrap onto two lines
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, chars * em)
        header.setMinimumSectionSize(60)
        self.table.setMinimumHeight(int(self.fontMetrics().lineSpacing() * 1.7 * 5))
        self.request_combo = QComboBox(self)
        self.request_combo.setAccessibleName("Investigation to request")
        self.request_button = _button(self, "Re&quest", "Request investigation")
        self.investigation_combo = QComboBox(self)
        self.investigation_combo.setAccessibleName("Investigation to record a result for")
        self.result_edit = _edit(self, "Result")
        self.result_date_edit = _edit(self, "Performed on")
        self.result_date = DateField(self.result_date_edit)
        self.early_reason_edit = _edit(
            self, "Reason for performing before its window", "only if before its window"
        )
        self.decided_by_edit = _edit(self, "Clinician who decided", "name and role")
        self.add_result_button = _button(self, "Record &result", "Record result")
        self.not_required_reason_edit = _edit(self, "Why it is not required")
        self.not_required_button = _button(self, "Not required", "Mark not required")
        self.message_label = message_label(self, "Investigations message")
        request = QHBoxLayout()
        request.addWidget(self.request_combo, 1)
        request.addWidget(self.request_button)
        not_required = QHBoxLayout()
        not_required.addWidget(self.not_required_reason_edit, 1)
        not_required.addWidget(self.not_required_button)
        form = QFormLayout()
        form.addRow("Prompted by the protocol", request)
        form.addRow("&Investigation", self.investigation_combo)
        form.addRow("Resul&t", self.result_edit)
        form.addRow("Performed o&n", self.result_date_edit)
        form.addRow("Early reason", self.early_reason_edit)
        form.addRow("Decided &by", self.decided_by_edit)
        form.addRow(self.add_result_button)
        form.addRow("Not required because", not_required)
        form.addRow(self.message_label)
        self.hint_label = QLabel(self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("Investigations note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)

    def clear_form(self, today: date) -> None:
        """Empty every field (a different case, or a result just recorded)."""
        for edit in (
            self.result_edit,
            self.early_reason_edit,
            self.decided_by_edit,
            self.not_required_reason_edit,
        ):
            edit.clear()
        self.result_date.set_value(today)
        say(self.message_label, "")

    def show_case(self, case: CaseDetail, today: date) -> None:
        """Fill the table and the two choosers (the typed fields are left as they are)."""
        chosen = self.investigation_combo.currentData()
        self.table.setRowCount(len(case.investigations))
        self.investigation_combo.clear()
        for row, item in enumerate(case.investigations):
            stage = f"stage {item.stage}" if item.stage else ""
            cells = (
                item.name,
                stage,
                investigation_due(item),
                investigation_result(item),
                investigation_status(item, today),
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
            if item.pending:
                self.investigation_combo.addItem(item.name, item.investigation_id)
        index = self.investigation_combo.findData(chosen)
        if index >= 0:
            self.investigation_combo.setCurrentIndex(index)
        self.table.resizeRowsToContents()
        pending = sum(1 for i in case.investigations if i.pending)
        if not case.investigations:
            self.hint_label.setText(
                "No investigation requested yet. Request those the paediatrician decides on "
                "from the protocol's list below."
            )
        else:
            self.hint_label.setText(
                f"{len(case.investigations)} recorded, {pending} result(s) pending. The "
                "follow-up skeletal survey is created when the initial survey is performed."
            )
        self.request_combo.clear()
        for investigation_id, name in case.suggested_investigations:
            self.request_combo.addItem(name, investigation_id)
        self.request_button.setEnabled(bool(case.suggested_investigations) and case.is_open)
        has_pending = self.investigation_combo.count() > 0 and case.is_open
        for w in (self.add_result_button, self.not_required_button):
            w.setEnabled(has_pending)


class MeetingPanel(QGroupBox):
    """A structured strategy-meeting form (case rule C4): the only way supervision changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Strategy meetings", parent)
        self.meetings_list = QListWidget(self)
        self.meetings_list.setAccessibleName("Strategy meetings")
        self.meetings_list.setWordWrap(True)
        self.meetings_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.held_at_edit = _edit(self, "Meeting held at")
        self.held_at = DateField(self.held_at_edit, with_time=True)
        self.attendees_table = QTableWidget(0, 3, self)
        self.attendees_table.setObjectName("attendees_table")
        self.attendees_table.setAccessibleName("Attendees: name, role and agency")
        self.attendees_table.setHorizontalHeaderLabels(["Name", "Role", "Agency"])
        self.attendees_table.verticalHeader().setVisible(False)
        self.attendees_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.attendees_table.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.add_attendee_button = _button(self, "Add &attendee", "Add attendee")
        self.remove_attendee_button = _button(self, "Remove attendee", "Remove attendee")
        self.outcome_edit = _edit(self, "Meeting outcome", "e.g. section 47 enquiry agreed")
        self.supervision_combo = QComboBox(self)
        self.supervision_combo.setAccessibleName("Supervision decision")
        for code, text in SUPERVISION_CHOICES.items():
            self.supervision_combo.addItem(text, code)
        self.conditions_edit = _edit(self, "Supervision conditions", "e.g. contact supervised")
        self.relax_conditions_edit = _edit(
            self, "Conditions for relaxing", "what must be true before supervision is relaxed"
        )
        self.review_edit = _edit(self, "Review date")
        self.review_on = DateField(self.review_edit)
        self.reason_edit = _edit(self, "Reason for the decision", "needed to relax early")
        self.meeting_button = _button(self, "Record &strategy meeting", "Record strategy meeting")
        self.message_label = message_label(self, "Strategy meeting message")
        people = QHBoxLayout()
        people.addWidget(self.add_attendee_button)
        people.addWidget(self.remove_attendee_button)
        people.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.meetings_list)
        form.addRow("&Held at", self.held_at_edit)
        form.addRow("Attendees", self.attendees_table)
        form.addRow(people)
        form.addRow("&Outcome", self.outcome_edit)
        form.addRow("Super&vision decision", self.supervision_combo)
        form.addRow("Conditions", self.conditions_edit)
        form.addRow("Conditions for relaxin&g", self.relax_conditions_edit)
        form.addRow("Review b&y", self.review_edit)
        form.addRow("Reason", self.reason_edit)
        form.addRow(self.meeting_button)
        form.addRow(self.message_label)
        self.add_attendee_button.clicked.connect(self._on_add_attendee_clicked)
        self.remove_attendee_button.clicked.connect(self._remove_attendee)

    def add_attendee(self, name: str = "", role: str = "", agency: str = "health") -> int:
        """Add an attendee row (focus goes to its name) and return its row."""
        row = self.attendees_table.rowCount()
        self.attendees_table.insertRow(row)
        self.attendees_table.setItem(row, 0, QTableWidgetItem(name))
        self.attendees_table.setItem(row, 1, QTableWidgetItem(role))
        combo = QComboBox(self.attendees_table)
        combo.setAccessibleName(f"Agency of attendee {row + 1}")
        for code, text in AGENCIES.items():
            combo.addItem(text, code)
        combo.setCurrentIndex(max(combo.findData(agency), 0))
        self.attendees_table.setCellWidget(row, 2, combo)
        self.attendees_table.setCurrentCell(row, 0)
        return row

    def _on_add_attendee_clicked(self) -> None:
        """Add a row and put the cursor in its name (typing goes there, not behind)."""
        self.add_attendee()
        self.attendees_table.setFocus()

    def _remove_attendee(self) -> None:
        row = self.attendees_table.currentRow()
        if row >= 0:
            self.attendees_table.removeRow(row)

    def attendees(self) -> tuple[tuple[str, str, str], ...]:
        """The attendee rows as typed (name, role, agency); wholly empty rows left out."""
        out = []
        for row in range(self.attendees_table.rowCount()):
            name_item = self.attendees_table.item(row, 0)
            role_item = self.attendees_table.item(row, 1)
            combo = self.attendees_table.cellWidget(row, 2)
            name = name_item.text().strip() if name_item else ""
            role = role_item.text().strip() if role_item else ""
            agency = combo.currentData() if isinstance(combo, QComboBox) else "other"
            if name or role:
                out.append((name, role, agency))
        return tuple(out)

    def form(self) -> MeetingForm | None:
        """The meeting as typed (``None`` while the time it was held is not a valid time)."""
        held_at = self.held_at.value()
        if not isinstance(held_at, datetime):
            return None
        review = self.review_on.value()
        return MeetingForm(
            held_at=held_at,
            outcome=self.outcome_edit.text().strip(),
            attendees=self.attendees(),
            supervision=self.supervision_combo.currentData() or None,
            conditions=self.conditions_edit.text().strip(),
            relax_conditions=self.relax_conditions_edit.text().strip(),
            review_on=review if isinstance(review, date) else None,
            reason=self.reason_edit.text().strip(),
        )

    def clear_form(self, now: datetime) -> None:
        """Empty every field (a different case, or a meeting just recorded)."""
        self.attendees_table.setRowCount(0)
        for edit in (
            self.outcome_edit,
            self.conditions_edit,
            self.relax_conditions_edit,
            self.reason_edit,
        ):
            edit.clear()
        self.review_on.set_value(None)
        self.supervision_combo.setCurrentIndex(0)
        self.held_at.set_value(now)
        say(self.message_label, "")

    def show_case(self, case: CaseDetail) -> None:
        """Show the meetings (the typed form is left as it is)."""
        self.meetings_list.clear()
        self.meetings_list.addItems(list(case.meetings) or ["No strategy meeting recorded yet."])
        for w in (
            self.meeting_button,
            self.add_attendee_button,
            self.remove_attendee_button,
            self.held_at_edit,
            self.attendees_table,
            self.outcome_edit,
            self.supervision_combo,
            self.conditions_edit,
            self.relax_conditions_edit,
            self.review_edit,
            self.reason_edit,
        ):
            w.setEnabled(case.is_open)  # a closed case is read only (reopen it first)


class SupervisionPanel(QGroupBox):
    """The supervision in force, since which meeting, and its history. Read only (C4)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Supervision", parent)
        self.supervision_label = QLabel(self)
        self.supervision_label.setObjectName("supervision_label")
        self.supervision_label.setWordWrap(True)
        self.supervision_label.setAccessibleName("Supervision in force")
        self.history_list = QListWidget(self)
        self.history_list.setAccessibleName("Earlier supervision decisions")
        self.history_list.setWordWrap(True)
        self.history_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        note = QLabel(
            "Supervision is decided only at a strategy meeting with health and children's "
            "social care (record the meeting above).",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.supervision_label)
        layout.addWidget(QLabel("Earlier decisions:", self))
        layout.addWidget(self.history_list)
        layout.addWidget(note)

    def show_case(self, case: CaseDetail) -> None:
        """Show what is in force (from the latest decision) and the decisions before it."""
        s = case.supervision
        if s is None or s.decision is None:
            text = "Supervision: no decision recorded at a strategy meeting."
        elif s.in_force:
            text = (
                f"\u2691 Supervision IN FORCE: {s.conditions}\n"
                f"Conditions for relaxing: {s.relax_conditions}\n"
                f"Since the strategy meeting of {nhs_datetime(s.decided_at)} "
                f"({s.decision}), decided by {s.decided_by}."
            )
        else:
            text = (
                f"Supervision relaxed at the strategy meeting of {nhs_datetime(s.decided_at)}, "
                f"decided by {s.decided_by}."
            )
        self.supervision_label.setText(text)
        self.history_list.clear()
        history = [decision_line(h) for h in s.history] if s is not None else []
        self.history_list.addItems(history or ["None."])


def decision_line(h: SupervisionDecision) -> str:
    """One earlier supervision decision: when, what, the conditions or reason, and who."""
    text = f"{nhs_datetime(h.decided_at)}: {h.decision}"
    if h.conditions:
        text += f" ({h.conditions})"
    if h.reason:
        text += f"; reason: {h.reason}"
    return f"{text}; decided by {h.decided_by}"
