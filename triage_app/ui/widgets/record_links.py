"""Records that may be the same child: a small panel to link them or reject them.

Lists the records that may be this child (unconfirmed), each with its score, the reasons and
its earlier injuries, and the records already linked. A safeguarding lead selects one, types
the reason, and chooses "Same child: link" or "Not this child". The port refuses anyone else.

A record without an NHS number also shows "Add NHS number": the number is formatted as it is
typed and checked (Modulus 11) before the record is asked; the record audits the change and
refuses a number another record has. Then the panel says which record has it and offers the
"same child" link (to a safeguarding lead; anyone else is told to ask one).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain import nhs_number
from triage_app.domain.display import display_name, nhs_date
from triage_app.domain.nhs_number import display as nhs_display
from triage_app.ui.find_child import format_nhs_typing
from triage_app.ui.ports import NumberHeld, RecordLinks, Refused
from triage_app.ui.viewmodels import ChildView, PossibleRecord


def record_text(r: PossibleRecord) -> str:
    """One possible record as list text: who, born, NHS number, score, reasons, injuries."""
    c = r.child
    lines = [
        f"Record {c.id}: {display_name(c.family_name, c.given_name)}   "
        f"Born {nhs_date(c.date_of_birth)}   NHS No. {nhs_display(c.nhs_number) or 'none'}   "
        f"score {r.score:.1f} (unconfirmed)",
        "  because: " + "; ".join(r.reasons),
    ]
    lines += [f"  earlier: {i}" for i in r.injuries] or ["  no earlier presentations stored"]
    return "\n".join(lines)


class RecordLinksPanel(QWidget):
    """Possible earlier records of one child, with Link and Not-this-child."""

    changed = Signal()
    number_added = Signal(object)  # the child record, now with its NHS number

    def __init__(self, links: RecordLinks, child: ChildView, parent: QWidget | None = None):
        super().__init__(parent)
        self.links, self.child = links, child
        self.possible: list[PossibleRecord] = []
        self.holder_id: str | None = None  # the record that has the number typed, if any
        layout = QVBoxLayout(self)
        self.number_box = self._number_box()
        layout.addWidget(self.number_box)
        self.number_box.setVisible(not child.nhs_number)
        self.heading = QLabel(
            "Records that may be this child (possible earlier injury, unconfirmed until a "
            "safeguarding lead links or rejects them):"
        )
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Possible earlier records")
        self.linked_label = QLabel()
        self.linked_label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("Reason (required): how you know")
        self.link_button = QPushButton("Same child: &link")
        self.reject_button = QPushButton("&Not this child")
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.reject_button)
        for w in (self.heading, self.list, self.linked_label, self.reason_edit):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.link_button.clicked.connect(lambda: self._decide(self.links.link, "linked"))
        self.reject_button.clicked.connect(lambda: self._decide(self.links.reject, "rejected"))
        self.refresh()

    # Adding an NHS number ------------------------------------------------------------
    def _number_box(self) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "This record has no NHS number. Add it once it is known: it is checked, and the "
            "change is written to the audit trail."
        )
        intro.setWordWrap(True)
        self.number_edit = QLineEdit()
        self.number_edit.setAccessibleName("NHS number to add")
        self.number_edit.setPlaceholderText("e.g. 943 476 5919")
        self.number_edit.setMaxLength(12)
        label = QLabel("N&HS number")
        label.setBuddy(self.number_edit)
        self.number_button = QPushButton("&Add NHS number")
        row = QHBoxLayout()
        for w in (label, self.number_edit, self.number_button):
            row.addWidget(w)
        self.number_message = QLabel("Ten digits; spaces are added for you.")
        self.number_message.setWordWrap(True)
        self.number_message.setAccessibleName("NHS number message")
        self.holder_reason_edit = QLineEdit()
        self.holder_reason_edit.setAccessibleName("Reason for linking")
        self.holder_reason_edit.setPlaceholderText("Reason (required): how you know")
        self.link_holder_button = QPushButton("Lin&k the records")
        link_row = QHBoxLayout()
        link_row.addWidget(self.holder_reason_edit)
        link_row.addWidget(self.link_holder_button)
        column.addWidget(intro)
        column.addLayout(row)
        column.addWidget(self.number_message)
        column.addLayout(link_row)
        self.holder_reason_edit.setVisible(False)
        self.link_holder_button.setVisible(False)
        self.number_edit.textEdited.connect(self._on_number_edited)
        self.number_edit.returnPressed.connect(self.add_number)
        self.number_button.clicked.connect(self.add_number)
        self.link_holder_button.clicked.connect(self.link_holder)
        return box

    def _on_number_edited(self, text: str) -> None:
        formatted, cursor = format_nhs_typing(text, self.number_edit.cursorPosition())
        if formatted != text:
            self.number_edit.setText(formatted)
            self.number_edit.setCursorPosition(cursor)
        self._offer_link(None)
        digits = formatted.replace(" ", "")
        if len(digits) < 10:
            self.number_message.setText(f"{len(digits)} of 10 digits.")
        else:
            problem = nhs_number.problem(digits)
            self.number_message.setText(
                f"\u26a0 Not valid: {problem}." if problem else "\u2714 Valid NHS number."
            )

    def add_number(self) -> None:
        """Check the number typed and ask the record to add it to this child."""
        digits = self.number_edit.text().replace(" ", "")
        problem = nhs_number.problem(digits)
        if problem:
            self.number_message.setText(f"\u26a0 Not valid: {problem}. Nothing was changed.")
            self.number_edit.setFocus()
            return
        try:
            child = self.links.add_nhs_number(self.child.id, digits)
        except NumberHeld as exc:
            self._offer_link(exc)
            return
        except Refused as exc:
            self.number_message.setText(f"\u26a0 {exc} Nothing was changed.")
            return
        self.child = child
        self.number_box.setVisible(False)
        self.message.setText(
            f"Record {child.id} now has NHS No. {nhs_display(child.nhs_number)} "
            "(written to the audit trail)."
        )
        self.refresh()
        self.number_added.emit(child)
        self.changed.emit()

    def _offer_link(self, held: NumberHeld | None) -> None:
        """After a refusal because another record has the number: the "same child" route."""
        self.holder_id = held.holder_id if held is not None else None
        lead = held is not None and self.links.may_link()
        self.holder_reason_edit.setVisible(lead)
        self.link_holder_button.setVisible(lead)
        if held is None:
            return
        if lead:
            self.link_holder_button.setText(f"Lin&k to record {held.holder_id}: same child")
            self.number_message.setText(
                f"\u26a0 {held} If record {held.holder_id} is the same child, link the two "
                "records instead: type the reason and choose "
                f"\u201cLink to record {held.holder_id}\u201d."
            )
            self.holder_reason_edit.setFocus()
        else:
            self.number_message.setText(
                f"\u26a0 {held} If it is the same child, ask a safeguarding lead to link "
                f"record {self.child.id} (this one) and record {held.holder_id} as the same "
                "child: only a safeguarding lead can link records."
            )

    def link_holder(self) -> None:
        """Link this record to the record that has the number (a lead, with a reason)."""
        if self.holder_id is None:
            return
        reason = self.holder_reason_edit.text().strip()
        if not reason:
            self.number_message.setText("Type the reason first.")
            self.holder_reason_edit.setFocus()
            return
        holder = self.holder_id
        try:
            self.links.link(self.child.id, holder, reason)
        except Refused as exc:
            self.number_message.setText(f"\u26a0 {exc}")
            return
        self.holder_reason_edit.clear()
        self._offer_link(None)
        self.number_message.setText(
            f"Record {holder} linked as the same child: history, lookups and flags now "
            "follow the link."
        )
        self.refresh()
        self.changed.emit()

    # Possible records -----------------------------------------------------------------
    def refresh(self) -> None:
        """Read the possible and linked records again."""
        try:
            self.possible = self.links.possible_records(self.child.id)
            linked = self.links.linked_records(self.child.id)
        except Refused as exc:
            self.message.setText(f"\u26a0 {exc}")
            return
        self.list.clear()
        for r in self.possible:
            self.list.addItem(QListWidgetItem(record_text(r)))
        if not self.possible:
            self.list.addItem("No other record looks like this child.")
        self.list.setEnabled(bool(self.possible))
        self.link_button.setEnabled(bool(self.possible))
        self.reject_button.setEnabled(bool(self.possible))
        self.linked_label.setText(
            "Linked as the same child: "
            + ", ".join(
                f"record {c.id} ({display_name(c.family_name, c.given_name)})" for c in linked
            )
            if linked
            else "No records linked to this one."
        )

    def _decide(self, action: object, done: str) -> None:
        row = self.list.currentRow()
        if not self.possible or row < 0 or row >= len(self.possible):
            self.message.setText("Select a record first.")
            return
        reason = self.reason_edit.text().strip()
        if not reason:
            self.message.setText("Type the reason first.")
            return
        other = self.possible[row].child
        try:
            action(self.child.id, other.id, reason)  # type: ignore[operator]
        except Refused as exc:
            self.refresh()  # the records as stored now; the reason typed stays to correct
            self.list.setCurrentRow(min(row, self.list.count() - 1))
            self.message.setText(f"\u26a0 {exc}")
            return
        self.reason_edit.clear()
        self.message.setText(f"Record {other.id} {done}.")
        self.refresh()
        self.changed.emit()


class RecordLinksDialog(QDialog):
    """The panel in a dialog (Record menu: "Other records of this child")."""

    def __init__(self, links: RecordLinks, child: ChildView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Other records of this child")
        self.panel = RecordLinksPanel(links, child, self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(close)
