"""The wizard on the real services: the recorder and the drafts of a temporary store."""

from dataclasses import replace
from datetime import date

import pytest

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel

from tests.ui.real_store import AF_NHS, USER
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.viewmodels import NEW_CHILD_ID, ChildView, PriorHistory

# A child not in the record yet (stored with the first finalised assessment).
AVA = ChildView(NEW_CHILD_ID, date(2026, 10, 20), "9434765919", "Ava", "Example", None)


@pytest.fixture
def view(qtbot, engine, services, clock, prompter):
    v = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(v)
    v.start(AVA, PriorHistory(), USER)
    return v


def findings_step(v):
    return v.steps[2]


def test_the_decision_updates_as_soon_as_a_finding_is_marked(view):
    assert "NO FINDINGS RECORDED YET" in view.panel.urgency_text()
    view.go_to(2)
    findings_step(view).body_map.choose_point(77, 67)  # right cheek
    assert "IMMEDIATE" in view.panel.urgency_text()
    assert "the protocol requires" in view.panel.urgency_text()
    text = view.panel.details.toPlainText()
    assert "Phone children's social care" in text and "Rule R4" in text
    assert "(01-Dec-2026 10:00)" in text  # due time in NHS format
    assert "1. Bruise, Cheek, right" in findings_step(view).findings_list.item(0).text()


def test_mobility_shows_the_nim_decision_and_its_reasons_at_once(view):
    view.go_to(1)
    step = view.steps[1]
    assert "NOT INDEPENDENTLY MOBILE" in step.ui.nim_result_label.text()
    assert "younger than the protocol's age limit" in step.ui.nim_reasons_label.text()


def test_a_nim_childs_explanation_never_switches_the_referral_off(view):
    findings_step(view).body_map.choose_point(77, 67)
    view.go_to(3)
    step = view.steps[3]
    step.ui.explanation_edit.setPlainText("He rolled off the sofa.")
    step.ui.given_by_combo.setCurrentText("Mother")
    assert "IMMEDIATE" in view.panel.urgency_text()
    assert "still requires the referral" in step.ui.nim_note_label.text()
    assert view.data["explanation"]["text"] == "He rolled off the sofa."
    # Nothing on any step offers to accept the explanation instead of referring.
    words = []
    for w in view.findChildren(QLabel) + view.findChildren(QAbstractButton):
        words.append(w.text().lower())
    for combo in view.findChildren(QComboBox):
        words.extend(combo.itemText(i).lower() for i in range(combo.count()))
    assert not [w for w in words if "accepted" in w or "no referral" in w or "likely" in w]


def say_where(view):
    r = view.referrer_step
    r.place_combo.setCurrentIndex(r.place_combo.findData("admitted"))
    r.detail_edit.setText("Ward 7")
    r.with_edit.setText("mother")


def test_the_call_starts_the_written_referral_countdown(view, clock):
    findings_step(view).body_map.choose_point(77, 67)
    view.go_to(view.steps.index(view.actions_step))
    checklist = view.actions_step.checklist
    assert "starts when the call" in checklist.countdown_label.text()
    assert checklist.select("phone_csc")
    checklist.detail_edits["handler"].setText("J Smith")
    checklist.detail_edits["reference"].setText("MAST-123")
    checklist.detail_edits["advice"].setText("Paediatrician today")
    checklist.done_at_edit.setText("01-Dec-2026 11:00")
    checklist.record_button.click()
    assert view.extra["actions"]["phone_csc"]["details"]["reference"] == "MAST-123"
    assert "counted from the call at 01-Dec-2026 11:00" in checklist.countdown_label.text()
    assert "(02-Dec-2026 11:00)" in checklist.countdown_label.text()


def test_the_timeline_shows_earlier_presentations_and_feeds_the_flags(
    qtbot, engine, demo_services, clock, prompter
):
    services = demo_services
    alfie = services.children.find_by_nhs_number(AF_NHS)[0].child
    v = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(v)
    v.start(alfie, services.history.history(alfie.id, clock.now()), USER)
    rows = v.timeline.texts()
    assert "This child: Emergency department" in rows[0] and "FLAG" in rows[0]
    assert len(rows) == 3  # the three presentations of the Child AF story
    findings_step(v).body_map.choose_point(77, 67)
    text = v.panel.details.toPlainText()
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= {
        f.id for f in v.decision.flags
    }
    assert all(f.text in text for f in v.decision.flags)


def test_finalising_asks_first_opens_a_case_and_clears_the_draft(qtbot, view, services, prompter):
    findings_step(view).body_map.choose_point(77, 67)
    view.save_draft()
    assert services.drafts.load(view.draft_key) is not None
    prompter.answers = [False]
    view.go_to(view.steps.index(view.review))
    view.review.finalise_button.click()  # where the child is now: required
    assert services.cases.open_cases() == []
    assert view.stack.currentWidget() is view.referrer_step  # said beside the fields
    problem = view.referrer_step.problem_label
    assert problem.isVisibleTo(view) and problem.text().startswith("Where the child is now:")
    assert not [c for c in prompter.calls if c[0] == "error"]
    say_where(view)
    view.review.finalise_button.click()
    assert services.cases.open_cases() == [] and services.drafts.drafts() != []
    with qtbot.waitSignal(view.finalised, timeout=5000) as signal:
        view.review.finalise_button.click()
    case = services.cases.case_detail(signal.args[0])
    assert case.child.nhs_number == AVA.nhs_number and case.urgency == "immediate"
    assert services.drafts.drafts() == []


