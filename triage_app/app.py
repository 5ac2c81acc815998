"""Composition root: the only module that wires every layer together.

``triage-app`` with no command (or ``triage-app gui``) opens the desktop window;
``triage-app --self-test`` builds it offscreen against a temporary store; every other command
goes to the command line (:mod:`triage_app.cli`). The desktop path imports nothing heavy
before the window is shown (start-up target: 1.5 times a bare PySide6 window).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage_app.services.auth import Credentials, Location
    from triage_app.services.context import StoreContext


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

        return self_test()
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

    def opener():  # noqa: ANN202 - a RecordOpener over the services
        _configure_logging()
        from triage_app.ui.service_adapters import StoreOpener

        return StoreOpener(data_dir, database_url)

    # The log file is opened in the opener's log folder after the first paint (run_gui).
    return run_gui([], opener, names=(APP_NAME, ORG_NAME))


def store_location(data_dir: str | None = None, database_url: str | None = None) -> Location:
    """Resolve where the store lives (``--data-dir``, ``--database-url``, ``TRIAGE_HOME``)."""
    from triage_app.paths import resolve_paths
    from triage_app.services.auth import Location

    paths = resolve_paths(data_dir=data_dir, database_url=database_url)
    return Location(paths.data_dir, paths.database_url, paths.database_file, paths.backup_dir)


def ensure_private_folders(data_dir: str | None = None, database_url: str | None = None) -> None:
    """Create the data, log, cache and config folders (mode 0700) when missing."""
    from triage_app.paths import resolve_paths

    resolve_paths(data_dir=data_dir, database_url=database_url).ensure()


def open_record_store(
    data_dir: str | None = None,
    database_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> StoreContext:
    """Sign in and open the record store (schema created or upgraded, private folders).

    Args:
        data_dir: the ``--data-dir`` override (default: ``TRIAGE_HOME``, then platformdirs).
        database_url: the ``--database-url`` override (default: the encrypted SQLite file in
            data_dir).
        user: the account to sign in as (a demonstration folder needs none).
        password: its password (unwraps the database key).

    Raises:
        triage_app.services.auth.SignInError: no database yet, wrong password, locked, or
            a sign-in is needed and no account was given.
    """
    from triage_app.services.auth import Credentials, sign_in

    ensure_private_folders(data_dir, database_url)
    credentials = Credentials(user, password) if user else None
    return sign_in(store_location(data_dir, database_url), credentials)


def initialise_store(
    credentials: Credentials,
    data_dir: str | None = None,
    database_url: str | None = None,
    *,
    demo: bool = False,
    lock: tuple[int, int] | None = None,
) -> StoreContext:
    """Create the data folder, key file, encrypted database and its first account.

    The first account is an administrator; with ``demo`` it is the demonstration account
    (a safeguarding lead) and the folder is marked as holding synthetic data only. ``lock``
    is (failed sign-ins before a lock, lock minutes); default (5, 15).
    """
    from triage_app.domain.access import Role
    from triage_app.services.auth import initialise
    from triage_app.store.keyring import LockPolicy

    ensure_private_folders(data_dir, database_url)
    role = Role.SAFEGUARDING_LEAD if demo else Role.ADMINISTRATOR
    policy = LockPolicy(*lock) if lock else None
    return initialise(
        store_location(data_dir, database_url), credentials, role=role, demo=demo, policy=policy
    )
