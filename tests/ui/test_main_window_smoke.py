"""The whole main window on the real services: first start, demo, resume, self-test."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from tests.ui.fakes import FakePrompter, FixedClock
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor

NOW = datetime(2025, 9, 5, 9, 0)


def test_main_window_runs_first_start_dashboard_and_resume(qtbot, engine, tmp_path):
    from tests.ui.real_store import FAST_KDF
    from triage_app.ui.service_adapters import StoreOpener

    clock = FixedClock(NOW)
    opener = StoreOpener(tmp_path / "data", clock=clock.now, kdf=FAST_KDF)
    prompter = FakePrompter()
    window = MainWindow(clock, ImmediateExecutor(), prompter, lambda: engine.decide)
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
    assert window.dashboard.model.rowCount() >= 2  # the real demo's open cases
    assert window.banner.isHidden()  # the dashboard is a multi-patient screen

    window.open_case(window.dashboard.model.rows[0][0].case_id)
    assert not window.banner.isHidden()

    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText("999 000 0026")
    window.find_child.search()
    window.find_child.ui.open_button.click()
    assert window.ui.pages_stack.currentWidget() is window.assessment
    assert "ASHBY, Alfie" in window.banner.text()
    window.assessment.steps[2].body_map.choose_point(77, 67)
    window.close()  # asks (the prompter says yes) and saves the draft
    assert prompter.calls[-1][:2] == ("confirm", "The assessment is not finalised")
    window.services.cases.ctx.close()

    again = MainWindow(clock, ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(again)
    again.open_with(StoreOpener(tmp_path / "data", clock=clock.now))
    again.sign_in.ui.user_edit.setText("Dr Jane Smith")
    again.sign_in.ui.sign_in_password_edit.setText("password!")
    again.sign_in.ui.sign_in_button.click()
    assert again.ui.pages_stack.currentWidget() is again.assessment
    assert again.assessment.steps[2].findings[0]["site"] == "cheek"
    again.services.cases.ctx.close()


def run_fresh(code: str, **env: str) -> str:
    """Run ``code`` in a fresh offscreen Python process (no PATH, ``env`` added); return its
    output once it has exited 0."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "", **env},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_self_test_exits_zero_in_a_fresh_process(tmp_path):
    code = "from triage_app.ui.launch import self_test; raise SystemExit(self_test())"
    out = run_fresh(code, TRIAGE_HOME=str(tmp_path / "home"))
    assert "self-test passed" in out
    assert "temporary encrypted database record" in out  # never an in-memory one
    assert not (tmp_path / "home").exists()  # touched no user data


def test_the_product_has_no_in_memory_record():
    """The app cannot fall back to a record that saves nothing (it was removed)."""
    import importlib.util

    from triage_app.ui import launch

    for name in ("memory_ports", "memory_records", "sample"):
        assert importlib.util.find_spec(f"triage_app.ui.{name}") is None
    source = Path(launch.__file__).read_text(encoding="utf-8")
    assert "memory" not in source.lower()


def test_the_window_does_not_load_qtpdf_until_a_preview_opens(tmp_path):
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from triage_app.ui.main_window import MainWindow\n"
        "from triage_app.ui.service_adapters import StoreOpener\n"
        "from triage_app.ui.seams import ImmediateExecutor, WindowClock\n"
        "w = MainWindow(WindowClock(), ImmediateExecutor())\n"
        f"w.open_with(StoreOpener({str(tmp_path / 'data')!r}))\n"
        "print(sorted(m for m in sys.modules if 'QtPdf' in m or 'QtPrint' in m))\n"
    )
    assert run_fresh(code).strip() == "[]"


def test_the_window_logs_unexpected_errors_to_an_owner_only_file_in_the_log_folder(tmp_path):
    code = (
        "import sys\n"
        "from triage_app.ui.launch import run_gui\n"
        "from triage_app.ui.service_adapters import StoreOpener\n"
        f"rc = run_gui([], lambda: StoreOpener({str(tmp_path / 'data')!r}), quit_when_ready=True)\n"
        "print('hook', type(sys.excepthook).__name__)\n"
    )
    assert "hook CrashHandler" in run_fresh(code)
    log = tmp_path / "data" / "logs" / "triage-app.log"
    assert log.is_file() and (log.stat().st_mode & 0o777) == 0o600
