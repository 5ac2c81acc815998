import pytest

from tests.ui.fakes import FixedClock, ManualExecutor
from tests.ui.real_store import FAST_KDF, NOW
from triage_app.ui.first_run import FirstRun
from triage_app.ui.ports import Refused
from triage_app.ui.service_adapters import StoreOpener


class Record:
    """What the first-start page made, read back through the real services."""

    def __init__(self, folder):
        self.folder = folder
        self.opener = StoreOpener(folder, clock=FixedClock(NOW).now, kdf=FAST_KDF)
        self.services = None
        real = self.opener.create_first_user

        def create(name, password):
            self.services = real(name, password)
            return self.services

        self.create = create

    def users(self):
        return [] if self.services is None else self.services.users.users()

    def open_cases(self):
        return self.services.cases.open_cases()


@pytest.fixture
def setup(qtbot, tmp_path):
    record = Record(tmp_path / "data")
    executor = ManualExecutor()
    page = FirstRun(record.create, executor)
    qtbot.addWidget(page)
    yield page, record, executor
    if record.services is not None:
        record.services.cases.ctx.close()


def create(page, executor, name="Dr Jane Smith", password="correct horse", again=None):
    page.ui.user_name_edit.setText(name)
    page.role_combo.setCurrentIndex(page.role_combo.findData("other"))
    page.organisation_edit.setText("Example organisation")
    page.phone_edit.setText("01632 960 000")
    page.ui.password_edit.setText(password)
    page.ui.confirm_edit.setText(password if again is None else again)
    page.ui.create_user_button.click()
    executor.run_pending()


def test_the_first_account_comes_before_the_demonstration_data(qtbot, setup):
    page, record, executor = setup
    assert not page.ui.demo_group.isEnabled()
    page.ui.create_user_button.click()
    assert "Type your name" in page.ui.first_run_message_label.text()
    with qtbot.waitSignal(page.user_created, timeout=1000):
        create(page, executor)
    assert [u.username for u in record.users()] == ["Dr Jane Smith"]
    assert page.ui.demo_group.isEnabled()
    assert page.ui.password_edit.text() == ""  # the password does not stay on screen
    # what was stored cannot be typed over, to no effect, once the account exists
    for field in (page.ui.user_name_edit, page.role_combo, page.organisation_edit, page.phone_edit):
        assert not field.isEnabled()


def test_the_password_is_checked_before_anything_is_created(setup):
    page, record, executor = setup
    create(page, executor, password="short")
    assert "at least 8 characters" in page.ui.first_run_message_label.text()
    create(page, executor, password="long enough", again="different!")
    assert "differ" in page.ui.first_run_message_label.text()
    assert record.users() == []
    assert not (record.folder / "triage.sqlite3").exists()  # nothing was created


def test_a_refusal_from_the_record_is_shown(qtbot):
    def refuse(name, password):
        raise Refused("the folder already holds a database; nothing was changed")

    executor = ManualExecutor()
    page = FirstRun(refuse, executor)
    qtbot.addWidget(page)
    create(page, executor)
    assert "already holds a database" in page.ui.first_run_message_label.text()
    assert page.ui.create_user_button.isEnabled()


def test_demo_data_loads_with_progress(qtbot, setup):
    page, record, executor = setup
    create(page, executor)
    page.ui.load_demo_button.click()
    assert not page.ui.cancel_demo_button.isHidden()
    with qtbot.waitSignal(page.finished, timeout=5000) as signal:
        executor.run_pending()
    families = page.ui.demo_progress.maximum()
    assert signal.args[0] >= families >= 5  # the real demo: ASHBY, BROOKS, OKAFOR, NOWAK, ...
    assert page.ui.demo_progress.value() == families
    names = {c.child.family_name for c in record.open_cases()}
    assert {"ASHBY", "BROOKS"} <= {n.upper() for n in names}


def test_loading_can_be_cancelled(qtbot, setup):
    page, record, executor = setup
    create(page, executor)
    page.ui.load_demo_button.click()
    page.ui.cancel_demo_button.click()
    with qtbot.waitSignal(page.finished, timeout=5000) as signal:
        executor.run_pending()
    assert signal.args[0] == 0
    assert "Cancelled" in page.ui.first_run_message_label.text()
    assert record.open_cases() == []


def test_start_empty_skips_the_demo(qtbot, setup):
    page, record, executor = setup
    create(page, executor)
    with qtbot.waitSignal(page.finished, timeout=1000) as signal:
        page.ui.skip_demo_button.click()
    assert signal.args[0] == 0


def test_demo_data_from_the_window_goes_into_your_record_as_the_page_and_readme_say(qtbot, setup):
    from pathlib import Path

    page, record, executor = setup
    create(page, executor, name="Dr Jane Smith")
    text = page.ui.demo_label.text()
    assert "into this record, under your account" in text and "demo / demo-password" in text
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "adds them to your record, under your account" in readme
    page.ui.load_demo_button.click()
    with qtbot.waitSignal(page.finished, timeout=5000):
        executor.run_pending()
    assert record.services.cases.ctx.user == "Dr Jane Smith"
    assert record.open_cases()  # visible to the account that loaded them


def test_the_first_account_needs_a_professional_profile(setup):
    page, record, executor = setup
    page.ui.user_name_edit.setText("Dr Jane Smith")
    page.ui.password_edit.setText("correct horse")
    page.ui.confirm_edit.setText("correct horse")
    page.ui.create_user_button.click()
    executor.run_pending()
    assert "Give your professional role" in page.ui.first_run_message_label.text()
    assert record.users() == []
    for what in ("GP", "ED doctor", "ED nurse", "Health visitor", "Midwife", "Paediatrician"):
        assert page.role_combo.findText(what) > 0


def tab_chain(start, stop):
    """The widgets Tab visits from ``start`` until ``stop`` (Qt's focus chain)."""
    from PySide6.QtCore import Qt

    seen, w = [], start
    while w is not stop and len(seen) < 50:
        seen.append(w)
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisibleTo(start.window()):
            w = w.nextInFocusChain()
    return [*seen, w]


def test_tab_goes_down_the_form_to_create_account(qtbot, setup):
    """Found under Xvfb: Tab went from "Password again" to "Create account", skipping the
    professional role, organisation and call-back number the account needs."""
    page, record, executor = setup
    page.show()
    u = page.ui
    assert tab_chain(u.user_name_edit, u.create_user_button) == [
        u.user_name_edit,
        u.password_edit,
        u.confirm_edit,
        page.role_combo,
        page.organisation_edit,
        page.phone_edit,
        u.create_user_button,
    ]


def test_enter_in_the_last_field_creates_the_account(qtbot, setup):
    from PySide6.QtCore import Qt

    page, record, executor = setup
    page.show()
    page.ui.user_name_edit.setText("Dr Jane Smith")
    page.role_combo.setCurrentIndex(page.role_combo.findData("other"))
    page.organisation_edit.setText("Example organisation")
    page.ui.password_edit.setText("correct horse")
    page.ui.confirm_edit.setText("correct horse")
    page.phone_edit.setText("01632 960 000")
    with qtbot.waitSignal(page.user_created, timeout=1000):
        qtbot.keyClick(page.phone_edit, Qt.Key.Key_Return)
        executor.run_pending()
    assert [u.username for u in record.users()] == ["Dr Jane Smith"]