def test_where_the_child_is_is_asked_for_in_words_never_in_ids_or_options(view):
    """Found under Xvfb: step 7 said "where must be one of: admitted, emergency_department,
    home, other" and "(--with NAME)" to a clinician."""
    step = view.referrer_step
    view.go_to(view.steps.index(step))
    text = step.problem_label.text()
    assert text.startswith("Where the child is now: choose where (admitted, in the emergency")
    assert "emergency_department" not in text and "must be one of" not in text
    step.place_combo.setCurrentIndex(step.place_combo.findData("home"))
    step.detail_edit.setText("home address on record")
    view.save_draft()  # the step stores what is typed and says what is still missing
    text = step.problem_label.text()
    assert "at home needs the named carer the child is with" in text
    assert "--" not in text


def test_a_draft_resumes_exactly_where_it_was(qtbot, engine, services, clock, prompter, view):
    findings_step(view).body_map.choose_point(77, 67)
    view.go_to(3)
    view.steps[3].ui.explanation_edit.setPlainText("Fell against the cot")
    view.save_draft()
    again = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(again)
    again.resume(dict(services.drafts.load(view.draft_key).data))
    assert again.stack.currentIndex() == 3
    assert again.steps[3].ui.explanation_edit.toPlainText() == "Fell against the cot"
    assert findings_step(again).findings[0]["site"] == "cheek"
    assert "IMMEDIATE" in again.panel.urgency_text()


def test_a_refused_finalise_keeps_the_draft_and_says_why(
    qtbot, engine, demo_services, clock, prompter
):
    services = demo_services
    alfie = services.children.find_by_nhs_number(AF_NHS)[0].child
    wrong = replace(alfie, date_of_birth=date(2026, 1, 1))  # not the stored child's
    view = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(view)
    view.start(wrong, PriorHistory(), USER)
    findings_step(view).body_map.choose_point(77, 67)
    before = len(services.cases.open_cases())
    say_where(view)
    assert view.finalise() is None
    said = view.review.message_label.text()  # beside "Finalise", not in a dialog
    assert said.startswith("\u2716 NOT STORED:") and "unfinished" in said
    assert not [c for c in prompter.calls if c[0] == "error"]
    assert services.drafts.load(view.draft_key) is not None and view.child is not None
    assert len(services.cases.open_cases()) == before


def test_removing_a_finding_asks_first_and_can_be_undone(view, prompter):
    step = findings_step(view)
    step.body_map.choose_point(77, 67)
    step.body_map.choose_point(123, 67)
    prompter.answers = [False]
    step.remove_button.click()
    assert len(step.findings) == 2  # not removed without a yes (never silently deleted)
    step.findings_list.setCurrentRow(0)
    step.remove_button.click()
    assert [f["side"] for f in step.findings] == ["left"]
    assert step.findings_list.item(0).text().startswith("1. Bruise, Cheek, left")
    step.undo_button.click()
    assert [f["side"] for f in step.findings] == ["right", "left"]
    assert view.data["findings"][0]["side"] == "right"


def test_mobility_is_answered_with_yes_no_not_known_buttons_by_keyboard(qtbot, view):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QComboBox

    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    view.go_to(1)
    step = view.steps[1]
    assert step.findChildren(QComboBox) == []  # no drop-downs left on this step
    answers = step.answers
    assert [b.text() for b in answers["rolls"].buttons] == ["Yes", "No", "Not known"]
    assert all(a.value() is None for a in answers.values())  # not known until asked
    view.focus_step()
    assert answers["rolls"].isAncestorOf(QApplication.focusWidget())
    answers["sits"].buttons[0].click()  # Yes
    assert view.data["mobility"]["sits"] is True
    answers["sits"].buttons[1].setFocus()
    qtbot.keyClick(answers["sits"].buttons[1], Qt.Key.Key_Space)  # No, by keyboard
    assert view.data["mobility"]["sits"] is False
    assert "NOT INDEPENDENTLY MOBILE" in step.ui.nim_result_label.text()


