"""The real record for screen tests: the production services on a temporary encrypted store.

Building a store costs Argon2 and the migrations, so each kind is built once per test session
(a *template* folder) and copied per test (a file copy: a few milliseconds). The templates'
key files use fast Argon2 parameters (tests only); sign-in reads the parameters from the key
file, so every unlock in a test is fast too. The product's cost is unchanged.

Two templates: ``empty`` (the first account, nothing else) and ``demo`` (the same account
with the demonstration families loaded at :data:`NOW`, so the Child AF case, BROOKS' overdue
written referral and the others are in a known state).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.ui.fakes import FixedClock
from triage_app.store.keyring import KdfParams
from triage_app.ui.ports import UiServices

FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
USER = "Dr Test Clinician"
PASSWORD = "a long passphrase"
NOW = datetime(2026, 12, 1, 10, 0)

AF_NHS = "9990000026"  # ASHBY, Alfie: the Child AF baby of the demonstration data
BROOKS_NHS = "9990000042"


def build_template(folder: Path, *, demo: bool) -> Path:
    """Create a data folder with the first account (and the demo data) at :data:`NOW`."""
    from triage_app.ui.service_adapters import StoreOpener

    opener = StoreOpener(folder, clock=FixedClock(NOW).now, kdf=FAST_KDF)
    services = opener.create_first_user(USER, PASSWORD)
    if demo:
        assert services.demo is not None
        services.demo.load_demo(lambda _i, _n: None, lambda: False)
    services.cases.ctx.close()
    return folder


@dataclass
class RealStore:
    """One test's copy of a template: open it, sign in, and reach the services' context."""

    folder: Path
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    opened: list[Any] = field(default_factory=list)

    def opener(self) -> Any:
        """A :class:`StoreOpener` on this folder with the test's clock."""
        from triage_app.ui.service_adapters import StoreOpener

        return StoreOpener(self.folder, clock=self.clock.now, kdf=FAST_KDF)

    def services(self) -> UiServices:
        """Sign in as :data:`USER` and return every port (sealed records and lock included)."""
        from triage_app.ui.service_records import complete

        opener = self.opener()
        services = complete(opener.sign_in(USER, PASSWORD), opener)
        self.opened.append(services.cases.ctx)
        return services

    def close(self) -> None:
        """Close every context opened by this store."""
        for ctx in self.opened:
            ctx.close()
        self.opened.clear()


def copy_template(template: Path, to: Path) -> RealStore:
    """Copy a template folder for one test."""
    shutil.copytree(template, to)
    return RealStore(to)


def signed_in_window(qtbot: Any, engine: Any, store: RealStore, prompter: Any = None, **kw: Any):
    """The main window on ``store``, signed in through its own sign-in page (the real path).

    Keyword arguments go to :class:`MainWindow` (``lock_settings``, ``idle_clock``,
    ``printer``).
    """
    from tests.ui.fakes import FakePrompter
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ImmediateExecutor

    window = MainWindow(
        store.clock, ImmediateExecutor(), prompter or FakePrompter(), lambda: engine.decide, **kw
    )
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    window.open_with(store.opener())
    page = window.sign_in
    assert page is not None and window.ui.pages_stack.currentWidget() is page
    page.ui.user_edit.setText(USER)
    page.ui.sign_in_password_edit.setText(PASSWORD)
    page.ui.sign_in_button.click()
    assert window.services is not None, page.ui.sign_in_message_label.text()
    store.opened.append(window.services.cases.ctx)
    return window


def open_child(window: Any, nhs: str) -> None:
    """Start a new assessment in ``window`` and open the stored child with NHS number ``nhs``."""
    window.new_assessment()
    window.find_child.ui.nhs_number_edit.setText(nhs)
    window.find_child.search()
    window.find_child.ui.open_button.click()


def audit_kinds(services: UiServices) -> list[str]:
    """The audit trail's event kinds (entity column), oldest first."""
    from triage_app.services import audit_log

    return [e.entity for e in audit_log.events(services.cases.ctx)]
