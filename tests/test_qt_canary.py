"""Canary for the PySide6 6.12 + Python 3.11 crash (tech-notes): 20,000 void Qt calls.

On an affected interpreter the process aborts with "Fatal Python error: none_dealloc" after
about 5,000 calls, so the calls run in a child process and the test checks its exit code.
"""

import subprocess
import sys

CANARY = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(20_000):
    label.setText("x")          # returns None (void)
    label.setVisible(False)     # returns None (void)
app.processEvents()
print("survived")
"""


def test_twenty_thousand_void_qt_calls_do_not_abort_the_process():
    assert sys.version_info >= (3, 12), "PySide6 6.12 needs Python 3.12+ (see tech-notes)"
    result = subprocess.run(
        [sys.executable, "-c", CANARY], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived" in result.stdout
