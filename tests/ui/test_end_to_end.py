"""The whole workflow on a real temporary database, through the real services, to a case."""

import io
from datetime import datetime, timedelta

from pypdf import PdfReader

from tests.ui.fakes import FakePrompter
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor


class NowClock:
    def now(self) -> datetime:
        return datetime.now().replace(second=0, microsecond=0)


def test_first_start_to_a_finalised_case_on_a_temporary_database(qtbot, tmp_path, engine):
    from triage_app.services import cases, children, history
    from triage_app.ui.service_adapters import StoreOpener

    opener = StoreOpener(tmp_path / "data")
    window = MainWindow(NowClock(), ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(window)
    window.show()
    window.open_with(opener)

    # First start: the first account (it encrypts the record), then the demonstration data.
    first = window.first_run
    assert window.ui.pages_stack.currentWidget() is first
    first.ui.user_name_edit.setText("Dr Eve Endtoend")
    first.role_combo.setCurrentIndex(first.role_combo.findData("gp"))
    first.organisation_edit.setText("Example Surgery")
    first.phone_edit.setText("01632 960 888")
    first.ui.password_edit.setText("a long passphrase")
    first.ui.confirm_edit.setText("a long passphrase")
    first.ui.create_user_button.click()
    first.ui.load_demo_button.click()
    assert window.ui.pages_stack.currentWidget() is window.dashboard
    assert window.dashboard.model.rowCount() >= 2  # the demo's open cases
    services = window.services
    ctx = services.cases.ctx
    assert ctx.user == "Dr Eve Endtoend" and ctx.role == "administrator"
    assert (tmp_path / "data" / "triage.sqlite3").read_bytes()[:16] != b"SQLite format 3\x00"

    # Find a child who is not in the record, and add them.
    window.new_assessment()
    find = window.find_child
    qtbot.keyClicks(find.ui.nhs_number_edit, "9434765919")
    find.search()
    assert "No match" in find.ui.message_label.text()
    find.ui.family_name_edit.setText("Endtoend")
    find.ui.given_name_edit.setText("Tia")
    born = (datetime.now() - timedelta(days=40)).date()
    find.ui.date_of_birth_edit.setText(born.strftime("%d/%m/%Y"))
    find.ui.new_child_button.click()
    assert children.find_by_nhs_number(ctx, "9434765919") is None  # stored on finalising
    wizard = window.assessment
    assert window.ui.pages_stack.currentWidget() is wizard
    assert "ENDTOEND, Tia" in window.banner.text() and "943 476 5919" in window.banner.text()

    # The assessment, step by step.
    wizard.steps[0].ui.setting_combo.setCurrentIndex(1)  # GP surgery
    wizard.steps[0].ui.concern_edit.setPlainText("Mark on cheek noticed at feed")
    wizard.go_to(2)
    wizard.steps[2].body_map.choose_point(77, 67)  # right cheek
    wizard.steps[2].editor.size_spin.setValue(8)
    wizard.go_to(3)
    wizard.steps[3].ui.explanation_edit.setPlainText("We think her brother did it.")
    wizard.steps[3].ui.given_by_combo.setCurrentText("Mother")
    wizard.go_to(4)
    cp_is = wizard.steps[4].ui.cp_is_combo
    cp_is.setCurrentIndex(cp_is.findData("none"))
    assert "IMMEDIATE" in wizard.panel.urgency_text()
    # The family, typed for a child new to the store; the referrer and where the child is.
    wizard.go_to(wizard.steps.index(wizard.family_step))
    family = wizard.family_step
    family.add_button.click()
    for col, text in ((0, "Pat Endtoend"), (1, "Mother"), (3, "02-Mar-1999"), (4, "07700 900 321")):
        family.table.item(0, col).setText(text)
    family.table.cellWidget(0, 5).setCurrentIndex(1)  # lives with the child: yes
    family.hv_edit.setText("HV team C (01632 960 300)")
    wizard.go_to(wizard.steps.index(wizard.referrer_step))
    ref = wizard.referrer_step
    ref.name_edit.setText("Dr Test Newcomer")
    ref.role_combo.setCurrentIndex(ref.role_combo.findData("gp"))
    ref.organisation_edit.setText("Example Surgery")
    ref.phone_edit.setText("01632 960 999")
    ref.place_combo.setCurrentIndex(ref.place_combo.findData("home"))
    ref.detail_edit.setText("home address on record")
    ref.with_edit.setText("mother (Pat Endtoend)")
    wizard.go_to(wizard.steps.index(wizard.actions_step))
    checklist = wizard.actions_step.checklist
    checklist.select("phone_csc")
    called = datetime.now().replace(second=0, microsecond=0)
    checklist.done_at_edit.setText(called.strftime("%d/%m/%Y %H:%M"))
    checklist.detail_edits["handler"].setText("J Smith")
    checklist.detail_edits["reference"].setText("MAST-E2E-1")
    checklist.detail_edits["advice"].setText("Paediatrician today")
    checklist.record_button.click()
    wizard.go_to(wizard.steps.index(wizard.review))
    wizard.review.finalise_button.click()

    # The case: stored, with the call and the written-referral deadline from it.
    view = window.case_view
    assert window.ui.pages_stack.currentWidget() is window.case_scroll
    case_id = int(view.case.case_id)
    stored = cases.get_case(ctx, case_id)
    assert stored.referral_called_at == called
    assert stored.written_referral_due == called + timedelta(hours=24)
    assert [a.reference for a in stored.actions if a.reference] == ["MAST-E2E-1"]
    assert len(stored.actions) == 3  # and the body map and explanation the wizard recorded
    assert "counted from the call" in view.checklist.countdown_label.text()
    stored_child = children.find_by_nhs_number(ctx, "9434765919")
    assert (stored_child.family_name, stored_child.given_name) == ("Endtoend", "Tia")
    found = history.history_by_nhs_number(ctx, "9434765919")
    assert len(found.entries) == 1 and found.entries[0].urgency == "immediate"
    assert found.entries[0].presentation.explanation == "We think her brother did it."

    # Where the child is now: recorded in the wizard; the child is then admitted.
    assert "At home: home address on record" in view.location.current_label.text()
    view.location.place_combo.setCurrentIndex(view.location.place_combo.findData("admitted"))
    view.location.detail_edit.setText("Ward 9")
    view.location.record_button.click()  # no carer named: fine on a ward
    assert "Admitted: Ward 9" in view.location.current_label.text()

    # The referral record: sealed (PDF and FHIR) and exported as the sealed bytes.
    assert "Not sealed yet" in view.referral.versions_label.text()
    view.referral.seal_button.click()
    assert "Version 1" in view.referral.versions_list.item(0).text()
    assert "1 sealed version" in view.referral.versions_label.text()
    assert not view.referral.seal_button.isEnabled()
    window.prompter.save_path = str(tmp_path / "out" / "referral.pdf")
    (tmp_path / "out").mkdir()
    view.referral.export_button.click()
    assert "Saved" in view.referral.message_label.text()
    assert (tmp_path / "out" / "referral.pdf").read_bytes().startswith(b"%PDF")
    from triage_app.services import referrals

    sealed = referrals.get_record(ctx, case_id).pdf
    words = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(sealed)).pages).split()
    )
    assert "Referring clinician Dr Test Newcomer" in words and "Professional role GP" in words
    assert "Call-back number 01632 960 999" in words
    assert "How the concern arose Mark on cheek noticed at feed" in words
    assert "Pat Endtoend Mother 02-Mar-1999 07700 900 321 Yes" in words
    assert "Where the child is now Admitted: Ward 9" in words
    assert "Health visitor HV team C" in words
    view.referral.preview_button.click()  # the sealed PDF in the window (an audited view)
    assert window.ui.pages_stack.currentWidget() is window.preview
    assert window.preview.page_count() >= 2
    window.preview.back_button.click()
    assert window.ui.pages_stack.currentWidget() is window.case_scroll

    # Investigations, then closure: refused while stage 2 of the survey is pending (C1).
    panel = view.investigations
    panel.request_combo.setCurrentIndex(panel.request_combo.findText("Initial skeletal survey"))
    panel.request_button.click()
    panel.result_edit.setText("No fracture seen")
    panel.add_result_button.click()
    assert panel.table.item(0, 1).text() == "stage 1 of 2: not complete"
    assert "PENDING" in panel.table.item(1, 4).text()
    assert " to " in panel.table.item(1, 2).text()  # the follow-up survey's window
    view.reason_edit.setText("No concern")
    view.close_button.click()
    assert "CLOSURE REFUSED: C1:" in view.closure_label.text()
    assert cases.get_case(ctx, case_id).status == "results_pending"
    assert services.drafts.load() is None  # finalising cleared the draft


