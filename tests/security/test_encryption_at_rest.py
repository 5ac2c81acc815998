"""Encryption at rest: the data folder's raw bytes reveal no patient, and no key opens it but
the right one (issue 6, "Encryption at rest")."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from triage_app.services import auth, demo
from triage_app.services.backup import create_backup
from triage_app.services.context import open_store
from triage_app.store.db import make_engine

from .helpers import ADMIN, FAST, Clock, location


def identifiers(ctx) -> set[str]:
    """Every name, NHS number and date of birth stored (read back through the store)."""
    found: set[str] = set()
    with ctx.engine.connect() as conn:
        for family, given, nhs, dob, address in conn.execute(
            text("SELECT family_name, given_name, nhs_number, date_of_birth, address FROM child")
        ):
            found.update(v for v in (family, given, address) if v)
            if nhs:
                found.update(
                    {nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}"}
                )
            found.add(str(dob))
            found.add(str(dob).replace("-", ""))
        for (person,) in conn.execute(text("SELECT person_name FROM household_link")):
            if person:
                found.add(person)
    return {f for f in found if len(f) >= 4}


def encodings(value: str) -> list[bytes]:
    forms = {value, value.upper(), value.lower()}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def leaks(folder: Path, values: set[str]) -> list[str]:
    """(file, value) pairs where a value appears in a file's raw bytes, in any encoding."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        for value in values:
            if any(form in raw for form in encodings(value)):
                out.append(f"{path.name}: {value!r}")
    return out


@pytest.fixture
def loaded(folder):
    """An encrypted folder with the demo data, a backup, and the WAL kept on disk."""
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST, clock=Clock())
    # An open connection (in autocommit: no lock held) keeps the WAL file on disk.
    holder = ctx.engine.raw_connection()
    holder.cursor().execute("SELECT count(*) FROM child").fetchall()
    demo.load(ctx)
    (folder / "backups").mkdir(mode=0o700)
    create_backup(ctx, location(folder), folder / "backups" / "copy.triage-backup")
    yield ctx, holder
    holder.close()
    ctx.close()


def test_raw_files_hold_no_name_nhs_number_or_date_of_birth(loaded, folder):
    ctx, _ = loaded
    values = identifiers(ctx)
    assert demo.AF_NHS in values and "Ashby" in values and len(values) > 20
    names = {p.name for p in folder.rglob("*") if p.is_file()}
    assert {"triage.sqlite3", "triage.sqlite3-wal", "keys.json", "copy.triage-backup"} <= names
    assert leaks(folder, values) == []


def test_the_scan_does_find_identifiers_in_an_unencrypted_database(tmp_path, loaded):
    ctx, _ = loaded
    values = identifiers(ctx)
    plain = open_store(f"sqlite:///{tmp_path / 'plain.sqlite3'}", user="t", clock=Clock())
    demo.load(plain)
    plain.close()
    found = leaks(tmp_path, values)
    assert any("plain.sqlite3" in f and demo.AF_NHS in f for f in found)


def test_plain_sqlite3_cannot_read_the_database(admin_ctx, folder):
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(folder / "triage.sqlite3").execute("SELECT * FROM sqlite_master").fetchall()
    assert (folder / "triage.sqlite3").read_bytes()[:16] != b"SQLite format 3\x00"


def test_a_wrong_key_cannot_open_the_database(admin_ctx, folder):
    engine = make_engine(folder / "triage.sqlite3", key=secrets.token_bytes(32))
    with pytest.raises(DatabaseError, match="file is not a database"):
        engine.connect()
    engine.dispose()


def test_a_wrong_password_opens_nothing_and_is_audited_at_the_next_sign_in(admin_ctx, folder):
    admin_ctx.close()
    before = (folder / "triage.sqlite3").read_bytes()
    with pytest.raises(auth.WrongCredentialsError, match="wrong password") as err:
        auth.sign_in(location(folder), auth.Credentials("alice", "not-the-password"))
    assert "not-the-password" not in str(err.value)
    assert (folder / "triage.sqlite3").read_bytes() == before  # nothing was written
    ctx = auth.sign_in(location(folder), ADMIN, clock=Clock())
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT entity, username FROM audit_event ORDER BY id DESC LIMIT 2")
        ).all()
    ctx.close()
    assert [tuple(r) for r in rows] == [("sign_in", "alice"), ("sign_in_failure", "alice")]


def test_the_key_file_holds_no_plain_key(admin_ctx, folder):
    from triage_app.store.db import database_key

    key = database_key(admin_ctx.engine)
    raw = (folder / "keys.json").read_bytes()
    assert key is not None and key not in raw and key.hex().encode() not in raw
    assert key.hex().upper().encode() not in raw


def test_wal_foreign_keys_and_busy_timeout_hold_on_the_encrypted_database(admin_ctx):
    with admin_ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()


def test_init_encrypts_a_database_made_before_encryption_keeping_every_record(folder):
    plain = open_store(f"sqlite:///{folder / 'triage.sqlite3'}", user="legacy", clock=Clock())
    demo.load(plain)
    values = identifiers(plain)
    with plain.engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        counts = {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in list(tables)
        }
    plain.close()
    assert auth.store_state(location(folder)) == "plain"
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST, clock=Clock())
    with ctx.engine.connect() as conn:
        after = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in counts}
    assert {t: n for t, n in after.items() if t not in ("audit_event", "app_user")} == {
        t: n for t, n in counts.items() if t not in ("audit_event", "app_user")
    }
    assert after["audit_event"] > counts["audit_event"]
    ctx.close()
    assert auth.store_state(location(folder)) == "encrypted"
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(folder / "triage.sqlite3").execute("SELECT * FROM sqlite_master").fetchall()
    assert leaks(folder, values) == []
    assert not (folder / "triage.sqlite3.encrypting").exists()
