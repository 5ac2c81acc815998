"""Fixtures for the UI tests: the REAL services on a temporary store, and scripted seams.

There is no in-memory record: every screen test runs on ``triage_app.services`` over a
temporary encrypted SQLite store (see :mod:`tests.ui.real_store`), so a screen and the rules
it shows cannot drift apart.
"""

from __future__ import annotations

import pytest

from tests.ui.fakes import FakePrompter, FixedClock
from tests.ui.real_store import NOW, RealStore, build_template, copy_template
from triage_app.domain.engine import Engine


@pytest.fixture(scope="session", autouse=True)
def private_settings(tmp_path_factory):
    """QSettings (window size, idle lock) go to a temporary folder, never the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("settings")),
    )


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("templates") / "empty", demo=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("templates") / "demo", demo=True)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def prompter() -> FakePrompter:
    return FakePrompter()


@pytest.fixture
def store(empty_template, tmp_path, clock) -> RealStore:
    """A copy of the store with the first account and no children."""
    s = copy_template(empty_template, tmp_path / "data")
    s.clock = clock
    yield s
    s.close()


@pytest.fixture
def demo_store(demo_template, tmp_path, clock) -> RealStore:
    """A copy of the store with the demonstration families loaded at ``NOW``."""
    s = copy_template(demo_template, tmp_path / "data")
    s.clock = clock
    yield s
    s.close()


@pytest.fixture
def services(store):
    return store.services()


@pytest.fixture
def demo_services(demo_store):
    return demo_store.services()
