"""The dashboard on the real services (a copy of the demonstration store at NOW)."""

from PySide6.QtCore import Qt

from tests.ui.real_store import AF_NHS, BROOKS_NHS, NOW
from triage_app.ui.dashboard import (
    COL_CHILD,
    COL_DUE,
    COL_STATUS,
    OVERDUE_ROLE,
    Dashboard,
    DashboardTableModel,
)


def row_of(model, nhs):
    return next(r for r in range(model.rowCount()) if model.rows[r][0].child.nhs_number == nhs)


def test_cases_with_overdue_items_come_first_and_say_overdue_in_words(qtbot, demo_services):
    model = DashboardTableModel()
    model.set_cases(demo_services.cases.open_cases(), NOW)
    first = model.index(0, COL_STATUS)
    assert model.data(first, OVERDUE_ROLE) > 0
    assert model.data(first).startswith("OVERDUE (")
    assert model.data(first, Qt.ItemDataRole.DecorationRole) is not None  # icon, not colour alone
    overdue = [
        model.data(model.index(r, COL_STATUS), OVERDUE_ROLE) for r in range(model.rowCount())
    ]
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    due = model.data(model.index(row_of(model, BROOKS_NHS), COL_DUE))
    assert "OVERDUE by" in due and "Written referral" in due  # BROOKS: phoned, never written
    assert "Born " in model.data(model.index(0, COL_CHILD))


def test_follow_up_survey_and_pending_results_and_conditions_are_listed(qtbot, demo_services):
    model = DashboardTableModel()
    model.set_cases(demo_services.cases.open_cases(), NOW)
    due = model.data(model.index(row_of(model, AF_NHS), COL_DUE))
    assert "Follow-up skeletal survey" in due and "Due in" in due  # the Child AF stage 2
    assert "Result pending" in due
    assert "Supervision in force" in due


def test_the_dashboard_opens_the_selected_case(qtbot, demo_services, clock):
    board = Dashboard(demo_services.cases, clock)
    qtbot.addWidget(board)
    board.refresh()
    assert "OVERDUE" in board.summary_label.text()
    assert "01-Dec-2026 10:00" in board.summary_label.text()
    with qtbot.waitSignal(board.case_opened, timeout=1000) as signal:
        board.open_button.click()
    assert signal.args[0] == board.model.rows[0][0].case_id
    with qtbot.waitSignal(board.new_assessment_requested, timeout=1000):
        board.new_button.click()


def test_no_unfinished_assessments_means_no_drafts_section(qtbot, demo_services, clock):
    board = Dashboard(demo_services.cases, clock)
    qtbot.addWidget(board)
    board.show()
    board.set_drafts([])
    assert not board.drafts_box.isVisible()


def test_a_cell_cut_short_by_a_narrow_column_has_its_whole_text_as_a_tooltip(qtbot, demo_services):
    model = DashboardTableModel()
    model.set_cases(demo_services.cases.open_cases(), NOW)
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)
