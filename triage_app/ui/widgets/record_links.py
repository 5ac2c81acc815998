"""Records that may be the same child: a small panel to link them or reject them.

Lists the records that may be this child (unconfirmed), each with its score, the reasons and
its earlier injuries, and the records already linked. A safeguarding lead selects one, types
the reason, and chooses "Same child: link" or "Not this child". The port refuses anyone else.
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

from triage_app.domain.display import display_name, nhs_date
from triage_app.domain.nhs_number import display as nhs_display
from triage_app.ui.ports import RecordLinks, Refused
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

    def __init__(self, links: RecordLinks, child: ChildView, parent: QWidget | None = None):
        super().__init__(parent)
        self.links, self.child = links, child
        self.possible: list[PossibleRecord] = []
        layout = QVBoxLayout(self)
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
