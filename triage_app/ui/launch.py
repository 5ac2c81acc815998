"""Starting the desktop app, and ``--self-test``.

``app.py`` (the composition root) calls :func:`run_gui` with a factory that opens the record
and returns the ports; the window is shown first and the factory runs a moment later, so the
first paint never waits for the database, SQLAlchemy or the protocol engine.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

# logging, tempfile and traceback are imported where used: start-up pays only for the window.

if TYPE_CHECKING:
    from triage_app.domain.clock import Clock
    from triage_app.ui.main_window import Decide
    from triage_app.ui.ports import RecordOpener

OpenerFactory = Callable[[], "RecordOpener"]


class WindowWiring(Protocol):
    """What the composition root (``triage_app.bootstrap.Bootstrap``) gives the window."""

    clock: Clock

    def window_opener(self) -> RecordOpener:
        """The record opener on the root's clock and protocol engine."""
        ...

    def window_decide(self) -> Decide:
        """The root's protocol engine's ``decide``."""
        ...


# The names QSettings uses; app.py passes triage_app.APP_NAME and ORG_NAME (the UI layer
# may not import the package root).
DEFAULT_NAMES = ("triage-app", "triage-app")
IDLE_SETTING = "security/idle_lock_seconds"  # the idle lock's delay in seconds (default 300)


def _application(argv: Sequence[str], names: tuple[str, str] = DEFAULT_NAMES):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app_name, org_name = names
        QApplication.setOrganizationName(org_name)
        QApplication.setApplicationName(app_name)
        app = QApplication([app_name, *argv])
    return app


def _set_icon(app) -> None:  # the QApplication
    """Give every window the app's icon (after the first paint: it is not needed for it)."""
    from PySide6.QtGui import QIcon

    from triage_app.domain.resources import resource

    icon = resource("icons", "triage-app.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def run_gui(
    argv: Sequence[str],
    opener_factory: OpenerFactory,
    *,
    names: tuple[str, str] = DEFAULT_NAMES,
    quit_when_ready: bool = False,
    log_dir: Path | None = None,
    clock: Clock | None = None,
    engine_loader: Callable[[], Decide] | None = None,
) -> int:
    """Show the main window, then open the record; return the exit code.

    Args:
        argv: Qt arguments (not the app's own options).
        opener_factory: returns the record opener (first start, sign-in or open). It runs
            after the window is shown, so the services and SQLAlchemy load after the first
            paint. There is no default: the window never runs on a record that saves nothing.
            An opener with ``early_state()`` and ``load()`` (``BackgroundOpener``) that says
            ``sign_in`` gets the sign-in screen at once, and its store loads on a worker
            thread while the user types (Sign in is enabled once it has loaded).
        names: the application and organisation names (for QSettings).
        quit_when_ready: print ``shown`` and ``ready`` timings on stdout and quit once the
            first screen after the window (sign-in, first start or dashboard) is up and its
            store has loaded (used by the start-up benchmark); an early sign-in screen also
            prints ``typed`` when a key press sent through the event queue reached it.
        log_dir: the log folder: unexpected errors are logged there (no patient details).
            ``None``: the record opener's own log folder (``opener.paths.log_dir``), found
            after the first paint.
        clock: the composition root's clock (the window shows it to the minute); default:
            the wall clock.
        engine_loader: returns the protocol engine's ``decide`` (the composition root's one
            engine, shared with the store); default: the window loads the shipped profiles.
    """
    from PySide6.QtCore import QTimer

    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ThreadPoolExecutor, WindowClock

    app = _application(argv, names)
    from PySide6.QtCore import QLocale

    from triage_app.ui.seams import UK

    QLocale.setDefault(UK)  # Qt's own dialogs show dates as dd/mm/yyyy
    window = MainWindow(WindowClock(clock), ThreadPoolExecutor(), **_engine(engine_loader))
    window.restore_size()
    window.show()

    def open_record() -> None:
        if quit_when_ready:
            _say(sys.stdout, f"shown {time.perf_counter():.6f}")
        try:
            opener = opener_factory()
            early = getattr(opener, "early_state", None)
            if early is not None and early() == "sign_in":
                # The sign-in screen now; the store and services load behind it (Sign in is
                # enabled once they have; what the user typed meanwhile stays).
                window.show_sign_in_early(opener)
                if quit_when_ready:
                    _report_typing(window.sign_in.ui.user_edit, "typed")
                QTimer.singleShot(0, lambda: load_behind(opener))  # once the screen is drawn
                return
            settle(opener)
            window.open_with(opener)
        except Exception as exc:
            failed(exc)
            return
        ready()

    def settle(opener: RecordOpener) -> None:
        """The error hook, log file, icon and lock settings (none is needed to paint)."""
        from triage_app.ui import crash

        crash.install(window, None)  # from now on no error goes unseen
        _open_log(crash, log_dir or getattr(getattr(opener, "paths", None), "log_dir", None))
        _set_icon(app)
        window.lock_settings = lock_settings()

    def load_behind(opener: RecordOpener) -> None:
        if quit_when_ready:  # a key typed now waits for this work and the store's import
            _report_typing(window.sign_in.ui.user_edit, "typed_loading")
        try:
            settle(opener)
        except Exception as exc:
            failed(exc)
            return
        window.executor.submit(lambda control: opener.load(), lambda _state: loaded(opener), failed)

    def loaded(opener: RecordOpener) -> None:
        try:
            window.open_with(opener)
        except Exception as exc:
            failed(exc)
            return
        ready()

    def failed(exc: BaseException) -> None:
        import logging
        import traceback

        logging.getLogger(__name__).error(
            "the record could not be opened", exc_info=(type(exc), exc, exc.__traceback__)
        )
        window.prompter.error(
            "The record could not be opened", "".join(traceback.format_exception(exc, limit=1))
        )
        app.exit(1)

    def ready() -> None:
        if quit_when_ready:
            _say(sys.stdout, f"ready {time.perf_counter():.6f}")
            QTimer.singleShot(0, app.quit)

    QTimer.singleShot(0, open_record)
    return app.exec()


