"""The case view on the REAL services and a temporary store (pytest-qt, offscreen).

Case rules C1 to C8 hold in the window because the window asks the services: refusals are
shown next to the control used, naming the rule, with the refused values kept; a new case
never shows another case's typing; closing and sealing ask first; the dashboard, the case
view and the command line list the same due items.
"""

from datetime import datetime, timedelta

import pytest

from tests.ui.fakes import FakePrompter, FixedClock
from triage_app.ui.case_view import CaseView
from triage_app.ui.dashboard import Dashboard
from triage_app.ui.viewmodels import ActionRecord

PASSWORD = "a long passphrase"


@pytest.fixture
def services(tmp_path):
    from triage_app.services import demo
    from triage_app.ui.service_adapters import StoreOpener

    services = StoreOpener(tmp_path / "data").create_first_user("Dr First", PASSWORD)
    demo.load(services.cases.ctx)
    yield services
    services.cases.ctx.close()


@pytest.fixture
def prompter():
    return FakePrompter()


@pytest.fixture
def view(qtbot, services, prompter):
    v = CaseView(services.cases, FixedClock(datetime.now()), prompter=prompter)
    qtbot.addWidget(v)
    return v


def case_of(services, family):
    return next(c.case_id for c in services.cases.open_cases() if c.child.family_name == family)


def rows(view):
    table = view.investigations.table
    return {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    }


def test_investigations_show_their_stage_window_and_result(view, services):
    view.show_case(case_of(services, "Ashby"))
    r = rows(view)
    assert r["Initial skeletal survey"][1] == "stage 1 of 2: not complete"
    assert "No fracture seen." in r["Initial skeletal survey"][3]
    follow = r["Follow-up skeletal survey"]
    assert follow[1] == "stage 2 of 2: not complete" and " to " in follow[2]
    assert follow[4].startswith("\u25cb PENDING")
    sup = view.supervision.supervision_label.text()
    assert "Supervision IN FORCE: Supervised contact only" in sup
    assert (
        "Conditions for relaxing: Both stages" in sup and "Dr K. Shah (named doctor, health)" in sup
    )


def test_every_closure_is_refused_while_stage_2_is_pending_and_the_reason_stays(
    view, services, prompter
):
    case_id = case_of(services, "Ashby")
    view.show_case(case_id)
    for index in range(view.outcome_combo.count()):
        view.outcome_combo.setCurrentIndex(index)
        view.reason_edit.setText("CSC have the lead")
        view.close_button.click()
        assert view.closure_label.text().startswith("\u2716 CLOSURE REFUSED: C1:")
        assert view.reason_edit.text() == "CSC have the lead"  # kept to correct
    assert prompter.calls and prompter.calls[-1][1] == "Close the case"
    assert services.cases.case_detail(case_id).is_open


def test_closing_asks_first_and_no_changes_nothing(view, services, prompter):
    case_id = case_of(services, "Ashby")
    view.show_case(case_id)
    prompter.default = False
    view.reason_edit.setText("x")
    view.close_button.click()
    assert view.closure_label.text() == "" and services.cases.case_detail(case_id).is_open


def test_sealing_asks_for_confirmation(view, services, prompter):
    case_id = case_of(services, "Brooks")
    view.show_case(case_id)
    prompter.default = False
    view.referral.seal_button.click()
    assert prompter.calls[-1][1] == "Seal the referral record"
    assert services.cases.case_detail(case_id).referral_versions == ()


def test_relaxing_without_health_is_refused_beside_the_meeting_form_and_kept(view, services):
    case_id = case_of(services, "Ashby")
    view.show_case(case_id)
    m = view.meeting
    m.held_at.set_value(datetime.now() - timedelta(minutes=5))
    m.add_attendee("A Social", "social worker", "csc")
    m.outcome_edit.setText("family cooperating")
    m.supervision_combo.setCurrentIndex(m.supervision_combo.findData("relax"))
    m.reason_edit.setText("stage 1 clear")
    m.meeting_button.click()
    assert m.message_label.text().startswith("\u2716 NOT SAVED: C4: a decision to relax")
    assert m.attendees() == (("A Social", "social worker", "csc"),)
    assert m.outcome_edit.text() == "family cooperating" and m.reason_edit.text() == "stage 1 clear"
    assert "IN FORCE" in view.supervision.supervision_label.text()
    assert services.cases.case_detail(case_id).supervision.in_force


