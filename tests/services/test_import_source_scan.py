"""Issue 15i: a source with no stored row but the import's own needs no lookup per row.

On SQLite the import asks once per batch whether any stored presentation of the source is
not its own (one index range scan, ``bulk.foreign_source``) and, when none is, skips the
per-row (source, source_id) lookups. These tests hold that path to the path that looks every
row up: the same stored rows, the same rejects file, the same summary and audit events, over
generated files with duplicates, bad rows, unknown and known children, rows stored before by
another import, and rows of the same source stored by someone else between two batches.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.services.context import open_store
from triage_app.services.importing import COLUMNS, import_presentations, rejects_path
from triage_app.services.synthetic import synthetic_nhs_numbers
from triage_app.store import bulk

NOW = datetime(2025, 9, 3, 10, 0)
NUMBERS = list(islice(synthetic_nhs_numbers(0), 4))

ROW = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["emis", "tpp"]),
        "source_id": st.sampled_from([f"S{i}" for i in range(12)]),
        "nhs_number": st.sampled_from(["", "", *NUMBERS, "1234567890"]),
        "family_name": st.sampled_from(["Example", "Sample", ""]),
        "given_name": st.sampled_from(["Ava", "Noah"]),
        "date_of_birth": st.sampled_from(["2025-07-20", "2025-07-21", "2025-02-30", "2026-01-01"]),
        "sex": st.sampled_from(["female", "male", ""]),
        "postcode": st.just("XX1 1AA"),
        "seen_at": st.sampled_from(["2025-08-10T09:30", "2025-08-11T10:15:20", "2025-08-10"]),
        "setting": st.sampled_from(["gp", "ed"]),
        "organisation": st.just("Synthetic Surgery"),
        "complaint": st.sampled_from(["bruise", "fall"]),
        "findings": st.sampled_from(["bruise@cheek", "bruise@cheek;bleeding@mouth", "x@y"]),
        "outcome": st.just("advice given"),
    }
)


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


_TEMPLATE: list[Path] = []


def fresh_store(tmp: Path) -> Path:
    """An empty migrated SQLite file (migrated once, then copied: migrations are slow)."""
    if not _TEMPLATE:
        template = Path(tmp.parent, "template.sqlite3")
        open_store(f"sqlite:///{template}", user="tester", clock=lambda: NOW).close()
        _TEMPLATE.append(template)
    tmp.mkdir()
    target = tmp / "store.sqlite3"
    shutil.copy(_TEMPLATE[0], target)
    return target


def foreign_row(db: Path, source: str, source_id: str) -> None:
    """Another writer stores a presentation of ``source`` between two batches."""
    conn = sqlite3.connect(db)
    with conn:
        child = conn.execute(
            "INSERT INTO child (family_name, date_of_birth, created_at, created_by, row_version) "
            "VALUES ('Other', '2025-07-20', '2025-09-03 10:00:00.000000', 'other', 1)"
        ).lastrowid
        conn.execute(
            "INSERT OR IGNORE INTO presentation (child_id, seen_at, findings, source, source_id, "
            "created_at, created_by, row_version) VALUES (?, '2025-08-10 09:30:00.000000', "
            "'[]', ?, ?, '2025-09-03 10:00:00.000000', 'other', 1)",
            (child, source, source_id),
        )
    conn.close()


def run(
    tmp: Path,
    before: list[dict[str, str]],
    rows: list[dict[str, str]],
    batch_size: int,
    meddle: tuple[str, str] | None,
) -> dict[str, object]:
    """Import ``before``, then ``rows`` in batches; return everything a user could see."""
    db = fresh_store(tmp)
    ctx = open_store(f"sqlite:///{db}", user="tester", clock=lambda: NOW)
    try:
        if before:
            import_presentations(ctx, write(tmp / "before.csv", before))
        calls = []

        def after_batch(_read: int) -> None:
            calls.append(_read)
            if meddle is not None and len(calls) == 1:
                foreign_row(db, *meddle)

        summary = import_presentations(
            ctx, write(tmp / "visits.csv", rows), batch_size=batch_size, after_batch=after_batch
        )
    finally:
        ctx.close()
    conn = sqlite3.connect(db)
    tables = {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
        for t in ("child", "presentation", "child_link")
    }
    audit = conn.execute(
        "SELECT action, entity, entity_id, after FROM audit_event ORDER BY id"
    ).fetchall()
    conn.close()
    rejects = rejects_path(tmp / "visits.csv")
    return {
        "summary": replace(
            summary, rejects_file=summary.rejects_file and Path(summary.rejects_file).name
        ),
        "tables": tables,
        "audit": audit,
        "rejects": rejects.read_text(encoding="utf-8") if rejects.exists() else None,
    }


def probe_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path before issue 15i: every row looked up in the (source, source_id) index."""
    monkeypatch.setattr(bulk, "foreign_source", lambda *_a, **_k: True)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.lists(ROW, max_size=6),
    rows=st.lists(ROW, min_size=1, max_size=30),
    batch_size=st.integers(min_value=1, max_value=8),
    meddle=st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["emis", "tpp"]), st.sampled_from([f"S{i}" for i in range(12)])),
    ),
)
def test_scanning_the_source_imports_exactly_what_looking_up_every_row_does(
    tmp_path_factory, before, rows, batch_size, meddle
):
    base = tmp_path_factory.mktemp("scan")
    fast = run(base / "fast", before, rows, batch_size, meddle)
    with pytest.MonkeyPatch.context() as mp:
        probe_every_row(mp)
        slow = run(base / "slow", before, rows, batch_size, meddle)
    assert fast == slow


