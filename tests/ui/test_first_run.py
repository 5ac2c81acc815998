import pytest

from tests.ui.fakes import ManualExecutor
from triage_app.ui.first_run import FirstRun
from triage_app.ui.memory_ports import MemoryRecord


@pytest.fixture
def setup(qtbot):
    record = MemoryRecord()
    executor = ManualExecutor()
    page = FirstRun(record, record, executor)
    qtbot.addWidget(page)
    return page, record, executor


def test_the_first_user_comes_before_the_demonstration_data(qtbot, setup):
    page, record, executor = setup
    assert not page.ui.demo_group.isEnabled()
    page.ui.create_user_button.click()
    assert "Type your name" in page.ui.first_run_message_label.text()
    qtbot.keyClicks(page.ui.user_name_edit, "Dr Jane Smith")
    with qtbot.waitSignal(page.user_created, timeout=1000):
        page.ui.create_user_button.click()
    assert [u.name for u in record.users()] == ["Dr Jane Smith"]
    assert page.ui.demo_group.isEnabled()


def test_demo_data_loads_with_progress(qtbot, setup):
    page, record, executor = setup
    page.ui.user_name_edit.setText("Dr A")
    page.ui.create_user_button.click()
    page.ui.load_demo_button.click()
    assert not page.ui.cancel_demo_button.isHidden()
    with qtbot.waitSignal(page.finished, timeout=5000) as signal:
        executor.run_pending()
    assert signal.args[0] == 3
    assert page.ui.demo_progress.value() == page.ui.demo_progress.maximum() == 3
    assert len(record.open_cases()) == 3


def test_loading_can_be_cancelled(qtbot, setup):
    page, record, executor = setup
    page.ui.user_name_edit.setText("Dr A")
    page.ui.create_user_button.click()
    page.ui.load_demo_button.click()
    page.ui.cancel_demo_button.click()
    with qtbot.waitSignal(page.finished, timeout=5000) as signal:
        executor.run_pending()
    assert signal.args[0] == 0
    assert "Cancelled" in page.ui.first_run_message_label.text()
    assert record.open_cases() == []


def test_start_empty_skips_the_demo(qtbot, setup):
    page, record, _ = setup
    page.ui.user_name_edit.setText("Dr A")
    page.ui.create_user_button.click()
    with qtbot.waitSignal(page.finished, timeout=1000) as signal:
        page.ui.skip_demo_button.click()
    assert signal.args[0] == 0