def test_a_meeting_with_health_and_csc_changes_the_supervision_and_keeps_its_history(
    view, services
):
    case_id = case_of(services, "Ashby")
    view.show_case(case_id)
    m = view.meeting
    m.held_at.set_value(datetime.now() - timedelta(minutes=5))
    m.add_attendee("Dr K. Shah", "named doctor", "health")
    m.add_attendee("J. Reed", "team manager", "csc")
    m.outcome_edit.setText("grandmother may babysit")
    m.supervision_combo.setCurrentIndex(m.supervision_combo.findData("change"))
    m.conditions_edit.setText("Grandmother may babysit in her home")
    m.relax_conditions_edit.setText("Both stages reported and heard")
    m.meeting_button.click()
    assert m.message_label.text() == "\u2714 Strategy meeting recorded."
    assert m.attendees() == () and m.outcome_edit.text() == ""  # the form is cleared
    sup = view.supervision
    assert "IN FORCE: Grandmother may babysit" in sup.supervision_label.text()
    assert "impose" in sup.history_list.item(0).text()


def test_an_early_follow_up_result_is_refused_beside_the_result_form(view, services):
    case_id = case_of(services, "Ashby")
    view.show_case(case_id)
    panel = view.investigations
    panel.investigation_combo.setCurrentIndex(
        panel.investigation_combo.findText("Follow-up skeletal survey")
    )
    panel.result_edit.setText("Follow-up survey normal")
    panel.result_date.set_value(datetime.now().date())
    panel.add_result_button.click()
    assert panel.message_label.text().startswith("\u2716 NOT SAVED: C2: the follow-up")
    assert panel.result_edit.text() == "Follow-up survey normal"
    panel.early_reason_edit.setText("moving abroad tomorrow")
    panel.decided_by_edit.setText("Dr K. Shah")
    panel.add_result_button.click()
    assert panel.message_label.text() == "\u2714 Result recorded."
    follow = rows(view)["Follow-up skeletal survey"]
    assert "moving abroad tomorrow" in follow[3] and "Dr K. Shah" in follow[3]
    assert rows(view)["Initial skeletal survey"][1] == "stage 1 of 2"


def test_opening_another_case_clears_every_field(view, services):
    view.show_case(case_of(services, "Ashby"))
    i, m = view.investigations, view.meeting
    typed = (
        i.result_edit, i.early_reason_edit, i.decided_by_edit, i.not_required_reason_edit,
        m.outcome_edit, m.conditions_edit, m.relax_conditions_edit, m.reason_edit,
        m.review_edit, view.reason_edit, view.reopen_reason_edit, view.referral.reason_edit,
    )  # fmt: skip
    for edit in typed:
        edit.setText("ASHBY's words")
    m.add_attendee("Dr A", "paediatrician", "health")
    m.supervision_combo.setCurrentIndex(2)
    view.outcome_combo.setCurrentIndex(3)
    view.closure_label.setText("old refusal")
    m.message_label.setText("old refusal")

    view.show_case(case_of(services, "Brooks"))
    assert [e.text() for e in typed if e.text()] == []
    assert m.attendees() == () and m.supervision_combo.currentIndex() == 0
    assert view.outcome_combo.currentIndex() == 0
    assert view.closure_label.text() == m.message_label.text() == ""
    assert "BROOKS" not in view.header_label.text()  # the header is Brooks's case, not a name
    assert m.held_at.value() is not None  # defaults to now, never the last case's time


def test_dashboard_case_view_and_service_list_the_same_due_items(qtbot, view, services):
    from triage_app.services import cases

    now = datetime.now()
    board = Dashboard(services.cases, FixedClock(now))
    qtbot.addWidget(board)
    board.refresh()
    assert board.model.rows
    for summary, lines, overdue in board.model.rows:
        detail = services.cases.case_detail(summary.case_id)
        assert summary.due_items == detail.due_items
        shown = cases.show_case(services.cases.ctx, int(summary.case_id))
        assert overdue == sum(1 for d in shown.due if d.overdue)
        view.show_case(summary.case_id)
        listed = [view.due.due_list.item(r).text() for r in range(view.due.due_list.count())]
        expected = [d for d in detail.due_items if d.kind != "supervision"]
        assert len(listed) == len(expected) or (not expected and len(listed) == 1)
        status = board.model._text(summary, lines, overdue, 5)
        assert (status == "On track") is (overdue == 0)


