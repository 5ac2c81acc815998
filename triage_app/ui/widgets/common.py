"""Small helpers shared by the screens: combos over vocabularies, dates, optional times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox

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
