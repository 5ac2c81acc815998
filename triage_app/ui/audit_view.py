"""The Audit screen: protocol compliance month by month, for safeguarding leads only.

Every metric with its figure, target and "Making Data Count" icons; the selected metric's
rule, its XmR run chart (drawn with QPainter from the pure chart in ``domain.spc``: the same
colours and rules as the PDF) and its failing cases by case id, child age and setting. A
double-click on a failing case opens it. The report, the PDF and the CSV come from the same
service as ``triage-app audit-report`` (``services.compliance``), which also enforces the
role: the menu entry is only added for a safeguarding lead, and a refusal is shown as such.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QDate, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain import compliance as c
from triage_app.domain.access import AccessDeniedError, Role
from triage_app.domain.compliance import AuditFilter, AuditReport, Kind, MetricResult
from triage_app.domain.errors import InputError
from triage_app.domain.spc import (
    ASSURANCE_CATEGORY,
    ASSURANCE_LETTER,
    ASSURANCE_TEXT,
    COLOURS,
    VARIATION_TEXT,
    Assurance,
    icon_category,
    icon_letter,
    point_category,
)
from triage_app.domain.vocab import Setting

if TYPE_CHECKING:
    from triage_app.services.context import StoreContext
    from triage_app.ui.ports import UiServices
    from triage_app.ui.seams import Executor


class AuditPort(Protocol):
    """What the Audit screen asks of the record."""

    def report(self, f: AuditFilter) -> AuditReport:
        """Compute the report (raises AccessDeniedError or InputError)."""
        ...

    def save_pdf(self, report: AuditReport, path: str, suppress: bool) -> str:
        """Write the PDF; return a sentence saying where."""
        ...

    def save_csv(self, report: AuditReport, path: str, suppress: bool) -> str:
        """Write the CSV; return a sentence saying where."""
        ...


@dataclass
class StoreAudit:
    """The port over ``services.compliance`` on an open store context."""

    ctx: StoreContext

    def report(self, f: AuditFilter) -> AuditReport:
        """The report through the service (which enforces the role)."""
        from triage_app.services import compliance

        return compliance.audit_report(self.ctx, f)

    def save_pdf(self, report: AuditReport, path: str, suppress: bool) -> str:
        """Write and audit the PDF."""
        from pathlib import Path

        from triage_app.services import compliance

        compliance.write_pdf(self.ctx, report, Path(path), suppress)
        return f"Saved the audit report to {path}."

    def save_csv(self, report: AuditReport, path: str, suppress: bool) -> str:
        """Write and audit the CSV."""
        from pathlib import Path

        from triage_app.services import compliance

        compliance.write_csv(self.ctx, report, Path(path), suppress)
        return f"Saved the audit CSV to {path}."


def _colour(name: str) -> QColor:
    return QColor(COLOURS[name])


class RunChart(QWidget):
    """An XmR run chart of one metric, painted with QPainter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: MetricResult | None = None
        self.setMinimumHeight(220)
        self.setAccessibleName("Run chart")

    def set_metric(self, metric: MetricResult | None) -> None:
        """Show ``metric``'s chart (or a sentence when it has too few months)."""
        self.result = metric
        chart = metric.chart if metric else None
        if chart is None:
            self.setAccessibleDescription("No chart: too few months with data.")
        else:
            self.setAccessibleDescription(
                f"Mean {chart.mean:.1f}, process limits {chart.lower_limit:.1f} to "
                f"{chart.upper_limit:.1f}; {VARIATION_TEXT[chart.variation]}; "
                f"{ASSURANCE_TEXT[chart.assurance]}."
            )
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the axes, mean, process limits, target and the coloured points."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        m = self.result
        if m is None or m.chart is None:
            p.setPen(_colour("limit"))
            text = "Choose a metric." if m is None else "Too few months with data for a chart."
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, text)
            return
        chart, months = m.chart, m.chart_months
        left, right, top, bottom = 44.0, 16.0, 14.0, 34.0
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        values = chart.values
        lo, hi = c.chart_range(m.definition.kind, chart)
        pad = (hi - lo) * 0.08
        lo, hi = lo - pad, hi + pad
        n = len(values)

        def x(i: int) -> float:
            return area.left() + (area.width() * i / (n - 1) if n > 1 else area.width() / 2)

        def y(v: float) -> float:
            v = min(max(v, lo), hi)
            return area.bottom() - area.height() * (v - lo) / (hi - lo)

        p.setPen(QPen(QColor("#AEB7BD"), 1))
        p.drawLine(QPointF(area.left(), area.top()), QPointF(area.left(), area.bottom()))
        p.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 2, 6))
        p.setFont(small)
        lines = [(chart.mean, "mean", Qt.PenStyle.SolidLine)]
        lines += [
            (v, "limit", Qt.PenStyle.DashLine) for v in (chart.upper_limit, chart.lower_limit)
        ]
        if chart.target is not None:
            lines.append((chart.target, "target", Qt.PenStyle.DotLine))
        for value, name, style in lines:
            if lo <= value <= hi:
                p.setPen(QPen(_colour(name), 1.3, style))
                p.drawLine(QPointF(area.left(), y(value)), QPointF(area.right(), y(value)))
        p.setPen(_colour("limit"))
        for tick in (lo + pad, (lo + hi) / 2, hi - pad):
            right_middle = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            p.drawText(QRectF(0, y(tick) - 8, left - 6, 16), right_middle, f"{tick:.0f}")
        path = QPainterPath(QPointF(x(0), y(values[0])))
        for i, v in enumerate(values[1:], start=1):
            path.lineTo(QPointF(x(i), y(v)))
        p.setPen(QPen(_colour("common"), 1.4))
        p.drawPath(path)
        for i, point in enumerate(chart.points):
            colour = _colour(point_category(point, chart.direction))
            p.setPen(QPen(colour, 1))
            p.setBrush(colour)
            p.drawEllipse(QPointF(x(i), y(point.value)), 4.0, 4.0)
        p.setPen(_colour("limit"))
        label_width = p.fontMetrics().horizontalAdvance("0000-00") + 8.0
        spacing = area.width() / (n - 1) if n > 1 else area.width()
        for i in month_label_indices(n, spacing, label_width):
            left = label_left(x(i), label_width, self.width())
            p.drawText(QRectF(left, area.bottom() + 6, label_width, 16),
                       Qt.AlignmentFlag.AlignCenter, months[i].month)  # fmt: skip
        p.end()


