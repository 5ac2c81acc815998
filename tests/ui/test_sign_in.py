from tests.ui.real_store import PASSWORD, USER
from triage_app.ui.seams import ImmediateExecutor
from triage_app.ui.sign_in import SignIn


def test_a_wrong_password_opens_nothing_and_says_so(qtbot, store):
    page = SignIn(store.opener(), ImmediateExecutor())
    qtbot.addWidget(page)
    page.ui.sign_in_button.click()
    assert "Type your user name and password" in page.ui.sign_in_message_label.text()
    page.ui.user_edit.setText(USER)
    page.ui.sign_in_password_edit.setText("wrong one")
    page.ui.sign_in_button.click()
    assert "Not signed in: unknown user or wrong password" in page.ui.sign_in_message_label.text()
    assert page.ui.sign_in_password_edit.text() == ""


def test_the_right_password_opens_the_record(qtbot, store):
    page = SignIn(store.opener(), ImmediateExecutor())
    qtbot.addWidget(page)
    qtbot.keyClicks(page.ui.user_edit, USER)
    qtbot.keyClicks(page.ui.sign_in_password_edit, PASSWORD)
    with qtbot.waitSignal(page.signed_in, timeout=5000) as signal:
        page.ui.sign_in_button.click()
    services = signal.args[0]
    store.opened.append(services.cases.ctx)
    assert services.cases.ctx.user == USER and services.cases.open_cases() == []


def test_the_menu_cannot_skip_the_sign_in(qtbot, store):
    from tests.ui.fakes import FakePrompter
    from triage_app.ui.main_window import MainWindow

    window = MainWindow(store.clock, ImmediateExecutor(), FakePrompter())
    qtbot.addWidget(window)
    window.open_with(store.opener())
    window.show_dashboard()
    window.new_assessment()
    assert window.ui.pages_stack.currentWidget() is window.sign_in
