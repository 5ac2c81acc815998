"""Database engines and sessions: one SQLite file by default, PostgreSQL when shared.

SQLite settings, set on every new connection:
- ``foreign_keys=ON`` (SQLite leaves it off by default);
- ``journal_mode=WAL`` so a reader never blocks the writer;
- ``busy_timeout`` so two users of one file wait briefly instead of failing;
- every transaction starts with ``BEGIN IMMEDIATE``: the write lock is taken at the start, so
  the audit chain's "read the last event, append the next" step can never interleave.

Statement parameters are hidden from SQLAlchemy's error messages and logs
(``hide_parameters``): they carry names, NHS numbers and dates of birth.

Files use ``NullPool``: no connection outlives its use, so no file lock lingers (TagStudio's
reason) and a backup copy taken between uses is consistent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536


def make_engine(target: str | Path, *, echo: bool = False) -> Engine:
    """Return an engine for a SQLite file, ``":memory:"``, or any SQLAlchemy URL.

    Args:
        target: a file path, ``":memory:"``, or a URL such as
            ``postgresql+psycopg://user@host/db`` or ``sqlite:///path``.
        echo: log every SQL statement (development only: statements carry no values).
    """
    url = _url(target)
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            poolclass=StaticPool if memory else NullPool,
            connect_args={"check_same_thread": False} if memory else {},
        )
        _sqlite_listeners(engine, memory=memory)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _url(target: str | Path) -> str:
    if isinstance(target, Path):
        return f"sqlite:///{target}"
    if target == ":memory:":
        return "sqlite://"
    if "://" in target:
        return target
    return f"sqlite:///{target}"


def _sqlite_listeners(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode; no fsync per commit
            # 64 MiB page cache: imports of many rows keep the (source, source_id) index hot.
            cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
