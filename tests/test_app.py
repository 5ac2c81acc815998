"""The composition root routes to the window, the self-test or the command line."""

import os
import subprocess
import sys

import pytest

from triage_app.app import _gui_options


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (None, None)),
        (["gui"], (None, None)),
        (["--data-dir", "/tmp/x"], ("/tmp/x", None)),
        (["gui", "--database-url=postgresql+psycopg://h/db"], (None, "postgresql+psycopg://h/db")),
        (["assess", "case.json"], None),
        (["--data-dir"], None),
        (["history", "--data-dir", "/tmp/x"], None),
    ],
)
def test_which_arguments_open_the_window(args, expected):
    assert _gui_options(args) == expected


def test_self_test_builds_the_window_offscreen_and_touches_no_user_data(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "TRIAGE_HOME": str(tmp_path / "home"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "triage_app", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-test passed" in result.stdout
    assert not (tmp_path / "home").exists()


def test_help_names_the_desktop_app_and_the_self_test():
    result = subprocess.run(
        [sys.executable, "-m", "triage_app", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "--self-test" in result.stdout and "desktop app" in result.stdout
