"""Idle lock and "Hide screen": nothing of the patient shows; the password unlocks; work kept."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.security.helpers import open_handles
from tests.ui.fakes import FakePrompter, FixedClock
from tests.ui.real_store import AF_NHS, NOW, PASSWORD, USER, audit_kinds, signed_in_window
from triage_app.ui.lock_screen import IdleWatch, LockSettings
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor


@dataclass
class MovableClock:
    """The idle clock: the test moves it on instead of waiting five minutes."""

    value: datetime = NOW

    def now(self) -> datetime:
        return self.value

    def wait(self, seconds: float) -> None:
        self.value += timedelta(seconds=seconds)


def visible_texts(top: QWidget) -> list[str]:
    """Every text a person (or a screen reader) could read in the window now."""
    texts = [top.windowTitle()]
    for w in top.findChildren(QWidget):
        if not w.isVisible():
            continue
        texts.append(w.accessibleName())
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLineEdit):
            texts.append(w.text() if w.echoMode() == QLineEdit.EchoMode.Normal else "")
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model, root = w.model(), QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # a list model: one column
                columns = 1
            for r in range(model.rowCount(root)):
                for c in range(columns):
                    texts.append(str(model.index(r, c).data() or ""))
    return texts


def shows(window: QWidget, *needles: str) -> bool:
    joined = "\n".join(visible_texts(window)).lower()
    return any(n.lower() in joined for n in needles)


@pytest.fixture
def window(qtbot, engine, demo_store):
    """Signed in on the real record, an assessment of ASHBY, Alfie (the demo) in progress."""
    clock = MovableClock()
    w = signed_in_window(
        qtbot,
        engine,
        demo_store,
        lock_settings=LockSettings(300, check_ms=10),
        idle_clock=clock,
    )
    w.new_assessment()
    w.find_child.ui.nhs_number_edit.setText(AF_NHS)
    w.find_child.search()
    w.find_child.ui.open_button.click()
    w.assessment.go_to(2)
    w.assessment.steps[2].body_map.choose_point(77, 67)  # right cheek
    w.assessment.go_to(3)
    w.assessment.steps[3].ui.explanation_edit.setPlainText("She rolled against the cot bars.")
    w.assessment.steps[3].ui.explanation_edit.setFocus()
    w.clock_for_idle = clock
    assert shows(w, "Alfie") and w.banner.isVisible()
    return w


def test_the_idle_lock_engages_after_the_timeout_and_hides_every_patient_detail(qtbot, window):
    window.clock_for_idle.wait(299)
    qtbot.wait(50)
    assert not window.locked
    window.clock_for_idle.wait(1)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert not window.banner.isVisible()
    assert not window.ui.pages_stack.isVisible()
    assert not shows(window, "Alfie", "ASHBY", "999 000 0026", AF_NHS, "cot bars")
    assert window.windowTitle() == "triage-app: screen locked"
    assert shows(window, USER)  # who may unlock: the clinician, not the patient
    assert QApplication.focusWidget() is window.lock_screen.password_edit
    assert all(not a.isEnabled() for a in window.record_actions)  # no Ctrl+N behind the lock


def test_input_puts_the_idle_lock_off(qtbot, window):
    window.clock_for_idle.wait(200)
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.assessment, event)
    window.clock_for_idle.wait(200)
    qtbot.wait(50)
    assert not window.locked
    window.clock_for_idle.wait(100)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)


def test_hide_screen_locks_at_once_from_its_shortcut_menu_and_toolbar(qtbot, window):
    assert window.hide_action.shortcut().toString() == "Ctrl+Shift+L"
    assert window.hide_action in window.toolbar.actions()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(
        window.assessment.steps[3].ui.explanation_edit,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.locked  # the key itself, at once
    assert not shows(window, "Alfie", "ASHBY")


def test_a_wrong_password_is_refused_and_audited_the_right_one_restores_the_same_screen(
    qtbot, window
):
    window.hide_action.trigger()
    screen = window.lock_screen
    screen.password_edit.setText("not my password")
    screen.unlock_button.click()
    assert window.locked
    assert "Wrong password" in screen.message_label.text()
    assert screen.password_edit.text() == ""
    assert "sign_in_failure" not in audit_kinds(window.services)[-1:]
    screen.password_edit.setText(PASSWORD)
    qtbot.keyClick(screen.password_edit, Qt.Key.Key_Return)
    assert not window.locked
    assert window.ui.pages_stack.currentWidget() is window.assessment
    assert window.assessment.stack.currentIndex() == 3
    assert window.banner.isVisible() and "ASHBY, Alfie" in window.banner.text()
    assert "sign_in_failure" in audit_kinds(window.services)  # the wrong one was kept
    explanation = window.assessment.steps[3].ui.explanation_edit
    assert explanation.toPlainText() == "She rolled against the cot bars."
    assert window.assessment.steps[2].findings[0]["site"] == "cheek"
    draft = window.services.drafts.load(window.assessment.draft_key)  # saved at the lock
    assert draft is not None and draft.data["child"]["given_name"] == "Alfie"
    assert window.windowTitle().startswith("triage-app: injuries")
    assert all(a.isEnabled() for a in window.record_actions)


def test_five_wrong_passwords_lock_the_account(qtbot, window):
    window.hide_action.trigger()
    screen = window.lock_screen
    for _ in range(5):
        screen.password_edit.setText("guess")
        screen.unlock_button.click()
    assert "locked after repeated failed sign-ins" in screen.message_label.text()
    screen.password_edit.setText(PASSWORD)  # even the right password waits for the lock
    screen.unlock_button.click()
    assert window.locked


def test_without_a_password_check_nothing_unlocks_the_screen(qtbot, window):
    """Fail closed: a window whose record cannot check passwords stays locked."""
    from dataclasses import replace

    window.services = replace(window.services, session=None)
    window.hide_action.trigger()
    for guess in ("", "anything", PASSWORD):
        window.lock_screen.password_edit.setText(guess)
        window.lock_screen.unlock_button.click()
        assert window.locked
    assert "cannot check passwords" in window.lock_screen.message_label.text()
    assert not shows(window, "Alfie", "ASHBY")


def test_only_the_signed_in_users_password_unlocks(qtbot, window):
    window.hide_action.trigger()
    window.user = "someone else"  # as if another account's password were typed for them
    window.lock_screen.password_edit.setText(PASSWORD)
    window.lock_screen.unlock_button.click()
    assert window.locked


def test_nothing_locks_before_anyone_signed_in(qtbot, engine, tmp_path):
    from triage_app.ui.service_adapters import StoreOpener

    w = MainWindow(FixedClock(NOW), ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(w)
    w.open_with(StoreOpener(tmp_path / "fresh"))
    assert not w.hide_action.isEnabled()  # the first-start screen: nothing to hide yet
    w.lock()
    assert not w.locked


def test_the_idle_setting_is_read_from_a_stored_value():
    assert LockSettings.from_value("600").idle_seconds == 600
    assert LockSettings.from_value(None).idle_seconds == 300
    assert LockSettings.from_value("nonsense").idle_seconds == 300
    assert LockSettings.from_value("0").idle_seconds == 30  # never off
    assert LockSettings.from_value(10**6).idle_seconds == 3600


def test_the_idle_watch_fires_once(qtbot):
    clock = MovableClock()
    watch = IdleWatch(clock, LockSettings(300, check_ms=10))
    fired = []
    watch.idle.connect(lambda: fired.append(1))
    watch.arm()
    clock.wait(301)
    watch.check()
    watch.check()
    assert fired == [1] and not watch.armed


def test_a_dialog_open_when_the_lock_engages_is_veiled_then_restored(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Resume Alfie?",
        "Resume the assessment of ASHBY, Alfie?",
        parent=window,
    )
    box.setModal(True)
    box.show()  # as a dialog already open (exec() would block the test)
    qtbot.waitUntil(box.isVisible)
    window.hide_action.trigger()
    assert window.locked
    assert not shows(box, "Alfie", "ASHBY") and "Alfie" not in box.windowTitle()
    assert not box.isEnabled()
    window.lock_screen.password_edit.setText(PASSWORD)
    window.lock_screen.unlock_button.click()
    assert not window.locked
    assert box.isEnabled() and box.windowTitle() == "Resume Alfie?"
    assert shows(box, "Resume the assessment of ASHBY, Alfie?")
    box.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_locking_closes_the_records_kept_connection_and_unlocking_reopens_it(qtbot, window):
    ctx = window.services.cases.ctx  # the record the window signed in to
    db = Path(ctx.engine.url.database)
    audit_kinds(window.services)  # a use-case: its connection is kept for the next one
    assert ctx.engine.pool.checkedin() == 1 and open_handles(db)
    window.hide_action.trigger()
    assert window.locked
    assert ctx.engine.pool.checkedin() == 0  # nothing of the record held open while locked
    assert open_handles(db) == []
    window.lock_screen.password_edit.setText(PASSWORD)
    window.lock_screen.unlock_button.click()
    assert not window.locked
    assert audit_kinds(window.services)[-1:] == ["sign_in"]  # the unlock, read afresh
    assert ctx.engine.pool.checkedin() == 1