def test_actions_the_wizard_did_are_done_not_overdue_and_a_record_can_be_undone(
    qtbot, view, clock, services, prompter
):
    from datetime import timedelta

    findings_step(view).body_map.choose_point(77, 67)
    view.go_to(3)
    view.steps[3].ui.explanation_edit.setPlainText("He rolled off the sofa.")
    view.steps[3].ui.given_by_combo.setCurrentText("Mother")
    clock.value += timedelta(hours=3)  # later: anything not done is overdue by now
    view.go_to(view.steps.index(view.actions_step))
    checklist = view.actions_step.checklist
    lines = {a.action_id: checklist.list.item(i).text() for i, a in enumerate(checklist.actions)}
    assert lines["complete_body_map"].startswith("\u2611 DONE")
    assert lines["record_explanation_verbatim"].startswith("\u2611 DONE")
    assert "OVERDUE" in lines["phone_csc"]  # a real action still is
    # Record as done, then take it back: nothing is lost and nothing is stored yet.
    assert checklist.select("inform_parents")
    checklist.record_button.click()
    assert "inform_parents" in view.extra["actions"]
    panel = view.panel.details.toPlainText()
    assert "Tell the parents or carers: \u2611 DONE" in panel  # not "due now" any more
    assert "Complete the body map: \u2611 DONE" in panel
    assert checklist.select("inform_parents") and checklist.undo_button.isVisibleTo(checklist)
    assert not checklist.record_button.isEnabled()  # recorded: undo, not record again
    checklist.undo_button.click()
    assert "inform_parents" not in view.extra["actions"]
    assert checklist.select("inform_parents")
    assert checklist.record_button.isEnabled() and not checklist.undo_button.isVisibleTo(checklist)
    # The wizard's own records reach the case when the assessment is finalised.
    say_where(view)
    with qtbot.waitSignal(view.finalised, timeout=5000) as signal:
        view.review.finalise_button.click()
    detail = services.cases.case_detail(signal.args[0])
    done = {a.action_id for a in detail.actions if a.record is not None}
    assert {"complete_body_map", "record_explanation_verbatim"} <= done


def test_typing_keeps_the_readers_place_in_the_decision_panel(qtbot, view):
    view.resize(1024, 700)
    view.show()
    findings_step(view).body_map.choose_point(77, 67)
    bar = view.panel.details.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    view.go_to(3)
    qtbot.keyClicks(view.steps[3].ui.explanation_edit, "He rolled")
    assert bar.value() == place  # not back at the top after every key


def test_the_review_shows_the_referrer_where_the_child_is_and_no_quotes_of_its_own(view):
    findings_step(view).body_map.choose_point(77, 67)
    view.steps[3].ui.explanation_edit.setPlainText('"She rolled," mother said.')
    say_where(view)
    ref = view.referrer_step
    ref.name_edit.setText("Dr Ann Lee")
    ref.role_combo.setCurrentIndex(ref.role_combo.findData("ed_doctor"))
    ref.phone_edit.setText("01632 960 111")
    text = view.review.summary_text()
    assert "Referring clinician Dr Ann Lee, ED doctor (call back on 01632 960 111)" in text
    assert "Where the child is now Admitted: Ward 7, with mother" in text
    assert '"She rolled," mother said.' in text
    assert "\u201c" not in text and "\u201d" not in text  # no doubled quotation marks


def test_a_pregnancy_in_the_household_is_stored_with_its_expected_date_and_offered_again(
    qtbot, engine, view, services, clock, prompter
):
    from datetime import timedelta

    from triage_app.domain.display import nhs_date
    from triage_app.services import children

    due = clock.now().date() + timedelta(days=120)
    findings_step(view).body_map.choose_point(77, 67)
    family = view.family_step
    view.go_to(view.steps.index(family))
    family.pregnant_combo.setCurrentText("Yes")
    family.due_edit.setText("31/02/2027")  # no such date: refused, nothing stored
    say_where(view)
    view.go_to(view.steps.index(view.review))
    assert view.finalise() is None
    assert "expected date" in view.review.message_label.text()  # beside Finalise
    assert services.cases.open_cases() == []
    family.due_edit.setText(nhs_date(due))
    assert view.data["history"]["mother_pregnant"] is True  # the engine is told (pre-birth rule)
    with qtbot.waitSignal(view.finalised, timeout=5000) as signal:
        view.review.finalise_button.click()
    detail = services.cases.case_detail(signal.args[0])
    ctx = services.cases.ctx
    stored = children.find_by_nhs_number(ctx, AVA.nhs_number)
    assert stored.pregnancy_due_date == due
    assert detail.child.nhs_number == AVA.nhs_number
    # The next assessment of this child offers the stored pregnancy again.
    again = AssessmentView(engine.decide, services.recorder, services.drafts, clock, prompter)
    qtbot.addWidget(again)
    again.start(replace(AVA, id=str(stored.id)), PriorHistory(), USER)
    assert again.family_step.due_edit.text() == nhs_date(due)
    assert again.family_step.pregnant_combo.currentText() == "Yes"


def test_ctrl_m_goes_to_the_body_map_from_any_step(qtbot, view):
    """Found under Xvfb: the menu's "Go to the body map (Ctrl+M)" worked only on step 3."""
    from PySide6.QtCore import Qt

    view.show()
    view.activateWindow()
    qtbot.wait(50)  # the window is active: its shortcuts are live
    for start in (0, 3, 8):
        view.go_to(start)
        view.focus_step()
        qtbot.keyClick(
            view.focusWidget() or view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
        )
        assert view.stack.currentWidget() is findings_step(view)
        assert findings_step(view).body_map.hasFocus()
