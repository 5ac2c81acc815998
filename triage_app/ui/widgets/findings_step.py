"""Step 3: findings on the body map, each numbered, with its details."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.model import Decision
from triage_app.domain.vocab import FindingKind, Site
from triage_app.ui.labels import KIND, SITE
from triage_app.ui.seams import Prompter
from triage_app.ui.widgets.body_map import BodyMap, MarkSymbol
from triage_app.ui.widgets.finding_editor import SIDES, FindingEditor
from triage_app.ui.widgets.step import AssessmentStep

VIEW_BUTTONS = (("front", "&Front"), ("back", "Bac&k"), ("face", "Face c&lose-up"))


def describe(number: int, f: dict[str, Any]) -> str:
    """Return one line for a finding: ``1. Bruise, Cheek, left, 10 mm, purple``."""
    parts = [KIND.get(FindingKind(f["kind"]), f["kind"]), SITE.get(Site(f["site"]), f["site"])]
    if f.get("side"):
        parts.append(SIDES[f["side"]].lower())
    if f.get("size_mm"):
        parts.append(f"{f['size_mm']:.0f} mm")
    if f.get("patterned"):
        parts.append("patterned")
    if f.get("description"):
        parts.append(f["description"])
    line = f"{number}. " + ", ".join(parts)
    if f.get("exception"):
        line += f" (exception claimed: {f['exception']['type'].replace('_', ' ')})"
    return line


class FindingsStep(AssessmentStep):
    """Body map (front, back, face) beside the numbered list of findings and their details."""

    title = "Findings and body map"

    def __init__(self, prompter: Prompter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prompter = prompter
        self.findings: list[dict[str, Any]] = []
        self.marks: list[dict[str, Any]] = []
        self.body_map = BodyMap(self)
        self.view_group = QButtonGroup(self)
        self.view_buttons: dict[str, QRadioButton] = {}
        views = QHBoxLayout()
        for key, text in VIEW_BUTTONS:
            button = QRadioButton(text, self)
            button.setObjectName(f"{key}_view_radio")
            button.setAccessibleName(f"Show {text.replace('&', '')}")
            button.toggled.connect(lambda on, k=key: on and self.body_map.set_view(k))
            self.view_group.addButton(button)
            self.view_buttons[key] = button
            views.addWidget(button)
            if key == "front":
                button.setChecked(True)
        hint = QLabel("Click the body map (or arrow keys and Enter) to add a finding.", self)
        hint.setWordWrap(True)
        left = QVBoxLayout()
        left.addLayout(views)
        left.addWidget(self.body_map, 1)
        left.addWidget(hint)

        self.findings_list = QListWidget(self)
        self.findings_list.setObjectName("findings_list")
        self.findings_list.setAccessibleName("Findings")
        self.findings_list.setWordWrap(True)
        self.add_button = QPushButton("&Add finding", self)
        self.add_button.setAccessibleName("Add finding")
        self.remove_button = QPushButton("&Remove finding", self)
        self.remove_button.setAccessibleName("Remove finding")
        self.undo_button = QPushButton("&Undo remove", self)
        self.undo_button.setAccessibleName("Undo the last removal")
        self.undo_button.setToolTip("Put back the finding removed last (Ctrl+Z)")
        self._removed: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        self.editor = FindingEditor(self)
        # A grid (two a row): each label readable in the narrow column of a 1024 px laptop.
        buttons = QGridLayout()
        buttons.addWidget(self.add_button, 0, 0, 1, 2)
        buttons.addWidget(self.remove_button, 1, 0)
        buttons.addWidget(self.undo_button, 1, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Findings (numbered as on the map)", self))
        right.addWidget(self.findings_list, 1)
        right.addLayout(buttons)
        right.addWidget(self.editor)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 4)

        self.body_map.site_chosen.connect(self._on_body_map_site_chosen)
        self.body_map.view_changed.connect(lambda key: self.view_buttons[key].setChecked(True))
        self.findings_list.currentRowChanged.connect(self._on_findings_list_row_changed)
        self.add_button.clicked.connect(lambda: self.add_finding(Site.OTHER.value, None))
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.undo_button.clicked.connect(self.undo_remove)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_remove)
        self.editor.edited.connect(self._on_editor_edited)
        self._sync_enabled()

    def add_finding(
        self, site: str, side: str | None, view: str | None = None, x: float = 0, y: float = 0
    ) -> int:
        """Add a finding (a bruise until the kind is changed) and select it."""
        finding: dict[str, Any] = {"kind": FindingKind.BRUISE.value, "site": site}
        if side:
            finding["side"] = side
        self.findings.append(finding)
        self.marks.append({"view": view, "x": x, "y": y} if view else self._place(finding))
        self._refresh_list()
        self.findings_list.setCurrentRow(len(self.findings) - 1)
        self.changed.emit()
        return len(self.findings) - 1

    def _place(self, finding: dict[str, Any]) -> dict[str, Any]:
        """Put a keyboard-added mark at the centre of its site's region."""
        for key in ("front", "face", "back"):
            view = self.body_map.views[key]
            for region in view.clickable():
                x, y = region.centre
                side_ok = finding.get("side") in (None, view.side_at(x).value)
                if region.site == finding["site"] and side_ok:
                    return {"view": key, "x": x, "y": y}
        return {"view": None, "x": 0, "y": 0}

    def _on_body_map_site_chosen(self, site: str, side: str, view: str, x: float, y: float) -> None:
        self.add_finding(site, side, view, x, y)
        self.editor.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_findings_list_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            self.editor.set_finding(self.findings[row])
        self._sync_enabled()
        self._draw_marks()

    def _on_editor_edited(self) -> None:
        row = self.findings_list.currentRow()
        if not 0 <= row < len(self.findings):
            return
        before = self.findings[row]
        after = self.editor.finding()
        self.findings[row] = after
        if (before.get("site"), before.get("side")) != (after.get("site"), after.get("side")):
            self.marks[row] = self._place(after)
        self.findings_list.item(row).setText(describe(row + 1, after))
        self._draw_marks()
        self.changed.emit()

    def _on_remove_clicked(self) -> None:
        row = self.findings_list.currentRow()
        if not 0 <= row < len(self.findings):
            return
        text = describe(row + 1, self.findings[row])
        # CUI: annotations are never deleted silently.
        if self._prompter is not None and not self._prompter.confirm(
            "Remove finding", f"Remove this finding from the body map?\n\n{text}"
        ):
            return
        self._removed.append((row, self.findings.pop(row), self.marks.pop(row)))
        self._refresh_list()
        self.changed.emit()

    def undo_remove(self) -> None:
        """Put back the finding removed last, with its number and mark."""
        if not self._removed:
            return
        row, finding, mark = self._removed.pop()
        self.findings.insert(row, finding)
        self.marks.insert(row, mark)
        self._refresh_list()
        self.findings_list.setCurrentRow(row)
        self.changed.emit()

    def _refresh_list(self) -> None:
        self.findings_list.blockSignals(True)
        self.findings_list.clear()
        for i, f in enumerate(self.findings):
            self.findings_list.addItem(describe(i + 1, f))
        self.findings_list.blockSignals(False)
        self._sync_enabled()
        self._draw_marks()

    def _draw_marks(self) -> None:
        current = self.findings_list.currentRow()
        symbols = [
            MarkSymbol(i + 1, m["view"], m["x"], m["y"], i == current)
            for i, m in enumerate(self.marks)
            if m.get("view")
        ]
        self.body_map.set_marks(symbols)

    def _sync_enabled(self) -> None:
        has = 0 <= self.findings_list.currentRow() < len(self.findings)
        if not has:  # greyed out and empty: never a removed finding, nor another child's
            self.editor.set_finding({})
        self.editor.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.undo_button.setEnabled(bool(self._removed))

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the findings and their marks."""
        self.findings = [dict(f) for f in data.get("findings", [])]
        marks = list(extra.get("marks", []))
        self.marks = [
            marks[i] if i < len(marks) else self._place(f) for i, f in enumerate(self.findings)
        ]
        self._refresh_list()
        if self.findings:
            self.findings_list.setCurrentRow(0)

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the findings (contract JSON) and the mark positions."""
        data["findings"] = [dict(f) for f in self.findings]
        extra["marks"] = [dict(m) for m in self.marks]

    def show_decision(self, decision: Decision | None) -> None:
        """Nothing to add here: the decision panel lists which findings qualify."""
