"""The form-based steps: setting, mobility, explanation and context (household)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidgetItem,
    QWidget,
)

from triage_app.domain.display import nhs_date
from triage_app.domain.model import Decision
from triage_app.domain.vocab import MOBILITY_FIELDS, CpIs, CpPlan, EmergencySign, Setting
from triage_app.ui.forms.ui_context_step import Ui_ContextStep
from triage_app.ui.forms.ui_explanation_step import Ui_ExplanationStep
from triage_app.ui.forms.ui_mobility_step import Ui_MobilityStep
from triage_app.ui.forms.ui_setting_step import Ui_SettingStep
from triage_app.ui.labels import CP_IS, CP_PLAN, NIM_BASIS, SETTING
from triage_app.ui.widgets.common import (
    TriStateButtons,
    combo_code,
    fill_combo,
    parse_user_date,
    set_combo_code,
    tri_get,
    tri_set,
)
from triage_app.ui.widgets.date_field import DateField
from triage_app.ui.widgets.step import AssessmentStep


class SettingStep(AssessmentStep):
    """Step 1: when and where, how the concern arose, and any emergency signs."""

    title = "Setting and concern"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_SettingStep()
        self.ui.setupUi(self)
        fill_combo(self.ui.setting_combo, SETTING, blank="Choose where the child was seen")
        self.assessed_at = DateField(self.ui.assessed_at_edit, with_time=True)
        self._signs = {s: getattr(self.ui, f"{s.value}_check") for s in EmergencySign}
        u = self.ui
        u.assessed_at_edit.textChanged.connect(self._emit_changed)
        u.setting_combo.currentIndexChanged.connect(self._emit_changed)
        u.report_mode_combo.currentIndexChanged.connect(self._emit_changed)
        u.concern_edit.textChanged.connect(self._emit_changed)
        for box in self._signs.values():
            box.toggled.connect(self._emit_changed)

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show when, where and how."""
        u = self.ui
        self.assessed_at.set_value(data.get("assessed_at"))
        set_combo_code(u.setting_combo, data.get("setting"))
        u.report_mode_combo.setCurrentIndex(1 if data.get("report_mode") == "remote" else 0)
        u.concern_edit.setPlainText(extra.get("concern", ""))
        signs = set(data.get("clinical_state", {}).get("emergency_signs", []))
        for sign, box in self._signs.items():
            box.setChecked(sign.value in signs)

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write when, where and how."""
        u = self.ui
        data["assessed_at"] = self.assessed_at.iso()
        setting = combo_code(u.setting_combo)
        if setting:
            data["setting"] = Setting(setting).value
        else:
            data.pop("setting", None)
        data["report_mode"] = "remote" if u.report_mode_combo.currentIndex() == 1 else "in_person"
        extra["concern"] = u.concern_edit.toPlainText()
        chosen = [s.value for s, box in self._signs.items() if box.isChecked()]
        data["clinical_state"] = {"emergency_signs": chosen}


class MobilityStep(AssessmentStep):
    """Step 2: mobility milestones, with the NIM decision and its reasons at once."""

    title = "Mobility"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_MobilityStep()
        self.ui.setupUi(self)
        # Each question is answered with three buttons (Yes / No / Not known) in place of the
        # form's drop-down: one key or click, and every answer visible at once.
        self.answers: dict[str, TriStateButtons] = {}
        for name in MOBILITY_FIELDS:
            combo: QComboBox = getattr(self.ui, f"{name}_combo")
            buttons = TriStateButtons(combo.accessibleName() or name.replace("_", " "), self)
            buttons.setObjectName(f"{name}_answer")
            self._swap(combo, buttons)
            buttons.changed.connect(self._emit_changed)
            self.answers[name] = buttons

    def _swap(self, combo: QComboBox, buttons: QWidget) -> None:
        form: QFormLayout = self.ui.mobility_form
        row, role = form.getWidgetPosition(combo)
        form.removeWidget(combo)
        form.setWidget(row, role, buttons)
        for label in self.findChildren(QLabel):
            if label.buddy() is combo:
                label.setBuddy(buttons)
        combo.hide()
        combo.setParent(None)
        combo.deleteLater()

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the milestones."""
        mobility = data.get("mobility", {})
        for name, buttons in self.answers.items():
            buttons.set_value(mobility.get(name))

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the milestones (``null`` for not known)."""
        data["mobility"] = {name: b.value() for name, b in self.answers.items()}

    def show_decision(self, decision: Decision | None) -> None:
        """Show whether the child is not independently mobile, and why."""
        u = self.ui
        if decision is None:
            u.nim_result_label.setText("Mobility decision: waiting for the other inputs.")
            u.nim_reasons_label.setText("")
            return
        if decision.nim.status:
            u.nim_result_label.setText(
                f"\u25cf NOT INDEPENDENTLY MOBILE (age {decision.age_display}): "
                "the NIM protocol applies."
            )
        else:
            u.nim_result_label.setText(
                f"\u25cb Independently mobile (age {decision.age_display}): "
                "NICE CG89 guidance applies."
            )
        reasons = [NIM_BASIS.get(b, b) for b in decision.nim.basis]
        u.nim_reasons_label.setText("Reasons: " + "; ".join(reasons) + ".")
        self._fit_labels()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Keep the wrapped decision text whole at any width."""
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        # A wrapped label inside a frame does not always grow with its text; size it directly.
        for label in (self.ui.nim_result_label, self.ui.nim_reasons_label):
            label.setMinimumHeight(label.heightForWidth(max(label.width(), 100)))


