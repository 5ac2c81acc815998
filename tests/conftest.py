"""Root fixtures. Qt runs offscreen; no test touches the real user directories; Argon2 runs
at test speed except in tests marked ``real_kdf`` (see ``tests/fast_kdf.py``).

Run in parallel (``scripts/test`` runs pytest-xdist workers), every worker gets a PostgreSQL
database of its own: ``TRIAGE_TEST_PG_URL`` is pointed at ``triage_test_<worker>_<run>`` for
the worker's lifetime (the store fixtures reset their test database before each test, so a
shared one would be reset under another worker's feet). Everything else a test writes is
under its own ``tmp_path`` (per worker as well), ``TRIAGE_HOME`` included.
"""

import os
import shutil
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

import pytest
from hypothesis import HealthCheck, settings

# Generated-case tests check behaviour, not speed: with the suite running in parallel on a
# busy machine, an example that takes more than hypothesis' default 200 ms (or slow data
# generation) is not a failure. Tests that set their own settings keep them.
settings.register_profile(
    "triage-suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("triage-suite")

_WORKER_DATABASE: list[tuple[str, str]] = []  # (admin URL, database name) made by this worker


def _own_database_for_this_worker() -> None:
    """Under pytest-xdist, give this worker its own PostgreSQL database (see the docstring).

    Run when this file is imported: before any other conftest or test module reads
    ``TRIAGE_TEST_PG_URL`` (pytest imports the root conftest first).
    """
    admin_url = os.environ.get("TRIAGE_TEST_PG_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not admin_url or not worker:
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from triage_app.store import pg_roles

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    name = f"triage_test_{worker}_{run[:8]}".lower()
    _on_server(admin_url, f'CREATE DATABASE "{name}"')
    # The app's group roles are server-wide and made on first use by whichever database
    # installs them first; made here, one worker at a time (the lock is held until the
    # commit), so that two workers never grant the same membership at the same moment.
    groups = create_engine(admin_url)
    try:
        with groups.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(7150015)"))
            for group in (pg_roles.EVERYONE, *pg_roles.GROUPS.values()):
                pg_roles._ensure_role(conn, group, login=False)
            for group in pg_roles.GROUPS.values():
                pg_roles._ensure_member(conn, group, pg_roles.EVERYONE)
    finally:
        groups.dispose()
    _WORKER_DATABASE.append((admin_url, name))
    own = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    os.environ["TRIAGE_TEST_PG_URL"] = own


def _on_server(admin_url, statement):
    """Run one statement outside a transaction (CREATE or DROP DATABASE) on the server."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


_own_database_for_this_worker()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Drop the worker's own PostgreSQL database (and give the shared URL back).

    At the end of the session, not at unconfigure: pytest-xdist may end a worker's process
    once it has reported the session finished.
    """
    while _WORKER_DATABASE:
        admin_url, name = _WORKER_DATABASE.pop()
        os.environ["TRIAGE_TEST_PG_URL"] = admin_url
        _on_server(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Long tests first: under pytest-xdist each worker takes the next test as it finishes one, so
# a long test picked up near the end would leave the other workers idle while it runs. Tests
# marked ``slow`` and these (the longest without the mark) start first, in the usual order
# among themselves; the order of the others is unchanged.
LONG = (
    "tests/test_typecheck.py::test_the_checked_layers_have_no_type_error",
    "tests/faults/test_hostile_input.py",
    "tests/services/test_cases.py::test_dashboard_list_and_case_show_give_the_same_due_items",
)
# A hang guard for the slow tests (pytest-timeout ends the whole worker process when it
# fires): they run for minutes on a busy machine, so they get longer than the default.
SLOW_TIMEOUT = 900


def pytest_collection_modifyitems(config, items):
    def long_first(item):
        return 0 if item.get_closest_marker("slow") or item.nodeid.startswith(LONG) else 1

    items.sort(key=long_first)
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    """Point TRIAGE_HOME at a temporary folder for every test."""
    home = tmp_path / "triage-home"
    monkeypatch.setenv("TRIAGE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _home_templates(tmp_path_factory):
    return tmp_path_factory, {}


@pytest.fixture
def home_from_template(app_home, monkeypatch, _home_templates):
    """``home_from_template(name, build)``: TRIAGE_HOME as ``build(monkeypatch)`` leaves it.

    ``build`` runs the commands a fixture needs before its test (``init``, ``user add``) once
    per session and worker, in a folder of its own, with this test's environment (changes it
    makes through the monkeypatch it is given are undone); every test then gets a copy of the
    folder (three files) instead of running the migrations and key derivations again.
    """
    factory, made = _home_templates

    def fill(name, build):
        key = (name, os.environ.get("TRIAGE_USER"), os.environ.get("TRIAGE_PASSWORD"))
        if key not in made:
            template = factory.mktemp("home-template") / "home"
            with monkeypatch.context() as m:
                m.setenv("TRIAGE_HOME", str(template))
                build(m)
            made[key] = template
        shutil.copytree(made[key], app_home)

    return fill


@pytest.fixture(autouse=True)
def test_speed_argon2(request, monkeypatch):
    """Light Argon2 parameters in-process (the product's own are proved by ``real_kdf`` tests)."""
    if request.node.get_closest_marker("real_kdf") is None:
        import fast_kdf

        fast_kdf.apply(monkeypatch.setattr)
