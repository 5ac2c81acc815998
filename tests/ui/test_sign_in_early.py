"""The sign-in screen shows before the store loads; typing and Enter meanwhile are kept."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from tests.ui.fakes import FakePrompter, FixedClock
from tests.ui.real_store import FAST_KDF, NOW, PASSWORD, USER
from triage_app.services.first_screen import likely_sign_in
from triage_app.ui.background_opener import BackgroundOpener
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor
from triage_app.ui.sign_in import LOADING, SignIn

ROOT = Path(__file__).resolve().parents[2]


def _opener(store):
    return BackgroundOpener(store.folder, clock=store.clock.now, kdf=FAST_KDF)


def _signed_in(store, services):
    store.opened.append(services.cases.ctx)
    return services.cases.ctx.user


def test_the_sign_in_waits_for_the_store_and_keeps_what_was_typed(qtbot, store):
    page = SignIn(_opener(store), ImmediateExecutor(), ready=False)
    qtbot.addWidget(page)
    assert not page.ui.sign_in_button.isEnabled()
    assert page.ui.sign_in_message_label.text() == LOADING
    qtbot.keyClicks(page.ui.user_edit, USER)
    qtbot.keyClicks(page.ui.sign_in_password_edit, PASSWORD)
    emitted = []
    page.signed_in.connect(emitted.append)
    qtbot.keyClick(page.ui.sign_in_password_edit, Qt.Key.Key_Return)  # Enter before it loaded
    assert emitted == [] and page.ui.sign_in_message_label.text() == "Opening the record\u2026"
    assert page.ui.sign_in_password_edit.text() == PASSWORD  # nothing typed is lost
    page.set_ready()
    assert len(emitted) == 1 and _signed_in(store, emitted[0]) == USER


def test_once_loaded_sign_in_is_enabled_and_nothing_happens_until_asked(qtbot, store):
    page = SignIn(_opener(store), ImmediateExecutor(), ready=False)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.ui.user_edit, USER)
    emitted = []
    page.signed_in.connect(emitted.append)
    page.set_ready()
    assert page.ui.sign_in_button.isEnabled() and page.ui.sign_in_message_label.text() == ""
    assert emitted == [] and page.ui.user_edit.text() == USER
    qtbot.keyClicks(page.ui.sign_in_password_edit, PASSWORD)
    page.ui.sign_in_button.click()
    assert len(emitted) == 1 and _signed_in(store, emitted[0]) == USER


def test_the_window_keeps_the_early_sign_in_screen_once_the_store_has_loaded(qtbot, store):
    window = MainWindow(store.clock, ImmediateExecutor(), FakePrompter())
    qtbot.addWidget(window)
    opener = _opener(store)
    assert opener.early_state() == "sign_in" and not opener.loaded
    window.show_sign_in_early(opener)
    early = window.sign_in
    qtbot.keyClicks(early.ui.user_edit, USER)
    window.new_assessment()  # the menu cannot skip the sign-in meanwhile
    assert window.ui.pages_stack.currentWidget() is early
    window.open_with(opener)  # the store has loaded
    assert window.sign_in is early and early.ready and early.ui.user_edit.text() == USER
    qtbot.keyClicks(early.ui.sign_in_password_edit, PASSWORD)
    early.ui.sign_in_button.click()
    assert window.services is not None
    assert _signed_in(store, window.services) == USER


def test_a_wrong_guess_gives_way_to_the_screen_the_store_needs(qtbot, tmp_path):
    # The files said "sign in" (a key file), but the folder is fresh by the time it loads.
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "keys.json").write_text(json.dumps({"users": {}}), encoding="utf-8")
    opener = BackgroundOpener(folder, kdf=FAST_KDF)
    assert opener.early_state() == "sign_in"
    window = MainWindow(FixedClock(NOW), ImmediateExecutor(), FakePrompter())
    qtbot.addWidget(window)
    window.show_sign_in_early(opener)
    (folder / "keys.json").unlink()
    window.open_with(opener)
    assert window.sign_in is None
    assert window.ui.pages_stack.currentWidget() is window.first_run


@pytest.mark.parametrize(
    ("key_file", "server", "expected"),
    [
        (None, False, False),  # first start: the store decides (first-account screen)
        ({"format": "triage-keys/1", "users": {"a": {}}}, False, True),
        ({"format": "triage-keys/1", "users": {"a": {}}, "demo": True}, False, False),
        ("{damaged", False, False),
        ([1, 2], False, False),
        (None, True, True),  # a server database always asks for a sign-in
    ],
)
def test_the_guess_from_the_files(tmp_path, key_file, server, expected):
    if key_file is not None:
        text = key_file if isinstance(key_file, str) else json.dumps(key_file)
        (tmp_path / "keys.json").write_text(text, encoding="utf-8")
    database = None if server else tmp_path / "triage.sqlite3"
    assert likely_sign_in(tmp_path, database) is expected


def test_the_app_shows_a_usable_sign_in_screen_before_the_store_has_loaded(store):
    code = (
        "import sys\n"
        "from triage_app.ui.launch import run_gui\n"
        "from triage_app.ui.background_opener import BackgroundOpener\n"
        f"rc = run_gui([], lambda: BackgroundOpener({str(store.folder)!r}), quit_when_ready=True)\n"
        "print('modules', 'sqlalchemy' in sys.modules)\n"
        "sys.exit(rc)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    marks = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(" ")
        marks.setdefault(name, value)
    # A key typed into the sign-in screen landed before the store (SQLAlchemy) had loaded.
    assert float(marks["shown"]) < float(marks["typed"]) < float(marks["ready"])
    assert float(marks["typed_loading"]) < float(marks["ready"])
    assert marks["modules"] == "True"
