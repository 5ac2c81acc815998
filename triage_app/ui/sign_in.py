"""Sign in: the password unlocks the encrypted record (nothing opens without it).

The screen can be shown before the record's store has loaded (``ready=False``): the user
types meanwhile, the Sign in button is enabled once :meth:`SignIn.set_ready` is called, and
pressing Enter early signs in as soon as it is, with the text as typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from triage_app.ui.forms.ui_sign_in import Ui_SignIn

if TYPE_CHECKING:  # the ports import the domain model: loaded behind the screen, not before
    from triage_app.ui.ports import RecordOpener, UiServices
    from triage_app.ui.seams import Executor

LOADING = "Loading the record\u2026 (you can type meanwhile)"


class SignIn(QWidget):
    """User name and password; emits the opened record's ports."""

    signed_in = Signal(object)  # UiServices

    def __init__(
        self,
        opener: RecordOpener,
        executor: Executor,
        parent: QWidget | None = None,
        *,
        ready: bool = True,
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
        self.ready, self._pending = ready, False
        if not ready:
            self.ui.sign_in_button.setEnabled(False)
            self.ui.sign_in_message_label.setText(LOADING)

    def set_ready(self) -> None:
        """The record's store has loaded: enable Sign in (and sign in if Enter was pressed)."""
        if self.ready:
            return
        self.ready = True
        self.ui.sign_in_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self._on_sign_in_clicked()
        elif self.ui.sign_in_message_label.text() == LOADING:
            self.ui.sign_in_message_label.setText("")

    def _on_sign_in_clicked(self) -> None:
        u = self.ui
        name, password = u.user_edit.text().strip(), u.sign_in_password_edit.text()
        if not name or not password:
            u.sign_in_message_label.setText("\u26a0 Type your user name and password.")
            return
        if not self.ready:  # Enter pressed while the store loads: sign in once it has
            self._pending = True
            u.sign_in_message_label.setText("Opening the record\u2026")
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
        from triage_app.ui.ports import Refused

        u = self.ui
        u.sign_in_button.setEnabled(True)
        u.sign_in_password_edit.clear()
        u.sign_in_password_edit.setFocus()
        reason = str(exc) if isinstance(exc, Refused) else "the record could not be opened"
        u.sign_in_message_label.setText(f"\u26a0 Not signed in: {reason}")
