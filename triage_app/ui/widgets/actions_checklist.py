"""The actions checklist: each required action, its deadline, and what was recorded.

Recording the call to children's social care asks for the time, the call handler, the
reference and the advice; the written-referral countdown runs from that call.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import nhs_datetime
from triage_app.ui.labels import ACTION, due_phrase
from triage_app.ui.viewmodels import ActionRecord, RequiredAction
from triage_app.ui.widgets.date_field import DateField

CALL_ACTIONS = frozenset({"phone_csc", "inform_csc_of_location", "contact_allocated_social_worker"})
CALL_FIELDS = (
    ("handler", "Call &handler"),
    ("reference", "Re&ference"),
    ("advice", "Ad&vice given"),
)

DETAIL_WORDS = {"handler": "call handler"}  # only a phone call has one


def with_call_countdown(actions: list[RequiredAction]) -> list[RequiredAction]:
    """Restart the written-referral deadline from the recorded call, keeping its length."""
    call = next((a for a in actions if a.action_id == "phone_csc"), None)
    written = next((a for a in actions if a.action_id == "written_referral"), None)
    if not (call and written and call.record and call.due_at and written.due_at):
        return actions
    limit = written.due_at - call.due_at
    due = call.record.done_at + limit
    return [replace(a, due_at=due) if a is written else a for a in actions]


def action_line(action: RequiredAction, now: datetime) -> tuple[str, bool]:
    """Return the checklist line for an action and whether it is overdue."""
    name = ACTION.get(action.action_id, action.action_id)
    if action.record is not None:
        return f"\u2611 DONE {name}: {nhs_datetime(action.record.done_at)}", False
    phrase, overdue = due_phrase(action.due_at, now)
    mark = "\u26a0" if overdue else "\u2610"
    return f"{mark} {name}: {phrase} (rule {action.rule})", overdue


class _ActionsList(QListWidget):
    """The list of actions: asks for about six lines and takes whatever room is left.

    (Qt's default asks for 192 px, which with the form under it pushed the case view past
    a 1080-line screen.)
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(hint.width(), self.fontMetrics().lineSpacing() * 6 + frame)


