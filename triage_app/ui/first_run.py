"""First start on an empty data folder: create the first account, then offer demonstration data.

Creating the record (a key and an encrypted database) and loading the demonstration data run
through the executor with a progress bar; loading can be cancelled. The window never freezes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from triage_app.domain.handover import PROFESSIONAL_ROLES
from triage_app.ui.forms.ui_first_run import Ui_FirstRun
from triage_app.ui.ports import Refused, UiServices
from triage_app.ui.seams import Executor, TaskControl

MIN_PASSWORD = 8

CreateUser = Callable[[str, str], UiServices]


class FirstRun(QWidget):
    """Create the first account; then load demonstration data or start empty."""

    user_created = Signal(object)  # UiServices of the new record
    finished = Signal(int)  # children added (0 when skipped or cancelled)

    def __init__(
        self, create_user: CreateUser, executor: Executor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_FirstRun()
        self.ui.setupUi(self)
        self._create, self._executor = create_user, executor
        self._task: TaskControl | None = None
        self.services: UiServices | None = None
        u = self.ui
        font = u.welcome_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        u.welcome_label.setFont(font)
        self.setMaximumWidth(self.fontMetrics().averageCharWidth() * 110)
        self._add_profile_fields()
        u.demo_group.setEnabled(False)
        u.demo_progress.setVisible(False)
        u.cancel_demo_button.setVisible(False)
        u.create_user_button.clicked.connect(self._on_create_user_clicked)
        u.confirm_edit.returnPressed.connect(self._on_create_user_clicked)
        u.load_demo_button.clicked.connect(self._on_load_demo_clicked)
        u.skip_demo_button.clicked.connect(lambda: self.finished.emit(0))
        u.cancel_demo_button.clicked.connect(self._on_cancel_clicked)

    def _add_profile_fields(self) -> None:
        """The professional profile: printed as the referring clinician on referrals."""
        form = self.ui.user_form
        self.role_combo = QComboBox(self)
        self.role_combo.addItem("Choose your professional role", "")
        for code, text in PROFESSIONAL_ROLES.items():
            self.role_combo.addItem(text, code)
        self.organisation_edit = QLineEdit(self)
        self.phone_edit = QLineEdit(self)
        for label, w, name in (
            ("Professional &role", self.role_combo, "Professional role"),
            ("&Organisation", self.organisation_edit, "Organisation"),
            ("Call-back &number", self.phone_edit, "Call-back number"),
        ):
            w.setAccessibleName(name)
            form.addRow(QLabel(label, self), w)
            form.labelForField(w).setBuddy(w)
        self.ui.user_name_label.setText("Your &full name")
        # Tab goes down the form to "Create account" (the added fields came after the button,
        # found under Xvfb), and Enter in the last fields creates the account as it does in
        # "Password again".
        u = self.ui
        chain = (u.user_name_edit, u.password_edit, u.confirm_edit, self.role_combo)
        chain += (self.organisation_edit, self.phone_edit, u.create_user_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        for edit in (self.organisation_edit, self.phone_edit):
            edit.returnPressed.connect(self._on_create_user_clicked)

    def profile(self) -> dict[str, str]:
        """The professional profile typed (full name is the account name)."""
        return {
            "name": self.ui.user_name_edit.text().strip(),
            "role": self.role_combo.currentData() or "",
            "organisation": self.organisation_edit.text().strip(),
            "phone": self.phone_edit.text().strip(),
        }

    def _say(self, text: str) -> None:
        self.ui.first_run_message_label.setText(text)

    def _on_create_user_clicked(self) -> None:
        u = self.ui
        name, password = u.user_name_edit.text().strip(), u.password_edit.text()
        if not name:
            self._say("\u26a0 Type your name first.")
            u.user_name_edit.setFocus()
            return
        if len(password) < MIN_PASSWORD:
            self._say(f"\u26a0 The password needs at least {MIN_PASSWORD} characters.")
            u.password_edit.setFocus()
            return
        if password != u.confirm_edit.text():
            self._say("\u26a0 The two passwords differ. Type them again.")
            u.confirm_edit.clear()
            u.confirm_edit.setFocus()
            return
        profile = self.profile()
        for key, widget, what in (
            ("role", self.role_combo, "your professional role"),
            ("organisation", self.organisation_edit, "your organisation"),
            ("phone", self.phone_edit, "a call-back number"),
        ):
            if not profile[key]:
                self._say(f"\u26a0 Give {what}: referrals print it so social care can call back.")
                widget.setFocus()
                return
        u.create_user_button.setEnabled(False)
        self._say("Creating the encrypted record\u2026")
        self._executor.submit(
            lambda control: self._create(name, password),
            lambda services: self._on_created(name, services),
            self._on_create_failed,
        )

    def _on_created(self, name: str, services: UiServices) -> None:
        u = self.ui
        self.services = services
        save = getattr(services.recorder, "save_profile", None)
        if save is not None:
            try:
                save(self.profile())
            except Refused as exc:
                self._say(f"\u26a0 The professional profile was not saved: {exc}")
        # The account and its professional profile are stored: nothing typed here now would be
        # (found under Xvfb: role, organisation and phone stayed editable, to no effect).
        done: tuple[QWidget, ...] = (u.user_name_edit, u.password_edit, u.confirm_edit)
        for w in (*done, self.role_combo, self.organisation_edit, self.phone_edit):
            w.setEnabled(False)
        u.password_edit.clear()
        u.confirm_edit.clear()
        self._say(f"\u2714 Account {name} created.")
        u.demo_group.setEnabled(True)
        if services.demo is None:
            u.load_demo_button.setEnabled(False)
            u.demo_label.setText("Demonstration data is not available in this build.")
        (u.load_demo_button if services.demo else u.skip_demo_button).setFocus()
        self.user_created.emit(services)

    def _on_create_failed(self, exc: BaseException) -> None:
        self.ui.create_user_button.setEnabled(True)
        reason = str(exc) if isinstance(exc, Refused) else "the record could not be created"
        self._say(f"\u26a0 {reason}")

    def _on_load_demo_clicked(self) -> None:
        if self.services is None or self.services.demo is None:
            return
        u = self.ui
        u.load_demo_button.setEnabled(False)
        u.skip_demo_button.setEnabled(False)
        u.demo_progress.setVisible(True)
        u.demo_progress.setRange(0, 0)  # busy until the loader reports progress
        u.cancel_demo_button.setVisible(True)
        u.cancel_demo_button.setFocus()
        demo = self.services.demo

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
            self._say("Cancelling\u2026")

    def _on_demo_done(self, added: int) -> None:
        self.ui.cancel_demo_button.setVisible(False)
        cancelled = self._task is not None and self._task.cancelled()
        word = "Cancelled after adding" if cancelled else "Added"
        self._say(f"{word} {added} demonstration children.")
        self._task = None
        self.finished.emit(int(added))

    def _on_demo_failed(self, exc: BaseException) -> None:
        u = self.ui
        u.cancel_demo_button.setVisible(False)
        u.demo_progress.setVisible(False)
        u.skip_demo_button.setEnabled(True)
        self._say(f"\u26a0 Demonstration data could not be loaded: {exc}")
        self._task = None
