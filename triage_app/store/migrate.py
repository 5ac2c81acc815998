"""Bring a database to the latest schema: create it, or back it up and upgrade it.

- A new (empty) database is built by running every revision, so there is one definition of
  the schema (the revisions) and a test checks it against the models.
- An existing SQLite database at an older revision is first copied to the backup folder
  (SQLite's online backup, consistent even with a WAL file beside it), then upgraded in one
  transaction: if the upgrade fails, the database is left as it was and the copy remains.
- A database at a revision this version does not know (written by a newer triage-app) is
  refused, never touched.
- PostgreSQL is backed up by the server's own tooling; the upgrade still runs in one
  transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

log = logging.getLogger(__name__)


class SchemaError(RuntimeError):
    """The database cannot be used by this version (not ours, or from a newer version)."""


@dataclass(frozen=True)
class MigrationResult:
    """What :func:`upgrade` did."""

    from_revision: str | None
    to_revision: str
    created: bool
    backup: Path | None = None


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("triage_app.store") / "migrations"))
    return cfg


def head_revision() -> str:
    """Return the newest revision shipped with this version."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the database's revision, or ``None`` when it has none (new or foreign)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(
    engine: Engine,
    *,
    target: str = "head",
    backup_dir: Path | None = None,
    database_file: Path | None = None,
) -> MigrationResult:
    """Create or upgrade the schema to ``target`` (default: the latest).

    Args:
        engine: the database.
        target: a revision id (tests build old databases with ``"0001"``).
        backup_dir: where to copy a SQLite file before upgrading it.
        database_file: the SQLite file behind ``engine`` (``None`` for a server).

    Raises:
        SchemaError: the database holds other tables, or a revision this version lacks.
    """
    script = ScriptDirectory.from_config(_config())
    wanted = script.get_current_head() if target == "head" else target
    assert wanted is not None
    current = current_revision(engine)
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaError(
            f"the database is at schema revision {current}, which this version of triage-app "
            "does not know (it was written by a newer version); it was not changed"
        )
    if current == wanted:
        return MigrationResult(current, wanted, created=False)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
    created = current is None
    if created and tables:
        raise SchemaError(
            "the database already holds tables but no triage-app schema revision: it is not a "
            "triage-app database, so it was not changed"
        )
    backup = None
    if not created and database_file is not None:
        backup = backup_sqlite(database_file, backup_dir or database_file.parent, current)
    with engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, wanted)
    log.info("database schema %s -> %s (created=%s)", current, wanted, created)
    return MigrationResult(current, wanted, created=created, backup=backup)


def backup_sqlite(database_file: Path, backup_dir: Path, revision: str | None) -> Path:
    """Copy a SQLite database (with its WAL) to ``backup_dir`` and return the copy's path."""
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{database_file.stem}-rev{revision}-{stamp}.sqlite3"
    source = sqlite3.connect(database_file)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    target.chmod(0o600)
    log.info("database backed up before upgrade to %s", target)
    return target