class ActionsChecklist(QWidget):
    """Lists the actions; records one as done with its time and details."""

    recorded = Signal(object)  # ActionRecord
    undone = Signal(str)  # action id: a record taken back (only where undo_allowed)

    def __init__(self, parent: QWidget | None = None, *, field_letters: bool = True) -> None:
        """``field_letters=False``: the fields carry no Alt letter (a screen that needs them)."""
        super().__init__(parent)
        self.actions: list[RequiredAction] = []
        self.read_only = False  # a closed case: show, never record
        self.undo_allowed = False  # the wizard: a record can be taken back until finalised
        self.now = datetime.now()
        self.user = ""
        self.list = _ActionsList(self)
        self.list.setObjectName("actions_list")
        self.list.setAccessibleName("Required actions")
        self.list.setWordWrap(True)
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("countdown_label")
        self.countdown_label.setWordWrap(True)
        self.countdown_label.setAccessibleName("Written referral countdown")
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        self.text_label.setAccessibleName("Action wording")
        self.form_group = QGroupBox("Record the selected action as done", self)
        form = QFormLayout(self.form_group)
        self.done_at_edit = QLineEdit(self)
        self.done_at = DateField(self.done_at_edit, with_time=True)
        self.done_at_edit.setAccessibleName("Done at")

        def letters(text: str) -> str:
            return text if field_letters else text.replace("&", "")

        form.addRow(letters("Done &at"), self.done_at_edit)
        self.detail_edits: dict[str, QLineEdit] = {}
        for key, text in CALL_FIELDS:
            edit = QLineEdit(self)
            edit.setAccessibleName(text.replace("&", ""))
            self.detail_edits[key] = edit
            form.addRow(letters(text), edit)
        self.note_edit = QLineEdit(self)
        self.note_edit.setAccessibleName("Note")
        form.addRow(letters("No&te"), self.note_edit)
        self.record_button = QPushButton("Record as &done", self)
        self.record_button.setAccessibleName("Record as done")
        self.undo_button = QPushButton("Undo &record", self)
        self.undo_button.setAccessibleName("Undo the record of the selected action")
        self.undo_button.setToolTip("Take back this action's record (before finalising)")
        self.undo_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        form.addRow(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.text_label)
        layout.addWidget(self.form_group)
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        self.record_button.clicked.connect(self._on_record_clicked)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self._on_list_row_changed(-1)

    def set_actions(self, actions: list[RequiredAction], now: datetime, user: str = "") -> None:
        """Show the actions as they stand at ``now`` (deadlines exactly as given)."""
        row = self.list.currentRow()
        self.actions = list(actions)
        self.now, self.user = now, user
        self.list.blockSignals(True)
        self.list.clear()
        for action in self.actions:
            text, overdue = action_line(action, now)
            item = QListWidgetItem(text)
            if overdue:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_countdown()
        self.list.setCurrentRow(min(row, len(self.actions) - 1) if row >= 0 else -1)
        self._on_list_row_changed(self.list.currentRow())

    def typed(self) -> tuple[str | None, dict[str, str]]:
        """The selected action and what is typed for it (to keep across a reload)."""
        row = self.list.currentRow()
        action_id = self.actions[row].action_id if 0 <= row < len(self.actions) else None
        texts = {k: e.text() for k, e in self.detail_edits.items()}
        texts["note"], texts["done_at"] = self.note_edit.text(), self.done_at_edit.text()
        return action_id, texts

    def restore(self, typed: tuple[str | None, dict[str, str]]) -> None:
        """Put back what was typed when the same action is still selected and not recorded."""
        action_id, texts = typed
        row = self.list.currentRow()
        if action_id is None or not 0 <= row < len(self.actions):
            return
        action = self.actions[row]
        if action.action_id != action_id or action.record is not None:
            return
        for key, edit in self.detail_edits.items():
            if edit.isEnabled():
                edit.setText(texts.get(key, ""))
        self.note_edit.setText(texts["note"])
        self.done_at_edit.setText(texts["done_at"])

    def select(self, action_id: str) -> bool:
        """Select an action by id; False when it is not in the list."""
        for i, a in enumerate(self.actions):
            if a.action_id == action_id:
                self.list.setCurrentRow(i)
                return True
        return False

    def _update_countdown(self) -> None:
        written = next((a for a in self.actions if a.action_id == "written_referral"), None)
        call = next((a for a in self.actions if a.action_id == "phone_csc"), None)
        if written is None:
            self.countdown_label.setText("")
        elif written.record is not None:
            sent = nhs_datetime(written.record.done_at)
            self.countdown_label.setText(f"\u2611 Written referral sent {sent}.")
        elif call is not None and call.record is not None:
            phrase, overdue = due_phrase(written.due_at, self.now)
            start = nhs_datetime(call.record.done_at)
            prefix = "\u26a0 " if overdue else "\u25f7 "
            self.countdown_label.setText(
                f"{prefix}Written referral: {phrase}, counted from the call at {start}."
            )
        else:
            self.countdown_label.setText(
                "\u25f7 Written referral: the countdown starts when the call to children's "
                "social care is recorded."
            )

    def _on_list_row_changed(self, row: int) -> None:
        action = self.actions[row] if 0 <= row < len(self.actions) else None
        self.form_group.setEnabled(action is not None and not self.read_only)
        recorded = action is not None and action.record is not None
        for w in (self.done_at_edit, self.note_edit, self.record_button):
            w.setEnabled(not recorded)
        self.undo_button.setVisible(self.undo_allowed and recorded)
        is_call = action is not None and action.action_id in CALL_ACTIONS and not recorded
        for edit in self.detail_edits.values():
            edit.setEnabled(is_call)
            edit.clear()
        self.note_edit.clear()
        self.done_at.set_value(self.now)
        if action is None:
            self.text_label.setText("Select an action to see what it requires.")
        elif action.record is not None:
            details = "; ".join(
                v if k == "note" else f"{DETAIL_WORDS.get(k, k)}: {v}"
                for k, v in action.record.details.items()
                if v
            )
            by = f" by {action.record.by}" if action.record.by else ""
            self.text_label.setText(
                f"{action.text}\n\nRecorded{by} at {nhs_datetime(action.record.done_at)}. {details}"
            )
        else:
            self.text_label.setText(action.text)

    def _on_undo_clicked(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.actions) and self.actions[row].record is not None:
            self.undone.emit(self.actions[row].action_id)
            self.list.setCurrentRow(row)
            self.record_button.setFocus()

    def _on_record_clicked(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.actions):
            return
        details = {k: e.text().strip() for k, e in self.detail_edits.items() if e.text().strip()}
        if self.note_edit.text().strip():
            details["note"] = self.note_edit.text().strip()
        done_at = self.done_at.value()
        if not isinstance(done_at, datetime):
            self.text_label.setText("\u26a0 Type when it was done, e.g. 03-Sep-2025 10:40.")
            return
        record = ActionRecord(self.actions[row].action_id, done_at, self.user, details)
        self.recorded.emit(record)