class ExplanationStep(AssessmentStep):
    """Step 4: the explanation word for word, who gave it and when."""

    title = "Explanation"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ExplanationStep()
        self.ui.setupUi(self)
        u = self.ui
        self.given_at = DateField(u.given_at_edit, with_time=True)
        u.explanation_edit.textChanged.connect(self._emit_changed)
        u.given_by_combo.currentTextChanged.connect(self._emit_changed)
        u.given_at_edit.textChanged.connect(self._emit_changed)
        u.changed_combo.currentIndexChanged.connect(self._emit_changed)
        u.delay_combo.currentIndexChanged.connect(self._emit_changed)

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the explanation."""
        e = data.get("explanation", {})
        u = self.ui
        u.explanation_edit.setPlainText(e.get("text", ""))
        u.given_by_combo.setCurrentText(e.get("given_by", ""))
        self.given_at.set_value(e.get("given_at"))
        tri_set(u.changed_combo, e.get("changed_over_time"))
        tri_set(u.delay_combo, e.get("delay_in_presentation"))

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the explanation exactly as typed (no trimming inside the text)."""
        u = self.ui
        e = {
            "text": u.explanation_edit.toPlainText() or None,
            "given_by": u.given_by_combo.currentText().strip() or None,
            "given_at": self.given_at.iso(),
            "changed_over_time": tri_get(u.changed_combo),
            "delay_in_presentation": tri_get(u.delay_combo),
        }
        data["explanation"] = {k: v for k, v in e.items() if v is not None}

    def show_decision(self, decision: Decision | None) -> None:
        """For a NIM child, say that the explanation does not change what is required."""
        if decision is not None and decision.nim.status:
            self.ui.nim_note_label.setText(
                "This child is not independently mobile: record the explanation word for word. "
                "Whatever the explanation, the protocol still requires the referral."
            )
        else:
            self.ui.nim_note_label.setText(
                "Record the explanation word for word, and whether it fits the child's "
                "development and the injury."
            )


_HOUSEHOLD_COLUMNS = ("Name", "Born (e.g. 02-Mar-2021)", "Child protection plan", "Looked after")


