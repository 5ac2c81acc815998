"""The seams every screen is given: Clock, Prompter and Executor (see style.md), and Printer.

Logic never opens a dialog itself (it asks a :class:`Prompter`), never reads the wall clock
(it asks a :class:`Clock`), never starts a thread (it asks an :class:`Executor`) and never
opens the print dialog itself (it asks a :class:`Printer`). Tests pass synchronous, scripted
versions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from PySide6.QtCore import QLocale, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from triage_app.domain.clock import Clock as Clock
from triage_app.domain.clock import MinuteClock
from triage_app.domain.clock import SystemClock as WallClock


class WindowClock(MinuteClock):
    """The window's clock: a :class:`~triage_app.domain.clock.Clock` to the minute.

    Over the composition root's one clock (the store's); alone, over the wall clock.
    """

    def __init__(self, source: Clock | None = None) -> None:
        super().__init__(source or WallClock())


class ElapsedClock:
    """A :class:`Clock` for measuring idle time: monotonic and to the microsecond.

    It never jumps when the wall clock changes (summer time, a corrected clock), so an idle
    lock can neither fire early nor be put off; its dates mean nothing on their own.
    """

    _START = datetime(2000, 1, 1)

    def now(self) -> datetime:
        """Return a moment on a monotonic scale (only differences are meaningful)."""
        return self._START + timedelta(seconds=time.monotonic())


class Prompter(Protocol):
    """Questions and messages for the user; the only way logic reaches a dialog."""

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question; True means yes."""
        ...

    def info(self, title: str, text: str) -> None:
        """Tell the user something."""
        ...

    def error(self, title: str, text: str) -> None:
        """Tell the user something went wrong."""
        ...

    def ask_save_path(self, title: str, suggested_name: str) -> str | None:
        """Ask where to save a file; ``None`` when the user cancels."""
        ...


class QtPrompter:
    """A :class:`Prompter` that shows message boxes over a parent window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

    def confirm(self, title: str, text: str) -> bool:
        """Ask with Yes/No buttons; No is the default."""
        answer = QMessageBox.question(
            self._parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No
        )
        return answer == QMessageBox.Yes

    def info(self, title: str, text: str) -> None:
        """Show an information box."""
        QMessageBox.information(self._parent, title, text)

    def error(self, title: str, text: str) -> None:
        """Show a warning box."""
        QMessageBox.warning(self._parent, title, text)

    def ask_save_path(self, title: str, suggested_name: str) -> str | None:
        """Show a save dialog for a PDF, in the default folder, with UK dates."""
        from PySide6.QtWidgets import QDialog

        dialog = save_dialog(self._parent, title, suggested_name)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return dialog.selectedFiles()[0] or None


def default_folder() -> str:
    """Where files are offered to be saved: the user's Documents folder, else their home."""
    import os

    from PySide6.QtCore import QDir, QStandardPaths

    for folder in (
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation),
        QDir.homePath(),
    ):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK):
            return folder
    return QDir.homePath()


def safe_file_name(name: str) -> str:
    """A file name from a record id: no folder separators (``NIM-1/v1`` -> ``NIM-1-v1``)."""
    keep = "".join(c if c.isalnum() or c in "-_. " else "-" for c in name).strip(" .")
    return keep or "record"


def save_dialog(parent: QWidget | None, title: str, suggested_name: str) -> Any:
    """A PDF save dialog: default folder and name, UK date format (dd/mm/yyyy) in its list.

    Qt's own dialog is used (not the platform's) so that its dates follow the en-GB locale.
    """
    import os

    from PySide6.QtWidgets import QFileDialog

    name = suggested_name
    if not os.path.dirname(name):
        name = os.path.join(default_folder(), safe_file_name(name))
    dialog = QFileDialog(parent, title, name, "PDF documents (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.setLocale(UK)
    dialog.setProxyModel(_uk_dates(dialog))  # the list's dates as 01-Dec-2026 13:51
    dialog.selectFile(name)
    from PySide6.QtWidgets import QTreeView

    for view in dialog.findChildren(QTreeView):
        view.header().resizeSection(3, 20 * dialog.fontMetrics().averageCharWidth())
    return dialog


def _uk_dates_model() -> Any:
    from PySide6.QtCore import QSortFilterProxyModel, Qt

    from triage_app.domain.display import nhs_datetime

    class UkDates(QSortFilterProxyModel):
        """Shows the file list's "Date Modified" in NHS format, whatever the system locale."""

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            source = self.sourceModel()
            if (
                index.isValid()
                and index.column() == 3
                and role == Qt.ItemDataRole.DisplayRole
                and hasattr(source, "lastModified")
            ):
                stamp = source.lastModified(self.mapToSource(index))
                if stamp.isValid():
                    return nhs_datetime(stamp.toPython().replace(second=0, microsecond=0))
            return super().data(index, role)

    return UkDates


def _uk_dates(parent: Any) -> Any:
    return _uk_dates_model()(parent)


UK = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)  # dd/mm/yyyy in dialogs


class Printer(Protocol):
    """Prints a PDF through the system's print dialog; the only way logic reaches a printer."""

    def print_pdf(self, title: str, pdf: bytes) -> bool | str:
        """Ask where and how to print, then print; True when it went to the printer.

        False when cancelled; a path when the user chose "Print to file" (the caller writes
        the sealed PDF there itself: never a rasterised copy).
        """
        ...


class TaskControl:
    """Handed to background work: report progress and check for cancellation."""

    def __init__(self) -> None:
        self._cancelled = False
        self.on_progress: Callable[[int, int], None] = lambda done, total: None

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._cancelled = True

    def cancelled(self) -> bool:
        """Return True once :meth:`cancel` was called."""
        return self._cancelled

    def progress(self, done: int, total: int) -> None:
        """Report progress (``done`` of ``total``)."""
        self.on_progress(done, total)


Work = Callable[[TaskControl], Any]


class Executor(Protocol):
    """Runs long work away from the window; callbacks come back on the GUI thread."""

    def submit(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TaskControl:
        """Start ``work`` and return its control (to cancel it)."""
        ...


class ImmediateExecutor:
    """Runs work at once on the calling thread (tests, self-test)."""

    def submit(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TaskControl:
        """Run ``work`` now and call ``on_done`` or ``on_error`` before returning."""
        control = TaskControl()
        if on_progress is not None:
            control.on_progress = on_progress
        try:
            result = work(control)
        except Exception as exc:  # handed to the caller's error callback
            on_error(exc)
        else:
            on_done(result)
        return control


class _Relay(QObject):
    """Carries results from a pool thread back to the GUI thread (queued signals)."""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, work: Work, control: TaskControl, relay: _Relay) -> None:
        super().__init__()
        self._work, self._control, self._relay = work, control, relay

    def run(self) -> None:
        try:
            result = self._work(self._control)
        except Exception as exc:  # reported on the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class ThreadPoolExecutor:
    """An :class:`Executor` over ``QThreadPool``; work never touches widgets."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def submit(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TaskControl:
        """Queue ``work`` on the pool; callbacks run on the GUI thread."""
        relay = _Relay()
        control = TaskControl()
        control.on_progress = relay.progressed.emit
        if on_progress is not None:
            relay.progressed.connect(on_progress)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._relays.discard(relay)
            callback(value)

        relay.done.connect(lambda value: finish(on_done, value))
        relay.failed.connect(lambda exc: finish(on_error, exc))
        self._relays.add(relay)
        self._pool.start(_Job(work, control, relay))
        return control
