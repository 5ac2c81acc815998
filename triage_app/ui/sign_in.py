"""Sign in: the password unlocks the encrypted record (nothing opens without it)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from triage_app.ui.forms.ui_sign_in import Ui_SignIn
from triage_app.ui.ports import RecordOpener, Refused, UiServices
from triage_app.ui.seams import Executor


class SignIn(QWidget):
    """User name and password; emits the opened record's ports."""

    signed_in = Signal(object)  # UiServices

    def __init__(
        self, opener: RecordOpener, executor: Executor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_SignIn()
        self.ui.setupUi(self)
        self._opener, self._executor = opener, executor
        font = self.ui.sign_in_heading_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.ui.sign_in_heading_label.setFont(font)
        self.setMaximumWidth(self.fontMetrics().averageCharWidth() * 90)
        self.ui.sign_in_button.clicked.connect(self._on_sign_in_clicked)
        self.ui.sign_in_password_edit.returnPressed.connect(self._on_sign_in_clicked)
        self.ui.user_edit.returnPressed.connect(self.ui.sign_in_password_edit.setFocus)

    def _on_sign_in_clicked(self) -> None:
        u = self.ui
        name, password = u.user_edit.text().strip(), u.sign_in_password_edit.text()
        if not name or not password:
            u.sign_in_message_label.setText("\u26a0 Type your user name and password.")
            return
        u.sign_in_button.setEnabled(False)
        u.sign_in_message_label.setText("Opening the record\u2026")
        self._executor.submit(
            lambda control: self._opener.sign_in(name, password),
            self._on_done,
            self._on_failed,
        )

    def _on_done(self, services: UiServices) -> None:
        self.ui.sign_in_password_edit.clear()
        self.ui.sign_in_message_label.setText("")
        self.signed_in.emit(services)

    def _on_failed(self, exc: BaseException) -> None:
        u = self.ui
        u.sign_in_button.setEnabled(True)
        u.sign_in_password_edit.clear()
        u.sign_in_password_edit.setFocus()
        reason = str(exc) if isinstance(exc, Refused) else "the record could not be opened"
        u.sign_in_message_label.setText(f"\u26a0 Not signed in: {reason}")
