"""The last line of defence: an unexpected error is logged, the draft saved, the user told calmly.

A packaged build has no console, so an error nobody catches would vanish (and a failed draft
save with it). :func:`install` replaces ``sys.excepthook``: the error goes to a rotating log
file in the log folder (created owner-only, 0600), the unfinished assessment is saved, and a
calm dialog says what happened and whether the draft is safe.

No patient identifier reaches the log: only the exception's *type* and the stack's file,
line and function names are written, never the exception's message or any value (a message
can quote a name, an NHS number or a date of birth).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_NAME = "triage-app.log"
MAX_BYTES = 512 * 1024
BACKUPS = 3

log = logging.getLogger("triage_app.crash")


def safe_trace(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Return the error's type and where it happened, with no message and no values."""
    frames = traceback.extract_tb(tb)
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
    return f"{exc_type.__module__}.{exc_type.__qualname__} at {where or 'unknown place'}"


def open_log(log_dir: Path) -> RotatingFileHandler:
    """Attach a rotating, owner-only log file in ``log_dir`` to the app's loggers."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / LOG_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("triage_app").addHandler(handler)
    return handler


class CrashHandler:
    """``sys.excepthook`` for the window: log safely, save the draft, show a calm message.

    Args:
        save_draft: saves the unfinished assessment; returns True when one was saved, False
            when there was none. Raising means it could not be saved.
        tell: shows the message (title, text); the window's prompter in the app.
    """

    def __init__(self, save_draft: Callable[[], bool], tell: Callable[[str, str], None]) -> None:
        self._save_draft, self._tell = save_draft, tell
        self._busy = False

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """Handle one uncaught error (re-entry while the dialog is up is only logged)."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error: %s", safe_trace(exc_type, tb))
        if self._busy:
            return
        self._busy = True
        try:
            self._tell("Something went wrong", self._message())
        finally:
            self._busy = False

    def _message(self) -> str:
        try:
            saved = self._save_draft()
        except Exception as exc:  # the message must still be shown
            log.error("the draft could not be saved: %s", safe_trace(type(exc), exc.__traceback__))
            return (
                "The app met an unexpected problem. The unfinished assessment could NOT be "
                "saved as a draft: please write down what you typed on this step. What is "
                "already in the record is unchanged. The problem was logged (without "
                "patient details)."
            )
        draft = (
            "Your unfinished assessment is saved as a draft and is listed on the dashboard. "
            if saved
            else ""
        )
        return (
            f"The app met an unexpected problem. {draft}What is already in the record is "
            "unchanged. You can carry on; if the problem comes back, quit and start the app "
            "again. The problem was logged (without patient details)."
        )


def install(window: Any, log_dir: Path | None) -> CrashHandler:
    """Install the hook for ``window`` (and a log file in ``log_dir``, when given)."""
    if log_dir is not None:
        try:
            open_log(log_dir)
        except OSError as exc:
            log.warning("no log file (%s)", type(exc).__name__)

    def save_draft() -> bool:
        view = getattr(window, "assessment", None)
        if view is None or view.child is None:
            return False
        view.save_draft()
        return True

    handler = CrashHandler(save_draft, window.prompter.error)
    sys.excepthook = handler
    return handler
