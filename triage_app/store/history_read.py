"""A child's history read in one read transaction on a plain connection, outside the ORM.

The history lookup by NHS number is the app's most frequent read (issue 15: within 3x the
hand-written SELECTs). Run inside an ORM session, SQLAlchemy's session begin and commit
alone cost more than the SELECTs. Here the same SELECTs as the repositories'
(:mod:`triage_app.store.repositories`, :mod:`triage_app.store.links`) run:

- on SQLite, on the driver's cursor of a connection checked out of the engine's pool (the
  kept connection, with its stale-file check on checkout: hazard H138), between ``BEGIN``
  and ``COMMIT``: one read snapshot (WAL), so a commit is seen whole or not at all;
- on PostgreSQL, through Core on one connection, in a ``REPEATABLE READ, READ ONLY``
  transaction (one snapshot for every SELECT).

The records are exactly those of the session path (``services.history.load_history``);
``tests/store/test_history_read.py`` compares the two on generated stores. Nothing is
flushed: call it outside a session's transaction (a change not yet committed is not seen).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError

from triage_app.domain.construct import _new, _set
from triage_app.domain.records import (
    ChildHistory,
    ChildRecord,
    FindingRecord,
    HistoryEntry,
    NotFoundError,
    PresentationRecord,
)
from triage_app.store.driver_select import DriverSelect, Rows
from triage_app.store.links import _SAME_CHILD_EDGES, same_child_group
from triage_app.store.orm import Assessment, Presentation
from triage_app.store.repositories import (
    _CHILD_BY_ID,
    _CHILD_BY_NHS,
    _HOUSEHOLD,
    _PRESENTATION_FIELDS,
    _child_from_columns,
    household_members,
)

_P = Presentation.__table__.c
_A = Assessment.__table__.c
# The presentations' columns as ``PresentationRepository.for_children`` reads them, and the
# urgency of each one's latest assessment (``PresentationRepository.urgencies``: the last
# by id) in the same statement.
_LATEST_URGENCY = (
    select(_A.urgency)
    .where(_A.presentation_id == _P.id)
    .order_by(_A.id.desc())
    .limit(1)
    .scalar_subquery()
)
_WITH_URGENCY = select(*(_P[f] for f in _PRESENTATION_FIELDS), _LATEST_URGENCY).where(
    _P.child_id.in_(bindparam("ids", expanding=True))
)
_NEWEST_FIRST = (_P.seen_at.desc(), _P.id.desc())
_ALL = DriverSelect(_WITH_URGENCY.order_by(*_NEWEST_FIRST))
_BEFORE = DriverSelect(
    _WITH_URGENCY.where(_P.seen_at < bindparam("before")).order_by(*_NEWEST_FIRST)
)

# PresentationRecord's fields in order, as _entries passes them (the columns' order, with
# ``row_version`` as ``version``); a record whose fields moved fails at import, not silently.
_PRESENTATION_ORDER = tuple("version" if f == "row_version" else f for f in _PRESENTATION_FIELDS)
if tuple(f.name for f in dataclasses.fields(PresentationRecord)) != _PRESENTATION_ORDER:
    raise ImportError("PresentationRecord's fields no longer follow the history read's columns")

_Processors = tuple[tuple[int, Callable[[Any], Any]], ...]
# HistoryEntry's fields, as _entries sets them; checked at import as the presentation's are.
if tuple(f.name for f in dataclasses.fields(HistoryEntry)) != (
    "presentation",
    "child",
    "relation",
    "urgency",
):
    raise ImportError("HistoryEntry's fields no longer follow the history read's entries")


class _Reader:
    """Runs the history's statements in one read transaction (SQLite driver, or Core)."""

    def rows(self, statement: DriverSelect, params: dict[str, Any]) -> Rows:
        """The statement's rows, values as Core gives them."""
        raise NotImplementedError

    def unconverted(
        self, statement: DriverSelect, params: dict[str, Any]
    ) -> tuple[list[tuple[Any, ...]], _Processors]:
        """The rows as fetched, and the processors that turn them into Core's values."""
        raise NotImplementedError


class _SqliteReader(_Reader):
    __slots__ = ("driver", "dialect")

    def __init__(self, driver: Any, dialect: Any) -> None:
        self.driver, self.dialect = driver, dialect

    def rows(self, statement: DriverSelect, params: dict[str, Any]) -> Rows:
        return statement.driver_rows(self.driver, self.dialect, params)

    def unconverted(
        self, statement: DriverSelect, params: dict[str, Any]
    ) -> tuple[list[tuple[Any, ...]], _Processors]:
        return statement.driver_rows_unconverted(self.driver, self.dialect, params)


class _CoreReader(_Reader):
    __slots__ = ("conn",)

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, statement: DriverSelect, params: dict[str, Any]) -> Rows:
        return statement.rows_on(self.conn, params)

    def unconverted(
        self, statement: DriverSelect, params: dict[str, Any]
    ) -> tuple[list[tuple[Any, ...]], _Processors]:
        return statement.rows_on(self.conn, params), ()  # Core has converted them


def history_by_nhs_number(
    engine: Engine, nhs_number: str, before: datetime | None = None
) -> ChildHistory | None:
    """The history of the child with this NHS number (ten digits), or ``None``.

    The child, the records linked to it as the same child, its household, every
    presentation of them (newest first; only those before ``before`` if given) and each
    presentation's latest urgency, read in one read transaction. No flags, no possible
    matches (the use-case adds them).
    """
    return _in_read_transaction(engine, lambda read: _by_nhs(read, nhs_number, before))


def history_by_child_id(
    engine: Engine, child_id: int, before: datetime | None = None
) -> ChildHistory:
    """The history of the stored child with this id (as :func:`history_by_nhs_number`).

    Raises:
        NotFoundError: there is no stored child with this id.
    """
    return _in_read_transaction(engine, lambda read: _by_id(read, child_id, before))


