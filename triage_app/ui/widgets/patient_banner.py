"""The patient banner (NHS CUI PAB): fixed at the top whenever one child is open.

``EXAMPLE, Ava    Born 20-Jul-2025 (6w 3d)    Sex Female    NHS No. 943 476 5919``:
labels without colons, styled less prominently than the values; missing values read
``Not Known``, never ``?``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QWidget

from triage_app.domain.display import NOT_KNOWN, age_display, display_name, display_sex, nhs_date
from triage_app.ui.forms.ui_patient_banner import Ui_PatientBanner

if TYPE_CHECKING:
    from triage_app.ui.viewmodels import ChildView


class PatientBanner(QFrame):
    """Shows one child's identity; hidden when no child is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_PatientBanner()
        self.ui.setupUi(self)
        self.setObjectName("patient_banner")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAccessibleName("Patient banner")
        # Visually distinct (border and background); text colours meet 4.5:1 on the background.
        self.setStyleSheet(
            "#patient_banner { background: #e8edee; border: 2px solid #005eb8; }"
            "QLabel { color: #212b32; }"
            "#born_label, #gender_label, #nhs_label { color: #4c6272; }"
        )
        name_font = QFont(self.font())
        name_font.setBold(True)
        name_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        self.ui.name_value_label.setFont(name_font)
        self.clear()

    def show_child(self, child: ChildView, today: date) -> None:
        """Show a child; the age is worked out for ``today``."""
        from triage_app.domain import nhs_number  # not needed for the first paint

        u = self.ui
        u.name_value_label.setText(display_name(child.family_name, child.given_name))
        age = age_display(child.date_of_birth, today)
        u.born_value_label.setText(f"{nhs_date(child.date_of_birth)} ({age})")
        u.gender_value_label.setText(display_sex(child.sex))
        u.nhs_value_label.setText(nhs_number.display(child.nhs_number) or NOT_KNOWN)
        self.setVisible(True)

    def clear(self) -> None:
        """Hide the banner (no child open, or a multi-patient screen)."""
        for label in (
            self.ui.name_value_label,
            self.ui.born_value_label,
            self.ui.gender_value_label,
            self.ui.nhs_value_label,
        ):
            label.setText(NOT_KNOWN)
        self.setVisible(False)

    def text(self) -> str:
        """Return the banner as one line of text (for tests and screen readers)."""
        u = self.ui
        return (
            f"{u.name_value_label.text()} Born {u.born_value_label.text()} "
            f"Sex {u.gender_value_label.text()} NHS No. {u.nhs_value_label.text()}"
        )
