"""Every symbol the screens use exists in the default font (no empty boxes on screen)."""

import re
from pathlib import Path

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

UI = Path(__file__).resolve().parents[2] / "triage_app" / "ui"


def test_every_symbol_used_by_the_ui_is_in_the_font(qapp):
    metrics = QFontMetrics(QApplication.font())
    missing = set()
    for path in UI.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for code in re.findall(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})", text):
            code = code[0] or code[1]
            if not metrics.inFontUcs4(int(code, 16)):
                missing.add(f"U+{code.upper()} in {path.name}")
    assert sorted(missing) == []
