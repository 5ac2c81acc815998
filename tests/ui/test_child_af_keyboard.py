"""The Child AF story through the window, by keyboard only, on the real services.

A baby who is not independently mobile is seen three times in three weeks (bleeding from
the mouth at 3 weeks, a subconjunctival haemorrhage at 5 weeks, a purple mark on the thigh at
6 weeks). Every step is a key press or typing into the focused control: shortcuts (Ctrl+N,
Ctrl+PgDown, Ctrl+M, Ctrl+1), Alt+letter mnemonics, Tab, arrows, Enter and Space. No click,
no widget method call. Then the case: the initial skeletal survey, the strategy meeting, the
follow-up survey (stage 2) in its window, and the sealed referral record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.real_store import signed_in_window

BORN = datetime(2026, 10, 18)
NHS = "9990000018"  # a synthetic number from the 999 range, not in the record yet
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class Keyboard:
    """Types into whatever has the focus, as a person at the keyboard would."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot, self.window = qtbot, window

    def focus(self):
        w = QApplication.focusWidget()
        assert w is not None, "nothing has the keyboard focus"
        return w

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def key(self, key, mod=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.focus(), key, mod)

    def alt(self, letter: str) -> None:
        self.key(getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)
        self.qtbot.wait(150)  # a button's Alt letter clicks it with a short animation

    def ctrl(self, key) -> None:
        self.key(key, CTRL)

    def alt_to(self, letter: str, target, tries: int = 4) -> None:
        """Alt+letter until ``target`` has the focus (a letter two controls share cycles)."""
        for _ in range(tries):
            self.alt(letter)
            focus = QApplication.focusWidget()
            if focus is target or target.isAncestorOf(focus):
                return
        raise AssertionError(f"Alt+{letter} never reached {target.accessibleName()!r}")

    def replace(self, text: str) -> None:
        """Select what the focused field holds and type over it."""
        self.key(Qt.Key.Key_A, CTRL)
        self.type(text)


@pytest.fixture
def window(qtbot, engine, store, prompter):
    w = signed_in_window(qtbot, engine, store, prompter)
    w.resize(1280, 820)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    return w


