"""Keyboard: one Alt+letter per control on every screen, keys the body map does not use pass
on, the household row takes the typing, and the focus ring is easy to see. Real services.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)

from tests.ui.real_store import AF_NHS, BROOKS_NHS, NOW, open_child, signed_in_window

MNEMONIC = re.compile(r"&([^&\s])")


def mnemonics(top: QWidget) -> list[tuple[str, str]]:
    """Every Alt+letter a person can press in ``top`` now (a window: its menu bar's too).

    Buttons (push, tool, check, radio), labels with a buddy, group boxes and tabs that are
    visible and enabled: Qt fires none of the others, so only these can clash.
    """
    found: list[tuple[str, str]] = []

    def add(text: str, what: str) -> None:
        m = MNEMONIC.search(text.replace("&&", ""))
        if m:
            found.append((m.group(1).lower(), what))

    for w in [top, *top.findChildren(QWidget)]:
        if not w.isVisible() or not w.isEnabled():
            continue
        if isinstance(w, QAbstractButton):
            add(w.text(), f"button {w.text()!r}")
        elif isinstance(w, QLabel) and w.buddy() is not None:
            if w.buddy().isVisible() and w.buddy().isEnabled():
                add(w.text(), f"label {w.text()!r}")
        elif isinstance(w, QGroupBox):
            add(w.title(), f"group {w.title()!r}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i) and w.isTabEnabled(i):
                    add(w.tabText(i), f"tab {w.tabText(i)!r}")
        if isinstance(w, QMainWindow):
            for a in w.menuBar().actions():
                if a.isVisible():
                    add(a.text(), f"menu {a.text()!r}")
    return found


def clashes(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    counts = Counter(letter for letter, _ in found)
    return {
        letter: [what for l2, what in found if l2 == letter]
        for letter, n in counts.items()
        if n > 1
    }


@pytest.fixture
def window(qtbot, engine, demo_store, prompter):
    return signed_in_window(qtbot, engine, demo_store, prompter)


class Walk:
    """Collects the clashes of each screen (and state) shown."""

    def __init__(self) -> None:
        self.problems: dict[str, dict[str, list[str]]] = {}
        self.seen: list[str] = []

    def check(self, name: str, top: QWidget) -> None:
        QApplication.processEvents()
        self.seen.append(name)
        found = clashes(mnemonics(top))
        if found:
            self.problems[name] = found

    def report(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.problems.items())


def case_of(window, family, closed=False):
    cases = window.services.cases
    listed = cases.closed_cases() if closed else cases.open_cases()
    return next(c.case_id for c in listed if c.child.family_name == family)


def test_no_two_controls_share_an_alt_letter_on_any_screen_or_dialog(
    qtbot, engine, window, demo_store, prompter, tmp_path
):
    """Every screen, dialog and wizard step the app shows, in the states that show more
    controls (a finding being edited, an action selected or just recorded, a sealed record,
    a closed case): no Alt+letter does two things."""
    from tests.ui.real_store import FAST_KDF, USER
    from triage_app.ui.audit_view import AuditView, StoreAudit
    from triage_app.ui.import_dialog import open_import_dialog
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ImmediateExecutor
    from triage_app.ui.service_adapters import StoreOpener

    walk = Walk()
    # Before anyone is signed in: first start (both halves) and sign-in.
    fresh = MainWindow(demo_store.clock, ImmediateExecutor(), prompter, lambda: engine.decide)
    qtbot.addWidget(fresh)
    fresh.show()
    fresh.open_with(StoreOpener(tmp_path / "fresh", clock=demo_store.clock.now, kdf=FAST_KDF))
    walk.check("first start: the account", fresh)
    fresh.first_run.ui.demo_group.setEnabled(True)  # as once the account is made
    walk.check("first start: demonstration data", fresh)
    signing = MainWindow(demo_store.clock, ImmediateExecutor(), prompter, lambda: engine.decide)
    qtbot.addWidget(signing)
    signing.show()
    signing.open_with(demo_store.opener())
    assert signing.sign_in is not None
    walk.check("sign in", signing)

    # Signed in: the dashboard, open and closed cases, with unfinished assessments listed.
    window.show_dashboard()
    walk.check("dashboard", window)
    window.dashboard.closed_button.click()
    walk.check("dashboard: closed cases", window)
    window.dashboard.closed_button.click()
    open_child(window, BROOKS_NHS)
    window.show_dashboard()  # the draft stays listed
    assert window.dashboard.resume_button.isVisible()
    walk.check("dashboard with unfinished assessments", window)

    # Find a child, with a match chosen.
    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText(AF_NHS)
    window.find_child.search()
    assert window.find_child.ui.open_button.isEnabled()
    walk.check("find a child", window)

    # Every wizard step; the finding editor live; an action selected, then recorded.
    window.find_child.ui.open_button.click()
    links = getattr(window, "record_links_dialog", None)
    view = window.assessment
    view.steps[2].body_map.choose_point(77, 67)
    for i, step in enumerate(view.steps):
        view.go_to(i)
        walk.check(f"wizard step {i + 1} {step.title}", window)
    view.go_to(view.steps.index(view.actions_step))
    checklist = view.actions_step.checklist
    assert checklist.select("phone_csc")
    walk.check("wizard: the call selected", window)
    checklist.record_button.click()
    assert checklist.undo_button.isVisible()
    walk.check("wizard: the call recorded (undo shown)", window)

    # Other records of this child (a dialog).
    window.show_record_links()
    links = window.record_links_dialog
    walk.check("other records of this child", links)
    links.close()

    # Import presentations (a dialog).
    dialog = open_import_dialog(window)
    assert dialog is not None
    walk.check("import presentations", dialog)
    dialog.close()

    # The case view: sealed (addendum offered), an action selected and just recorded (undo
    # offered); unsealed; closed (reopen offered).
    prompter.answers = [True] * 10
    af = case_of(window, "Ashby")
    window.open_case(af)
    case_view = window.case_view
    walk.check("case view: sealed record", window)
    window.open_case(case_of(window, "Brooks"))
    assert case_view.checklist.select("inform_parents")
    walk.check("case view: not sealed, an action selected", window)
    case_view.checklist.record_button.click()
    assert case_view.undo_button.isVisible(), case_view.actions_message.text()
    walk.check("case view: an action just recorded (undo)", window)
    window.open_case(case_of(window, "Okafor", closed=True))
    assert case_view.reopen_button.isVisible()
    walk.check("case view: closed", window)

    # A sealed version on screen.
    window.open_case(af)
    version = window.services.records.sealed_versions(af)[0]
    window.open_preview(af, version)
    walk.check("sealed record preview", window)

    # The audit screen (its menu is a safeguarding lead's; the screen itself is shown here).
    audit = AuditView(
        StoreAudit(window.services.cases.ctx), ImmediateExecutor(), NOW.date(), window
    )
    window.ui.pages_stack.addWidget(audit)
    window.ui.pages_stack.setCurrentWidget(audit)
    window.banner.clear()
    walk.check("audit", window)

    # The lock screen.
    window.lock()
    assert window.locked and USER
    walk.check("lock screen", window)

    assert len(walk.seen) >= 25
    assert walk.problems == {}, walk.report()


def test_the_body_map_passes_on_window_shortcuts_and_modified_enter(qtbot, window, prompter):
    open_child(window, AF_NHS)
    window.assessment.go_to(2)
    body_map = window.assessment.steps[2].body_map
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    body_map.setFocus()
    qtbot.keyClick(body_map, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.assessment.steps[2].findings == []  # a modified Enter adds nothing
    qtbot.keyClick(body_map, Qt.Key.Key_Return)
    assert len(window.assessment.steps[2].findings) == 1  # plain Enter is the map's own key
    prompter.answers = [True]
    qtbot.keyClick(body_map, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.ui.pages_stack.currentWidget() is window.dashboard
    window.resume_draft(window.services.drafts.drafts()[0].key)
    window.assessment.go_to(2)
    body_map.setFocus()
    prompter.answers = [True]
    qtbot.keyClick(body_map, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.ui.pages_stack.currentWidget() is window.find_child


def test_add_child_to_household_puts_the_typing_in_the_new_row(qtbot, window):
    open_child(window, BROOKS_NHS)
    view = window.assessment
    view.go_to(4)
    step = view.steps[4]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    before = step.ui.household_table.rowCount()
    step.ui.add_household_button.click()  # no AttributeError (pytest-qt fails on one)
    table = step.ui.household_table
    assert table.rowCount() == before + 1
    editor = QApplication.focusWidget()
    assert editor is not None and table.isAncestorOf(editor)
    qtbot.keyClicks(editor, "BROOKS, Sam")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    view.save_draft()
    household = window.services.drafts.load(view.draft_key).data["assessment"]["history"]
    assert "BROOKS, Sam" in [c.get("name") for c in household["household_children"]]


def test_the_focus_ring_is_drawn_clearly_on_fields_and_text_areas(qtbot, window):
    sheet = QApplication.instance().styleSheet() or window.styleSheet()
    assert ":focus" in sheet and "QPlainTextEdit" in sheet and "2px" in sheet
