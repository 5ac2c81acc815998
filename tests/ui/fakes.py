"""Scripted seams for the UI tests (no dialogs, no threads, a fixed clock).

The record is never faked: every screen test runs the real services on a temporary store
(see :mod:`tests.ui.real_store`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from triage_app.ui.seams import TaskControl
from triage_app.ui.viewmodels import ChildView

NOW = datetime(2025, 9, 3, 10, 40)
AVA = ChildView("child-ava", date(2025, 7, 20), "9434765919", "Ava", "Example", None)


@dataclass
class FixedClock:
    """A clock that says what the test tells it."""

    value: datetime = NOW

    def now(self) -> datetime:
        return self.value


@dataclass
class FakePrompter:
    """Answers questions from a script (default yes) and records every call."""

    answers: list[bool] = field(default_factory=list)
    default: bool = True
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def confirm(self, title: str, text: str) -> bool:
        self.calls.append(("confirm", title, text))
        return self.answers.pop(0) if self.answers else self.default

    def info(self, title: str, text: str) -> None:
        self.calls.append(("info", title, text))

    def error(self, title: str, text: str) -> None:
        self.calls.append(("error", title, text))

    save_path: str | None = None

    def ask_save_path(self, title: str, suggested_name: str) -> str | None:
        self.calls.append(("ask_save_path", title, suggested_name))
        return self.save_path


class ManualExecutor:
    """Holds submitted work until the test runs it (to click Cancel in between)."""

    def __init__(self) -> None:
        self.pending: list[tuple[Any, ...]] = []

    def submit(self, work, on_done, on_error, on_progress=None) -> TaskControl:
        control = TaskControl()
        if on_progress is not None:
            control.on_progress = on_progress
        self.pending.append((work, on_done, on_error, control))
        return control

    def run_pending(self) -> None:
        while self.pending:
            work, on_done, on_error, control = self.pending.pop(0)
            try:
                result = work(control)
            except Exception as exc:
                on_error(exc)
            else:
                on_done(result)
