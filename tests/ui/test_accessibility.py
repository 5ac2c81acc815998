"""Every control can be reached by keyboard, in order, and has an accessible name."""

from datetime import date

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFont
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

from tests.ui.fakes import FakePrompter
from tests.ui.real_store import BROOKS_NHS, USER
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.case_view import CaseView
from triage_app.ui.dashboard import Dashboard
from triage_app.ui.find_child import FindChild
from triage_app.ui.first_run import FirstRun
from triage_app.ui.seams import ImmediateExecutor
from triage_app.ui.sign_in import SignIn
from triage_app.ui.viewmodels import NEW_CHILD_ID, ChildView, PriorHistory

AVA = ChildView(NEW_CHILD_ID, date(2026, 10, 20), "9434765919", "Ava", "Example", None)


def wizard_on(services, engine, clock):
    return AssessmentView(engine.decide, services.recorder, services.drafts, clock, FakePrompter())


def unnamed_controls(top: QWidget) -> list[str]:
    """Walk the tree through QAccessible: keyboard-focusable controls without a name."""
    missing = []
    for w in top.findChildren(QWidget):
        if not (w.isVisibleTo(top) and w.isEnabled()):
            continue
        if not (w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None and iface.isValid()
        name = iface.text(QAccessible.Text.Name).strip()
        parent = w.parentWidget()
        if isinstance(parent, QAbstractSpinBox | QComboBox):  # the control's own editor
            name = QAccessible.queryAccessibleInterface(parent).text(QAccessible.Text.Name)
        if not name.strip():
            missing.append(f"{type(w).__name__}:{w.objectName()}")
    return missing


def screens(qtbot, engine, services, store, clock):
    wizard = wizard_on(services, engine, clock)
    wizard.start(AVA, PriorHistory(), USER)
    wizard.steps[2].body_map.choose_point(77, 67)
    case_id = next(
        c.case_id for c in services.cases.open_cases() if c.child.nhs_number == BROOKS_NHS
    )
    case = CaseView(services.cases, clock, records=services.records)
    case.show_case(case_id)
    sealed = CaseView(services.cases, clock, records=services.records)
    sealed.show_case(case_id)
    sealed.referral.seal_button.click()  # versions list, preview, save and addendum
    from triage_app.ui.lock_screen import LockScreen
    from triage_app.ui.record_preview import RecordPreview

    preview = RecordPreview(services.records, FakePrompter())
    preview.show_version(case_id, services.records.sealed_versions(case_id)[0])
    board = Dashboard(services.cases, clock)
    board.refresh()
    wizard.save_draft()
    board.set_drafts(services.drafts.drafts())  # the unfinished-assessments list too
    built = {
        "dashboard": board,
        "find_child": FindChild(services.children),
        "first_run": FirstRun(lambda name, password: None, ImmediateExecutor()),
        "sign_in": SignIn(store.opener(), ImmediateExecutor()),
        "case_view": case,
        "case_view_sealed": sealed,
        "record_preview": preview,
        "lock_screen": LockScreen("Dr Test"),
    }
    for i in range(len(wizard.steps)):
        built[f"step_{i + 1}"] = (wizard, i)
    return built


def test_every_focusable_control_on_every_screen_has_an_accessible_name(
    qtbot, engine, demo_store, clock
):
    services = demo_store.services()
    for name, screen in screens(qtbot, engine, services, demo_store, clock).items():
        if isinstance(screen, tuple):
            screen, step = screen
            screen.go_to(step)
        qtbot.addWidget(screen)
        screen.resize(1400, 900)
        screen.show()
        assert unnamed_controls(screen) == [], name


def focus_order(qtbot, start: QWidget, count: int) -> list[str]:
    """Press Tab from ``start`` and record where the focus goes."""
    start.setFocus()
    names = []
    for _ in range(count):
        w = QApplication.focusWidget()
        name = w.objectName() if w else ""
        if not names or names[-1] != name:  # Tab steps through a date's day, month and year
            names.append(name)
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    return names[:count]


def test_find_a_child_tabs_in_reading_order(qtbot, services):
    page = FindChild(services.children)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    assert focus_order(qtbot, page.ui.nhs_number_edit, 11) == [
        "nhs_number_edit",
        "family_name_edit",
        "given_name_edit",
        "date_of_birth_edit",
        "postcode_edit",
        "sex_combo",
        "search_button",
        "new_child_button",
        "matches_list",
        "cancel_button",  # Open is disabled until there is a match
        "nhs_number_edit",  # and round again: no trap anywhere
    ]


def test_the_wizard_moves_by_keyboard(qtbot, engine, services, clock):
    wizard = wizard_on(services, engine, clock)
    qtbot.addWidget(wizard)
    wizard.start(AVA, PriorHistory(), USER)
    wizard.show()
    # Mnemonics for the buttons (offscreen QTest cannot fire window shortcuts, so check them).
    assert wizard.next_button.shortcut().toString() == "Alt+N"
    assert wizard.back_button.shortcut().toString() == "Alt+B"
    # The step list is a keyboard route: arrow keys change the step.
    wizard.nav.setFocus()
    qtbot.keyClick(wizard.nav, Qt.Key.Key_Down)
    qtbot.keyClick(wizard.nav, Qt.Key.Key_Down)
    assert wizard.stack.currentIndex() == 2
    # Enter on a focused button moves on.
    wizard.next_button.setFocus()
    qtbot.keyClick(wizard.next_button, Qt.Key.Key_Space)
    assert wizard.stack.currentIndex() == 3


@pytest.mark.parametrize("factor", [1.5])
def test_text_follows_the_system_font_size(qtbot, factor):
    page = FindChild(None)
    qtbot.addWidget(page)
    before = page.ui.nhs_number_label.fontInfo().pointSizeF()
    app = QApplication.instance()
    original = app.font()
    bigger = QFont(original)
    bigger.setPointSizeF(original.pointSizeF() * factor)
    try:
        app.setFont(bigger)
        again = FindChild(None)
        qtbot.addWidget(again)
        assert again.ui.nhs_number_label.fontInfo().pointSizeF() > before
    finally:
        app.setFont(original)


def test_next_puts_the_cursor_in_the_first_field_of_the_step(qtbot, engine, services, clock):
    wizard = wizard_on(services, engine, clock)
    qtbot.addWidget(wizard)
    wizard.start(AVA, PriorHistory(), USER)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    wizard.next_button.click()
    assert wizard.steps[1].answers["rolls"].isAncestorOf(QApplication.focusWidget())
    wizard.go_to(2)
    wizard.next_button.click()
    assert QApplication.focusWidget() is wizard.steps[3].ui.explanation_edit


def test_the_lock_screen_starts_in_the_password_field_and_tabs_to_unlock(qtbot):
    from triage_app.ui.lock_screen import LockScreen

    screen = LockScreen("Dr Test")
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=2000)
    screen.reset()
    assert QApplication.focusWidget() is screen.password_edit
    assert focus_order(qtbot, screen.password_edit, 3) == [
        "unlock_password_edit",
        "unlock_button",
        "unlock_password_edit",  # nothing else to reach: no patient data behind it
    ]


def test_the_preview_tabs_from_back_to_print_and_save(qtbot, demo_services):
    from triage_app.ui.record_preview import RecordPreview

    services = demo_services
    case_id = next(
        c.case_id for c in services.cases.open_cases() if c.child.nhs_number == BROOKS_NHS
    )
    services.cases.seal_referral(case_id)
    page = RecordPreview(services.records, FakePrompter())
    qtbot.addWidget(page)
    page.show()
    page.show_version(case_id, services.records.sealed_versions(case_id)[0])
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    order = focus_order(qtbot, page.back_button, 5)
    assert order == [
        "preview_back_button",
        "preview_zoom_combo",
        "preview_print_button",
        "preview_save_button",
        "pdf_view",  # then the pages themselves (arrow keys and Page Down scroll them)
    ]
