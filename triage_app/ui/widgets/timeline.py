"""Prior presentations of the child and the household, newest first, with their flags."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from triage_app.domain.display import nhs_date
from triage_app.ui.viewmodels import TimelineItem


def item_text(item: TimelineItem) -> str:
    """Return the lines shown for one presentation."""
    lines = [f"{nhs_date(item.date)}  {item.who}: {item.setting}", item.summary]
    if item.findings:
        lines.append("Findings: " + "; ".join(item.findings))
    if item.outcome:
        lines.append(f"Outcome: {item.outcome}")
    lines.extend(f"\u2691 FLAG: {flag}" for flag in item.flags)
    return "\n".join(lines)


class HistoryTimeline(QWidget):
    """The timeline shown beside the assessment as soon as the child is known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Earlier presentations (this child and household)", self)
        self.heading.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.setObjectName("timeline_list")
        self.list.setAccessibleName("Earlier presentations")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        self.set_items([])

    def set_items(self, items: list[TimelineItem] | tuple[TimelineItem, ...]) -> None:
        """Show presentations, newest first."""
        self.list.clear()
        ordered = sorted(items, key=lambda i: i.date, reverse=True)
        for entry in ordered:
            # Plain text with "FLAG" in words on its own line; alternate shading separates the
            # presentations (a whole list in bold was hard to scan).
            self.list.addItem(QListWidgetItem(item_text(entry)))
        if not ordered:
            self.list.addItem("No earlier presentations in the local record.")
        count = len(ordered)
        self.heading.setText(
            f"Earlier presentations (this child and household): {count}"
            if count
            else "Earlier presentations (this child and household)"
        )

    def texts(self) -> list[str]:
        """Return every row's text (newest first)."""
        return [self.list.item(i).text() for i in range(self.list.count())]
