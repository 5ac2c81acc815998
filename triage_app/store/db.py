"""Database engines and sessions: one SQLite file by default, PostgreSQL when shared.

SQLite settings, set on every new connection:
- ``foreign_keys=ON`` (SQLite leaves it off by default);
- ``journal_mode=WAL`` so a reader never blocks the writer;
- ``busy_timeout`` so two users of one file wait briefly instead of failing;
- every transaction starts with ``BEGIN IMMEDIATE``: the write lock is taken at the start, so
  the audit chain's "read the last event, append the next" step can never interleave.

Statement parameters are hidden from SQLAlchemy's error messages and logs
(``hide_parameters``): they carry names, NHS numbers and dates of birth.

A file keeps ONE connection open between use-cases (``QueuePool`` of size 1; a use-case
running at the same time in another thread opens its own, closed when it is done): opening
a SQLCipher connection (keying it, the pragmas, re-reading the schema) costs many times a
history read, and every use-case used to pay it. A kept connection must never outlive its
file (hazard H138):

- everything in this process that moves, replaces or re-keys the file calls
  :func:`release_file` first (restore, ``init``'s move into place), so the connection is
  closed, and its WAL folded into the file, before the file changes; closing or locking a
  session disposes it too (``StoreContext.close``);
- each connection remembers which file it opened (device and inode); on every checkout the
  path is checked again, and a connection whose file was replaced meanwhile (another
  process restored a backup) is discarded and a new one opened on the file now at the path,
  so nothing is ever read from or written to a moved-aside file;
- no kept connection crosses a ``fork`` (they are closed just before it).

A backup copy is still consistent: the online backup API copies inside one read snapshot.

Encryption at rest: given a 32-byte ``key`` (see :mod:`triage_app.store.keyring`), a file is
opened with SQLCipher (``sqlite+pysqlcipher``) using the raw-key form ``x'<hex>'``, so no
password-based key derivation runs per connection. The WAL file is encrypted page by page
too. A wrong key fails at connect time with "file is not a database". The key never appears
in a URL string, a log line or an error message (SQLAlchemy masks URL passwords).
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from triage_app.domain.errors import InputError, Problem

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536
KEY_BYTES = 32
CIPHER_DRIVER = "sqlite+pysqlcipher"


def raw_key_pragma_value(key: bytes) -> str:
    """Return SQLCipher's raw-key literal ``x'<64 hex digits>'`` for a 32-byte key.

    Raises:
        ValueError: the key is not 32 bytes (the message never contains the key).
    """
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"a database key must be {KEY_BYTES} bytes")
    return f"x'{bytes(key).hex()}'"


def encrypted_url(path: str | Path, key: bytes) -> URL:
    """Return the SQLCipher URL of a file under a raw key (a URL object: never print it)."""
    return URL.create(CIPHER_DRIVER, password=raw_key_pragma_value(key), database=str(path))


def make_engine(
    target: str | Path | URL, *, echo: bool = False, key: bytes | None = None
) -> Engine:
    """Return an engine for a SQLite file, ``":memory:"``, or any SQLAlchemy URL.

    Args:
        target: a file path, ``":memory:"``, a URL such as
            ``postgresql+psycopg://user@host/db`` or ``sqlite:///path``, or a SQLCipher URL
            ``sqlite+pysqlcipher://:KEY@/path`` (URL-quoted key, passphrase or ``x'hex'``).
        echo: log every SQL statement (development only: statements carry no values).
        key: the 32-byte database key: open the SQLite file encrypted with SQLCipher.

    Raises:
        ValueError: a key was given for an in-memory or server database.
    """
    url = _url(target, key)
    if url.get_backend_name() == "sqlite":
        memory = url.database in (None, "", ":memory:")
        if memory and url.drivername == CIPHER_DRIVER:
            raise ValueError("an encrypted database needs a file, not :memory:")
        if memory:
            engine = create_engine(
                url,
                echo=echo,
                hide_parameters=True,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
        else:
            # One connection kept; others (concurrent use-cases) opened and closed as needed.
            # The kept one moves between threads, one at a time (hence check_same_thread).
            engine = create_engine(
                url,
                echo=echo,
                hide_parameters=True,
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=-1,
                connect_args={"check_same_thread": False},
            )
        _sqlite_listeners(engine, memory=memory, cipher=url.drivername == CIPHER_DRIVER)
        if not memory:
            _kept_to_its_file(engine, Path(str(url.database)))
        _unstorable_text_is_bad_input(engine)
        return engine
    if key is not None:
        raise ValueError("a database key applies only to a SQLite file")
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)
    _unstorable_text_is_bad_input(engine)
    return engine


# Every SQLite file engine of this process (weakly held), for :func:`release_file`.
_FILE_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
_FILE_ENGINES_LOCK = threading.Lock()


def _file_id(path: Path) -> tuple[int, int] | None:
    """The file now at ``path`` (device, inode), or ``None`` if there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _kept_to_its_file(engine: Engine, path: Path) -> None:
    """Remember each connection's file; refuse a kept connection whose file was replaced."""

    @event.listens_for(engine, "connect")
    def _remember_file(_dbapi_connection: Any, record: Any) -> None:
        record.info["file_id"] = _file_id(path)

    @event.listens_for(engine, "checkout")
    def _same_file(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _file_id(path) != record.info.get("file_id"):
            # The pool discards this connection and opens a new one on the file now there.
            raise DisconnectionError("the database file was replaced; reconnecting")

    with _FILE_ENGINES_LOCK:
        _FILE_ENGINES.add(engine)


def release_file(path: Path) -> int:
    """Close every kept connection of this process to the SQLite file at ``path``.

    Call it before moving, replacing or re-keying the file. The engines stay usable: their
    next use opens a new connection on whatever file is then at the path. Returns how many
    engines were disposed.
    """
    target = Path(path).absolute()
    with _FILE_ENGINES_LOCK:
        engines = list(_FILE_ENGINES)
    released = 0
    for engine in engines:
        database = engine.url.database
        if database and Path(database).absolute() == target:
            engine.dispose()
            released += 1
    return released


def _release_all_before_fork() -> None:
    """No kept connection crosses a ``fork``: SQLite forbids using one in both processes."""
    with _FILE_ENGINES_LOCK:
        engines = list(_FILE_ENGINES)
    for engine in engines:
        engine.dispose()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_release_all_before_fork)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def database_key(engine: Engine) -> bytes | None:
    """Return the raw key an encrypted engine was opened with (``None`` if not encrypted)."""
    if not is_encrypted(engine):
        return None
    text = engine.url.password or ""
    if not (text.startswith("x'") and text.endswith("'")):
        return None  # a passphrase URL: there is no raw key to hand out
    return bytes.fromhex(text[2:-1])


