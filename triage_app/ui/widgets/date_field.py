"""Dates typed as text: ``20-Jul-2025``, ``20/07/2025`` or ``2025-07-20`` (with ``10:40``).

A plain line edit, not ``QDateEdit``: Tab leaves it in one press (``QDateEdit`` walks day,
month and year first, and with a "not recorded" value Qt 6.12 never lets Tab out at all), an
empty field means "not recorded", and the text is shown back as ``DD-Mmm-YYYY HH:MM`` (NHS CUI).
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLineEdit

from triage_app.domain.display import nhs_date, nhs_datetime
from triage_app.ui.widgets.common import parse_user_date


def parse_user_datetime(text: str) -> datetime | None:
    """Read ``03-Sep-2025 10:40``, ``03/09/2025 10:40`` or ``2025-09-03T10:40``."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        pass
    day_part, _, clock = text.rpartition(" ")
    if not day_part or ":" not in clock:
        return None
    day = parse_user_date(day_part)
    try:
        hours, minutes = (int(p) for p in clock.split(":"))
        return datetime.combine(day, time(hours, minutes)) if day else None
    except ValueError:
        return None


class DateField(QObject):
    """Gives a line edit date (or date and time) behaviour."""

    def __init__(self, edit: QLineEdit, with_time: bool = False) -> None:
        super().__init__(edit)
        self.edit, self.with_time = edit, with_time
        example = "03-Sep-2025 10:40" if with_time else "20-Jul-2025"
        edit.setPlaceholderText(f"e.g. {example}")
        edit.setToolTip(f"Type a date such as {example}; leave empty if not recorded.")
        edit.editingFinished.connect(self._on_editing_finished)

    def value(self) -> date | datetime | None:
        """Return the date (or date-time), or ``None`` when empty or unreadable."""
        text = self.edit.text()
        return parse_user_datetime(text) if self.with_time else parse_user_date(text)

    def is_valid(self) -> bool:
        """True when the field is empty or holds a readable date."""
        return not self.edit.text().strip() or self.value() is not None

    def iso(self) -> str | None:
        """Return ISO text for the contract; unreadable text is returned as typed.

        Passing unreadable text on lets the engine's parser name the problem in the decision
        panel, instead of the value silently disappearing.
        """
        text = self.edit.text().strip()
        if not text:
            return None
        value = self.value()
        if value is None:
            return text
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value.isoformat()

    def set_value(self, value: date | datetime | str | None) -> None:
        """Show a value in NHS format (empty for ``None``).

        A text that is not an ISO date (an unfinished draft keeps what was typed, e.g.
        ``01-Dec-2026 16:29x``) is shown as it was typed, for the user to correct.
        """
        if isinstance(value, str):
            try:
                value = (
                    datetime.fromisoformat(value) if self.with_time else date.fromisoformat(value)
                )
            except ValueError:
                self.edit.setText(value)
                return
        if value is None:
            self.edit.setText("")
        elif isinstance(value, datetime):
            self.edit.setText(nhs_datetime(value) if self.with_time else nhs_date(value.date()))
        else:
            self.edit.setText(nhs_date(value))

    def _on_editing_finished(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)
