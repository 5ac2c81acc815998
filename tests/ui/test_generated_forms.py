"""CI drift check: the committed ui_*.py files match what scripts/gen_forms.py makes."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_forms_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_forms.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_generated_form_says_do_not_edit():
    for path in (ROOT / "triage_app" / "ui" / "forms").glob("ui_*.py"):
        assert path.read_text().startswith("# GENERATED FILE - DO NOT EDIT."), path.name