def is_encrypted(engine: Engine) -> bool:
    """True when the engine opens its SQLite file through SQLCipher."""
    return engine.url.drivername == CIPHER_DRIVER


def _url(target: str | Path | URL, key: bytes | None) -> URL:
    if isinstance(target, URL):
        url = target
    elif isinstance(target, Path):
        url = make_url(f"sqlite:///{target}")
    elif target == ":memory:":
        url = make_url("sqlite://")
    elif "://" in target:
        url = make_url(target)
    else:
        url = make_url(f"sqlite:///{target}")
    if key is None:
        return url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise ValueError("a database key applies only to a SQLite file")
    return encrypted_url(url.database, key)


def _unstorable_text_is_bad_input(engine: Engine) -> None:
    """Turn text no database can store into a clear input error (the transaction rolls back).

    A lone UTF-16 surrogate (U+D800 to U+DFFF, e.g. escaped in a JSON file) is a valid Python
    string but cannot be encoded as UTF-8: the driver raises UnicodeEncodeError while binding.
    Whatever the use-case, that is bad input, not a crash. The message names no value.
    """

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        if isinstance(context.original_exception, UnicodeEncodeError):
            raise InputError(
                [
                    Problem(
                        "",
                        "the text contains a character that cannot be stored (an unpaired "
                        "UTF-16 surrogate); remove it and try again",
                    )
                ]
            ) from None


def _sqlite_listeners(engine: Engine, *, memory: bool, cipher: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if cipher:
            # The dialect has already set the key; a wrong one must fail here, quietly (no
            # SQLCipher log lines on stderr), not at the first query.
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
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
        # On the driver directly: every use-case begins one, and SQLAlchemy's statement path
        # cost many times the statement (issue 15). Errors keep SQLAlchemy's classes.
        dbapi = conn.dialect.loaded_dbapi
        try:
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE")
        except dbapi.Error as exc:
            raise DBAPIError.instance(
                "BEGIN IMMEDIATE", None, exc, dbapi.Error, dialect=conn.dialect
            ) from exc


def copy_database(engine: Engine, target: Path) -> Path:
    """Copy a SQLite database to a new file, consistently, while others may be writing.

    SQLite's online backup API copies every page inside one read snapshot (WAL included).
    An encrypted source gives an encrypted copy under the same key; the copy is private
    (0600) from its first byte.

    Args:
        engine: a SQLite engine (plain or SQLCipher).
        target: the new file; it must not exist.

    Raises:
        FileExistsError: ``target`` exists.
        ValueError: the engine is not SQLite.
    """
    if not is_sqlite(engine):
        raise ValueError("only a SQLite database can be copied this way")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    dbapi = engine.dialect.dbapi
    assert dbapi is not None
    raw = engine.raw_connection()
    try:
        dest = dbapi.connect(str(target))
        try:
            if is_encrypted(engine):
                dest.execute("PRAGMA cipher_log_level = NONE")
                dest.execute(f'PRAGMA key = "{engine.url.password}"')
            source = raw.driver_connection
            assert source is not None  # an open pooled connection has its driver's connection
            source.backup(dest)
        finally:
            dest.close()
    finally:
        raw.close()
    return target


def checkpoint_plain(plain: Path) -> None:
    """Fold a plain SQLite file's WAL into the file itself (before it is copied or replaced)."""
    import sqlite3

    conn = sqlite3.connect(str(plain))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def encrypt_copy(plain: Path, target: Path, key: bytes) -> Path:
    """Write an encrypted copy of a plain SQLite file (SQLCipher's ``sqlcipher_export``).

    The plain file is only read. The copy is private (0600) and is checked (integrity, and the
    same row count in every table) before this returns.

    Raises:
        FileExistsError: ``target`` exists.
        RuntimeError: the copy failed its checks (it is removed).
    """
    import sqlcipher3

    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        source = sqlcipher3.connect(str(plain))
        try:
            source.execute("PRAGMA cipher_log_level = NONE")
            tables = [
                r[0]
                for r in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = {
                t: source.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
            }
            source.execute(
                f'ATTACH DATABASE ? AS encrypted KEY "{raw_key_pragma_value(key)}"', (str(target),)
            )
            source.execute("SELECT sqlcipher_export('encrypted')")
            source.execute("DETACH DATABASE encrypted")
        finally:
            source.close()
        check = sqlcipher3.connect(str(target))
        try:
            check.execute("PRAGMA cipher_log_level = NONE")
            check.execute(f'PRAGMA key = "{raw_key_pragma_value(key)}"')
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError("the encrypted copy failed its integrity check")
            for table, n in counts.items():
                if check.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] != n:
                    raise RuntimeError(f"the encrypted copy of table {table} is incomplete")
        finally:
            check.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
