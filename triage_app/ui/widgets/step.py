"""The base of every assessment step: it reads from and writes to the case JSON.

The wizard keeps the case as a ``triage-assess/1`` document (the engine's contract) plus an
``extra`` dict for what the contract does not carry (how the concern arose, mark positions,
actions done). Each step loads its fields from them and stores its fields back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from triage_app.domain.model import Decision


class AssessmentStep(QWidget):
    """One page of the new-assessment wizard."""

    changed = Signal()
    title = "Step"

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the values in ``data`` and ``extra``."""

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write this step's values into ``data`` and ``extra``."""

    def show_decision(self, decision: Decision | None) -> None:
        """React to the latest decision (``None`` while inputs need attention)."""

    def _emit_changed(self, *_: Any) -> None:
        self.changed.emit()
