"""Schema migrations: a new database is built at the latest revision; an old one is backed
up and upgraded without losing anything; databases we do not understand are left alone."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from triage_app.store import migrate
from triage_app.store.db import make_engine
from triage_app.store.orm import Base
from triage_app.store.search import name_key


def test_new_database_is_created_at_the_latest_revision(db_url):
    engine = make_engine(db_url)
    result = migrate.upgrade(engine)
    assert result.created and result.to_revision == migrate.head_revision()
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.upgrade(engine).created is False  # second open: nothing to do
    engine.dispose()


def test_migrations_build_exactly_the_schema_the_models_describe(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def _fill_revision_0001(conn):
    now = "2025-01-02 03:04:00"  # text: each database casts it to its own timestamp type
    conn.execute(
        text(
            "INSERT INTO child (id, nhs_number, family_name, given_name, date_of_birth, "
            "created_at, created_by, row_version) VALUES "
            "(1, '9990000018', 'O''Brien', 'Siobhán', :dob, :now, 'old', 1), "
            "(2, NULL, 'Zoë-Smith', 'Ann', :dob, :now, 'old', 1)"
        ),
        {"dob": "2024-12-01", "now": now},
    )
    conn.execute(
        text(
            "INSERT INTO presentation (id, child_id, seen_at, findings, source, source_id, "
            "complaint, created_at, created_by, row_version) VALUES "
            '(1, 1, :now, \'[{"kind": "bruise", "site": "cheek"}]\', \'emis\', \'E1\', '
            "'verbatim ''text'' ✓', :now, 'old', 1)"
        ),
        {"now": now},
    )


def test_old_database_with_data_is_backed_up_then_upgraded_losing_nothing(tmp_path):
    db = tmp_path / "old.sqlite3"
    engine = make_engine(db)
    migrate.upgrade(engine, target="0001")
    with engine.begin() as conn:
        _fill_revision_0001(conn)
    before = _dump(db)

    result = migrate.upgrade(engine, database_file=db, backup_dir=tmp_path / "backups")

    assert (result.from_revision, result.to_revision) == ("0001", migrate.head_revision())
    assert result.backup is not None and result.backup.exists()
    assert _dump(result.backup) == before  # the copy is the database as it was
    after = _dump(db)
    for table, rows in before.items():
        if table == "alembic_version":
            continue
        if table in ("child", "presentation"):  # later revisions add columns (0002, 0008)
            width = len(rows[0]) if rows else 0
            assert [r[:width] for r in after[table]] == rows  # every old column unchanged
        else:
            assert after[table] == rows
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT name_key FROM child ORDER BY id")).scalars().all()
    assert keys == ["obrien", "zoesmith"] == [name_key("O'Brien"), name_key("Zoë-Smith")]
    with engine.connect() as conn:
        matching = conn.execute(
            text("SELECT given_key, family_sdx, given_sdx FROM child ORDER BY id")
        ).all()
    assert [tuple(r) for r in matching] == [("siobhan", "O165", "S150"), ("ann", "Z253", "A500")]
    engine.dispose()


def _dump(path):
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def test_old_database_is_upgraded_losing_nothing_on_every_backend(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, target="0001")
    with engine.begin() as conn:
        _fill_revision_0001(conn)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, family_name, name_key FROM child ORDER BY id")).all()
        complaint = conn.execute(text("SELECT complaint FROM presentation")).scalar()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "O'Brien", "obrien"), (2, "Zoë-Smith", "zoesmith")]
    assert complaint == "verbatim 'text' ✓"


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    db = tmp_path / "new.sqlite3"
    engine = make_engine(db)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(migrate.SchemaError, match="0099.*newer version"):
        migrate.upgrade(engine, database_file=db, backup_dir=tmp_path / "b")
    assert not (tmp_path / "b").exists()
    engine.dispose()


def test_a_foreign_database_is_refused_untouched(tmp_path):
    db = tmp_path / "foreign.sqlite3"
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE patients (id INTEGER)"))
    with pytest.raises(migrate.SchemaError, match="not a triage-app database"):
        migrate.upgrade(engine)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["patients"]
    engine.dispose()


def test_upgrade_that_fails_leaves_the_database_at_its_old_revision(tmp_path, monkeypatch):
    db = tmp_path / "old.sqlite3"
    engine = make_engine(db)
    migrate.upgrade(engine, target="0001")
    with engine.begin() as conn:
        _fill_revision_0001(conn)

    original = migrate.command.upgrade

    def upgrade_then_fail(cfg, target):
        original(cfg, target)  # the new revision ran inside the transaction ...
        raise RuntimeError("power cut")  # ... and then the process failed before commit

    monkeypatch.setattr(migrate.command, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        migrate.upgrade(engine, database_file=db, backup_dir=tmp_path / "b")
    assert migrate.current_revision(engine) == "0001"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM child")).scalar() == 2
        assert "name_key" not in {c["name"] for c in inspect(conn).get_columns("child")}
    engine.dispose()


def test_sealed_referral_records_cannot_be_changed_or_deleted(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO child (id, date_of_birth, created_at, created_by, row_version) "
                "VALUES (1, '2025-07-20', '2025-09-01 10:00:00', 'test', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO safeguarding_case (id, child_id, status, opened_at, opened_by, sealed, "
                "created_at, created_by, row_version) VALUES (1, 1, 'referred', "
                "'2025-09-01 10:00:00', 'test', true, '2025-09-01 10:00:00', 'test', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO referral_record (case_id, version, record_uid, content_sha256, "
                "pdf_sha256, pdf, sealed_at, sealed_by) VALUES (1, 1, 'R-1', :h, :h, :pdf, "
                "'2025-09-01 10:00:00', 'test')"
            ),
            {"h": "0" * 64, "pdf": b"%PDF-1.4"},
        )
    for statement in ("UPDATE referral_record SET pdf_sha256 = 'x'", "DELETE FROM referral_record"):
        with pytest.raises(Exception, match="sealed"), engine.begin() as conn:
            conn.execute(text(statement))


def test_supervision_set_before_0004_is_carried_into_a_meeting_decision(db_url):
    from triage_app.store.case_repository import CaseRepository
    from triage_app.store.db import make_session_factory

    engine = make_engine(db_url)
    migrate.upgrade(engine, target="0003")
    with engine.begin() as conn:
        _fill_revision_0001(conn)
        conn.execute(
            text(
                "INSERT INTO safeguarding_case (id, child_id, presentation_id, status, opened_at, "
                "opened_by, supervision_required, supervision_conditions, supervision_agreed_by, "
                "sealed, created_at, created_by, row_version) VALUES (1, 1, 1, 'open', :now, "
                "'old', :yes, 'contact supervised', 'CSC manager', :no, :now, 'old', 1)"
            ),
            {"now": "2025-01-02 03:04:00", "yes": True, "no": False},
        )
    migrate.upgrade(engine)
    with make_session_factory(engine).begin() as s:
        case = CaseRepository(s).get(1)
    engine.dispose()
    assert case.presentation_ids == (1,)
    assert case.supervision_required is True
    assert case.supervision_conditions == "contact supervised"
    assert case.meetings[0].supervision == "impose" and case.meetings[0].agreed_by == "CSC manager"
