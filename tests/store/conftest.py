"""Store and service fixtures: a fresh database per test, on SQLite and (when configured)
PostgreSQL. Set TRIAGE_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:54329/postgres)
to run every database test on both; .ci/run does.

A test that opens the store (``ctx``) gets a copy of a database that ``open_store`` created
once per backend and process (the schema at the latest revision, nothing else), instead of
running every migration again: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL. A test that asks for ``db_url`` alone still gets an empty database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date, datetime, timedelta
from itertools import islice
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


def _pg_admin(*statements: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        admin.dispose()


def _pg_url(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """``get(backend)``: a database ``open_store`` created (made on first use, then kept).

    SQLite: the file's path. PostgreSQL: the name of a database used only as a template.
    """
    made: dict[str, Any] = {}
    pg_name = f"{make_url(PG_URL).database}_tmpl_{uuid.uuid4().hex[:8]}" if PG_URL else ""

    def get(backend: str) -> Any:
        if backend not in made:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("migrated") / "store.sqlite3"
                url = f"sqlite:///{path}"
                made[backend] = path
            else:
                _pg_admin(
                    f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)',
                    f'CREATE DATABASE "{pg_name}"',
                )
                url = _pg_url(pg_name)
                made[backend] = pg_name
            context = open_store(url, user="tester", clock=FakeClock(START), protocol=protocol())
            context.close()
            context.engine.dispose()  # no connection left: PostgreSQL copies only an idle template
            if backend == "sqlite":
                assert not path.with_name(path.name + "-wal").exists()  # all in the one file
        return made[backend]

    yield get
    if "postgresql" in made:
        _pg_admin(
            f'DROP DATABASE IF EXISTS "{pg_name}_copy" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)',
        )


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, or the reset PostgreSQL test database.

    When the test opens the store (``ctx``), the database is instead a copy of one that
    ``open_store`` already created (see the module docstring).
    """
    migrated = (
        request.getfixturevalue("migrated_template") if "ctx" in request.fixturenames else None
    )
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite3"
        if migrated:
            shutil.copyfile(migrated("sqlite"), path)
        return f"sqlite:///{path}"
    if migrated:
        template = migrated("postgresql")
        _pg_admin(
            f'DROP DATABASE IF EXISTS "{template}_copy" WITH (FORCE)',
            f'CREATE DATABASE "{template}_copy" TEMPLATE "{template}"',
        )
        return _pg_url(f"{template}_copy")
    reset_postgres(PG_URL)
    return PG_URL


START = datetime(2025, 9, 3, 10, 0)


@pytest.fixture
def clock():
    return FakeClock(START)


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