def month_label_indices(n: int, spacing: float, label_width: float) -> list[int]:
    """The months to label along a run chart, evenly spaced and never overlapping.

    Always the first and the last; the last replaces the one before it when the two would touch.
    """
    if n <= 0:
        return []
    step = max(1, math.ceil(label_width / spacing)) if spacing > 0 else n
    chosen = list(range(0, n, step))
    if chosen[-1] != n - 1:
        if (n - 1 - chosen[-1]) * spacing < label_width and len(chosen) > 1:
            chosen.pop()
        chosen.append(n - 1)
    return chosen


def label_left(centre: float, width: float, total: float) -> float:
    """Where a label of ``width`` centred on ``centre`` starts, kept inside ``0..total``."""
    return max(0.0, min(centre - width / 2, total - width))


def _icon_text(m: MetricResult) -> tuple[str, str, str, str]:
    """(variation letter, colour category, assurance letter, colour category) for the table."""
    if m.chart is None:
        return "", "common", "", "common"
    v = m.chart.variation
    a = m.chart.assurance
    var = icon_letter(v) or "~"
    ass = ASSURANCE_LETTER[a] if a is not Assurance.NONE else ""
    return var, icon_category(v), ass, ASSURANCE_CATEGORY[a]


class AuditView(QWidget):
    """The safeguarding lead's compliance audit."""

    case_opened = Signal(str)
    back_requested = Signal()

    def __init__(
        self, port: AuditPort, executor: Executor, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.port, self.executor = port, executor
        self.report: AuditReport | None = None
        self.setObjectName("audit_view")
        self.setAccessibleName("Audit")
        outer = QVBoxLayout(self)
        title = QLabel("<b>Protocol compliance audit</b> (no names, NHS numbers or dates of "
                       "birth leave this screen in an export)")  # fmt: skip
        outer.addWidget(title)
        bar = QHBoxLayout()
        start = date(today.year - 1, today.month, 1) if today.month < 12 else date(today.year, 1, 1)
        self.from_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit, name in ((self.from_edit, "From"), (self.to_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MMM-yyyy")
            edit.setAccessibleName(name)
            bar.addWidget(QLabel(name))
            bar.addWidget(edit)
        self.setting_combo = QComboBox()
        self.setting_combo.setAccessibleName("Setting")
        self.setting_combo.addItem("All settings", None)
        for s in Setting:
            self.setting_combo.addItem(s.value.replace("_", " "), s.value)
        self.organisation_edit = QLineEdit()
        self.organisation_edit.setPlaceholderText("All organisations")
        self.organisation_edit.setAccessibleName("Organisation")
        self.run_button = QPushButton("&Show")
        self.suppress_box = QCheckBox("Suppress counts under 5 (sharing)")
        self.pdf_button = QPushButton("Save &PDF...")
        self.csv_button = QPushButton("Save CS&V...")
        self.back_button = QPushButton("&Back to cases")
        bar.addWidget(self.setting_combo)
        bar.addWidget(self.organisation_edit, 1)
        bar.addWidget(self.run_button)
        outer.addLayout(bar)
        # The exports on a second row: the filters keep their width on a 1024 px laptop.
        exports = QHBoxLayout()
        for w in (self.suppress_box, self.pdf_button, self.csv_button):
            exports.addWidget(w)
        exports.addStretch(1)
        exports.addWidget(self.back_button)
        outer.addLayout(exports)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Audit message")
        outer.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Metric", "Result", "Target", "Variation", "Assurance"]
        )
        self.table.setAccessibleName("Metrics")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            self.table.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.verticalHeader().setVisible(False)
        split.addWidget(self.table)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.rule_label = QLabel("")
        self.rule_label.setWordWrap(True)
        self.rule_label.setAccessibleName("Rule")
        self.chart = RunChart()
        self.failing = QTableWidget(0, 5)
        self.failing.setHorizontalHeaderLabels(["Case", "Child age", "Setting", "Month", "Why"])
        self.failing.setAccessibleName("Failing cases")
        self.failing.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.failing.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.failing.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )  # the reason (why) takes what is left: no sideways scrolling on a laptop
        self.failing.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.failing.verticalHeader().setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.chart, 3)
        row.addWidget(self.failing, 2)
        dl.addWidget(self.rule_label)
        dl.addLayout(row)
        split.addWidget(detail)
        outer.addWidget(split, 1)
        self.run_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._metric_selected)
        self.failing.cellDoubleClicked.connect(self._open_failing)
        self.failing.cellActivated.connect(self._open_failing)
        self.pdf_button.clicked.connect(lambda: self._save("pdf"))
        self.csv_button.clicked.connect(lambda: self._save("csv"))
        self.back_button.clicked.connect(self.back_requested.emit)
        # Tests set a callable(kind) -> path instead of the dialog.
        self.save_path_for: Callable[[str], str] | None = None
        self._set_exports_enabled(False)

    # -- report --------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        """The period and scope chosen on the screen."""
        start, end = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        org = self.organisation_edit.text().strip() or None
        return AuditFilter(start, end, self.setting_combo.currentData(), org)  # type: ignore[arg-type]

    def refresh(self) -> None:
        """Compute the report for the chosen period (in the background)."""
        f = self.current_filter()
        self.message.setText("Working out the audit...")
        self.run_button.setEnabled(False)
        self.executor.submit(lambda _control: self.port.report(f), self.show_report, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        if isinstance(exc, AccessDeniedError):
            self.message.setText("Only a safeguarding lead can see the audit.")
        elif isinstance(exc, InputError):
            self.message.setText("; ".join(str(p) for p in exc.problems))
        else:
            self.message.setText(f"The audit could not be worked out ({exc.__class__.__name__}).")

    def show_report(self, report: AuditReport) -> None:
        """Fill the metrics table and select the first metric below its target."""
        self.report = report
        self.run_button.setEnabled(True)
        self._set_exports_enabled(True)
        failing = [m.definition.title for m in report.metrics if m.failing_overall]
        f = report.filter
        self.message.setText(
            f"{f.start:%d-%b-%Y} to {f.end:%d-%b-%Y}: "
            + (f"{len(failing)} metric(s) below target." if failing else "every target met.")
            + "".join(f" {n}" for n in report.notes)
        )
        self.table.setRowCount(len(report.metrics))
        for r, m in enumerate(report.metrics):
            var, var_cat, ass, ass_cat = _icon_text(m)
            target = "" if m.definition.target is None else f"{m.definition.target:g}"
            if target and m.definition.kind is Kind.PROPORTION:
                target += "%"
            cells = [m.definition.title, _figure(m), target, var, ass]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3 and m.chart:
                    item.setForeground(_colour(var_cat))
                    item.setToolTip(VARIATION_TEXT[m.chart.variation])
                if col == 4 and m.chart:
                    item.setForeground(_colour(ass_cat))
                    item.setToolTip(ASSURANCE_TEXT[m.chart.assurance])
                if col in (3, 4):
                    bold = QFont(item.font())
                    bold.setBold(True)
                    item.setFont(bold)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 1 and m.failing_overall:
                    item.setForeground(_colour("target"))
                self.table.setItem(r, col, item)
        first = next((i for i, m in enumerate(report.metrics) if m.failing_overall), 0)
        self.table.selectRow(first)
        self._metric_selected()

    def selected_metric(self) -> MetricResult | None:
        """The metric whose chart and failing cases are shown."""
        if self.report is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.report.metrics[rows[0].row()] if rows else None

    def _metric_selected(self) -> None:
        m = self.selected_metric()
        self.chart.set_metric(m)
        if m is None:
            return
        extra = ""
        if m.definition.id == "phoned_same_day" and m.counts.median_minutes is not None:
            extra = (f" Minutes to the call: median {m.counts.median_minutes:g}, "
                     f"90th percentile {m.counts.p90_minutes:g}.")  # fmt: skip
        if m.counts.breakdown:
            extra += " " + "; ".join(f"{label}: {n} of {t}" for label, n, t in m.counts.breakdown)
        self.rule_label.setText(f"<b>{m.definition.title}</b> ({m.definition.id}). "
                                f"{m.definition.rule}{extra}")  # fmt: skip
        self.failing.setRowCount(len(m.counts.failing))
        for r, f in enumerate(m.counts.failing):
            case = str(f.case_id) if f.case_id is not None else "no case"
            for col, text in enumerate((case, f.child_age, f.setting or "", f.month, f.detail)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, f.case_id)
                self.failing.setItem(r, col, item)

    def _open_failing(self, row: int, _col: int = 0) -> None:
        item = self.failing.item(row, 0)
        case_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if case_id is None:
            self.message.setText("This presentation has no case to open.")
            return
        self.case_opened.emit(str(case_id))

    # -- exports -------------------------------------------------------------------------

    def _set_exports_enabled(self, on: bool) -> None:
        self.pdf_button.setEnabled(on)
        self.csv_button.setEnabled(on)

    def _save(self, kind: str) -> None:
        if self.report is None:
            return
        if self.save_path_for is not None:
            path = self.save_path_for(kind)
        else:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save the audit", f"audit.{kind}", f"{kind.upper()} (*.{kind})"
            )
        if not path:
            return
        suppress = self.suppress_box.isChecked()
        try:
            if kind == "pdf":
                text = self.port.save_pdf(self.report, path, suppress)
            else:
                text = self.port.save_csv(self.report, path, suppress)
        except (OSError, AccessDeniedError) as exc:
            text = f"Not saved: {exc}"
        self.message.setText(text)


