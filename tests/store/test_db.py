"""Engine settings: SQLite foreign keys and WAL on; a file keeps one connection, safely."""

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from tests.security.helpers import open_handles
from triage_app.store.db import make_engine, release_file

needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


def make_table(engine, value: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
        conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": value})


def values(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT x FROM t ORDER BY rowid"))]


def test_sqlite_file_has_foreign_keys_wal_and_keeps_one_connection(tmp_path):
    # One connection is kept between use-cases: keying SQLCipher, the pragmas and re-reading
    # the schema on every use-case cost many times a history read (issue 15). It is kept
    # safely (hazard H138): closed before the file moves (release_file), never used once
    # its file has been replaced (the tests below), and closed before a fork.
    engine = make_engine(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        first = conn.connection.driver_connection
    with engine.connect() as conn:
        assert conn.connection.driver_connection is first  # the same connection, kept
    assert isinstance(engine.pool, QueuePool)
    assert engine.pool.size() == 1
    assert engine.pool.checkedin() == 1


def test_a_concurrent_use_gets_its_own_connection_and_only_one_is_kept(tmp_path):
    engine = make_engine(tmp_path / "x.sqlite3")
    make_table(engine, "a")
    one, two = engine.raw_connection(), engine.raw_connection()  # two use-cases at once
    assert one.driver_connection is not two.driver_connection
    assert one.cursor().execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert two.cursor().execute("SELECT count(*) FROM t").fetchone() == (1,)
    one.close()
    two.close()
    assert engine.pool.checkedin() == 1  # the second one was closed when given back
    seen = []

    def worker() -> None:
        seen.append(values(engine))  # the kept connection moves to another thread

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [["a"]]


def test_two_engines_on_one_file_see_each_others_commits(tmp_path):
    db = tmp_path / "x.sqlite3"
    a, b = make_engine(db), make_engine(db)
    make_table(a, "from a")
    assert values(b) == ["from a"]
    make_table(b, "from b")
    assert values(a) == ["from a", "from b"]  # a's kept connection sees b's commit


def move_aside(db: Path, target: Path) -> None:
    """Move a database and its WAL and shared-memory files, as restore does."""
    for suffix in ("", "-wal", "-shm"):
        if db.with_name(db.name + suffix).exists():
            os.replace(db.with_name(db.name + suffix), target.with_name(target.name + suffix))


def test_closing_a_connection_whose_file_was_replaced_leaves_the_new_files_wal_alone(tmp_path):
    # SQLite deletes a WAL by name when its last connection closes; it skips that (and the
    # checkpoint) once the file has moved, so a stale connection cannot harm the new file.
    db = tmp_path / "x.sqlite3"
    stale = make_engine(db)
    make_table(stale, "old")
    stale_raw = stale.raw_connection()  # checked out: kept while the file is replaced
    move_aside(db, tmp_path / "moved-aside.sqlite3")
    fresh = make_engine(db)
    make_table(fresh, "new")
    wal = db.with_name(db.name + "-wal")
    assert wal.exists()
    stale_raw.invalidate()  # closed now
    assert wal.exists()
    assert values(fresh) == ["new"]
    assert values(make_engine(tmp_path / "moved-aside.sqlite3")) == ["old"]


def test_a_file_replaced_behind_a_kept_connection_is_never_read_through_it(tmp_path):
    # Another process restoring a backup replaces the file while this one keeps a
    # connection: the next use must read the file now at the path, not the moved one.
    db = tmp_path / "x.sqlite3"
    engine = make_engine(db)
    make_table(engine, "old")
    assert values(engine) == ["old"]
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.execute("INSERT INTO t VALUES ('restored')")
    conn.close()
    move_aside(db, tmp_path / "moved-aside.sqlite3")
    os.replace(other, db)
    assert values(engine) == ["restored"]
    make_table(engine, "after")
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT x FROM t")] == ["restored", "after"]
    conn.close()
    with sqlite3.connect(tmp_path / "moved-aside.sqlite3") as conn:
        assert [r[0] for r in conn.execute("SELECT x FROM t")] == ["old"]  # untouched
    conn.close()


@needs_proc
def test_release_file_closes_the_kept_connections_and_folds_the_wal_in(tmp_path):
    db = tmp_path / "x.sqlite3"
    engine, elsewhere = make_engine(db), make_engine(tmp_path / "y.sqlite3")
    make_table(engine, "kept")
    make_table(elsewhere, "other file")
    assert open_handles(db)  # the kept connection holds the file (and its WAL) open
    assert release_file(db) == 1
    assert open_handles(db) == []
    assert not db.with_name(db.name + "-wal").exists()  # checkpointed and removed on close
    assert open_handles(tmp_path / "y.sqlite3")  # another file's connection is left alone
    assert values(engine) == ["kept"]  # still usable: it opens a new connection


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_no_kept_connection_crosses_a_fork(tmp_path):
    engine = make_engine(tmp_path / "x.sqlite3")
    make_table(engine, "a")
    assert engine.pool.checkedin() == 1
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0 if engine.pool.checkedin() == 0 else 3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert engine.pool.checkedin() == 0  # closed just before the fork, in the parent too
    assert values(engine) == ["a"]


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
