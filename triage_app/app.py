"""Composition root: the only module that wires every layer together.

Today it builds the command-line interface around the protocol engine; the store, the report
and the desktop window join here as they arrive.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from triage_app import cli

if TYPE_CHECKING:
    from triage_app.services.auth import Credentials, Location
    from triage_app.services.context import StoreContext


def main(argv: Sequence[str] | None = None) -> int:
    """Configure logging (stderr, no patient identifiers) and run the command line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # SQL statement logs would carry parameter values (names, NHS numbers): keep them quiet.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    return cli.main(argv)


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
