"""Engine settings: SQLite foreign keys and WAL on, files without a connection pool."""

from sqlalchemy import text
from sqlalchemy.pool import NullPool

from triage_app.store.db import make_engine


def test_sqlite_file_has_foreign_keys_wal_and_no_pool(tmp_path):
    engine = make_engine(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    assert isinstance(engine.pool, NullPool)


def test_memory_database_works(tmp_path):
    engine = make_engine(":memory:")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_a_failed_transaction_leaves_nothing(tmp_path):
    engine = make_engine(tmp_path / "x.sqlite3")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("crash")
    except RuntimeError:
        pass
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_database_errors_do_not_carry_patient_values(tmp_path):
    from sqlalchemy.exc import IntegrityError

    engine = make_engine(tmp_path / "x.sqlite3")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (nhs TEXT UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES ('9990000026')"))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": "9990000026"})
    except IntegrityError as exc:
        assert "9990000026" not in str(exc)
    else:
        raise AssertionError("the duplicate was accepted")
