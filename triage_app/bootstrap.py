"""The composition root: the store, services, protocol engine and clock, built once.

One :class:`Bootstrap` serves the desktop window or one command-line command.

:class:`Bootstrap` holds, for one data folder (or database URL):

- the **clock** (:class:`~triage_app.domain.clock.Clock`): one, given to the store context
  (every use-case's time) and to the window (shown to the minute over the same clock);
- the **protocol engine** (profiles and guidance): loaded once on first use and shared by
  the window's live decision and the store's use-cases (``ctx.protocol``);
- the **store**: where it lives (:attr:`Bootstrap.location`), its private folders, and the
  signed-in :class:`~triage_app.services.context.StoreContext` (:meth:`Bootstrap.sign_in`,
  :meth:`Bootstrap.initialise`); the services are the use-case modules run on that context;
- for the window, the record opener over the same clock and engine
  (:meth:`Bootstrap.window_opener`).

Who calls it: ``app.py`` (the entry point) for the window and the self-test, and the command
line through :mod:`triage_app.cli_common` (one ``Bootstrap`` per command). Nothing else builds
a store context or loads the protocol engine for the product. Importing this module is cheap
(only the clock): the window is shown before the services, SQLAlchemy or the engine load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from triage_app.domain.clock import Clock, ClockLike, as_clock

if TYPE_CHECKING:
    from triage_app.domain.engine import Engine
    from triage_app.paths import AppPaths
    from triage_app.services.auth import Credentials, Location
    from triage_app.services.context import StoreContext


class Bootstrap:
    """The app's objects for one record: built on first use, then reused."""

    def __init__(
        self,
        data_dir: str | Any | None = None,
        database_url: str | None = None,
        *,
        clock: ClockLike | None = None,
        protocol: Engine | None = None,
        kdf: Any = None,
    ) -> None:
        """Wire the app for the record in ``data_dir`` (or at ``database_url``).

        Args:
            data_dir: the ``--data-dir`` override (default: ``TRIAGE_HOME``, then the
                platform's folder).
            database_url: the ``--database-url`` override (default: the encrypted SQLite file
                in the data folder).
            clock: the time source (default: the system clock; tests pass a fixed one).
            protocol: a preloaded protocol engine (default: the shipped profiles, on use).
            kdf: Argon2 cost for a new key file (default: the production cost); tests only.
        """
        self.data_dir, self.database_url = data_dir, database_url
        self.clock: Clock = as_clock(clock)
        self._engine = protocol
        self._engine_lock = threading.Lock()
        self.kdf = kdf

    # Where the record lives ------------------------------------------------------------
    @cached_property
    def paths(self) -> AppPaths:
        """The data, log, cache and config folders and the database URL."""
        from triage_app.paths import resolve_paths

        return resolve_paths(data_dir=self.data_dir, database_url=self.database_url)

    @cached_property
    def location(self) -> Location:
        """Where the store lives, as the sign-in service needs it."""
        from triage_app.services.auth import Location

        p = self.paths
        return Location(p.data_dir, p.database_url, p.database_file, p.backup_dir)

    def ensure_private_folders(self) -> None:
        """Create the data, log, cache and config folders (mode 0700) when missing."""
        self.paths.ensure()

    def store_state(self) -> str:
        """``fresh``, ``plain``, ``encrypted`` or ``server`` (see ``services.auth``)."""
        from triage_app.services.auth import store_state

        return store_state(self.location)

    # The protocol engine ---------------------------------------------------------------
    @property
    def protocol(self) -> Engine:
        """The protocol engine, loaded once (raises ``ProfileError`` for a broken profile)."""
        with self._engine_lock:
            if self._engine is None:
                from triage_app.domain.engine import Engine

                self._engine = Engine.load()
            return self._engine

    def _load_protocol(self) -> Engine:
        return self.protocol

    # The store and its services ----------------------------------------------------------
    def sign_in(self, credentials: Credentials | None) -> StoreContext:
        """Sign in and open the store (schema created or upgraded, private folders).

        Raises:
            triage_app.services.auth.SignInError: no database yet, wrong password, locked,
                or a sign-in is needed and no account was given.
        """
        from triage_app.services.auth import sign_in

        self.ensure_private_folders()
        return sign_in(self.location, credentials, **self._store_options(kdf=self.kdf))

    def initialise(
        self,
        credentials: Credentials,
        *,
        demo: bool = False,
        lock: tuple[int, int] | None = None,
    ) -> StoreContext:
        """Create the data folder, key file, encrypted database and its first account.

        The first account is an administrator; with ``demo`` it is the demonstration account
        (a safeguarding lead) and the folder is marked as holding synthetic data only.
        ``lock`` is (failed sign-ins before a lock, lock minutes); default (5, 15).
        """
        from triage_app.domain.access import Role
        from triage_app.services.auth import initialise
        from triage_app.store.keyring import LockPolicy

        self.ensure_private_folders()
        role = Role.SAFEGUARDING_LEAD if demo else Role.ADMINISTRATOR
        policy = LockPolicy(*lock) if lock else None
        return initialise(
            self.location,
            credentials,
            role=role,
            demo=demo,
            policy=policy,
            **self._store_options(kdf=self.kdf),
        )

    def _store_options(self, **more: Any) -> dict[str, Any]:
        options = {"clock": self.clock, "protocol": self._load_protocol, **more}
        return {k: v for k, v in options.items() if v is not None}

    # The window ------------------------------------------------------------------------
    def window_opener(self) -> Any:
        """The window's record opener (first start, sign-in, open) on this clock and engine.

        The sign-in screen shows at once; the services load behind it on a worker thread
        (``ui.background_opener``).
        """
        from triage_app.ui.background_opener import BackgroundOpener

        return BackgroundOpener(
            self.data_dir,
            self.database_url,
            clock=self.clock,
            kdf=self.kdf,
            protocol=self._load_protocol,
        )

    def window_decide(self) -> Callable[[Any], Any]:
        """The window's live decision: the shared engine's ``decide``."""
        return self.protocol.decide


def store_location(data_dir: str | None = None, database_url: str | None = None) -> Location:
    """Resolve where the store lives (``--data-dir``, ``--database-url``, ``TRIAGE_HOME``)."""
    return Bootstrap(data_dir, database_url).location


def ensure_private_folders(data_dir: str | None = None, database_url: str | None = None) -> None:
    """Create the data, log, cache and config folders (mode 0700) when missing."""
    Bootstrap(data_dir, database_url).ensure_private_folders()


def open_record_store(
    data_dir: str | None = None,
    database_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> StoreContext:
    """Sign in and open the record store: :meth:`Bootstrap.sign_in` in one call."""
    from triage_app.services.auth import Credentials

    credentials = Credentials(user, password) if user else None
    return Bootstrap(data_dir, database_url).sign_in(credentials)


def initialise_store(
    credentials: Credentials,
    data_dir: str | None = None,
    database_url: str | None = None,
    *,
    demo: bool = False,
    lock: tuple[int, int] | None = None,
) -> StoreContext:
    """Create the record and its first account: :meth:`Bootstrap.initialise` in one call."""
    return Bootstrap(data_dir, database_url).initialise(credentials, demo=demo, lock=lock)