def presentation(kb: Keyboard, window, clock, when: datetime, *, first: bool, setting: str,
                 concern: str, kind: str, site: str, words: str) -> str:  # fmt: skip
    """One presentation, from Ctrl+N to the finalised case; returns the case id."""
    clock.value = when
    kb.ctrl(Qt.Key.Key_N)
    find = window.find_child
    assert window.ui.pages_stack.currentWidget() is find and kb.focus() is find.ui.nhs_number_edit
    kb.type(NHS)
    if first:
        kb.key(Qt.Key.Key_Return)  # no match yet: add the child
        assert "No match" in find.ui.message_label.text()
        kb.alt("f")
        kb.type("Testchild")
        kb.alt("g")
        kb.type("Alfred")
        kb.alt("d")
        kb.type(BORN.strftime("%d/%m/%Y"))
        kb.alt("w")  # New child
    else:
        kb.key(Qt.Key.Key_Return)  # the child is in the record now
        assert "TESTCHILD, Alfred" in find.ui.matches_list.item(0).text()
        kb.alt("o")  # Open this child
    view = window.assessment
    assert window.ui.pages_stack.currentWidget() is view, find.ui.message_label.text()
    # Step 1: the cursor is already in the step; Alt+S is the setting, Alt+H the story.
    kb.alt("s")
    kb.type(setting)
    kb.alt("h")
    kb.type(concern)
    kb.ctrl(Qt.Key.Key_PageDown)  # step 2: mobility (not known: treated as not mobile)
    kb.ctrl(Qt.Key.Key_PageDown)  # step 3: the body map
    kb.ctrl(Qt.Key.Key_M)
    body_map = view.steps[2].body_map
    assert kb.focus() is body_map
    kb.key(Qt.Key.Key_Return)  # a finding at the highlighted region, then say what and where
    kb.alt("d")
    kb.type(kind)
    kb.alt("t")
    kb.type(site)
    kb.alt("e")
    kb.type(words)
    kb.ctrl(Qt.Key.Key_PageDown)  # step 4: the explanation, word for word
    kb.alt("e")
    kb.type("She must have scratched herself.")
    kb.alt("g")
    kb.type("Mother")
    kb.ctrl(Qt.Key.Key_PageDown)  # step 5: context
    kb.ctrl(Qt.Key.Key_PageDown)  # step 6: the family (kept from the record; nothing new)
    kb.ctrl(Qt.Key.Key_PageDown)  # step 7: the referrer (from the account) and where the child is
    assert view.stack.currentWidget() is view.referrer_step
    kb.alt("w")
    kb.type("Admitted")  # the drop-down jumps to the choice typed
    assert view.referrer_step.place_combo.currentData() == "admitted"
    kb.alt("d")
    kb.type("Ward 7")
    kb.alt("t")
    kb.type("mother")
    kb.ctrl(Qt.Key.Key_PageDown)  # step 8: the actions; the list has the cursor
    checklist = view.actions_step.checklist
    assert kb.focus() is checklist.list
    ids = [a.action_id for a in checklist.actions]
    assert "phone_csc" in ids, ids
    kb.key(Qt.Key.Key_Home)
    kb.key(Qt.Key.Key_Down, times=ids.index("phone_csc"))
    assert checklist.actions[checklist.list.currentRow()].action_id == "phone_csc"
    kb.alt("h")
    kb.type("J Reed (MAST)")
    kb.alt("f")
    kb.type(f"MAST-{when:%m%d}")
    kb.alt("v")
    kb.type("Paediatric child-protection assessment today")
    kb.alt("d")  # Record as done
    assert "phone_csc" in view.extra["actions"]
    kb.ctrl(Qt.Key.Key_PageDown)  # step 9: review
    assert view.stack.currentWidget() is view.review
    with kb.qtbot.waitSignal(view.finalised, timeout=10000) as signal:
        kb.alt("f")  # Finalise (the confirmation is answered yes)
    return signal.args[0]