def test_closed_cases_are_listed_opened_read_only_and_reopened_with_a_reason(qtbot, view, services):
    board = Dashboard(services.cases, FixedClock(datetime.now()))
    qtbot.addWidget(board)
    board.closed_button.click()
    assert board.heading.text() == "Closed cases"
    [(summary, _, _)] = board.model.rows
    assert summary.child.family_name == "Okafor"
    view.show_case(summary.case_id)
    assert "CLOSED" in view.header_label.text() and "read only" in view.header_label.text()
    assert not view.close_button.isEnabled() and not view.meeting.meeting_button.isEnabled()
    view.reopen_button.click()
    assert view.closure_label.text().startswith("\u2716 NOT SAVED: C6: reopening")
    view.reopen_reason_edit.setText("New bruise reported by the nursery")
    view.reopen_button.click()
    assert "Case OPEN" in view.header_label.text()
    board.closed_button.click()
    assert summary.case_id in [r[0].case_id for r in board.model.rows]


def test_a_refused_action_is_shown_beside_the_actions(view, services):
    case_id = case_of(services, "Brooks")
    view.show_case(case_id)
    future = ActionRecord("check_cp_is", datetime.now() + timedelta(days=1), "Dr First", {})
    view._on_checklist_recorded(future)
    assert view.actions_message.text().startswith("\u2716 NOT SAVED: C7:")


def test_the_wizard_finish_is_one_transaction_and_joins_the_open_case(services, engine):
    from triage_app.domain.parse import parse_assessment
    from triage_app.services import demo
    from triage_app.ui.ports import Refused

    ashby = services.children.find_by_nhs_number(demo.AF_NHS)[0].child
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    a = parse_assessment(
        {
            "schema": "triage-assess/1",
            "assessed_at": when,
            "setting": "ed",
            "child": {
                "family_name": "Ashby",
                "given_name": "Alfie",
                "date_of_birth": ashby.date_of_birth.isoformat(),
                "nhs_number": demo.AF_NHS,
            },
            "findings": [{"kind": "bruise", "site": "ear", "side": "left"}],
        }
    )
    decision = engine.decide(a)
    before = services.history.history(ashby.id, a.assessed_at)
    bad = (ActionRecord("phone_csc", datetime.now() + timedelta(days=2), "Dr First", {}),)
    with pytest.raises(Refused, match="Nothing was stored: C7"):
        services.recorder.finalise(ashby.id, a, decision, bad, "Dr First", {})
    assert services.history.history(ashby.id, a.assessed_at) == before  # nothing stored
    ok = (ActionRecord("phone_csc", datetime.now() - timedelta(minutes=30), "Dr First", {}),)
    case_id = services.recorder.finalise(ashby.id, a, decision, ok, "Dr First", {})
    assert case_id == case_of(services, "Ashby")  # joined the open case (C8)
    detail = services.cases.case_detail(case_id)
    assert len([c for c in services.cases.open_cases() if c.child.id == ashby.id]) == 1
    assert any(x.action_id == "phone_csc" and x.record for x in detail.actions)


def test_a_due_list_that_scrolls_says_how_many_items_it_holds(qtbot, view, services, engine):
    """Six lines show; more scroll, and the title counts them so none is taken for absent."""
    from triage_app.domain.parse import parse_assessment
    from triage_app.services import demo

    # a new presentation with nothing recorded yet: every duty of the protocol is due
    ashby = services.children.find_by_nhs_number(demo.AF_NHS)[0].child
    a = parse_assessment(
        {
            "schema": "triage-assess/1",
            "assessed_at": (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "setting": "ed",
            "child": {"date_of_birth": ashby.date_of_birth.isoformat(), "nhs_number": demo.AF_NHS},
            "findings": [{"kind": "bruise", "site": "ear", "side": "left"}],
        }
    )
    services.recorder.finalise(ashby.id, a, engine.decide(a), (), "Dr First", {})
    view.show()
    seen = {"scrolls": 0, "fits": 0}
    for width in (1900, 360):  # a narrow window wraps each item over several lines
        view.resize(width, 900)
        for summary in services.cases.open_cases():
            view.show_case(summary.case_id)
            qtbot.wait(1)
            panel, items = view.due, view.due.due_list
            height = sum(items.sizeHintForRow(r) for r in range(items.count()))
            if height > 6 * panel.fontMetrics().lineSpacing() and items.count() > 1:
                seen["scrolls"] += 1
                assert panel.title() == f"What is due: {items.count()} items, scroll for all"
            else:
                seen["fits"] += 1
                assert panel.title() == "What is due"
    assert seen["scrolls"] and seen["fits"], seen  # both kinds were on screen
