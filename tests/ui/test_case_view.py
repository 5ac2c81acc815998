from dataclasses import replace
from datetime import datetime

import pytest

from tests.ui.fakes import FixedClock, sample_record
from triage_app.ui.case_view import CaseView

NOW = datetime(2025, 9, 5, 9, 0)


@pytest.fixture
def setup(qtbot):
    record = sample_record(NOW)
    view = CaseView(record, FixedClock(NOW))
    qtbot.addWidget(view)
    case_id = next(c.case_id for c in record.open_cases() if c.child.given_name == "Noah")
    view.show_case(case_id)
    return view, record, case_id


def test_the_case_shows_investigations_with_the_follow_up_survey_window(setup):
    view, _, _ = setup
    table = view.investigations_table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    follow_up = rows["Follow-up skeletal survey"]
    assert table.item(follow_up, 1).text() == "04-Sep-2025 to 07-Sep-2025"
    assert table.item(follow_up, 3).text() == "\u25cb PENDING: due now"
    assert "No fractures seen." in table.item(rows["Initial skeletal survey"], 2).text()
    assert "grandmother" in view.conditions_list.item(0).text()


def test_closure_is_refused_while_results_are_pending_with_the_reason_shown(setup):
    view, record, case_id = setup
    view.close_button.click()
    assert view.closure_label.text().startswith("\u2716 CLOSURE REFUSED: Results are still pending")
    assert "Follow-up skeletal survey" in view.closure_label.text()
    assert record.case_detail(case_id).status == "open"


def test_results_and_attendance_recorded_then_the_case_closes(qtbot, setup):
    view, record, case_id = setup
    while view.investigation_combo.count():
        view.result_edit.setText("Normal")
        view.add_result_button.click()
    assert all(not i.pending for i in record.case_detail(case_id).investigations)
    view.close_button.click()
    assert "paediatric assessment has not been confirmed" in view.closure_label.text()
    assert view.checklist.select("confirm_paediatric_attendance")
    view.checklist.record_button.click()
    with qtbot.waitSignal(view.closed_case, timeout=1000):
        view.close_button.click()
    assert record.case_detail(case_id).status == "closed"
    assert "CLOSED" in view.header_label.text()


def test_strategy_meeting_and_supervision_conditions_are_recorded(setup):
    view, record, case_id = setup
    view.strategy_edit.setText("04-Sep-2025: s47 enquiry agreed")
    view.strategy_button.click()
    view.condition_edit.setText("No unsupervised contact with father")
    view.condition_button.click()
    case = record.case_detail(case_id)
    assert case.strategy_meeting == "04-Sep-2025: s47 enquiry agreed"
    assert "No unsupervised contact with father" in case.supervision_conditions
    assert "s47 enquiry agreed" in view.strategy_label.text()


def test_recording_the_call_in_a_case_restarts_the_written_referral_countdown(qtbot):
    record = sample_record(NOW)
    view = CaseView(record, FixedClock(NOW))
    qtbot.addWidget(view)
    case_id = next(c.case_id for c in record.open_cases() if c.child.given_name == "Isla")
    view.show_case(case_id)
    assert "Written referral: Due in" in view.checklist.countdown_label.text()
    assert view.result_date_edit.text() == "05-Sep-2025"


def test_the_case_view_shows_the_written_referral_deadline_the_record_holds(qtbot):
    record = sample_record(NOW)
    case_id = next(c.case_id for c in record.open_cases() if c.child.given_name == "Isla")
    case = record.cases[case_id]
    fresh = tuple(replace(a, record=None) for a in case.actions)  # nothing recorded yet
    record.cases[case_id] = replace(case, actions=fresh)
    view = CaseView(record, FixedClock(NOW))
    qtbot.addWidget(view)
    view.show_case(case_id)
    assert "countdown starts when the call" in view.checklist.countdown_label.text()
    assert view.checklist.select("phone_csc")
    view.checklist.done_at_edit.setText("05-Sep-2025 09:10")
    view.checklist.record_button.click()
    assert "(06-Sep-2025 09:10), counted from the call at 05-Sep-2025 09:10" in (
        view.checklist.countdown_label.text()
    )