def _engine(engine_loader: Callable[[], Decide] | None) -> dict[str, Callable[[], Decide]]:
    return {} if engine_loader is None else {"engine_loader": engine_loader}


def _open_log(crash, folder: Path | str | None) -> None:
    if folder is None:
        return
    try:
        crash.open_log(Path(folder))
    except OSError as exc:
        import logging

        logging.getLogger(__name__).warning("no log file (%s)", type(exc).__name__)


def _report_typing(edit, mark: str) -> None:
    """For the start-up benchmark: type one key into ``edit``; print ``mark`` when it lands.

    The key goes through the event queue like a real key press, so the time says when the
    screen accepts input (not merely when it was drawn). ``mark_posted`` is printed first.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def landed(_text: str) -> None:
        edit.textChanged.disconnect(landed)
        _say(sys.stdout, f"{mark} {time.perf_counter():.6f}")

    edit.textChanged.connect(landed)
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "b")
    _say(sys.stdout, f"{mark}_posted {time.perf_counter():.6f}")
    QApplication.postEvent(edit, key)


def lock_settings():  # LockSettings (imported here, after the first paint)
    """The idle lock's delay from the settings (``[security] idle_lock_seconds``; 300 s)."""
    from PySide6.QtCore import QSettings

    from triage_app.ui.lock_screen import DEFAULT_IDLE_SECONDS, LockSettings

    return LockSettings.from_value(QSettings().value(IDLE_SETTING, DEFAULT_IDLE_SECONDS))


def _say(out, text: str) -> None:  # a text stream
    out.write(text + "\n")
    out.flush()


def self_test(  # a text stream
    out=sys.stdout, wiring: Callable[[Path], WindowWiring] | None = None
) -> int:
    """Build the main window offscreen on a temporary record; 0 when every screen builds.

    Needs no account and touches no user data: the record lives in a temporary folder that is
    deleted afterwards, and the screens are driven with synchronous seams. ``wiring`` builds
    the composition root for a folder (``app.py`` passes ``Bootstrap``); without it the
    window is wired here with its defaults.
    """
    import tempfile
    import traceback

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with tempfile.TemporaryDirectory(prefix="triage-self-test-") as folder:
            _self_test_in(Path(folder), out, wiring)
    except Exception:  # the self-test reports, it does not crash
        traceback.print_exc()
        _say(out, "self-test FAILED")
        return 1
    from triage_app.domain import compiled

    _say(out, f"engine modules: {'compiled (mypyc)' if compiled.in_use() else 'Python sources'}")
    _say(out, "self-test passed")
    return 0


def _self_test_in(folder: Path, out, wiring: Callable[[Path], WindowWiring] | None = None) -> None:
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ImmediateExecutor, WindowClock

    app = _application([])
    if wiring is None:
        opener, kind = temporary_opener(folder)
        clock, engine = WindowClock(), {}
    else:
        root = wiring(folder)
        opener, kind = root.window_opener(), "encrypted database"
        clock, engine = WindowClock(root.clock), _engine(root.window_decide)
    window = MainWindow(clock, ImmediateExecutor(), _NoPrompter(), **engine)
    window.show()
    window.open_with(opener)
    app.processEvents()
    first = window.first_run
    _check(first is not None, "a temporary folder must start with the first-start screen")
    first.ui.user_name_edit.setText("self-test")
    first.role_combo.setCurrentIndex(first.role_combo.findData("other"))
    first.organisation_edit.setText("Example organisation")
    first.phone_edit.setText("01632 960 000")
    first.ui.password_edit.setText("self-test-only")
    first.ui.confirm_edit.setText("self-test-only")
    first.ui.create_user_button.click()
    first.ui.skip_demo_button.click()
    _check(window.ui.pages_stack.currentWidget() is window.dashboard, "no dashboard")
    _check(type(window.services.cases).__module__.startswith("triage_app.ui.service"), "store")
    window.new_assessment()
    app.processEvents()
    _check(window.isVisible() and window.find_child is not None, "screens did not build")
    _say(out, f"self-test: main window built on a temporary {kind} record")
    window.close()
    if window.services is not None and hasattr(window.services.cases, "ctx"):
        window.services.cases.ctx.close()
    window.deleteLater()
    app.processEvents()


def _check(ok: bool, what: str) -> None:
    """A self-test check that also holds under ``python -O`` (unlike ``assert``)."""
    if not ok:
        raise RuntimeError(f"self-test check failed: {what}")


def temporary_opener(folder: Path):  # (RecordOpener, str)
    """Return an opener for a new record in ``folder``: always the real encrypted store.

    An import error of the store is an error of the self-test, never a reason to try the
    screens on something else.
    """
    from triage_app.ui.service_adapters import StoreOpener

    return StoreOpener(folder), "encrypted database"


class _NoPrompter:
    """Answers no to every question and records messages (the self-test asks nobody)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def confirm(self, title: str, text: str) -> bool:
        """Answer no."""
        self.messages.append(title)
        return False

    def info(self, title: str, text: str) -> None:
        """Record the message."""
        self.messages.append(title)

    def error(self, title: str, text: str) -> None:
        """Record the message."""
        self.messages.append(title)

    def ask_save_path(self, title: str, suggested_name: str) -> str | None:
        """Save nothing."""
        self.messages.append(title)
        return None
