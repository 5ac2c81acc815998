import pytest

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel

from tests.ui.fakes import AVA
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.sample import _history
from triage_app.ui.viewmodels import ChildHistory


@pytest.fixture
def view(qtbot, engine, record, clock, prompter):
    v = AssessmentView(engine.decide, record, record, clock, prompter)
    qtbot.addWidget(v)
    v.start(AVA, ChildHistory(), "Dr Test")
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
    assert "(03-Sep-2025 10:40)" in text  # due time in NHS format
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
    checklist.done_at_edit.setText("03-Sep-2025 11:00")
    checklist.record_button.click()
    assert view.extra["actions"]["phone_csc"]["details"]["reference"] == "MAST-123"
    assert "counted from the call at 03-Sep-2025 11:00" in checklist.countdown_label.text()
    assert "(04-Sep-2025 11:00)" in checklist.countdown_label.text()


def test_the_timeline_shows_earlier_presentations_and_feeds_the_flags(
    qtbot, engine, record, clock, prompter
):
    v = AssessmentView(engine.decide, record, record, clock, prompter)
    qtbot.addWidget(v)
    v.start(AVA, _history(AVA.date_of_birth, clock.now()), "Dr Test")
    rows = v.timeline.texts()
    assert "This child: GP surgery" in rows[0] and "FLAG" in rows[0]
    findings_step(v).body_map.choose_point(77, 67)
    text = v.panel.details.toPlainText()
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= {
        f.id for f in v.decision.flags
    }
    assert all(f.text in text for f in v.decision.flags)


def test_finalising_asks_first_opens_a_case_and_clears_the_draft(qtbot, view, record, prompter):
    findings_step(view).body_map.choose_point(77, 67)
    view.save_draft()
    assert record.load() is not None
    prompter.answers = [False]
    view.go_to(view.steps.index(view.review))
    view.review.finalise_button.click()  # where the child is now: required
    assert record.finalised == [] and prompter.calls[-1][1] == "Say where the child is now"
    assert view.stack.currentWidget() is view.referrer_step
    say_where(view)
    view.review.finalise_button.click()
    assert record.finalised == [] and record.load() is not None
    with qtbot.waitSignal(view.finalised, timeout=1000) as signal:
        view.review.finalise_button.click()
    case = record.case_detail(signal.args[0])
    assert case.child.id == AVA.id and case.urgency == "immediate"
    assert record.load() is None


def test_a_draft_resumes_exactly_where_it_was(qtbot, engine, record, clock, prompter, view):
    findings_step(view).body_map.choose_point(77, 67)
    view.go_to(3)
    view.steps[3].ui.explanation_edit.setPlainText("Fell against the cot")
    view.save_draft()
    again = AssessmentView(engine.decide, record, record, clock, prompter)
    qtbot.addWidget(again)
    again.resume(dict(record.load().data))
    assert again.stack.currentIndex() == 3
    assert again.steps[3].ui.explanation_edit.toPlainText() == "Fell against the cot"
    assert findings_step(again).findings[0]["site"] == "cheek"
    assert "IMMEDIATE" in again.panel.urgency_text()


def test_a_refused_finalise_keeps_the_draft_and_says_why(qtbot, view, record, prompter):
    from triage_app.ui.ports import Refused

    def refuse(*args):
        raise Refused("child.date_of_birth: differs from the stored child")

    record.finalise = refuse
    findings_step(view).body_map.choose_point(77, 67)
    say_where(view)
    assert view.finalise() is None
    assert prompter.calls[-1][:2] == ("error", "The assessment was not stored")
    assert record.load() is not None and view.child is not None


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
