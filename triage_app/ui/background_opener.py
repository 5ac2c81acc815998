"""A record opener whose store loads on a worker thread while the sign-in screen is up.

Importing the services and SQLAlchemy takes several times longer than painting the window.
:class:`BackgroundOpener` answers :meth:`~BackgroundOpener.early_state` from the data
folder's files alone (``services.first_screen``), so the window can show the sign-in screen
at once; :meth:`~BackgroundOpener.load` then imports and builds the real
:class:`~triage_app.ui.service_adapters.StoreOpener` (off the GUI thread) and asks it for
the state that counts. Every other method waits for that load.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.paths import resolve_paths

if TYPE_CHECKING:  # the ports import the domain model: loaded behind the screen, not before
    from triage_app.ui.ports import UiServices


class BackgroundOpener:
    """A :class:`~triage_app.ui.ports.RecordOpener` over a store that loads later."""

    def __init__(
        self, data_dir: str | Path | None = None, database_url: str | None = None, **options: Any
    ) -> None:
        """Where the record is (as ``StoreOpener``; ``options`` go to it: tests' clock, kdf)."""
        self.paths = resolve_paths(data_dir=data_dir, database_url=database_url)
        self._args = (data_dir, database_url)
        self._options = options
        self.clock = options.get("clock")  # the record's time source, as StoreOpener's
        self._lock = threading.Lock()
        self._real: Any = None
        self._state: str | None = None

    def early_state(self) -> str | None:
        """``sign_in`` when the folder's files say so (a guess, cheap); otherwise ``None``."""
        from triage_app.services.first_screen import likely_sign_in

        if likely_sign_in(self.paths.data_dir, self.paths.database_file):
            return "sign_in"
        return None

    @property
    def loaded(self) -> bool:
        """True once the store and services have loaded and the state is known."""
        return self._state is not None

    def load(self) -> str:
        """Import and build the store's opener (once; any thread); return its state."""
        with self._lock:
            if self._state is None:
                from triage_app.ui.service_adapters import StoreOpener

                real = StoreOpener(*self._args, **self._options)
                self._state = real.state()
                self._real = real
            return self._state

    def state(self) -> str:
        """``fresh``, ``sign_in`` or ``open``: the store's answer (loads it if needed)."""
        return self.load()

    @property
    def location(self) -> Any:
        """Where the store lives (for the screen lock's password check)."""
        self.load()
        return self._real.location

    def create_first_user(self, name: str, password: str) -> UiServices:
        """Create the record and its first account (see ``StoreOpener``)."""
        self.load()
        return self._real.create_first_user(name, password)  # type: ignore[no-any-return]

    def sign_in(self, name: str, password: str) -> UiServices:
        """Sign in (see ``StoreOpener``)."""
        self.load()
        return self._real.sign_in(name, password)  # type: ignore[no-any-return]

    def open(self) -> UiServices:
        """Open a record that needs no sign-in (see ``StoreOpener``)."""
        self.load()
        return self._real.open()  # type: ignore[no-any-return]