def test_a_row_another_writer_stored_between_batches_is_skipped_not_a_failure(tmp_path):
    """Batch 1 stores S0 to S1; someone else then stores emis S3; batch 2 skips it."""
    rows = [
        {
            "source": "emis",
            "source_id": f"S{i}",
            "nhs_number": "",
            "family_name": "Example",
            "given_name": "Ava",
            "date_of_birth": "2025-07-20",
            "sex": "female",
            "postcode": "XX1 1AA",
            "seen_at": "2025-08-10T09:30",
            "setting": "gp",
            "organisation": "Synthetic Surgery",
            "complaint": "bruise",
            "findings": "bruise@cheek",
            "outcome": "advice given",
        }  # fmt: skip
        for i in range(4)
    ]
    seen = run(tmp_path / "x", [], rows, 2, ("emis", "S3"))
    summary = seen["summary"]
    assert (summary.imported, summary.duplicates) == (3, 1)
    ids = [r[12] for r in seen["tables"]["presentation"]]
    assert sorted(ids) == ["S0", "S1", "S2", "S3"]  # S3 once: the other writer's


def test_foreign_source_sees_only_rows_outside_the_imports_own_ranges(tmp_path):
    db = fresh_store(tmp_path / "x")
    foreign_row(db, "emis", "A1")  # presentation id 1
    foreign_row(db, "emis", "A2")  # presentation id 2
    ctx = open_store(f"sqlite:///{db}", user="tester", clock=lambda: NOW)
    try:
        with ctx.engine.connect() as conn:
            assert bulk.foreign_source(conn, "emis", [])
            assert bulk.foreign_source(conn, "emis", [(1, 1)])
            assert not bulk.foreign_source(conn, "emis", [(1, 2)])
            assert not bulk.foreign_source(conn, "emis", [(1, 1), (2, 2)])
            assert not bulk.foreign_source(conn, "tpp", [])
            many = [(i, i) for i in range(3, 4 + bulk.MAX_OWN_RANGES)]
            assert bulk.foreign_source(conn, "tpp", many)  # too many ranges: look rows up
    finally:
        ctx.close()
