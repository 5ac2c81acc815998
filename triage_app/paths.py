"""Where triage-app keeps its files: database, logs, cache and configuration.

The defaults come from :mod:`platformdirs` (the per-user data directory of the platform).
Overrides, strongest first:

1. ``--database-url`` (any SQLAlchemy URL, e.g. a shared PostgreSQL server);
2. ``--data-dir`` (a folder; everything lives under it: a portable or test install);
3. the ``TRIAGE_HOME`` environment variable (same meaning as ``--data-dir``).

Folders are created private (mode 0700): they hold clinical records.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from triage_app import APP_NAME, ORG_NAME

DATABASE_FILE_NAME = "triage.sqlite3"
PRIVATE_DIR_MODE = 0o700
HOME_ENV = "TRIAGE_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The resolved locations. Immutable; build one with :func:`resolve_paths`."""

    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path
    backup_dir: Path
    database_url: str

    @property
    def database_file(self) -> Path | None:
        """The SQLite file behind ``database_url``, or ``None`` for a server database."""
        return sqlite_file_of(self.database_url)

    def ensure(self) -> AppPaths:
        """Create the folders (private, 0700) when missing and return ``self``."""
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.cache_dir):
            make_private_dir(folder)
        db_file = self.database_file
        if db_file is not None:
            make_private_dir(db_file.parent)
        return self


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AppPaths:
    """Return the application's paths after applying the overrides.

    Args:
        data_dir: the ``--data-dir`` option; all files go under this folder.
        database_url: the ``--database-url`` option; replaces the default SQLite file.
        env: the environment to read ``TRIAGE_HOME`` from (default: ``os.environ``).

    Returns:
        The paths; nothing is created until :meth:`AppPaths.ensure` is called.
    """
    env = os.environ if env is None else env
    home = data_dir if data_dir is not None else (env.get(HOME_ENV) or None)
    if home is not None:
        root = Path(home).expanduser().resolve()
        data, config, logs, cache = root, root / "config", root / "logs", root / "cache"
    else:
        dirs = PlatformDirs(APP_NAME, ORG_NAME)
        data = Path(dirs.user_data_dir)
        config = Path(dirs.user_config_dir)
        logs = Path(dirs.user_log_dir)
        cache = Path(dirs.user_cache_dir)
    url = database_url or sqlite_url(data / DATABASE_FILE_NAME)
    return AppPaths(
        data_dir=data,
        config_dir=config,
        log_dir=logs,
        cache_dir=cache,
        backup_dir=data / "backups",
        database_url=url,
    )


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def sqlite_file_of(url: str) -> Path | None:
    """Return the file of a ``sqlite:///`` URL, or ``None`` (server or in-memory database)."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) readable only by the current user."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix":
        path.chmod(PRIVATE_DIR_MODE)
