from dataclasses import replace
from datetime import datetime

import pytest

from tests.ui.fakes import FixedClock, sample_record
from triage_app.ui.case_view import CaseView

NOW = datetime(2025, 9, 5, 9, 0)


def open_case(qtbot, name):
    record = sample_record(NOW)
    view = CaseView(record, FixedClock(NOW))
    qtbot.addWidget(view)
    case_id = next(c.case_id for c in record.open_cases() if c.child.given_name == name)
    view.show_case(case_id)
    return view, record, case_id


@pytest.fixture
def noah(qtbot):
    return open_case(qtbot, "Noah")


def rows(view):
    table = view.investigations.table
    return {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(4)]
        for r in range(table.rowCount())
    }


def test_the_case_shows_results_and_the_follow_up_survey_window(noah):
    view, _, _ = noah
    r = rows(view)
    assert r["Follow-up skeletal survey"][1:] == [
        "04-Sep-2025 to 07-Sep-2025",
        "",
        "\u25cb PENDING: due now",
    ]
    assert r["Initial skeletal survey"][2] == "24-Aug-2025: No fractures seen."
    assert r["Initial skeletal survey"][3] == "\u2611 Resulted"
    assert "Supervision IN FORCE: Contact with baby supervised by grandmother" in (
        view.meeting.supervision_label.text()
    )


def test_closing_as_no_concern_is_refused_while_results_are_pending(noah):
    view, record, case_id = noah
    view.reason_edit.setText("Paediatrician satisfied")
    view.close_button.click()
    text = view.closure_label.text()
    assert text.startswith("\u2716 CLOSURE REFUSED: Cannot close as no concern while results")
    assert "Follow-up skeletal survey" in text
    assert record.case_detail(case_id).status == "open"


def test_with_every_result_back_the_case_closes(qtbot, noah):
    view, record, case_id = noah
    while view.investigations.investigation_combo.count():
        view.investigations.result_edit.setText("Normal")
        view.investigations.add_result_button.click()
    assert all(not i.pending for i in record.case_detail(case_id).investigations)
    view.reason_edit.setText("All results normal; CSC agree no further action")
    with qtbot.waitSignal(view.closed_case, timeout=1000):
        view.close_button.click()
    assert record.case_detail(case_id).status == "closed"
    assert "CLOSED" in view.header_label.text()


def test_investigations_prompted_by_the_protocol_can_be_requested(noah):
    view, record, case_id = noah
    panel = view.investigations
    names = [panel.request_combo.itemText(i) for i in range(panel.request_combo.count())]
    assert "Bone profile" in names
    panel.request_combo.setCurrentIndex(names.index("Bone profile"))
    panel.request_button.click()
    assert "Bone profile" in rows(view)
    assert "Bone profile requested" in view.message_label.text()


def test_relaxing_supervision_early_is_refused_with_the_reason(noah):
    view, record, case_id = noah
    m = view.meeting
    m.required_combo.setCurrentIndex(1)
    m.supervision_agreed_edit.setText("Dr Lead")
    m.supervision_button.click()
    assert view.message_label.text().startswith("\u2716 NOT SAVED: Supervision cannot be relaxed")
    assert record.case_detail(case_id).supervision_required is True
    m.outcome_edit.setText("s47 enquiry; family support plan")
    m.agreed_by_edit.setText("Strategy meeting chair")
    m.relax_combo.setCurrentIndex(1)
    m.meeting_button.click()
    assert "relax supervision" in m.meetings_list.item(0).text()
    m.required_combo.setCurrentIndex(1)
    m.supervision_agreed_edit.setText("Dr Lead")
    m.supervision_button.click()
    assert record.case_detail(case_id).supervision_required is False
    assert "not required" in m.supervision_label.text()


def test_recording_the_call_starts_the_written_referral_countdown(qtbot):
    view, record, case_id = open_case(qtbot, "Isla")
    case = record.cases[case_id]
    record.cases[case_id] = replace(
        case, actions=tuple(replace(a, record=None) for a in case.actions)
    )
    view.show_case(case_id)
    assert "countdown starts when the call" in view.checklist.countdown_label.text()
    assert view.checklist.select("phone_csc")
    view.checklist.done_at_edit.setText("05-Sep-2025 09:10")
    view.checklist.detail_edits["handler"].setText("J Smith")
    view.checklist.record_button.click()
    assert "(06-Sep-2025 09:10), counted from the call at 05-Sep-2025 09:10" in (
        view.checklist.countdown_label.text()
    )
    assert record.case_detail(case_id).actions[0].record.details["handler"] == "J Smith"


def test_without_a_records_port_export_refusals_are_shown(qtbot):
    from tests.ui.fakes import FakePrompter

    record = sample_record(NOW)
    prompter = FakePrompter(save_path="/tmp/nowhere/referral.pdf")
    view = CaseView(record, FixedClock(NOW), prompter=prompter)
    qtbot.addWidget(view)
    view.show_case(record.open_cases()[0].case_id)
    assert "Not sealed yet" in view.referral.versions_label.text()
    assert not view.referral.export_button.isEnabled()
    view.referral.seal_button.click()
    assert "version 1 sealed" in view.referral.versions_label.text()
    assert not view.referral.seal_button.isEnabled()  # a correction is an addendum, not a reseal
    view.referral.export_button.click()
    assert view.message_label.text().startswith("\u2716 NOT EXPORTED:")  # no such folder
