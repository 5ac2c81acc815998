"""Home: the case dashboard. Open cases with what each is waiting for; overdue first.

Overdue items say OVERDUE in words and carry a warning symbol and icon as well as colour.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import display_name, nhs_date, nhs_datetime
from triage_app.ui.labels import URGENCY_SHORT, due_phrase

if TYPE_CHECKING:  # the dashboard is built before the first paint: keep its imports light
    from triage_app.ui.ports import CaseTracker, Draft
    from triage_app.ui.seams import Clock
    from triage_app.ui.viewmodels import CaseRow

COL_CHILD, COL_NHS, COL_OPENED, COL_URGENCY, COL_DUE, COL_STATUS = range(6)
HEADERS = ("Child", "NHS No.", "Opened", "Urgency", "What is due", "Status")
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def draft_text(draft: Draft) -> str:
    """One line for an unfinished assessment: who, born, NHS number, when saved, which step."""
    from datetime import date

    from triage_app.domain import nhs_number

    child = draft.data.get("child", {})
    name = display_name(child.get("family_name"), child.get("given_name"))
    parts = [name]
    if child.get("date_of_birth"):
        parts.append(f"Born {nhs_date(date.fromisoformat(child['date_of_birth']))}")
    if child.get("nhs_number"):
        parts.append(f"NHS No. {nhs_number.display(child['nhs_number'])}")
    parts.append(f"saved {nhs_datetime(draft.saved_at)}")
    step = draft.data.get("step")
    if isinstance(step, int):
        parts.append(f"at step {step + 1}")
    return "  ·  ".join(parts)


def due_lines(case: CaseRow, now: datetime) -> tuple[list[str], int]:
    """Return the lines of the "What is due" cell and how many items are overdue."""
    overdue: list[str] = []
    upcoming: list[str] = []
    pending: list[str] = []
    other: list[str] = []
    for item in case.due_items:
        if item.kind == "result":
            pending.append(item.label.removeprefix("Result pending: "))
            continue
        if item.kind == "supervision":
            other.append(f"\u2691 {item.label}")
            continue
        phrase, late = due_phrase(item.due_at, now)
        if late:
            overdue.append(f"\u26a0 {item.label}: {phrase}")
        elif item.due_at is not None:
            upcoming.append(f"\u25f7 {item.label}: {phrase}")
        else:
            upcoming.append(f"\u2610 {item.label}")
    if pending:
        other.insert(0, f"\u25cb Results pending ({len(pending)}): " + ", ".join(pending))
    return overdue + upcoming + other, len(overdue)


class DashboardTableModel(QAbstractTableModel):
    """Open cases as rows, most overdue first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[CaseRow, list[str], int]] = []

    def set_cases(self, cases: list[CaseRow], now: datetime) -> None:
        """Replace the rows; cases with overdue items come first (closed: as listed)."""
        self.beginResetModel()
        rows = [(c, *due_lines(c, now)) for c in cases]
        if all(c.status != "closed" for c in cases):
            rows.sort(key=lambda r: (-r[2], r[0].opened_at))
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        """Return the number of open cases."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        """Return the number of columns."""
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return cell text, the warning icon and emphasis for overdue rows."""
        if not index.isValid():
            return None
        case, lines, overdue = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, lines, overdue, col)
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text where a narrow cell elides it
            return self._text(case, lines, overdue, col)
        if role == CASE_ID_ROLE:
            return case.case_id
        if role == OVERDUE_ROLE:
            return overdue
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATUS and overdue:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole and overdue and col in (COL_DUE, COL_STATUS):
            return QColor("#8a1538")
        if role == Qt.ItemDataRole.FontRole and overdue and col == COL_STATUS:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_DUE:
            return "\n".join(lines)
        return None

    @staticmethod
    def _text(case: CaseRow, lines: list[str], overdue: int, col: int) -> str:
        child = case.child
        if col == COL_CHILD:
            name = display_name(child.family_name, child.given_name)
            return f"{name}\nBorn {nhs_date(child.date_of_birth)}"
        if col == COL_NHS:
            from triage_app.domain import nhs_number  # loaded with the first row, not at start

            return nhs_number.display(child.nhs_number) or "Not Known"
        if col == COL_OPENED:
            return nhs_datetime(case.opened_at)
        if col == COL_URGENCY:
            return URGENCY_SHORT.get(case.urgency, "Not recorded")
        if col == COL_DUE:
            if case.status == "closed":
                return "Closed (open it to read it or reopen it)"
            return "\n".join(lines) or "Nothing outstanding"
        if case.status == "closed":
            return "Closed"
        return f"OVERDUE ({overdue})" if overdue else "On track"


