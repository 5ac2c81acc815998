"""Wizard step: the child's family, for any child (new to the store or known).

People with parental responsibility and carers (name, relationship, date of birth, contact,
whether they live with the child), the address, GP practice, health visitor, interpreter need
and a pregnancy in the household with its expected date. What is stored with the child is
offered again next time (``FamilyStep.stored``); what is typed is kept in ``extra["family"]``
and stored with the child when the assessment is finalised. A pregnancy sets the engine's
``history.mother_pregnant`` (the pre-birth referral rule).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import nhs_date
from triage_app.ui.widgets.common import parse_user_date, tri_get, tri_set
from triage_app.ui.widgets.step import AssessmentStep

COLUMNS = (
    "Name",
    "Relationship",
    "Parental responsibility",
    "Born",
    "Contact",
    "Lives with the child",
)
_YES_NO = ("Not known", "Yes", "No")


def _tri_combo(parent: QWidget, name: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItems(_YES_NO)
    combo.setAccessibleName(name)
    return combo


class FamilyStep(AssessmentStep):
    """People with parental responsibility and carers; address, GP, health visitor."""

    title = "Family"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stored: dict[str, Any] = {}  # the family stored with the child (prefill)
        people = QGroupBox("People with parental responsibility and carers", self)
        self.table = QTableWidget(0, len(COLUMNS), people)
        self.table.setObjectName("family_table")
        self.table.setAccessibleName("People with parental responsibility and carers")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton("&Add a person", people)
        self.add_button.setAccessibleName("Add a parent or carer")
        self.remove_button = QPushButton("&Remove the selected person", people)
        self.remove_button.setAccessibleName("Remove the selected parent or carer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        pl = QVBoxLayout(people)
        pl.addWidget(self.table)
        pl.addLayout(buttons)
        care = QGroupBox("Where the child lives and who looks after them", self)
        form = QFormLayout(care)
        self.address_edit = QLineEdit(care)
        self.postcode_edit = QLineEdit(care)
        self.gp_edit = QLineEdit(care)
        self.hv_edit = QLineEdit(care)
        self.interpreter_combo = _tri_combo(care, "Interpreter needed")
        self.language_edit = QLineEdit(care)
        self.pregnant_combo = _tri_combo(care, "Pregnancy in the household")
        self.due_edit = QLineEdit(care)
        self.due_edit.setPlaceholderText("expected date, e.g. 14-Mar-2027")
        for label, w, name in (
            ("A&ddress", self.address_edit, "Address"),
            ("&Postcode", self.postcode_edit, "Postcode"),
            ("&GP practice", self.gp_edit, "GP practice"),
            ("&Health visitor", self.hv_edit, "Health visitor"),
            ("&Interpreter needed", self.interpreter_combo, None),
            ("&Language", self.language_edit, "Interpreter language"),
            ("Pregnanc&y in the household", self.pregnant_combo, None),
            ("E&xpected date", self.due_edit, "Expected date of delivery"),
        ):
            if name:
                w.setAccessibleName(name)
            form.addRow(label, w)
        layout = QVBoxLayout(self)
        layout.addWidget(people, 1)
        layout.addWidget(care)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.table.itemChanged.connect(self._emit_changed)
        for e in (
            self.address_edit,
            self.postcode_edit,
            self.gp_edit,
            self.hv_edit,
            self.language_edit,
            self.due_edit,
        ):
            e.textChanged.connect(self._emit_changed)
        self.interpreter_combo.currentIndexChanged.connect(self._emit_changed)
        self.pregnant_combo.currentIndexChanged.connect(self._emit_changed)

    # Rows ---------------------------------------------------------------------------------
    def _add_row(self, person: dict[str, Any]) -> None:
        t = self.table
        blocked = t.blockSignals(True)
        row = t.rowCount()
        t.insertRow(row)
        for col, key in ((0, "name"), (1, "relationship"), (3, "born"), (4, "contact")):
            t.setItem(row, col, QTableWidgetItem(person.get(key) or ""))
        pr = QCheckBox(t)
        pr.setAccessibleName("Has parental responsibility")
        pr.setChecked(bool(person.get("parental_responsibility", True)))
        pr.toggled.connect(self._emit_changed)
        t.setCellWidget(row, 2, pr)
        lives = _tri_combo(t, "Lives with the child")
        tri_set(lives, person.get("lives_with_child"))
        lives.currentIndexChanged.connect(self._emit_changed)
        t.setCellWidget(row, 5, lives)
        t.blockSignals(blocked)

    def _on_add(self) -> None:
        self._add_row({})
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0))
        self._emit_changed()

    def _on_remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._emit_changed()

    def people(self) -> list[dict[str, Any]]:
        """The people typed, one dict each (rows without a name are left out)."""
        out = []
        t = self.table
        for row in range(t.rowCount()):

            def text(col: int, r: int = row) -> str:
                item = t.item(r, col)
                return item.text().strip() if item else ""

            if not text(0):
                continue
            pr = t.cellWidget(row, 2)
            lives = t.cellWidget(row, 5)
            born = parse_user_date(text(3))
            out.append(
                {
                    "name": text(0),
                    "relationship": text(1),
                    "parental_responsibility": bool(pr.isChecked())
                    if isinstance(pr, QCheckBox)
                    else True,
                    "born": nhs_date(born) if born else text(3),
                    "contact": text(4),
                    "lives_with_child": tri_get(lives) if isinstance(lives, QComboBox) else None,
                }
            )
        return out

    # Step ---------------------------------------------------------------------------------
    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the family typed so far, else the family stored with the child."""
        f = extra.get("family") or self.stored
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(0)
        for person in f.get("adults", []):
            self._add_row(person)
        self.table.blockSignals(blocked)
        self.address_edit.setText(f.get("address") or "")
        self.postcode_edit.setText(f.get("postcode") or "")
        self.gp_edit.setText(f.get("gp_practice") or "")
        self.hv_edit.setText(f.get("health_visitor") or "")
        tri_set(self.interpreter_combo, f.get("interpreter_needed"))
        self.language_edit.setText(f.get("interpreter_language") or "")
        pregnant = data.get("history", {}).get("mother_pregnant", f.get("pregnant"))
        tri_set(self.pregnant_combo, pregnant)
        self.due_edit.setText(f.get("pregnancy_due") or "")

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the family into ``extra`` and the pregnancy into the engine's history."""
        pregnant = tri_get(self.pregnant_combo)
        extra["family"] = {
            "adults": self.people(),
            "address": self.address_edit.text().strip(),
            "postcode": self.postcode_edit.text().strip(),
            "gp_practice": self.gp_edit.text().strip(),
            "health_visitor": self.hv_edit.text().strip(),
            "interpreter_needed": tri_get(self.interpreter_combo),
            "interpreter_language": self.language_edit.text().strip(),
            "pregnant": pregnant,
            "pregnancy_due": self.due_edit.text().strip(),
        }
        history = data.setdefault("history", {})
        if pregnant is None:
            history.pop("mother_pregnant", None)
        else:
            history["mother_pregnant"] = pregnant
