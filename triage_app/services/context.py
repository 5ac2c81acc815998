"""The context every use-case runs in: database, clock, acting user and protocol engine.

An encrypted SQLite database is opened with its 32-byte key (unwrapped at sign-in, see
:mod:`triage_app.services.auth`); before its schema is upgraded it is copied, still
encrypted, to the backup folder. ``role`` is the signed-in user's role (``None`` when the
context was opened without a sign-in: tests, and databases made before accounts existed).
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from triage_app.domain.clock import Clock, ClockLike, as_clock
from triage_app.domain.engine import Engine as ProtocolEngine
from triage_app.store import audit, migrate
from triage_app.store.db import is_encrypted, make_engine, make_session_factory
from triage_app.store.repositories import UserRepository

log = logging.getLogger(__name__)

# A protocol engine, or what loads it on first use (the composition root's one engine).
ProtocolSource = ProtocolEngine | Callable[[], ProtocolEngine]


class SessionFactory(Protocol):
    """What use-cases need of a session maker (SQLAlchemy's ``sessionmaker``, for one)."""

    def begin(self) -> AbstractContextManager[Session]:
        """A session in a transaction that commits at the end (rolls back on an error)."""
        ...

    def __call__(self) -> Session:
        """A new session."""
        ...


@dataclass
class StoreContext:
    """What use-cases need. Build it with :func:`open_store`; pass it, never make it global."""

    engine: Engine
    session_factory: SessionFactory
    user: str
    # The one clock interface (domain.clock): every use-case's "now" comes from it.
    time: Clock = field(default_factory=lambda: as_clock(None))
    migration: migrate.MigrationResult | None = None
    role: str | None = None
    _protocol: ProtocolSource | None = field(default=None, repr=False)
    # The unwrapped database key: kept in memory only (never logged, shown or written).
    _key: bytes | None = field(default=None, repr=False, compare=False)
    # An administrator's unwrapped account-signing key (name, Ed25519 private key), held for
    # the session only so accounts they add or change are signed (see ``store.signing``).
    _signer: Any = field(default=None, repr=False, compare=False)
    # Set once a transaction that made sure of the acting user's row has committed (users are
    # never deleted), so later use-cases skip that query.
    _user_stored: bool = field(default=False, repr=False, compare=False)

    @property
    def database_key(self) -> bytes | None:
        """The open database's 32-byte key, or ``None`` (unencrypted or server database).

        Held in memory for the session only; callers derive purpose keys from it (for
        example the draft key, :mod:`triage_app.services.drafts`) and never store it.
        """
        return self._key

    @property
    def clock(self) -> Callable[[], datetime]:
        """``ctx.clock()`` is ``ctx.time.now()``: the time now, from the context's clock."""
        return self.time.now

    @cached_property
    def protocol(self) -> ProtocolEngine:
        """The protocol engine: the one given (or its loader's), else the shipped profiles."""
        given = self._protocol
        if given is None:
            return ProtocolEngine.load()
        return given if isinstance(given, ProtocolEngine) else given()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use-case's transaction: commits on success, rolls back on any error.

        The acting user is recorded on first use (with an audit event).
        """
        with self.session_factory.begin() as session:
            if not self._user_stored:
                now = self.clock()
                _, created = UserRepository(session).ensure(self.user, now)
                if created:
                    audit.record(
                        session,
                        at=now,
                        username=self.user,
                        action="create",
                        entity="user",
                        entity_id=self.user,
                        after={"username": self.user},
                    )
            yield session
        self._user_stored = True  # committed

    def audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: object = None,
        before: object = None,
        after: object = None,
    ) -> None:
        """Append an audit event for the acting user, now, in ``session``'s transaction."""
        audit.record(
            session,
            at=self.clock(),
            username=self.user,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )

    def close(self) -> None:
        """Close the kept database connection (sign-out, screen lock, end of a command).

        The engine stays usable: a later use-case opens a new connection.
        """
        self.engine.dispose()


def default_user() -> str:
    """The operating-system user name (the command line's default acting user)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still record something
        return "unknown"


def open_store(
    database_url: str,
    *,
    user: str | None = None,
    clock: ClockLike | None = None,
    backup_dir: Path | None = None,
    database_file: Path | None = None,
    protocol: ProtocolSource | None = None,
    key: bytes | None = None,
    role: str | None = None,
) -> StoreContext:
    """Open the database, create or upgrade its schema (backing it up first), and return it.

    Args:
        database_url: a SQLAlchemy URL (``sqlite:///file`` or ``postgresql+psycopg://...``).
        user: the acting user recorded in the audit trail (default: the OS login).
        clock: the time source, a :class:`~triage_app.domain.clock.Clock` (default: the
            system clock; a function returning the time is accepted and wrapped).
        backup_dir: where SQLite files are copied before an upgrade.
        database_file: the SQLite file behind the URL, for the backup.
        protocol: the protocol engine, or a function loading it on first use (the
            composition root's one engine); default: load the shipped profiles on use.
        key: the 32-byte database key: open the SQLite file encrypted (SQLCipher).
        role: the signed-in user's role (``None``: no sign-in).
    """
    if database_file is not None and not database_file.exists():
        # Private from the first byte: SQLite gives its WAL and SHM files the same mode.
        database_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(database_file, os.O_CREAT | os.O_WRONLY, 0o600))
    engine = make_engine(database_url, key=key)
    try:
        plain_file = database_file
        if is_encrypted(engine) and database_file is not None:
            _encrypted_backup_before_upgrade(engine, database_file, backup_dir)
            plain_file = None  # the plain-sqlite3 copy in migrate cannot read this file
        result = migrate.upgrade(engine, backup_dir=backup_dir, database_file=plain_file)
    except Exception:
        engine.dispose()
        raise
    ctx = StoreContext(
        engine=engine,
        session_factory=make_session_factory(engine),
        user=user or default_user(),
        time=as_clock(clock),
        migration=result,
        role=role,
        _protocol=protocol,
        _key=key,
    )
    return ctx


def _encrypted_backup_before_upgrade(
    engine: Engine, database_file: Path, backup_dir: Path | None
) -> Path | None:
    """Copy an encrypted database (same key, SQLite backup API) before its schema changes."""
    current = migrate.current_revision(engine)
    if current is None or current == migrate.head_revision():
        return None
    from triage_app.store.db import copy_database

    folder = backup_dir or database_file.parent
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{database_file.stem}-rev{current}-{stamp}.sqlite3"
    copy_database(engine, target)
    log.info("encrypted database backed up before upgrade to %s", target)
    return target
