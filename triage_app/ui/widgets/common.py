"""Small helpers shared by the screens: combos over vocabularies, dates, optional times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QRadioButton, QWidget

from triage_app.ui.labels import tri_index, tri_value


def fill_combo(combo: QComboBox, words: Mapping[Any, str], blank: str | None = None) -> None:
    """Fill a combo with words, keeping each code as the item's data."""
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for code, text in words.items():
        combo.addItem(text, str(code))


def combo_code(combo: QComboBox) -> str | None:
    """Return the code of the chosen item (``None`` for a blank item)."""
    return combo.currentData()


def set_combo_code(combo: QComboBox, code: Any) -> None:
    """Choose the item whose code is ``code`` (the first item when it is absent)."""
    index = combo.findData(None if code is None else str(code))
    combo.setCurrentIndex(max(index, 0))


def tri_get(combo: QComboBox) -> bool | None:
    """Return a Not known / Yes / No combo's answer."""
    return tri_value(combo.currentIndex())


def tri_set(combo: QComboBox, value: Any) -> None:
    """Set a Not known / Yes / No combo."""
    combo.setCurrentIndex(tri_index(value if isinstance(value, bool) else None))


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_user_date(text: str) -> date | None:
    """Read a typed date: ``02-Mar-2021``, ``02/03/2021`` (day first) or ``2021-03-02``."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace("/", "-").replace(".", "-").replace(" ", "-").split("-")
    if len(parts) != 3:
        return None
    day, month, year = parts
    try:
        m = _MONTHS.index(month[:3].lower()) + 1 if month.isalpha() else int(month)
        return date(int(year), m, int(day))
    except (ValueError, IndexError):
        return None


class TriStateButtons(QWidget):
    """Yes / No / Not known as three radio buttons: one key press, the answer always visible.

    Tab reaches the group (the checked button), the arrow keys move between the answers and
    Space chooses. ``value()`` is True, False or None (not known).
    """

    changed = Signal()
    ANSWERS = (("Yes", True), ("No", False), ("Not known", None))

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(question)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QRadioButton] = []
        for i, (text, _value) in enumerate(self.ANSWERS):
            button = QRadioButton(text, self)
            button.setAccessibleName(f"{question}: {text}")
            self.group.addButton(button, i)
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.buttons[2].setChecked(True)
        self.setFocusProxy(self.buttons[2])
        self.group.idToggled.connect(self._on_toggled)

    def _on_toggled(self, index: int, checked: bool) -> None:
        if checked:
            self.setFocusProxy(self.buttons[index])
            self.changed.emit()

    def value(self) -> bool | None:
        """The answer: True (yes), False (no) or None (not known)."""
        return self.ANSWERS[max(self.group.checkedId(), 0)][1]

    def set_value(self, value: object) -> None:
        """Show an answer (anything but True or False shows Not known), without a signal."""
        index = 2 if not isinstance(value, bool) else (0 if value else 1)
        blocked = self.group.blockSignals(True)
        self.buttons[index].setChecked(True)
        self.setFocusProxy(self.buttons[index])
        self.group.blockSignals(blocked)
