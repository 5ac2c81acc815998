"""First start on an empty data folder: create the first user, then offer demonstration data.

Loading runs through the executor with a progress bar and a Cancel button, so the window
never freezes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from triage_app.ui.forms.ui_first_run import Ui_FirstRun
from triage_app.ui.ports import DemoData, UserDirectory
from triage_app.ui.seams import Executor, TaskControl
from triage_app.ui.viewmodels import UserRecord


class FirstRun(QWidget):
    """Create the first user; then load demonstration data or start empty."""

    user_created = Signal(object)  # UserRecord
    finished = Signal(int)  # children added (0 when skipped or cancelled)

    def __init__(
        self,
        users: UserDirectory,
        demo: DemoData | None,
        executor: Executor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_FirstRun()
        self.ui.setupUi(self)
        self._users, self._demo, self._executor = users, demo, executor
        self._task: TaskControl | None = None
        self.user: UserRecord | None = None
        u = self.ui
        font = u.welcome_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        u.welcome_label.setFont(font)
        self.setMaximumWidth(self.fontMetrics().averageCharWidth() * 110)
        u.demo_group.setEnabled(False)
        u.demo_progress.setVisible(False)
        u.cancel_demo_button.setVisible(False)
        u.create_user_button.clicked.connect(self._on_create_user_clicked)
        u.user_name_edit.returnPressed.connect(self._on_create_user_clicked)
        u.load_demo_button.clicked.connect(self._on_load_demo_clicked)
        u.skip_demo_button.clicked.connect(lambda: self.finished.emit(0))
        u.cancel_demo_button.clicked.connect(self._on_cancel_clicked)
        if demo is None:
            u.load_demo_button.setEnabled(False)
            u.demo_label.setText("Demonstration data is not available in this build.")

    def _on_create_user_clicked(self) -> None:
        u = self.ui
        name = u.user_name_edit.text().strip()
        if not name:
            u.first_run_message_label.setText("\u26a0 Type your name first.")
            u.user_name_edit.setFocus()
            return
        self.user = self._users.create_user(name, u.role_combo.currentText())
        u.first_run_message_label.setText(f"\u2714 User {name} created.")
        u.user_name_edit.setEnabled(False)
        u.role_combo.setEnabled(False)
        u.create_user_button.setEnabled(False)
        u.demo_group.setEnabled(True)
        (u.load_demo_button if self._demo else u.skip_demo_button).setFocus()
        self.user_created.emit(self.user)

    def _on_load_demo_clicked(self) -> None:
        if self._demo is None:
            return
        u = self.ui
        u.load_demo_button.setEnabled(False)
        u.skip_demo_button.setEnabled(False)
        u.demo_progress.setVisible(True)
        u.demo_progress.setRange(0, 0)
        u.cancel_demo_button.setVisible(True)
        u.cancel_demo_button.setFocus()
        demo = self._demo

        def work(control: TaskControl) -> int:
            return demo.load_demo(control.progress, control.cancelled)

        self._task = self._executor.submit(
            work, self._on_demo_done, self._on_demo_failed, self._on_demo_progress
        )

    def _on_demo_progress(self, done: int, total: int) -> None:
        self.ui.demo_progress.setRange(0, total)
        self.ui.demo_progress.setValue(done)

    def _on_cancel_clicked(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.ui.first_run_message_label.setText("Cancelling\u2026")

    def _on_demo_done(self, added: Any) -> None:
        u = self.ui
        u.cancel_demo_button.setVisible(False)
        cancelled = self._task is not None and self._task.cancelled()
        word = "Cancelled after adding" if cancelled else "Added"
        u.first_run_message_label.setText(f"{word} {added} demonstration children.")
        self._task = None
        self.finished.emit(int(added))

    def _on_demo_failed(self, exc: BaseException) -> None:
        u = self.ui
        u.cancel_demo_button.setVisible(False)
        u.demo_progress.setVisible(False)
        u.skip_demo_button.setEnabled(True)
        u.first_run_message_label.setText(f"\u26a0 Demonstration data could not be loaded: {exc}")
        self._task = None