def _by_nhs(read: _Reader, nhs_number: str, before: datetime | None) -> ChildHistory | None:
    row = read.rows(_CHILD_BY_NHS, {"nhs": nhs_number}).first()
    return None if row is None else _history(read, _child_from_columns(row), before)


def _by_id(read: _Reader, child_id: int, before: datetime | None) -> ChildHistory:
    return _history(read, _get(read, child_id), before)


def _get(read: _Reader, child_id: int) -> ChildRecord:
    row = read.rows(_CHILD_BY_ID, {"id": child_id}).first()
    if row is None:
        raise NotFoundError(f"no child with id {child_id}")
    return _child_from_columns(row)


def _history(read: _Reader, child: ChildRecord, before: datetime | None) -> ChildHistory:
    """As ``services.history.load_history`` reads it through the repositories."""
    assert child.id is not None
    group = _same_child_group(read, child.id)
    own = {child.id: child} | {cid: _get(read, cid) for cid in group[1:]}
    household = tuple(
        m
        for cid in group
        for m in household_members(read.rows(_HOUSEHOLD, {"cid": cid}), cid)
        if m.related_child is None or m.related_child.id not in own
    )
    others = {
        m.related_child.id: (m.related_child, m.relation.value)
        for m in household
        if m.related_child is not None and m.related_child.id is not None
    }
    ids = [*own, *others]
    whose = others | {cid: (c, "self") for cid, c in own.items()}
    if before is None:
        rows, processors = read.unconverted(_ALL, {"ids": ids})
    else:
        rows, processors = read.unconverted(_BEFORE, {"ids": ids, "before": before})
    entries = _entries(rows, dict(processors), whose)
    return ChildHistory(child, household, entries, linked=tuple(own[c] for c in group[1:]))


def _same(value: Any) -> Any:
    return value


def _entries(
    rows: list[tuple[Any, ...]],
    processors: dict[int, Callable[[Any], Any]],
    whose: dict[int, tuple[ChildRecord, str]],
) -> tuple[HistoryEntry, ...]:
    """One entry per row of ``_ALL`` or ``_BEFORE``, in one pass over the rows.

    Each column is converted as Core converts it (its own result processor) and the record
    built as ``repositories._presentation_from_columns`` builds it; a history has dozens
    of rows, and converting each row first, then unpacking it, cost as much again.
    """
    seen_at = processors.get(1, _same)
    findings_of = processors.get(5, _same)
    mobility_of = processors.get(8, _same)
    nim_of = processors.get(9, _same)
    urgency_of = processors.get(15, _same)
    done = {0, 1, 5, 8, 9, 15}
    if any(i not in done for i in processors):  # a column the builder does not convert
        raise RuntimeError("the history read does not convert every column it reads")
    finding = FindingRecord.from_json
    entries: list[HistoryEntry] = []
    append = entries.append
    for r in rows:
        # JSON's ``[]`` and ``null`` (most rows' findings or mobility) decoded without a
        # parse: what the processor would give. On PostgreSQL the values arrive decoded.
        findings = () if r[5] == "[]" else findings_of(r[5])
        # The records built as construct.build builds them (their fields set in one step, in
        # _PRESENTATION_ORDER): neither has a __post_init__, and the generated __init__,
        # setting fifteen frozen fields one by one, took 4.6 of a row's 16.6 microseconds.
        p = _new(PresentationRecord)
        _set(
            p,
            "__dict__",
            {
                "child_id": r[0],
                "seen_at": seen_at(r[1]),
                "setting": r[2],
                "organisation": r[3],
                "complaint": r[4],
                "findings": tuple([finding(f) for f in findings]) if findings else (),
                "explanation": r[6],
                "outcome": r[7],
                "mobility": None if r[8] is None or r[8] == "null" else mobility_of(r[8]),
                "nim_at_time": nim_of(r[9]),
                "source": r[10],
                "source_id": r[11],
                "id": r[12],
                "version": r[13],
                "review": r[14],
            },
        )
        child, relation = whose[r[0]]
        entry = _new(HistoryEntry)
        _set(
            entry,
            "__dict__",
            {"presentation": p, "child": child, "relation": relation, "urgency": urgency_of(r[15])},
        )
        append(entry)
    return tuple(entries)


def _same_child_group(read: _Reader, child_id: int) -> list[int]:
    """As ``ChildLinkRepository.same_child_group``: the child first, then its linked records."""
    return same_child_group(
        child_id, lambda frontier: read.rows(_SAME_CHILD_EDGES, {"frontier": frontier})
    )


def _in_read_transaction[T](engine: Engine, body: Callable[[_Reader], T]) -> T:
    """Run ``body`` in one read transaction on a connection of ``engine``."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn, conn.begin():
            # One snapshot for every SELECT (READ COMMITTED would take one per statement).
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return body(_CoreReader(conn))
    dialect = engine.dialect
    error = dialect.loaded_dbapi.Error
    try:
        pooled = engine.raw_connection()  # the kept connection: its file checked on checkout
    except error as exc:  # e.g. a wrong key: SQLAlchemy's class, as Core's connect raises
        raise DBAPIError.instance(None, None, exc, error, dialect=dialect) from exc
    try:
        driver = pooled.driver_connection
        assert driver is not None
        try:
            driver.execute("BEGIN")  # deferred: one read snapshot from the first SELECT on
        except error as exc:
            raise DBAPIError.instance("BEGIN", None, exc, error, dialect=dialect) from exc
        try:
            result = body(_SqliteReader(driver, dialect))
        except BaseException:
            driver.rollback()
            raise
        driver.commit()
        return result
    finally:
        pooled.close()
