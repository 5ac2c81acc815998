"""Bulk reads and writes for imports and synthetic data (SQLAlchemy Core, executemany).

The ORM unit of work costs about ten times more per row than Core's executemany; imports of
hundreds of thousands of rows use these functions inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, tuple_

from triage_app.store.orm import Child, Presentation

CHUNK = 500
CHILD_TABLE = Child.__table__
PRESENTATION_TABLE = Presentation.__table__


def chunks[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_sources(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return which (source, source_id) pairs are already stored."""
    found: set[tuple[str, str]] = set()
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    col = PRESENTATION_TABLE.c
    for source, ids in by_source.items():
        for part in chunks(ids):
            rows = conn.execute(
                select(col.source_id).where(col.source == source, col.source_id.in_(part))
            )
            found.update((source, r[0]) for r in rows)
    return found


def children_by_nhs(conn: Connection, numbers: Iterable[str]) -> dict[str, tuple[int, date]]:
    """Return ``{nhs_number: (child id, date of birth)}`` for the stored numbers."""
    out: dict[str, tuple[int, date]] = {}
    col = CHILD_TABLE.c
    for part in chunks(list(numbers)):
        rows = conn.execute(
            select(col.nhs_number, col.id, col.date_of_birth).where(col.nhs_number.in_(part))
        )
        out.update({r[0]: (r[1], r[2]) for r in rows})
    return out


def insert_children(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert children (every row with the same keys) and return their ids, in order."""
    if not rows:
        return []
    stmt = insert(CHILD_TABLE).returning(CHILD_TABLE.c.id, sort_by_parameter_order=True)
    return [r[0] for r in conn.execute(stmt, list(rows))]


def insert_presentations(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert presentations (every row with the same keys); return how many."""
    if rows:
        conn.execute(insert(PRESENTATION_TABLE), list(rows))
    return len(rows)


def insert_rows(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows into any table with executemany."""
    if rows:
        conn.execute(insert(table), list(rows))


def count(conn: Connection, table: Any) -> int:
    """Return the number of rows in a table."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def source_pairs_exist(conn: Connection, pairs: Sequence[tuple[str, str]]) -> bool:
    """True when any of the (source, source_id) pairs is stored (used by tests)."""
    col = PRESENTATION_TABLE.c
    stmt = select(func.count()).where(tuple_(col.source, col.source_id).in_(list(pairs)))
    return bool(conn.execute(stmt).scalar_one())