def test_a_known_child_shows_their_history_and_it_is_stored_once(qtbot, tmp_path, engine):
    from triage_app.services import demo
    from triage_app.store.repositories import PresentationRepository
    from triage_app.ui.service_adapters import StoreOpener

    first = StoreOpener(tmp_path / "data").create_first_user("Dr Hx", "a long passphrase")
    demo.load(first.cases.ctx)
    first.cases.ctx.close()
    # The next start: the record needs a sign-in.
    opener = StoreOpener(tmp_path / "data")
    assert opener.state() == "sign_in"
    window = MainWindow(NowClock(), ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(window)
    window.open_with(opener)
    window.sign_in.ui.user_edit.setText("Dr Hx")
    window.sign_in.ui.sign_in_password_edit.setText("wrong password")
    window.sign_in.ui.sign_in_button.click()
    assert "Not signed in" in window.sign_in.ui.sign_in_message_label.text()
    window.sign_in.ui.sign_in_password_edit.setText("a long passphrase")
    window.sign_in.ui.sign_in_button.click()
    assert window.ui.pages_stack.currentWidget() is window.dashboard
    services = window.services
    ctx = services.cases.ctx
    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText("999 000 0026")  # the demo's Child AF baby
    window.find_child.search()
    window.find_child.ui.open_button.click()
    wizard = window.assessment
    rows = wizard.timeline.texts()
    assert len(rows) >= 3 and any("sentinel" in r for r in rows)
    assert wizard.data["history"]["household_children"]  # the sibling, from the record
    wizard.steps[2].body_map.choose_point(123, 67)
    flags = {f.id for f in wizard.decision.flags}
    assert {"prior_injury_presentation", "family_safeguarding_history"} <= flags
    # The family stored with the child is offered again.
    assert [p["name"] for p in wizard.family_step.people()][:2] == ["Kelly Ashby", "Jordan Dunn"]
    ref = wizard.referrer_step
    ref.place_combo.setCurrentIndex(ref.place_combo.findData("emergency_department"))
    ref.detail_edit.setText("Example ED")
    wizard.go_to(wizard.steps.index(wizard.review))
    wizard.review.finalise_button.click()
    case_id = int(window.case_view.case.case_id)
    from triage_app.services import cases

    presentation_id = cases.get_case(ctx, case_id).presentation_id
    with ctx.session_factory() as s:
        stored = PresentationRepository(s).assessments([presentation_id])[presentation_id]
    household = stored.input_json["history"]["household_children"]
    assert len(household) == len(wizard.extra["from_record"]["household_children"])
    priors = stored.input_json["history"]["prior_presentations"]
    assert len(priors) == len({(p["date"], str(p["findings"])) for p in priors})