def test_the_child_af_story_by_keyboard_only(qtbot, window, store, prompter):
    kb = Keyboard(qtbot, window)
    clock = store.clock
    services = window.services

    first = presentation(
        kb, window, clock, BORN + timedelta(weeks=3, hours=10), first=True, setting="GP",
        concern="Mother reports bleeding from the mouth.", kind="Bleeding", site="Mouth",
        words="fresh blood at the upper gum",
    )  # fmt: skip
    second = presentation(
        kb, window, clock, BORN + timedelta(weeks=5, hours=11), first=False,
        setting="Health", concern="Red patch in the white of the left eye.",
        kind="Subconjunctival", site="Subconjunctiva", words="left eye, lateral",
    )  # fmt: skip
    third = presentation(
        kb, window, clock, BORN + timedelta(weeks=6, hours=9), first=False,
        setting="Health", concern="Purple mark on the left thigh at a home visit.",
        kind="Mark", site="Thigh", words="purple mark, 15 mm, front of left thigh",
    )  # fmt: skip
    assert all((first, second, third))  # each presentation opened a case (NIM + injury)

    # The third assessment saw the first two in the timeline and the flags.
    child = services.children.find_by_nhs_number(NHS)[0].child
    history = services.history.history(child.id, clock.now() + timedelta(minutes=1))
    assert len(history.items) == 3
    assert sum(item.injury for item in history.items) == 3
    assert [f.split(",")[0] for item in history.items for f in item.findings] == [
        "Mark",
        "Subconjunctival haemorrhage",
        "Bleeding",
    ]  # newest first: what was typed on the keyboard reached the record

    # The case of the third presentation is on screen, with the child's banner.
    case_view = window.case_view
    assert window.ui.pages_stack.currentWidget() is window.case_scroll
    assert "TESTCHILD, Alfred" in window.banner.text()
    # The focus starts on the required actions, never in "Reason for closing".
    assert kb.focus() is case_view.checklist.list
    detail = services.cases.case_detail(third)
    assert detail.urgency == "immediate"

    # Stage 1: request the initial skeletal survey (the first prompted investigation) and
    # record its result, by keyboard.
    inv, meeting = case_view.investigations, case_view.meeting
    kb.alt("q")  # Request (Alt+Q is on no other control of the case view)
    names = [i.name for i in services.cases.case_detail(third).investigations]
    assert names == ["Initial skeletal survey"], inv.message_label.text()
    kb.alt_to("i", inv.investigation_combo)
    kb.alt_to("t", inv.result_edit)
    kb.type("No fracture seen on the initial survey")
    kb.alt_to("n", inv.result_date_edit)
    kb.replace(clock.now().strftime("%d-%b-%Y"))
    kb.alt_to("b", inv.decided_by_edit)
    kb.type("Dr K Shah, paediatrician")
    kb.alt("r")  # Record result
    survey = {i.name: i for i in services.cases.case_detail(third).investigations}
    assert "initial survey" in (survey["Initial skeletal survey"].result or ""), (
        inv.message_label.text()
    )
    follow = survey["Follow-up skeletal survey"]  # created with its window (day 11 to 14)
    assert follow.due_from is not None and follow.pending

    # The strategy meeting: health and children's social care, typed into the attendees.
    clock.value = clock.value + timedelta(hours=5)  # the same afternoon
    kb.alt_to("h", meeting.held_at_edit)
    kb.replace(clock.now().strftime("%d-%b-%Y %H:%M"))
    for name, role, agency in (
        ("Dr K Shah", "paediatrician", "Health"),
        ("J Reed", "team manager", "Children"),
    ):
        rows = meeting.attendees_table.rowCount()
        kb.alt("a")  # Add attendee: a new row, the cursor in its name
        assert meeting.attendees_table.rowCount() == rows + 1
        table = meeting.attendees_table
        assert kb.focus() is table and table.currentRow() == rows  # the new row's name
        kb.type(name)
        kb.key(Qt.Key.Key_Tab)
        kb.type(role)
        kb.key(Qt.Key.Key_Tab)
        kb.type(agency)
    assert {a[2] for a in meeting.attendees()} == {"health", "csc"}, meeting.attendees()
    kb.alt_to("o", meeting.outcome_edit)
    kb.type("Section 47 enquiry; follow-up skeletal survey; supervision maintained")
    kb.alt("s")  # Record strategy meeting
    assert services.cases.case_detail(third).meetings, meeting.message_label.text()

    # Stage 2: the follow-up survey, reported inside its window.
    clock.value = datetime.combine(follow.due_from, clock.value.time())
    kb.alt_to("i", inv.investigation_combo)
    kb.type("Follow")
    kb.alt_to("t", inv.result_edit)
    kb.type("No fracture seen on the follow-up survey")
    kb.alt_to("n", inv.result_date_edit)
    kb.replace(clock.now().strftime("%d-%b-%Y"))
    kb.alt_to("b", inv.decided_by_edit)
    kb.type("Dr K Shah, paediatrician")
    kb.alt("r")
    survey = {i.name: i for i in services.cases.case_detail(third).investigations}
    assert "follow-up survey" in (survey["Follow-up skeletal survey"].result or ""), (
        inv.message_label.text()
    )

    # The sealed referral record (sealing asks first; the answer is yes).
    kb.alt("f")  # Seal the referral record
    versions = services.records.sealed_versions(third)
    assert [v.version for v in versions] == [1], case_view.referral.message_label.text()
    assert not [c for c in prompter.calls if c[0] == "error"]