class Dashboard(QWidget):
    """The home screen: open cases, new assessment, open a case."""

    case_opened = Signal(str)
    new_assessment_requested = Signal()
    draft_resume_requested = Signal(str)  # the draft's slot key
    draft_discard_requested = Signal(str)

    def __init__(self, cases: CaseTracker | None, clock: Clock, parent: QWidget | None = None):
        super().__init__(parent)
        self._cases, self._clock = cases, clock
        self.model = DashboardTableModel(self)
        self.heading = QLabel("Open cases", self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.heading.setFont(font)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("dashboard_summary_label")
        self.summary_label.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setObjectName("cases_table")
        self.table.setAccessibleName("Open cases")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DUE, QHeaderView.ResizeMode.Stretch)
        self.new_button = QPushButton("&New assessment", self)
        self.new_button.setAccessibleName("New assessment")
        self.open_button = QPushButton("&Open case", self)
        self.open_button.setAccessibleName("Open the selected case")
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setAccessibleName("Refresh the list")
        self.closed_button = QPushButton("C&losed cases", self)
        self.closed_button.setAccessibleName("Show the closed cases")
        self.closed_button.setCheckable(True)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.refresh_button, self.closed_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        # Unfinished assessments: kept as drafts, one per child, until finalised or discarded.
        self.drafts_label = QLabel(self)
        self.drafts_label.setObjectName("drafts_label")
        self.drafts_list = QListWidget(self)
        self.drafts_list.setObjectName("drafts_list")
        self.drafts_list.setAccessibleName("Unfinished assessments")
        self.drafts_list.setMaximumHeight(6 * self.fontMetrics().height())
        self.resume_button = QPushButton("Res&ume assessment", self)
        self.resume_button.setAccessibleName("Resume the selected unfinished assessment")
        self.discard_button = QPushButton("&Discard assessment…", self)
        self.discard_button.setAccessibleName("Discard the selected unfinished assessment")
        self.drafts_box = QWidget(self)
        box = QVBoxLayout(self.drafts_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.drafts_label)
        row = QHBoxLayout()
        row.addWidget(self.drafts_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.resume_button)
        side.addWidget(self.discard_button)
        side.addStretch(1)
        row.addLayout(side)
        box.addLayout(row)
        self.drafts_box.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.drafts_box)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.resume_button.clicked.connect(lambda: self._draft_signal(self.draft_resume_requested))
        self.discard_button.clicked.connect(
            lambda: self._draft_signal(self.draft_discard_requested)
        )
        self.drafts_list.itemActivated.connect(
            lambda _i: self._draft_signal(self.draft_resume_requested)
        )
        self.new_button.clicked.connect(self.new_assessment_requested)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        self.closed_button.toggled.connect(lambda _checked: self.refresh())
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        QShortcut(QKeySequence("F5"), self, self.refresh)

    def set_cases_port(self, cases: CaseTracker) -> None:
        """Attach the case tracker (after the window is shown) and refresh."""
        self._cases = cases
        self.refresh()

    def refresh(self) -> None:
        """Reload the open cases."""
        if self._cases is None:
            self.summary_label.setText("Opening the record\u2026")
            return
        now = self._clock.now()
        closed = self.closed_button.isChecked()
        self.heading.setText("Closed cases" if closed else "Open cases")
        self.closed_button.setText("Open cases" if closed else "C&losed cases")
        found = self._cases.closed_cases() if closed else self._cases.open_cases()
        self.model.set_cases(found, now)
        overdue_cases = sum(1 for r in self.model.rows if r[2])
        total = len(self.model.rows)
        kind = "closed" if closed else "open"
        text = f"{total} {kind} case{'s' if total != 1 else ''}"
        if overdue_cases:
            text = f"\u26a0 {overdue_cases} with OVERDUE items. " + text
        self.summary_label.setText(f"{text}. As at {nhs_datetime(now)}.")
        self.table.resizeRowsToContents()
        if total:
            self.table.selectRow(0)

    def set_drafts(self, drafts: list[Draft]) -> None:
        """List the unfinished assessments (hidden when there are none)."""
        self.drafts_list.clear()
        for d in drafts:
            item = QListWidgetItem(draft_text(d), self.drafts_list)
            item.setData(Qt.ItemDataRole.UserRole, d.key)
            item.setToolTip(item.text())
        n = len(drafts)
        self.drafts_label.setText(
            f"✎ {n} unfinished assessment{'s' if n != 1 else ''} (not in the record until "
            "finalised): resume or discard"
        )
        self.drafts_box.setVisible(bool(drafts))
        if drafts:
            self.drafts_list.setCurrentRow(0)

    def _draft_signal(self, signal: SignalInstance) -> None:
        item = self.drafts_list.currentItem()
        if item is not None:
            signal.emit(item.data(Qt.ItemDataRole.UserRole))

    def _on_open_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_row(rows[0].row())

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.case_opened.emit(self.model.rows[row][0].case_id)
