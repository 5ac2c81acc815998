from datetime import datetime

from PySide6.QtCore import Qt

from tests.ui.fakes import FixedClock, sample_record
from triage_app.ui.dashboard import (
    COL_CHILD,
    COL_DUE,
    COL_STATUS,
    OVERDUE_ROLE,
    Dashboard,
    DashboardTableModel,
)

NOW = datetime(2025, 9, 5, 9, 0)


def test_cases_with_overdue_items_come_first_and_say_overdue_in_words():
    record = sample_record(NOW)
    model = DashboardTableModel()
    model.set_cases(record.open_cases(), NOW)
    first = model.index(0, COL_STATUS)
    assert model.data(first, OVERDUE_ROLE) > 0
    assert model.data(first).startswith("OVERDUE (")
    assert model.data(first, Qt.ItemDataRole.DecorationRole) is not None  # icon, not colour alone
    due = model.data(model.index(0, COL_DUE))
    assert "OVERDUE by" in due and "Written referral" in due
    statuses = [model.data(model.index(r, COL_STATUS)) for r in range(model.rowCount())]
    assert "On track" in statuses
    assert "Born " in model.data(model.index(0, COL_CHILD))


def test_follow_up_survey_and_pending_results_and_conditions_are_listed():
    record = sample_record(NOW)
    model = DashboardTableModel()
    model.set_cases(record.open_cases(), NOW)
    cells = [model.data(model.index(r, COL_DUE)) for r in range(model.rowCount())]
    joined = "\n".join(cells)
    assert "Follow-up skeletal survey" in joined
    assert "Results pending (" in joined
    assert "Supervision in force: Contact with baby supervised by grandmother" in joined


def test_the_dashboard_opens_the_selected_case(qtbot):
    record = sample_record(NOW)
    board = Dashboard(record, FixedClock(NOW))
    qtbot.addWidget(board)
    board.refresh()
    assert "OVERDUE" in board.summary_label.text()
    assert "05-Sep-2025 09:00" in board.summary_label.text()
    with qtbot.waitSignal(board.case_opened, timeout=1000) as signal:
        board.open_button.click()
    assert signal.args[0] == board.model.rows[0][0].case_id
    with qtbot.waitSignal(board.new_assessment_requested, timeout=1000):
        board.new_button.click()