class ContextStep(AssessmentStep):
    """Step 5: CP-IS, bleeding disorder, pregnancy, household children."""

    title = "Context"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ContextStep()
        self.ui.setupUi(self)
        u = self.ui
        fill_combo(u.cp_is_combo, CP_IS)
        table = u.household_table
        table.setColumnCount(len(_HOUSEHOLD_COLUMNS))
        table.setHorizontalHeaderLabels(list(_HOUSEHOLD_COLUMNS))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeaderItem(1).setToolTip("Date of birth, typed as e.g. 02-Mar-2021")
        for combo in (u.cp_is_combo, u.bleeding_combo, u.previous_nai_combo, u.pregnant_combo):
            combo.currentIndexChanged.connect(self._emit_changed)
        table.itemChanged.connect(self._emit_changed)
        u.add_household_button.clicked.connect(self._on_add_clicked)
        u.remove_household_button.clicked.connect(self._on_remove_clicked)

    def add_household_row(self, child: dict[str, Any] | None = None) -> None:
        """Add a household child row (empty, or filled from contract JSON)."""
        child = child or {}
        table = self.ui.household_table
        row = table.rowCount()
        # Built whole before anyone reads it: a half-built row has no plan combo yet.
        blocked = table.blockSignals(True)
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(child.get("name", "")))
        born = child.get("date_of_birth")
        shown = nhs_date(date.fromisoformat(born)) if born else ""
        table.setItem(row, 1, QTableWidgetItem(shown))
        plan = QComboBox(table)
        plan.setAccessibleName(f"Household child {row + 1} plan")
        fill_combo(plan, CP_PLAN)
        set_combo_code(plan, child.get("cp_plan", CpPlan.UNKNOWN.value))
        plan.currentIndexChanged.connect(self._emit_changed)
        table.setCellWidget(row, 2, plan)
        looked_after = QComboBox(table)
        looked_after.setAccessibleName(f"Household child {row + 1} looked after")
        looked_after.addItems(["Not known", "Yes", "No"])
        tri_set(looked_after, child.get("looked_after"))
        looked_after.currentIndexChanged.connect(self._emit_changed)
        table.setCellWidget(row, 3, looked_after)
        table.blockSignals(blocked)
        self.changed.emit()

    def _on_add_clicked(self) -> None:
        """Add a row and put the cursor in its name, ready to type."""
        self.add_household_row()
        table = self.ui.household_table
        row = table.rowCount() - 1
        table.setCurrentCell(row, 0)
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        table.editItem(table.item(row, 0))

    def _on_remove_clicked(self) -> None:
        row = self.ui.household_table.currentRow()
        if row >= 0:
            self.ui.household_table.removeRow(row)
            self.changed.emit()

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the family context."""
        h = data.get("history", {})
        u = self.ui
        set_combo_code(u.cp_is_combo, h.get("cp_is", CpIs.NOT_CHECKED.value))
        tri_set(u.bleeding_combo, h.get("bleeding_disorder_known"))
        tri_set(u.previous_nai_combo, h.get("previous_nai_in_family"))
        tri_set(u.pregnant_combo, h.get("mother_pregnant"))
        u.household_table.blockSignals(True)
        u.household_table.setRowCount(0)
        for child in h.get("household_children", []):
            self.add_household_row(child)
        u.household_table.blockSignals(False)

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the context; earlier presentations from the record are kept as they are."""
        u = self.ui
        h = data.setdefault("history", {})
        h["cp_is"] = combo_code(u.cp_is_combo) or CpIs.NOT_CHECKED.value
        for key, combo in (
            ("bleeding_disorder_known", u.bleeding_combo),
            ("previous_nai_in_family", u.previous_nai_combo),
            ("mother_pregnant", u.pregnant_combo),
        ):
            value = tri_get(combo)
            if value is None:
                h.pop(key, None)
            else:
                h[key] = value
        h["household_children"] = [self._row(r) for r in range(u.household_table.rowCount())]

    def _row(self, row: int) -> dict[str, Any]:
        table = self.ui.household_table
        name = table.item(row, 0).text().strip() if table.item(row, 0) else ""
        dob = table.item(row, 1).text().strip() if table.item(row, 1) else ""
        plan = table.cellWidget(row, 2)
        code = combo_code(plan) if isinstance(plan, QComboBox) else None
        out: dict[str, Any] = {"cp_plan": code or CpPlan.UNKNOWN.value}
        if name:
            out["name"] = name
        if dob:
            parsed = parse_user_date(dob)
            # An unreadable date is passed on as typed so the decision panel names the problem.
            out["date_of_birth"] = parsed.isoformat() if parsed else dob
        widget = table.cellWidget(row, 3)
        looked_after = tri_get(widget) if isinstance(widget, QComboBox) else None
        if looked_after is not None:
            out["looked_after"] = looked_after
        return out
