import pytest

from tests.ui.fakes import ManualExecutor
from triage_app.ui.first_run import FirstRun
from triage_app.ui.memory_ports import MemoryOpener
from triage_app.ui.ports import Refused


@pytest.fixture
def setup(qtbot):
    opener = MemoryOpener()
    executor = ManualExecutor()
    page = FirstRun(opener.create_first_user, executor)
    qtbot.addWidget(page)
    return page, opener.record, executor


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
    assert [u.name for u in record.users()] == ["Dr Jane Smith"]
    assert page.ui.demo_group.isEnabled()
    assert page.ui.password_edit.text() == ""  # the password does not stay on screen


def test_the_password_is_checked_before_anything_is_created(setup):
    page, record, executor = setup
    create(page, executor, password="short")
    assert "at least 8 characters" in page.ui.first_run_message_label.text()
    create(page, executor, password="long enough", again="different!")
    assert "differ" in page.ui.first_run_message_label.text()
    assert record.users() == []


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
    assert signal.args[0] == 3
    assert page.ui.demo_progress.value() == page.ui.demo_progress.maximum() == 3
    assert len(record.open_cases()) == 3


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
