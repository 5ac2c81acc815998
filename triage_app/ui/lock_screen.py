"""The screen lock: after a spell without input, or at once on "Hide screen".

The lock screen replaces everything in the window (no patient banner, no names, no case) and
only the signed-in user's password unlocks it; the password is checked by the record (a wrong
one is audited there, and repeated failures lock the account by its rules). Whatever was on
screen, an assessment in progress included, is kept as it was and comes back on unlock.

:class:`IdleWatch` measures idle time with a :class:`~triage_app.ui.seams.Clock` (the real app
passes a monotonic :class:`~triage_app.ui.seams.ElapsedClock`), so tests move a fake clock on
instead of waiting five minutes.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.ui.seams import Clock

DEFAULT_IDLE_SECONDS = 300  # five minutes (issue 6)
MIN_IDLE_SECONDS = 30
MAX_IDLE_SECONDS = 3600

# Input that counts as someone being at the keyboard.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class LockSettings:
    """How long without input before the screen locks, and how often to look.

    A plain class, not a dataclass: the window builds it before its first paint.
    """

    __slots__ = ("check_ms", "idle_seconds")

    def __init__(self, idle_seconds: int = DEFAULT_IDLE_SECONDS, check_ms: int = 1000) -> None:
        self.idle_seconds, self.check_ms = idle_seconds, check_ms

    def __repr__(self) -> str:
        return f"LockSettings(idle_seconds={self.idle_seconds}, check_ms={self.check_ms})"

    @classmethod
    def from_value(cls, value: object) -> LockSettings:
        """Build from a stored setting (seconds), kept within 30 s to one hour.

        Anything unreadable gives the default: a broken setting never turns the lock off.
        """
        try:
            seconds = int(str(value))
        except (TypeError, ValueError):
            return cls()
        return cls(min(max(seconds, MIN_IDLE_SECONDS), MAX_IDLE_SECONDS))


class IdleWatch(QObject):
    """Emits :attr:`idle` once after ``idle_seconds`` without keyboard, mouse or touch input."""

    idle = Signal()

    def __init__(self, clock: Clock, settings: LockSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._clock, self.settings = clock, settings
        self._last = clock.now()
        self.armed = False
        self.timer = QTimer(self)
        self.timer.setInterval(settings.check_ms)
        self.timer.timeout.connect(self.check)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Note the time of any input; never consumes the event."""
        if event.type() in INPUT_EVENTS:
            self._last = self._clock.now()
        return False

    def arm(self) -> None:
        """Start watching input from now (the filter sees every event only while armed)."""
        self._last = self._clock.now()
        if not self.armed:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        """Stop watching (while locked, or before anyone signed in)."""
        if self.armed:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        self.armed = False
        self.timer.stop()

    def idle_for(self) -> timedelta:
        """Return how long there has been no input."""
        return self._clock.now() - self._last

    def check(self) -> None:
        """Emit :attr:`idle` (and stop watching) once the idle time has run out."""
        if self.armed and self.idle_for() >= timedelta(seconds=self.settings.idle_seconds):
            self.disarm()
            self.idle.emit()


class LockScreen(QWidget):
    """Covers the window while locked: who may unlock it, a password field, nothing else."""

    unlock_requested = Signal(str)

    def __init__(self, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.setAccessibleName("Screen locked")
        self.heading_label = QLabel("Screen locked", self)
        self.heading_label.setObjectName("lock_heading_label")
        font = self.heading_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.heading_label.setFont(font)
        self.explain_label = QLabel(self)
        self.explain_label.setObjectName("lock_explain_label")
        self.explain_label.setWordWrap(True)
        self.explain_label.setAccessibleName("Why the screen is locked")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("unlock_password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.unlock_button = QPushButton("&Unlock", self)
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("unlock_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.message_label.setStyleSheet("color: #8a1538; font-weight: bold;")
        password_label = QLabel("&Password", self)
        password_label.setBuddy(self.password_edit)
        row = QHBoxLayout()
        row.addWidget(password_label)
        row.addWidget(self.password_edit, 1)
        row.addWidget(self.unlock_button)
        card = QFrame(self)
        card.setObjectName("lock_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(self.fontMetrics().averageCharWidth() * 80)
        inner = QVBoxLayout(card)
        inner.setSpacing(12)
        for w in (self.heading_label, self.explain_label):
            inner.addWidget(w)
        inner.addLayout(row)
        inner.addWidget(self.message_label)
        self.setStyleSheet(
            "#lock_screen { background: #425563; }"
            "#lock_card { background: #ffffff; border: 2px solid #005eb8; padding: 16px; }"
            "#lock_card QLabel { color: #212b32; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 3)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._on_unlock)
        self.password_edit.returnPressed.connect(self._on_unlock)
        self.set_user(user)

    def set_user(self, user: str) -> None:
        """Say who may unlock (the signed-in clinician, never a patient)."""
        self.explain_label.setText(
            f"The record is hidden. {user or 'The signed-in user'} can unlock it with their "
            "password. Anyone else can only close the app (Record menu, Quit): work in "
            "progress is saved and offered again at the next sign-in."
        )

    def reset(self) -> None:
        """Clear the password and the message; put the cursor in the password field."""
        self.password_edit.clear()
        self.message_label.setText("")
        self.busy(False)
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def busy(self, on: bool) -> None:
        """Show that the password is being checked (it takes a moment by design)."""
        self.unlock_button.setEnabled(not on)
        self.password_edit.setEnabled(not on)
        if on:
            self.message_label.setText("Checking the password\u2026")

    def refused(self, why: str) -> None:
        """Say why the screen stays locked; clear the password for the next try."""
        self.busy(False)
        self.password_edit.clear()
        self.message_label.setText(f"\u26a0 {why} The screen stays locked.")
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_unlock(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.message_label.setText("\u26a0 Type your password to unlock.")
            return
        self.unlock_requested.emit(password)


class DialogVeil:
    """Blanks every open dialog while the screen is locked, and restores it on unlock.

    A dialog already open when the lock engages (for example "resume the unfinished
    assessment?", which names the child) would otherwise stay visible above the lock screen.
    Closing it would answer its question, so instead its title and every text in it are
    replaced by "Screen locked", it is disabled, and everything comes back on unlock.
    """

    def __init__(self) -> None:
        self._saved: list[tuple[QWidget, str, bool, list[tuple[QWidget, str, str]]]] = []

    def cover(self, main: QWidget) -> None:
        """Veil every visible top-level dialog other than ``main``."""
        from PySide6.QtWidgets import QApplication, QDialog

        for top in QApplication.topLevelWidgets():
            if top is main or not top.isVisible() or not isinstance(top, QDialog):
                continue
            texts = []
            for child in top.findChildren(QWidget):
                for getter, setter in _TEXT_PROPERTIES:
                    if hasattr(child, getter) and hasattr(child, setter):
                        texts.append((child, setter, getattr(child, getter)()))
                        getattr(child, setter)("")
                        break
            self._saved.append((top, top.windowTitle(), top.isEnabled(), texts))
            top.setWindowTitle("triage-app: screen locked")
            top.setEnabled(False)

    def lift(self) -> None:
        """Bring back every veiled dialog exactly as it was."""
        for top, title, enabled, texts in self._saved:
            for child, setter, text in texts:
                getattr(child, setter)(text)
            top.setWindowTitle(title)
            top.setEnabled(enabled)
        self._saved = []


# Text-bearing widgets: labels, buttons, line edits; plain and rich text editors.
_TEXT_PROPERTIES = (
    ("toPlainText", "setPlainText"),
    ("text", "setText"),
)
