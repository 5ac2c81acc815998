"""Wizard step: who is referring (prefilled from the account, editable) and where the child is now.

The referrer is the referring clinician printed on the record: full name, professional role,
organisation and a call-back number. It starts as the signed-in account's professional
profile; a student seeing the child with a supervisor, for example, changes it here. Where
the child is now (admitted with the ward, in the emergency department, at home with a named
carer, other) is a required choice before finalising (:func:`location_problem`).

Both are kept in the wizard's ``extra``: ``extra["referrer"]`` and ``extra["location"]``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.handover import PLACES, PROFESSIONAL_ROLES, location_problems
from triage_app.ui.widgets.step import AssessmentStep


def location_problem(extra: dict[str, Any]) -> str | None:
    """Why the wizard cannot finalise for the location (``None`` when it is given)."""
    loc = extra.get("location") or {}
    problems = location_problems(
        loc.get("place"), loc.get("detail"), loc.get("with_whom"), words=True
    )
    if not problems:
        return None
    return "Where the child is now: " + "; ".join(problems) + "."


class ReferrerStep(AssessmentStep):
    """Confirm the referring clinician, and say where the child is now and with whom."""

    title = "Referrer and where the child is"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.default: dict[str, str] = {}
        who = QGroupBox("Referring clinician (printed on the referral, for the call back)", self)
        form = QFormLayout(who)
        self.name_edit = QLineEdit(who)
        self.role_combo = QComboBox(who)
        self.role_combo.addItem("Choose the professional role", "")
        for code, text in PROFESSIONAL_ROLES.items():
            self.role_combo.addItem(text, code)
        self.organisation_edit = QLineEdit(who)
        self.phone_edit = QLineEdit(who)
        for label, w, name in (
            ("F&ull name", self.name_edit, "Referrer full name"),
            ("Professional &role", self.role_combo, "Referrer professional role"),
            ("&Organisation", self.organisation_edit, "Referrer organisation"),
            ("Ca&ll-back number", self.phone_edit, "Referrer call-back number"),
        ):
            w.setAccessibleName(name)
            form.addRow(label, w)
        where = QGroupBox("Where the child is now (required before finalising)", self)
        wform = QFormLayout(where)
        self.place_combo = QComboBox(where)
        self.place_combo.addItem("Choose where the child is now", "")
        for code, text in PLACES.items():
            self.place_combo.addItem(text, code)
        self.detail_edit = QLineEdit(where)
        self.detail_edit.setPlaceholderText("the ward, the department, the address, or what")
        self.with_edit = QLineEdit(where)
        self.with_edit.setPlaceholderText("the named carer (required at home)")
        for label, w, name in (
            ("&Where", self.place_combo, "Where the child is now"),
            ("&Detail", self.detail_edit, "Ward, department or address"),
            ("Wi&th whom", self.with_edit, "Who the child is with"),
        ):
            w.setAccessibleName(name)
            wform.addRow(label, w)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setObjectName("location_problem")
        self.problem_label.setStyleSheet("color: #8a1538; font-weight: bold;")  # a refusal
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(where)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)
        for e in (self.name_edit, self.organisation_edit, self.phone_edit):
            e.textChanged.connect(self._emit_changed)
        for e in (self.detail_edit, self.with_edit):
            e.textChanged.connect(self._emit_changed)
        self.role_combo.currentIndexChanged.connect(self._emit_changed)
        self.place_combo.currentIndexChanged.connect(self._emit_changed)

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the referrer (the account's profile until changed) and the location."""
        r = extra.get("referrer") or self.default
        self.name_edit.setText(r.get("name") or "")
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(r.get("role") or "")))
        self.organisation_edit.setText(r.get("organisation") or "")
        self.phone_edit.setText(r.get("phone") or "")
        loc = extra.get("location") or {}
        self.place_combo.setCurrentIndex(max(0, self.place_combo.findData(loc.get("place") or "")))
        self.detail_edit.setText(loc.get("detail") or "")
        self.with_edit.setText(loc.get("with_whom") or "")
        self.problem_label.setText(location_problem(extra) or "")

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the referrer and the location into ``extra``."""
        extra["referrer"] = {
            "name": self.name_edit.text().strip(),
            "role": self.role_combo.currentData() or "",
            "organisation": self.organisation_edit.text().strip(),
            "phone": self.phone_edit.text().strip(),
        }
        extra["location"] = {
            "place": self.place_combo.currentData() or "",
            "detail": self.detail_edit.text().strip(),
            "with_whom": self.with_edit.text().strip(),
        }
        self.problem_label.setText(location_problem(extra) or "")
