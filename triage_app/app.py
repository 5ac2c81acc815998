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
    from triage_app.services.context import StoreContext


def main(argv: Sequence[str] | None = None) -> int:
    """Configure logging (stderr, no patient identifiers) and run the command line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # SQL statement logs would carry parameter values (names, NHS numbers): keep them quiet.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    return cli.main(argv)


def open_record_store(
    data_dir: str | None = None, database_url: str | None = None, user: str | None = None
) -> StoreContext:
    """Open the record store: resolve paths, create private folders, create or upgrade the schema.

    Args:
        data_dir: the ``--data-dir`` override (default: ``TRIAGE_HOME``, then platformdirs).
        database_url: the ``--database-url`` override (default: the SQLite file in data_dir).
        user: the acting user for the audit trail (default: the login name).
    """
    from triage_app.paths import resolve_paths
    from triage_app.services.context import open_store

    paths = resolve_paths(data_dir=data_dir, database_url=database_url).ensure()
    return open_store(
        paths.database_url,
        user=user,
        backup_dir=paths.backup_dir,
        database_file=paths.database_file,
    )
