"""The details of one finding: kind, site and side, size, pattern, description, exception."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from triage_app.domain.vocab import ExceptionType, FindingKind, Side, Site
from triage_app.ui.labels import KIND, SITE
from triage_app.ui.widgets.common import (
    combo_code,
    fill_combo,
    set_combo_code,
    tri_get,
    tri_set,
)
from triage_app.ui.widgets.date_field import DateField

SIDES = {Side.LEFT: "Left (child's)", Side.RIGHT: "Right (child's)", Side.MIDLINE: "Midline"}
SIDES[Side.BILATERAL] = "Both sides"
EXCEPTIONS = {
    ExceptionType.BIRTHMARK: "Documented birthmark",
    ExceptionType.BIRTH_INJURY: "Documented birth injury",
    ExceptionType.PROCEDURE_MARK: "Documented procedure mark",
}


def _combo(parent: QWidget, name: str, words: dict, blank: str | None = None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    fill_combo(combo, words, blank)
    return combo


class FindingEditor(QWidget):
    """Edits one finding (a ``findings[]`` item of the assess contract)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = _combo(self, "kind_combo", KIND)
        self.site_combo = _combo(self, "site_combo", SITE)
        self.side_combo = _combo(self, "side_combo", SIDES, blank="Not recorded")
        self.size_spin = QDoubleSpinBox(self)
        self.size_spin.setObjectName("size_spin")
        self.size_spin.setRange(0, 1000)
        self.size_spin.setDecimals(0)
        self.size_spin.setSuffix(" mm")
        self.size_spin.setSpecialValueText("Not measured")
        self.patterned_combo = QComboBox(self)
        self.patterned_combo.addItems(["Not known", "Yes", "No"])
        self.description_edit = QLineEdit(self)
        self.description_edit.setPlaceholderText("Colour, shape, as seen")
        self.exception_combo = _combo(self, "exception_combo", EXCEPTIONS, blank="No exception")
        self.documented_by_edit = QLineEdit(self)
        self.documented_on_edit = QLineEdit(self)
        self.documented_on = DateField(self.documented_on_edit)
        self.matches_combo = QComboBox(self)
        self.matches_combo.addItems(["Not known", "Yes", "No"])

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        rows = (
            ("Kin&d", self.kind_combo, "Kind of finding"),
            ("Si&te", self.site_combo, "Site"),
            ("S&ide", self.side_combo, "Side"),
            ("Si&ze", self.size_spin, "Size in millimetres"),
            ("&Patterned", self.patterned_combo, "Patterned"),
            ("D&escription", self.description_edit, "Description"),
        )
        for text, widget, name in rows:
            widget.setAccessibleName(name)
            form.addRow(text, widget)
        self.exception_group = QGroupBox("Exception claimed (documented before today)", self)
        ex = QFormLayout(self.exception_group)
        for text, widget, name in (
            ("E&xception", self.exception_combo, "Exception claimed"),
            ("Documented b&y", self.documented_by_edit, "Exception documented by"),
            ("Documented &on", self.documented_on_edit, "Exception documented on"),
            ("&Matches the record", self.matches_combo, "Finding matches the documentation"),
        ):
            widget.setAccessibleName(name)
            ex.addRow(text, widget)
        form.addRow(self.exception_group)
        for combo in (
            self.kind_combo,
            self.site_combo,
            self.side_combo,
            self.patterned_combo,
            self.exception_combo,
            self.matches_combo,
        ):
            combo.currentIndexChanged.connect(self._on_edited)
        self.size_spin.valueChanged.connect(self._on_edited)
        self.description_edit.textChanged.connect(self._on_edited)
        self.documented_by_edit.textChanged.connect(self._on_edited)
        self.documented_on_edit.textChanged.connect(self._on_edited)
        self._loading = False

    def set_finding(self, f: dict[str, Any]) -> None:
        """Show one finding without emitting ``edited``."""
        self._loading = True
        set_combo_code(self.kind_combo, f.get("kind", FindingKind.BRUISE.value))
        set_combo_code(self.site_combo, f.get("site", Site.OTHER.value))
        set_combo_code(self.side_combo, f.get("side"))
        self.size_spin.setValue(f.get("size_mm") or 0)
        tri_set(self.patterned_combo, f.get("patterned"))
        self.description_edit.setText(f.get("description", ""))
        ex = f.get("exception") or {}
        set_combo_code(self.exception_combo, ex.get("type"))
        self.documented_by_edit.setText(ex.get("documented_by", ""))
        self.documented_on.set_value(ex.get("documented_on"))
        tri_set(self.matches_combo, ex.get("matches_documentation"))
        self._sync_exception()
        self._loading = False

    def finding(self) -> dict[str, Any]:
        """Return the finding as contract JSON."""
        out: dict[str, Any] = {
            "kind": combo_code(self.kind_combo),
            "site": combo_code(self.site_combo),
        }
        optional = {
            "side": combo_code(self.side_combo),
            "size_mm": self.size_spin.value() or None,
            "patterned": tri_get(self.patterned_combo),
            "description": self.description_edit.text() or None,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        ex_type = combo_code(self.exception_combo)
        if ex_type:
            ex = {
                "type": ex_type,
                "documented_by": self.documented_by_edit.text().strip() or None,
                "documented_on": self.documented_on.iso(),
                "matches_documentation": tri_get(self.matches_combo),
            }
            out["exception"] = {k: v for k, v in ex.items() if v is not None}
        return out

    def _sync_exception(self) -> None:
        claimed = combo_code(self.exception_combo) is not None
        for w in (self.documented_by_edit, self.documented_on_edit, self.matches_combo):
            w.setEnabled(claimed)

    def _on_edited(self, *_: Any) -> None:
        self._sync_exception()
        if not self._loading:
            self.edited.emit()
