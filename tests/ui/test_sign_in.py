from triage_app.ui.memory_ports import MemoryOpener
from triage_app.ui.ports import Refused
from triage_app.ui.seams import ImmediateExecutor
from triage_app.ui.sign_in import SignIn


class PickyOpener(MemoryOpener):
    def sign_in(self, name, password):
        if password != "right password":
            raise Refused("unknown user or wrong password; nothing was opened")
        return super().sign_in(name, password)


def test_a_wrong_password_opens_nothing_and_says_so(qtbot):
    page = SignIn(PickyOpener(), ImmediateExecutor())
    qtbot.addWidget(page)
    page.ui.sign_in_button.click()
    assert "Type your user name and password" in page.ui.sign_in_message_label.text()
    page.ui.user_edit.setText("admin")
    page.ui.sign_in_password_edit.setText("wrong one")
    page.ui.sign_in_button.click()
    assert "Not signed in: unknown user or wrong password" in page.ui.sign_in_message_label.text()
    assert page.ui.sign_in_password_edit.text() == ""


def test_the_right_password_opens_the_record(qtbot):
    page = SignIn(PickyOpener(), ImmediateExecutor())
    qtbot.addWidget(page)
    qtbot.keyClicks(page.ui.user_edit, "admin")
    qtbot.keyClicks(page.ui.sign_in_password_edit, "right password")
    with qtbot.waitSignal(page.signed_in, timeout=1000) as signal:
        page.ui.sign_in_button.click()
    assert signal.args[0].cases is not None


def test_the_menu_cannot_skip_the_sign_in(qtbot):
    from datetime import datetime

    from tests.ui.fakes import FakePrompter, FixedClock
    from triage_app.ui.main_window import MainWindow

    opener = PickyOpener()
    opener.record.create_user("admin", "administrator")
    opener.state = lambda: "sign_in"
    window = MainWindow(FixedClock(datetime(2025, 9, 5, 9, 0)), ImmediateExecutor(), FakePrompter())
    qtbot.addWidget(window)
    window.open_with(opener)
    window.show_dashboard()
    window.new_assessment()
    assert window.ui.pages_stack.currentWidget() is window.sign_in
