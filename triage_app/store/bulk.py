"""Bulk reads and writes for imports and synthetic data (SQLAlchemy Core, executemany).

The ORM unit of work costs about ten times more per row than Core's executemany; imports of
hundreds of thousands of rows use these functions inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, insert, select

from triage_app.store.orm import Child, Presentation
from triage_app.store.search import match_columns

CHUNK = 500
CHILD_TABLE = Child.__table__
PRESENTATION_TABLE = Presentation.__table__


_PG_IMPORT_LOCK = 4_143_231_013  # advisory lock key: one import at a time on PostgreSQL


def serialise_imports(conn: Connection) -> None:
    """On PostgreSQL, wait for any other import to commit before this one reads anything.

    Two overlapping imports would otherwise both find a row (or a new child) missing and
    both insert it: the second failed on the unique index. Serialised, the second sees the
    first one's rows and skips them as duplicates, as on SQLite (whose transactions are
    serial already). The lock is released when the transaction ends.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_IMPORT_LOCK})")


def chunks[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_sources(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return which (source, source_id) pairs are already stored."""
    found: set[tuple[str, str]] = set()
    keys = list(keys)
    sources = {source for source, _ in keys}  # usually one: a file comes from one system
    if len(sources) == 1:
        by_source = {sources.pop(): [source_id for _, source_id in keys]}
    else:
        by_source = {}
        for source, source_id in keys:
            by_source.setdefault(source, []).append(source_id)
    mark = _mark(conn)
    for source, ids in by_source.items():
        for part in chunks(ids, 2_000):
            # Plain SQL: this runs for every imported row; the compiled-statement path costs
            # more than the index lookups themselves.
            sql = (
                f"SELECT source_id FROM presentation WHERE source = {mark} "
                f"AND source_id IN ({', '.join([mark] * len(part))})"
            )
            rows = conn.exec_driver_sql(sql, (source, *part))
            found.update((source, r[0]) for r in rows)
    return found


MAX_OWN_RANGES = 8  # more ranges of its own than this, and an import looks every row up


def foreign_source(conn: Connection, source: str, own: Sequence[tuple[int, int]]) -> bool:
    """Whether any stored presentation of ``source`` has an id outside the ``own`` ranges.

    One range scan of the (source, source_id) index (the id is in each index entry), instead
    of one lookup per imported row. ``True`` (look every row up) when ``own`` has more than
    :data:`MAX_OWN_RANGES` ranges.
    """
    if len(own) > MAX_OWN_RANGES:
        return True
    mark = _mark(conn)
    outside = "".join(f" AND id NOT BETWEEN {mark} AND {mark}" for _ in own)
    found = conn.exec_driver_sql(
        f"SELECT 1 FROM presentation WHERE source = {mark}{outside} LIMIT 1",
        (source, *(bound for pair in own for bound in pair)),
    ).first()
    return found is not None


def _mark(conn: Connection) -> str:
    """The driver's placeholder: ``?`` for sqlite3, ``%s`` for psycopg."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def children_by_nhs(conn: Connection, numbers: Iterable[str]) -> dict[str, tuple[int, date]]:
    """Return ``{nhs_number: (child id, date of birth)}`` for the stored numbers."""
    out: dict[str, tuple[int, date]] = {}
    mark = _mark(conn)
    for part in chunks(list(numbers)):
        # Plain SQL, as in existing_sources: an import asks this for every new NHS number.
        rows = conn.exec_driver_sql(
            "SELECT nhs_number, id, date_of_birth FROM child "
            f"WHERE nhs_number IN ({', '.join([mark] * len(part))})",
            tuple(part),
        )
        for number, child_id, dob in rows:
            out[number] = (child_id, dob if isinstance(dob, date) else date.fromisoformat(dob))
    return out


def reserve_ids(conn: Connection, table: str, n: int) -> list[int]:
    """Reserve ``n`` new primary keys of ``table`` for the caller's transaction.

    PostgreSQL: from the table's sequence (safe with concurrent writers). SQLite: after the
    largest id; safe because every transaction holds the write lock from its start
    (``BEGIN IMMEDIATE``, see ``db``).
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, %(n)s)",
            {"n": n},
        )
        return [r[0] for r in rows]
    start = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    return list(range(start + 1, start + 1 + n))


def insert_children(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert children (every row with the same keys) and return their ids, in order.

    Ids are reserved first, so one executemany inserts them all (RETURNING would force
    SQLite into one statement per row to keep the order).
    """
    if not rows:
        return []
    ids = reserve_ids(conn, "child", len(rows))
    conn.execute(
        insert(CHILD_TABLE),
        [
            {**match_columns(row.get("family_name"), row.get("given_name")), **row, "id": i}
            for row, i in zip(rows, ids, strict=True)
        ],
    )
    return ids


# Column order of the tuples given to insert_child_tuples (the id is reserved and prepended;
# the record-matching columns are computed from the names and appended).
CHILD_COLUMNS = (
    "id", "nhs_number", "family_name", "given_name", "name_key", "date_of_birth", "sex",
    "postcode", "created_at", "created_by", "row_version",
)  # fmt: skip
_MATCH_COLUMNS = ("given_key", "family_sdx", "given_sdx")


@lru_cache(maxsize=65_536)
def _match_values(family: str | None, given: str | None) -> tuple[str | None, ...]:
    """:func:`match_columns` as a tuple, remembered: names repeat across an import's rows."""
    return tuple(match_columns(family, given).values())


def next_id(conn: Connection, table: str) -> int | None:
    """SQLite: the id the next row of ``table`` gets in this transaction (``None`` elsewhere).

    Every SQLite transaction holds the write lock from its start (``BEGIN IMMEDIATE``), so
    the ids after the largest are the caller's until it commits: rows can carry them before
    they are inserted (:func:`insert_child_tuples` with ``first_id``). PostgreSQL reserves ids
    from the sequence instead (:func:`reserve_ids`).
    """
    if conn.dialect.name != "sqlite":
        return None
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").scalar_one())


def insert_child_tuples(
    conn: Connection, rows: Sequence[tuple[Any, ...]], *, first_id: int | None = None
) -> list[int]:
    """Insert children given as tuples in ``CHILD_COLUMNS`` order without the id.

    Values are database-ready (dates as ``YYYY-MM-DD`` text). Returns the new ids, in order:
    ``first_id``, ``first_id + 1``, ... when given (from :func:`next_id` in this transaction),
    otherwise reserved here.
    """
    if not rows:
        return []
    if first_id is None:
        ids = reserve_ids(conn, "child", len(rows))
    else:
        ids = list(range(first_id, first_id + len(rows)))
    mark = _mark(conn)
    columns = (*CHILD_COLUMNS, *_MATCH_COLUMNS)
    sql = f"INSERT INTO child ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(
        sql,
        [(i, *row, *_match_values(row[1], row[2])) for i, row in zip(ids, rows, strict=True)],
    )
    return ids


def insert_presentations(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert presentations (every row with the same keys); return how many."""
    if rows:
        conn.execute(insert(PRESENTATION_TABLE), list(rows))
    return len(rows)


# Column order of the tuples given to insert_presentation_tuples.
PRESENTATION_COLUMNS = (
    "child_id", "seen_at", "setting", "organisation", "complaint", "findings", "outcome",
    "source", "source_id", "created_at", "created_by", "row_version",
)  # fmt: skip


def db_datetime(value: datetime) -> str:
    """A timestamp as text both databases store faithfully (SQLAlchemy's SQLite format)."""
    return value.isoformat(" ", "microseconds")


def insert_presentation_tuples(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert presentations given as tuples in ``PRESENTATION_COLUMNS`` order; return how many.

    The fast path for imports: the values are already database-ready (timestamps as
    :func:`db_datetime` text, findings as JSON text), so the driver's executemany runs without
    SQLAlchemy's per-row parameter processing (about three times faster). PostgreSQL casts
    the text to ``timestamp`` and ``json`` itself.
    """
    if not rows:
        return 0
    mark = _mark(conn)
    sql = (
        f"INSERT INTO presentation ({', '.join(PRESENTATION_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(PRESENTATION_COLUMNS))})"
    )
    conn.exec_driver_sql(sql, list(rows))
    return len(rows)


def insert_rows(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows into any table with executemany."""
    if rows:
        conn.execute(insert(table), list(rows))


def count(conn: Connection, table: Any) -> int:
    """Return the number of rows in a table."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def children_for_sources(
    conn: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str | None, date]]:
    """For stored presentations by (source, source_id): (child id, NHS number, date of birth)."""
    out: dict[tuple[str, str], tuple[int, str | None, date]] = {}
    p, c = PRESENTATION_TABLE.c, CHILD_TABLE.c
    for source, source_id in keys:
        row = conn.execute(
            select(c.id, c.nhs_number, c.date_of_birth)
            .join_from(PRESENTATION_TABLE, CHILD_TABLE, p.child_id == c.id)
            .where(p.source == source, p.source_id == source_id)
        ).first()
        if row is not None:
            out[(source, source_id)] = (row[0], row[1], row[2])
    return out


def set_nhs_number(conn: Connection, child_id: int, number: str, stamp: str, user: str) -> None:
    """Give a child without an NHS number this number (a re-import that now carries it)."""
    mark = _mark(conn)
    conn.exec_driver_sql(
        f"UPDATE child SET nhs_number = {mark}, modified_at = {mark}, modified_by = {mark}, "
        f"row_version = row_version + 1 WHERE id = {mark} AND nhs_number IS NULL",
        (number, stamp, user, child_id),
    )


def link_same_child(
    conn: Connection, a: int, b: int, reason: str, stamp: str, user: str
) -> int | None:
    """Link two children as the same child unless already linked; the new link's id."""
    low, high = sorted((a, b))
    mark = _mark(conn)
    found = conn.exec_driver_sql(
        f"SELECT id FROM child_link WHERE child_id = {mark} AND other_child_id = {mark} "
        f"AND kind = 'same_child' AND ended_at IS NULL",
        (low, high),
    ).first()
    if found is not None:
        return None
    [new_id] = reserve_ids(conn, "child_link", 1)
    conn.exec_driver_sql(
        "INSERT INTO child_link (id, child_id, other_child_id, kind, reason, created_at, "
        f"created_by) VALUES ({mark}, {mark}, {mark}, 'same_child', {mark}, {mark}, {mark})",
        (new_id, low, high, reason, stamp, user),
    )
    return new_id
