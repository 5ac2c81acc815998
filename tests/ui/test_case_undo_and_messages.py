"""The case view on the REAL services (demonstration data, temporary store): "Record as done"
can be undone for a few seconds as a new audited event, and every message appears beside the
control that caused it, alone, with the form showing what the record holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from triage_app.domain import cases as rules
from triage_app.services import audit_log
from triage_app.services import cases as case_service
from triage_app.ui.case_view import UNDO_SECONDS, CaseView
from triage_app.ui.ports import Refused


@pytest.fixture
def view(qtbot, demo_services, clock, prompter):
    v = CaseView(demo_services.cases, clock, prompter=prompter, records=demo_services.records)
    qtbot.addWidget(v)
    v.resize(1280, 900)
    v.show()
    return v


def case_of(services, family):
    return next(c.case_id for c in services.cases.open_cases() if c.child.family_name == family)


def line(view, action_id):
    return view.checklist.list.item(
        [a.action_id for a in view.checklist.actions].index(action_id)
    ).text()


def case_updates(services):
    events = audit_log.events(services.cases.ctx)
    return sum(1 for e in events if e.entity == "case" and e.action == "update")


def stored(services, case_id):
    return case_service.get_case(services.cases.ctx, int(case_id))


def test_record_as_done_is_undone_within_seconds_by_a_new_audited_event(view, demo_services):
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    assert view.checklist.select("inform_parents")
    before = len(stored(demo_services, brooks).actions)
    view.checklist.record_button.click()
    assert line(view, "inform_parents").startswith("\u2611 DONE")
    assert view.undo_button.isVisible() and view.undo_timer.isActive()
    assert view.undo_timer.interval() == UNDO_SECONDS * 1000
    assert "Undo it now" in view.actions_message.text()
    updates = case_updates(demo_services)

    view.undo_button.click()
    assert not line(view, "inform_parents").startswith("\u2611 DONE")  # due again
    action = next(a for a in view.checklist.actions if a.action_id == "inform_parents")
    assert action.record is None
    assert (
        view.actions_message.text().startswith("\u2714 ")
        and "undone" in view.actions_message.text()
    )
    assert not view.undo_button.isVisible()
    case = stored(demo_services, brooks)
    # Nothing deleted: the record and its undoing are both in the case's history, audited.
    assert len(case.actions) == before + 2
    record, undo = case.actions[-2:]
    assert record.kind == "inform_parents" and undo.kind == rules.ACTION_UNDONE
    assert undo.reference == str(record.id)
    assert case_updates(demo_services) == updates + 1  # one audited change
    assert "inform_parents" in {d.what for d in case_service.show_case(
        demo_services.cases.ctx, int(brooks)).due}  # fmt: skip


def test_the_undo_offer_ends_after_its_seconds_and_on_any_other_change(view, demo_services):
    view.show_case(case_of(demo_services, "Brooks"))
    view.checklist.select("inform_parents")
    view.checklist.record_button.click()
    assert view.undo_button.isVisible()
    view.undo_timer.timeout.emit()  # the seconds are up
    assert not view.undo_button.isVisible()
    assert view.actions_message.text().endswith("recorded as done.")  # no stale offer
    view.checklist.select("check_household_children")
    view.checklist.record_button.click()
    assert view.undo_button.isVisible()
    view.meeting.held_at_edit.clear()
    view.meeting.meeting_button.click()  # another change (refused here) ends the offer
    assert not view.undo_button.isVisible()


def test_only_the_latest_action_is_undone_and_the_rules_say_why_not(view, demo_services):
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    for action_id in ("inform_parents", "check_household_children"):
        view.checklist.select(action_id)
        view.checklist.record_button.click()
    with pytest.raises(Refused, match="only the latest action"):
        demo_services.cases.undo_action(brooks, "inform_parents")
    assert line(view, "inform_parents").startswith("\u2611 DONE")


def test_undoing_the_written_referral_makes_it_due_again(view, demo_services, clock):
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    assert view.checklist.select("written_referral")
    view.checklist.record_button.click()
    assert stored(demo_services, brooks).written_referral_sent_at is not None
    assert "Written referral sent" in view.checklist.countdown_label.text()
    view.undo_button.click()
    assert stored(demo_services, brooks).written_referral_sent_at is None
    assert "counted from the call" in view.checklist.countdown_label.text()
    due = case_service.show_case(demo_services.cases.ctx, int(brooks)).due
    assert ("written_referral", True) in [(d.what, d.overdue) for d in due]  # overdue again


def test_a_refusal_shows_beside_its_control_alone_and_the_form_keeps_the_typing(
    view, demo_services
):
    view.show_case(case_of(demo_services, "Brooks"))
    # An older refusal beside the meeting form...
    view.meeting.held_at_edit.clear()
    view.meeting.meeting_button.click()
    assert view.meeting.message_label.text().startswith("\u26a0")
    # ...goes when the location is refused (at home needs with whom): that message is
    # beside "Record location", not at the top, and the choice stays to correct.
    loc = view.location
    stored_line = loc.current_label.text()
    loc.place_combo.setCurrentIndex(loc.place_combo.findData("home"))
    loc.detail_edit.setText("12 Example Road")
    loc.record_button.click()
    assert loc.message_label.text().startswith("\u2716 NOT SAVED")
    assert view.message_label.text() == "" and view.meeting.message_label.text() == ""
    assert loc.current_label.text() == stored_line  # what the record holds
    assert loc.place_combo.currentData() == "home" and loc.detail_edit.text() == "12 Example Road"


def test_a_refused_closure_shows_the_stored_case_and_the_refusal_beside_close(
    view, demo_services, clock
):
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    view.checklist.select("inform_parents")
    view.checklist.record_button.click()
    assert view.actions_message.text()
    view.reason_edit.setText("CSC have the lead")
    view.close_button.click()
    assert view.closure_label.text().startswith("\u2716 CLOSURE REFUSED")
    assert view.actions_message.text() == ""  # the older message went
    assert view.case.is_open and "OPEN" in view.header_label.text()
    assert view.reason_edit.text() == "CSC have the lead"  # kept to correct


def test_sealing_and_addenda_answer_beside_the_referral_record(view, demo_services, clock):
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    view.referral.seal_button.click()
    assert view.referral.message_label.text().startswith("\u2714"), (
        view.referral.message_label.text()
    )
    assert view.message_label.text() == ""
    clock.value = clock.value + timedelta(minutes=5)
    view.referral.addendum_button.click()
    assert "Type the reason for the addendum" in view.referral.message_label.text()
    assert view.message_label.text() == ""


def recorded_text(view, action_id):
    """What the case view says about a recorded action (after the protocol's wording)."""
    assert view.checklist.select(action_id)
    text = view.checklist.text_label.text()
    assert "Recorded " in text, text
    return "Recorded " + text.split("Recorded ", 1)[1]


def test_a_non_call_action_shows_who_recorded_it_and_no_handler(view, demo_services):
    """Found last session: "Recorded by Dr X ... handler: Dr X" on every action."""
    view.user = "Dr Test Clinician"
    brooks = case_of(demo_services, "Brooks")
    view.show_case(brooks)
    view.checklist.select("inform_parents")
    view.checklist.note_edit.setText("told mother, leaflet given")
    view.checklist.record_button.click()
    text = recorded_text(view, "inform_parents")
    assert "Recorded by Dr Test Clinician at" in text
    assert "handler" not in text.lower()
    assert "told mother, leaflet given" in text
    assert "note:" not in text  # the note as typed (found under Xvfb: "note: note: ...")
    # The demo's own call (recorded without a handler) names no handler either.
    assert "handler" not in recorded_text(view, "phone_csc").lower()


def test_a_phone_call_shows_who_made_it_and_the_person_spoken_to(view, demo_services):
    view.user = "Dr Test Clinician"
    brooks = case_of(demo_services, "Brooks")
    demo_services.cases.undo_action(brooks, "phone_csc")  # the demo's call, to record anew
    view.show_case(brooks)
    assert view.checklist.select("phone_csc")
    view.checklist.detail_edits["handler"].setText("J Reed (MAST)")
    view.checklist.detail_edits["advice"].setText("see today")
    view.checklist.record_button.click()
    assert "NOT SAVED" not in view.actions_message.text(), view.actions_message.text()
    text = recorded_text(view, "phone_csc")
    assert "Recorded by Dr Test Clinician at" in text
    assert "call handler: J Reed (MAST)" in text and "see today" in text
    stored_call = [a for a in stored(demo_services, brooks).actions if a.kind == "phone_csc"][-1]
    assert stored_call.person == "Dr Test Clinician"  # who made the call, as on every route


def test_a_refused_closure_names_each_duty_in_words_not_by_its_id(view, demo_services):
    """Found under Xvfb: "C6: the duty inform_parents (Inform parents) is overdue ..."."""
    view.show_case(case_of(demo_services, "Brooks"))  # six duties overdue in the demo
    view.reason_edit.setText("moved away")
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("other"))
    view.close_button.click()
    text = view.closure_label.text()
    assert text.startswith("\u2716 CLOSURE REFUSED: C6:")
    assert "the duty \u201cTell the parents or carers\u201d is overdue" in text
    for action_id in ("inform_parents", "check_household_children", "check_cp_is"):
        assert action_id not in text


def test_the_window_words_a_cp_is_refusal_without_command_line_hints():
    """Found under Xvfb: sealing said "(case action check_cp_is with the result as its note)"."""
    from triage_app.domain.handover import cp_is_seal_problem
    from triage_app.ui.service_cases import _sentence

    for status in ("not_checked", "unavailable"):
        reason = cp_is_seal_problem("ed", status, None)
        assert reason is not None and "check_cp_is" in reason  # the command line is told
        shown = _sentence(reason)
        assert "\u201cCheck CP-IS\u201d as done" in shown
        assert "check_cp_is" not in shown and "command line" not in shown