def _figure(m: MetricResult) -> str:
    k = m.counts
    if not k.available:
        return "not computed"
    pct = c.percent(k.numerator, k.denominator)
    return f"{k.numerator} of {k.denominator}" + ("" if pct is None else f" ({pct:.1f}%)")


def install_audit(window: Any, services: UiServices) -> QAction | None:
    """Add the Audit screen to the main window when the signed-in user is a safeguarding lead.

    The one hook in ``main_window.attach``. Administrators and clinicians get no menu entry
    (and the service refuses them anyway).
    """
    ctx = getattr(services.cases, "ctx", None)
    users = services.users.users()
    role = getattr(ctx, "role", None) if ctx is not None else None
    role = role or (users[0].role if users else None)
    if ctx is None or role != Role.SAFEGUARDING_LEAD:
        return None
    if getattr(window, "audit_action", None) is not None:  # attached again: one menu only
        return window.audit_action
    view: list[AuditView] = []

    def show() -> None:
        if not view:
            v = AuditView(StoreAudit(ctx), window.executor, window.clock.now().date(), window)
            v.case_opened.connect(window.open_case)
            v.back_requested.connect(window.show_dashboard)
            window.ui.pages_stack.addWidget(v)
            view.append(v)
            v.refresh()
        window.banner.clear()
        window.ui.pages_stack.setCurrentWidget(view[0])

    menu = window.menuBar().addMenu("Audit")  # no Alt letter: the screens own them (F10)
    action = QAction("Protocol compliance &audit", window)
    action.setShortcut("Ctrl+7")
    action.triggered.connect(show)
    menu.addAction(action)
    window.addAction(action)
    window.record_actions.append(action)
    window.audit_view = view
    window.audit_action = action
    return action
