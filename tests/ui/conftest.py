"""Fixtures for the UI tests: fakes for every port and seam, and the real engine (pure)."""

from __future__ import annotations

import pytest

from tests.ui.fakes import FakePrompter, FakeRecord, FixedClock
from triage_app.domain.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def prompter() -> FakePrompter:
    return FakePrompter()


@pytest.fixture
def record() -> FakeRecord:
    return FakeRecord()
