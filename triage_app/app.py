"""The entry point: dispatches to the desktop window, its self-test or the command line.

``triage-app`` with no command (or ``triage-app gui``) opens the desktop window;
``triage-app --self-test`` builds it offscreen against a temporary store; every other command
goes to the command line (:mod:`triage_app.cli`). Both are wired by the composition root,
:mod:`triage_app.bootstrap` (one clock, one protocol engine, one store per run). Nothing
imports this module but ``__main__``: the command-line modules import only downward. The
desktop path imports nothing heavy before the window is shown (start-up target: 1.5 times a
bare PySide6 window).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# Kept importable from here for scripts written against earlier versions (the composition
# root is triage_app.bootstrap; importing it loads only the clock).
from triage_app.bootstrap import Bootstrap
from triage_app.bootstrap import ensure_private_folders as ensure_private_folders
from triage_app.bootstrap import initialise_store as initialise_store
from triage_app.bootstrap import open_record_store as open_record_store
from triage_app.bootstrap import store_location as store_location


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app, its self-test, or a command; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    gui = _gui_options(args)
    if gui is not None:
        # Logging is configured once the window is up (start-up is measured to first paint).
        return run_desktop(*gui)
    _configure_logging()
    if args == ["--self-test"]:
        from triage_app.ui.launch import self_test

        return self_test(wiring=Bootstrap)
    from triage_app import cli

    return cli.main(args)


def _configure_logging() -> None:
    """Warnings and errors to stderr; never patient identifiers (ids only, by convention)."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # SQL statement logs would carry parameter values (names, NHS numbers): keep them quiet.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def _gui_options(args: list[str]) -> tuple[str | None, str | None] | None:
    """Return ``(data_dir, database_url)`` when the arguments ask for the window, else None."""
    rest = args[1:] if args[:1] == ["gui"] else list(args)
    options: dict[str, str | None] = {"--data-dir": None, "--database-url": None}
    while rest:
        name = rest.pop(0)
        if "=" in name:
            name, value = name.split("=", 1)
        elif name in options and rest:
            value = rest.pop(0)
        else:
            return None
        if name not in options:
            return None
        options[name] = value
    return options["--data-dir"], options["--database-url"]


def run_desktop(data_dir: str | None = None, database_url: str | None = None) -> int:
    """Show the main window first, then open (or create) the encrypted record behind it."""
    from triage_app import APP_NAME, ORG_NAME
    from triage_app.ui.launch import run_gui

    root = Bootstrap(data_dir, database_url)  # cheap: nothing loads until it is used

    def opener():  # a RecordOpener over the services
        _configure_logging()
        return root.window_opener()

    # The log file is opened in the opener's log folder after the first paint (run_gui).
    return run_gui(
        [],
        opener,
        names=(APP_NAME, ORG_NAME),
        clock=root.clock,
        engine_loader=root.window_decide,
    )
