"""Store and service fixtures: a fresh database per test, on SQLite and (when configured)
PostgreSQL. Set TRIAGE_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:54329/postgres)
to run every database test on both; .ci/run does.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from itertools import islice
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from triage_app.domain.engine import Engine as ProtocolEngine
from triage_app.domain.records import ChildRecord
from triage_app.services.context import open_store
from triage_app.services.synthetic import synthetic_nhs_numbers

PG_URL = os.environ.get("TRIAGE_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
_PROTOCOL: list[ProtocolEngine] = []


def protocol() -> ProtocolEngine:
    """The shipped profiles, loaded once per test run."""
    if not _PROTOCOL:
        _PROTOCOL.append(ProtocolEngine.load())
    return _PROTOCOL[0]


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, or the reset PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 9, 3, 10, 0))


@pytest.fixture
def ctx(db_url, clock):
    """An open store (schema at the latest revision), acting as user 'tester'."""
    context = open_store(db_url, user="tester", clock=clock, protocol=protocol())
    yield context
    context.close()


@pytest.fixture
def other_ctx(db_url, clock, ctx):
    """A second user's connection to the same database."""
    context = open_store(db_url, user="colleague", clock=clock, protocol=protocol())
    yield context
    context.close()


NHS = list(islice(synthetic_nhs_numbers(0), 40))


def child(n: int = 0, **overrides: Any) -> ChildRecord:
    values: dict[str, Any] = {
        "date_of_birth": date(2025, 7, 20),
        "family_name": "Example",
        "given_name": f"Ava{n}" if n else "Ava",
        "nhs_number": NHS[n],
        "sex": "female",
        "postcode": "XX1 1AA",
    }
    values.update(overrides)
    return ChildRecord(**values)


def case_json(nhs: str | None = NHS[0], **overrides: Any) -> dict[str, Any]:
    child_data: dict[str, Any] = {
        "family_name": "Example", "given_name": "Ava", "date_of_birth": "2025-07-20",
    }  # fmt: skip
    if nhs:
        child_data["nhs_number"] = nhs
    data: dict[str, Any] = {
        "schema": "triage-assess/1",
        "assessed_at": "2025-09-03T10:40",
        "setting": "gp",
        "child": child_data,
        "findings": [{"kind": "bruise", "site": "cheek", "side": "left"}],
        "explanation": {"text": "rolled against the cot", "given_by": "mother"},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make():
    """Builders: ``make.child(n, **overrides)``, ``make.case_json(nhs, **overrides)``, ``make.NHS``."""
    return SimpleNamespace(child=child, case_json=case_json, NHS=NHS)
