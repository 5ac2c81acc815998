"""Case view panel: where the child is now and with whom (the referral record prints it).

The latest location is shown; a new one (the child moved from the department to a ward, or
went home) is recorded through the tracker's ``record_location`` / ``current_location``
(the store's adapter has them; without them the panel stays hidden). Sealing needs a location.
"""

from __future__ import annotations

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

from triage_app.domain.handover import PLACES


class LocationPanel(QGroupBox):
    """Shows where the child is now; records a new location."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Where the child is now", parent)
        self.current_label = QLabel(self)
        self.current_label.setWordWrap(True)
        self.current_label.setAccessibleName("Where the child is now")
        self.place_combo = QComboBox(self)
        self.place_combo.setAccessibleName("Where")
        self.place_combo.addItem("Choose where", "")
        for code, text in PLACES.items():
            self.place_combo.addItem(text, code)
        self.detail_edit = QLineEdit(self)
        self.detail_edit.setAccessibleName("Ward, department or address")
        self.detail_edit.setPlaceholderText("ward, department, address")
        self.with_edit = QLineEdit(self)
        self.with_edit.setAccessibleName("With whom")
        self.with_edit.setPlaceholderText("with whom (required at home)")
        self.record_button = QPushButton("Record &location", self)
        self.record_button.setAccessibleName("Record where the child is now")
        row = QHBoxLayout()  # two rows: each field wide enough to read at 1024 px
        row.addWidget(self.place_combo)
        row.addWidget(self.detail_edit, 1)
        second = QHBoxLayout()
        second.addWidget(self.with_edit, 1)
        second.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        layout.addLayout(row)
        layout.addLayout(second)
        self.message_label = QLabel(self)  # what "Record location" answers, beside it
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Location message")
        layout.addWidget(self.message_label)

    def show_location(self, line: str | None, when: str | None = None) -> None:
        """Show the current location (or that none is recorded) and clear the inputs."""
        if line:
            self.current_label.setText(line + (f" (recorded {when})" if when else ""))
        else:
            self.current_label.setText("\u26a0 Not recorded: the referral record cannot be sealed.")
        self.place_combo.setCurrentIndex(0)
        self.detail_edit.clear()
        self.with_edit.clear()

    def typed(self) -> tuple[int, str, str]:
        """What is chosen and typed (to keep across a reload after a refusal)."""
        return self.place_combo.currentIndex(), self.detail_edit.text(), self.with_edit.text()

    def restore(self, typed: tuple[int, str, str]) -> None:
        """Put back what was chosen and typed."""
        self.place_combo.setCurrentIndex(typed[0])
        self.detail_edit.setText(typed[1])
        self.with_edit.setText(typed[2])

    def chosen(self) -> tuple[str, str, str | None]:
        """The place, detail and with whom typed."""
        return (
            self.place_combo.currentData() or "",
            self.detail_edit.text().strip(),
            self.with_edit.text().strip() or None,
        )


def supports_location(cases: object) -> bool:
    """True when the case tracker can read and record locations."""
    return hasattr(cases, "record_location") and hasattr(cases, "current_location")
