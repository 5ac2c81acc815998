"""Core SELECTs run on SQLite's driver cursor: the statement compiled once, rows typed alike.

A history lookup runs a dozen small SELECTs; with the connection kept open (``store.db``),
SQLAlchemy's per-statement work (execution context, compiled-cache lookup, expanding ``IN``
parameters re-rendered, result metadata) cost several times the queries themselves. Here a
Core statement is compiled once per dialect to its SQL text; each run binds the values in
the compiled order, runs the text on the session's own DBAPI connection (so inside the
use-case's transaction, after pending ORM changes are flushed) and converts each column
with the type's own result processor, so the values are exactly what Core would give.

PostgreSQL (and any other dialect) runs the same statement through Core unchanged. Driver
errors are raised as SQLAlchemy's own exception classes, with no parameter values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import CompoundSelect, Select


class Rows(list[tuple[Any, ...]]):
    """The rows of a SELECT (a list of tuples) with Core's ``first()`` and ``all()``."""

    def first(self) -> tuple[Any, ...] | None:
        """The first row, or ``None``."""
        return self[0] if self else None

    def all(self) -> list[tuple[Any, ...]]:
        """Every row."""
        return self


_REQUIRED = object()
_MAX_TEXTS = 256  # expanded texts kept per statement (one per list length met)


class _Compiled:
    """One statement's SQL text and processors for one dialect."""

    __slots__ = ("text", "plan", "texts", "results")

    def __init__(self, statement: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.text = str(compiled)
        binds = {
            k: b.type.dialect_impl(dialect).bind_processor(dialect)
            for k, b in compiled.binds.items()
        }
        expanding = {k for k, b in compiled.binds.items() if b.expanding}
        # Values written into the statement itself (``kind == 'same_child'``).
        defaults = {k: b.effective_value for k, b in compiled.binds.items() if not b.required}
        # Each positional parameter in order: name, bind processor, expanding, default.
        self.plan: tuple[tuple[str, Callable[[Any], Any] | None, bool, Any], ...] = tuple(
            (name, binds[name], name in expanding, defaults.get(name, _REQUIRED))
            for name in compiled.positiontup or ()
        )
        # The SQL text with each expanding ``IN`` written out, by the lists' lengths.
        self.texts: dict[tuple[int, ...], str] = {(): self.text}
        procs = [
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in statement.selected_columns
        ]
        self.results = tuple((i, p) for i, p in enumerate(procs) if p is not None)

    def expanded(self, lengths: tuple[int, ...]) -> str:
        """The SQL text with the expanding lists, in order, of these lengths."""
        text = self.text
        occurrences = iter(lengths)
        for name, _, expanding, _ in self.plan:
            if expanding:
                marks = ", ".join("?" * next(occurrences))
                text = text.replace(f"__[POSTCOMPILE_{name}]", marks, 1)
        if len(self.texts) < _MAX_TEXTS:
            self.texts[lengths] = text
        return text


class DriverSelect:
    """A Core SELECT run on the driver's cursor on SQLite (through Core elsewhere)."""

    __slots__ = ("statement", "_by_dialect")

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._by_dialect: dict[tuple[type, str], _Compiled] = {}

    def rows(self, session: Session, params: Mapping[str, Any]) -> Rows:
        """Run the statement in ``session``'s transaction and return its rows."""
        session.flush()  # as the ORM's autoflush would (nothing to do when nothing is pending)
        conn = session.connection()
        dialect = conn.dialect
        if dialect.name != "sqlite":
            return self.rows_on(conn, params)
        driver = conn.connection.driver_connection
        assert driver is not None
        return self.driver_rows(driver, dialect, params)

    def rows_on(self, conn: Connection, params: Mapping[str, Any]) -> Rows:
        """Run the statement through Core on ``conn`` (in its transaction)."""
        for name, value in params.items():  # the same refusal as the SQLite path's
            if isinstance(value, list | tuple | set | frozenset) and not value:
                raise ValueError(f"an empty list for {name!r}: callers check before reading")
        return Rows(tuple(r) for r in conn.execute(self.statement, dict(params)))

    def driver_rows(self, driver: Any, dialect: Dialect, params: Mapping[str, Any]) -> Rows:
        """Run the statement on a SQLite driver connection ``driver`` (in its transaction)."""
        rows, results = self.driver_rows_unconverted(driver, dialect, params)
        if not results:
            return Rows(rows)
        out = Rows()
        for row in rows:
            values = list(row)
            for i, process in results:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out

    def driver_rows_unconverted(
        self, driver: Any, dialect: Dialect, params: Mapping[str, Any]
    ) -> tuple[list[tuple[Any, ...]], tuple[tuple[int, Callable[[Any], Any]], ...]]:
        """The driver's rows as fetched, and each column's result processor (by position).

        For a caller that builds records straight from the rows: it must apply the
        processors itself to give what Core gives (``store.history_read`` does).
        """
        compiled = self.compiled(dialect)
        text, args = _bind(compiled, params)
        try:
            rows = driver.execute(text, args).fetchall()
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                text, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
            ) from exc
        return rows, compiled.results

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement's SQL text and processors for ``dialect`` (compiled once)."""
        key = (type(dialect), dialect.paramstyle)  # the SQL text and processors depend on these
        compiled = self._by_dialect.get(key)
        if compiled is None:
            compiled = self._by_dialect[key] = _Compiled(self.statement, dialect)
        return compiled


def _bind(compiled: _Compiled, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """The SQL text (each expanding ``IN`` list written out) and its positional values."""
    args: list[Any] = []
    lengths: list[int] = []
    for name, process, expanding, default in compiled.plan:
        value: Any = params.get(name, default)
        if value is _REQUIRED:
            raise KeyError(name)
        if expanding:
            values: Sequence[Any] = list(value)
            if not values:
                raise ValueError(f"an empty list for {name!r}: callers check before reading")
            lengths.append(len(values))
            args.extend([process(v) for v in values] if process else values)
        else:
            args.append(process(value) if process else value)
    key = tuple(lengths)
    text = compiled.texts.get(key)
    return (compiled.expanded(key) if text is None else text), args
