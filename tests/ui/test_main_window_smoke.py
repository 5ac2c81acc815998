"""The one test that builds the whole main window (against in-memory fakes)."""

import subprocess
import sys
from datetime import datetime

from tests.ui.fakes import FakePrompter, FixedClock
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor

NOW = datetime(2025, 9, 5, 9, 0)


def test_main_window_runs_first_start_dashboard_and_resume(qtbot, engine):
    from triage_app.ui.memory_ports import MemoryOpener

    opener = MemoryOpener()
    prompter = FakePrompter()
    window = MainWindow(FixedClock(NOW), ImmediateExecutor(), prompter, lambda: engine.decide)
    qtbot.addWidget(window)
    window.show()
    window.open_with(opener)
    assert window.ui.pages_stack.currentWidget() is window.first_run
    window.first_run.ui.user_name_edit.setText("Dr Jane Smith")
    window.first_run.role_combo.setCurrentIndex(window.first_run.role_combo.findData("other"))
    window.first_run.organisation_edit.setText("Example organisation")
    window.first_run.phone_edit.setText("01632 960 000")
    window.first_run.ui.password_edit.setText("password!")
    window.first_run.ui.confirm_edit.setText("password!")
    window.first_run.ui.create_user_button.click()
    window.first_run.ui.load_demo_button.click()
    assert window.ui.pages_stack.currentWidget() is window.dashboard
    assert window.dashboard.model.rowCount() == 3
    assert window.banner.isHidden()  # the dashboard is a multi-patient screen

    window.open_case(window.dashboard.model.rows[0][0].case_id)
    assert not window.banner.isHidden()

    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText("943 476 5919")
    window.find_child.search()
    window.find_child.ui.open_button.click()
    assert window.ui.pages_stack.currentWidget() is window.assessment
    assert "EXAMPLE, Ava" in window.banner.text()
    window.assessment.steps[2].body_map.choose_point(77, 67)
    window.close()  # saves the draft

    again = MainWindow(FixedClock(NOW), ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(again)
    again.open_with(opener)  # the record has a user now: straight to the dashboard
    assert again.ui.pages_stack.currentWidget() is again.assessment
    assert again.assessment.steps[2].findings[0]["site"] == "cheek"


def test_self_test_exits_zero_in_a_fresh_process(tmp_path):
    code = "from triage_app.ui.launch import self_test; raise SystemExit(self_test())"
    env = {"QT_QPA_PLATFORM": "offscreen", "TRIAGE_HOME": str(tmp_path / "home"), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-test passed" in result.stdout
    assert not (tmp_path / "home").exists()  # touched no user data


def test_the_window_does_not_load_qtpdf_until_a_preview_opens():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from triage_app.ui.main_window import MainWindow\n"
        "from triage_app.ui.memory_ports import MemoryOpener\n"
        "from triage_app.ui.seams import ImmediateExecutor, SystemClock\n"
        "w = MainWindow(SystemClock(), ImmediateExecutor())\n"
        "w.open_with(MemoryOpener())\n"
        "print(sorted(m for m in sys.modules if 'QtPdf' in m or 'QtPrint' in m))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
