"""Keyboard: one Alt+letter per control on every screen, keys the body map does not use pass
on, the household row takes the typing, and the focus ring is easy to see. Real services.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget

from tests.ui.real_store import AF_NHS, BROOKS_NHS, signed_in_window

MNEMONIC = re.compile(r"&([^&\s])")


def mnemonics(top: QWidget, window: QWidget | None = None) -> list[tuple[str, str]]:
    """Every Alt+letter a person can press on the screen now (and the menu bar's)."""
    found: list[tuple[str, str]] = []

    def add(text: str, what: str) -> None:
        m = MNEMONIC.search(text.replace("&&", ""))
        if m:
            found.append((m.group(1).lower(), what))

    for w in top.findChildren(QWidget):
        if not w.isVisible() or not w.isEnabled():
            continue
        if isinstance(w, QAbstractButton):
            add(w.text(), f"button {w.text()!r}")
        elif isinstance(w, QLabel) and w.buddy() is not None and w.buddy().isVisible():
            add(w.text(), f"label {w.text()!r}")
        elif isinstance(w, QGroupBox) and w.isCheckable():
            add(w.title(), f"group {w.title()!r}")
    if window is not None:
        for a in window.menuBar().actions():
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


def open_child(window, nhs):
    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText(nhs)
    window.find_child.search()
    window.find_child.ui.open_button.click()


def test_no_two_controls_share_an_alt_letter_on_any_screen(qtbot, window):
    page = window.ui.pages_stack
    screens = {"dashboard": lambda: window.show_dashboard()}
    screens["find a child"] = lambda: window.new_assessment()
    problems = {}
    for name, show in screens.items():
        show()
        found = clashes(mnemonics(page.currentWidget(), window))
        if found:
            problems[name] = found
    open_child(window, AF_NHS)
    view = window.assessment
    view.steps[2].body_map.choose_point(77, 67)  # the finding editor is live
    view.go_to(5)
    assert view.actions_step.checklist.select("phone_csc")  # the action's details are live
    for i, step in enumerate(view.steps):
        view.go_to(i)
        found = clashes(mnemonics(view, window))
        if found:
            problems[f"step {i + 1} {step.title}"] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


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
