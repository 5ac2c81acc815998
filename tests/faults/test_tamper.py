"""Tampering: one byte of an audit event (or of a sealed record, when any exist) is changed,
100 random times, bypassing the append-only triggers; ``triage-app audit verify`` catches
every one (issue 6, "Proof under faults")."""

from __future__ import annotations

import os
import random
import shutil
import string

import pytest
from security.helpers import ADMIN, FAST, location
from sqlalchemy import text

from triage_app import cli
from triage_app.services import auth, demo
from triage_app.store.db import database_key, make_engine

ROUNDS = int(os.environ.get("TRIAGE_TAMPER_ROUNDS", "100"))
EVENT_COLUMNS = (
    "at",
    "username",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)
RECORD_COLUMNS = ("pdf", "pdf_sha256", "content_sha256")


def flip_text(rng: random.Random, value: str) -> str:
    """Change one ASCII character to another printable one (one byte, still valid UTF-8)."""
    positions = [i for i, ch in enumerate(value) if ord(ch) < 128]
    i = rng.choice(positions)
    new = rng.choice([c for c in string.ascii_letters + string.digits + ' {}:,"' if c != value[i]])
    return value[:i] + new + value[i + 1 :]


def flip_bytes(rng: random.Random, value: bytes) -> bytes:
    i = rng.randrange(len(value))
    return value[:i] + bytes([value[i] ^ (1 << rng.randrange(8))]) + value[i + 1 :]


@pytest.fixture
def pristine(app_home, tmp_path, monkeypatch):
    """The demo data in an encrypted folder (TRIAGE_HOME), triggers dropped; a clean copy."""
    ctx = auth.initialise(location(app_home), ADMIN, kdf=FAST)
    demo.load(ctx)
    key = database_key(ctx.engine)
    with ctx.engine.begin() as conn:
        for name in ("audit_event_no_update", "referral_record_no_update"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    ctx.close()
    db = app_home / "triage.sqlite3"
    clean = tmp_path / "clean.sqlite3"
    shutil.copyfile(db, clean)
    monkeypatch.setenv("TRIAGE_USER", ADMIN.user)
    monkeypatch.setenv("TRIAGE_PASSWORD", ADMIN.password)
    return db, clean, key


def verify_output(capsys) -> tuple[int, str]:
    code = cli.main(["audit", "verify"])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.slow
def test_every_single_byte_change_is_caught_by_audit_verify(pristine, capsys):
    db, clean, key = pristine
    code, out = verify_output(capsys)
    assert code == 0 and "intact" in out
    rng = random.Random(int(os.environ.get("TRIAGE_TAMPER_SEED", "6")))
    missed = []
    tampered = {"audit_event": 0, "referral_record": 0}
    for round_ in range(ROUNDS):
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(clean, db)
        engine = make_engine(db, key=key)
        with engine.begin() as conn:
            n_records = conn.execute(text("SELECT count(*) FROM referral_record")).scalar_one()
            table, columns = "audit_event", EVENT_COLUMNS
            if n_records and round_ % 2:
                table, columns = "referral_record", RECORD_COLUMNS
            ids = conn.execute(text(f"SELECT id FROM {table}")).scalars().all()
            row_id = rng.choice(ids)
            row = (
                conn.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id})
                .mappings()
                .one()
            )
            column = rng.choice([c for c in columns if row[c]])
            old = row[column]
            new = flip_bytes(rng, old) if isinstance(old, bytes) else flip_text(rng, old)
            conn.execute(
                text(f"UPDATE {table} SET {column} = :v WHERE id = :i"), {"v": new, "i": row_id}
            )
        engine.dispose()
        tampered[table] += 1
        code, out = verify_output(capsys)
        if code != 1 or "BROKEN" not in out.upper():
            missed.append((round_, table, row_id, column, out.strip()))
    assert missed == []
    assert tampered["audit_event"] >= ROUNDS // 2
    if n_records:  # sealed records exist (the demo seals one): half the rounds went to them
        assert tampered["referral_record"] >= ROUNDS // 2 - 1
