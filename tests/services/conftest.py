"""The service tests share the store fixtures (one database per test, SQLite and PostgreSQL)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "store_fixtures", Path(__file__).resolve().parents[1] / "store" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

db_url = _fixtures.db_url
migrated_template = _fixtures.migrated_template
clock = _fixtures.clock
ctx = _fixtures.ctx
other_ctx = _fixtures.other_ctx
FakeClock = _fixtures.FakeClock
make = _fixtures.make
NHS = _fixtures.NHS
