"""One import's work inside its transaction: check rows, skip duplicates, store in bulk.

Rows travel as tuples in ``COLUMNS`` order and are written with the driver's executemany
(``bulk.insert_*_tuples``): at hundreds of thousands of rows, per-row dictionaries and
SQLAlchemy's parameter processing would cost more than the database work itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

from triage_app.services.context import StoreContext
from triage_app.services.import_rows import (
    COLUMNS,
    SOURCE,
    SOURCE_ID,
    quick_row,
    validate_row,
)
from triage_app.store import bulk
from triage_app.store.search import name_key

Row = tuple[str, ...]
Checked = tuple[str | None, date, str, str]  # nhs, date of birth, seen (db text), findings JSON
_name_key = lru_cache(maxsize=65_536)(name_key)  # family names repeat across an import's rows


class ImportJob:
    """State of one import: counts, children met so far, source ids seen in this file."""

    def __init__(
        self, ctx: StoreContext, conn: Any, index: dict[str, int], rejects: Any, width: int
    ) -> None:
        self.ctx, self.conn, self.rejects, self.width = ctx, conn, rejects, width
        order = [index[name] for name in COLUMNS]
        # A file in the documented column order needs no reordering: tuple() is quicker.
        self.pick = tuple if order == list(range(len(order))) else itemgetter(*order)
        self.today = ctx.clock().date()
        self.stamp = bulk.db_datetime(ctx.clock())
        self.read = self.imported = self.duplicates = self.children_created = 0
        self.attached = 0
        # Audit events for re-imported rows that now carry an NHS number (see _attach).
        self.events: list[tuple[str, str, int, dict[str, Any]]] = []
        # What _attach changed in rows the import did not create, for a rollback to undo:
        # ["nhs", child id, number] and ["link", link id] (taken by each batch's job record).
        self.undo: list[list[Any]] = []
        self.seen: dict[tuple[str, str], tuple[int, int]] = {}
        self.children: dict[str, tuple[int, date]] = {}  # NHS number -> (child id, dob)
        # SQLite: the id ranges of the presentations this import stored (each batch's are
        # contiguous: it holds the write lock), so that a source with no other stored row
        # needs no lookup per row (see _stored). ``None``: look every row up (PostgreSQL,
        # where other sessions' ids interleave with the import's).
        self.own: list[tuple[int, int]] | None = [] if conn.dialect.name == "sqlite" else None

    def take_undo(self) -> list[list[Any]]:
        """The attachments made since the last call (recorded with the batch that made them)."""
        out, self.undo = self.undo, []
        return out

    def summary(self) -> dict[str, int]:
        """The counts so far."""
        return {
            "read": self.read + getattr(self.rejects, "early", 0),
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejects.count,
            "children_created": self.children_created,
            "attached": self.attached,
        }

    def run(self, batch: Sequence[tuple[int, Sequence[str]]]) -> None:
        """Check, de-duplicate and store one batch of (line number, fields)."""
        good: list[tuple[int, Sequence[str], Row, Checked]] = []
        seen, today, width, pick = self.seen, self.today, self.width, self.pick
        seen_get, keep, quick = seen.get, good.append, quick_row
        self.read += len(batch)
        for line, fields in batch:
            if len(fields) != width:
                self.rejects.add(fields, line, f"has {len(fields)} fields; the header has {width}")
                continue
            v = pick(fields)
            checked = quick(v, today)
            if checked is None:
                _, problems = validate_row(dict(zip(COLUMNS, v, strict=True)), today)
                self.rejects.add(fields, line, "; ".join(problems) or "not a valid row")
                continue
            key = (v[SOURCE], v[SOURCE_ID])
            fingerprint = hash(v)
            first = seen_get(key)
            if first is not None:
                if first[1] == fingerprint:
                    self.duplicates += 1
                else:
                    self.rejects.add(
                        fields, line,
                        f"source_id repeated with different content (first on line {first[0]})",
                    )  # fmt: skip
                continue
            seen[key] = (line, fingerprint)
            keep((line, fields, v, checked))
        stored = self._stored(good)
        if stored:
            fresh = [g for g in good if (g[2][SOURCE], g[2][SOURCE_ID]) not in stored]
            numbered = [g for g in good if g[3][0] and (g[2][SOURCE], g[2][SOURCE_ID]) in stored]
            attached = self._attach(numbered) if numbered else 0
            self.duplicates += len(good) - len(fresh) - attached
            good = fresh
        self._store(good)

    def _stored(self, good: list[tuple[int, Sequence[str], Row, Checked]]) -> set[tuple[str, str]]:
        """Which of the batch's (source, source_id) pairs are stored already.

        Each row is looked up in the (source, source_id) index, except on SQLite for a source
        with no stored row but this import's own (:func:`bulk.foreign_source`, one index
        range scan): a row of it this import stored is caught by ``seen`` already, so none
        of the batch's rows of that source can be stored.
        """
        keys = [(g[2][SOURCE], g[2][SOURCE_ID]) for g in good]
        if self.own is not None and keys:
            sources = {source for source, _ in keys}
            fresh = {s for s in sources if not bulk.foreign_source(self.conn, s, self.own)}
            if fresh:
                keys = [k for k in keys if k[0] not in fresh]
        return bulk.existing_sources(self.conn, keys) if keys else set()

    def _attach(self, rows: list[tuple[int, Sequence[str], Row, Checked]]) -> int:
        """Re-imported rows that now carry an NHS number their stored child lacks.

        The number is added to that child when no other child has it; when another child has
        it (same date of birth), the two are linked as the same child, with the re-import as
        the reason. Either way the row counts as attached, not as a duplicate skipped.
        """
        info = bulk.children_for_sources(
            self.conn, [(v[SOURCE], v[SOURCE_ID]) for _, _, v, _ in rows]
        )
        attached = 0
        for _, _, v, c in rows:
            nhs, dob = c[0], c[1]
            found = info.get((v[SOURCE], v[SOURCE_ID]))
            if nhs is None or found is None or found[1] is not None or found[2] != dob:
                continue
            child_id = found[0]
            holder = self.children.get(nhs) or bulk.children_by_nhs(self.conn, [nhs]).get(nhs)
            why = f"re-import of {v[SOURCE]} row {v[SOURCE_ID]} carried this NHS number"
            if holder is None:
                bulk.set_nhs_number(self.conn, child_id, nhs, self.stamp, self.ctx.user)
                self.undo.append(["nhs", child_id, nhs])
                self.children[nhs] = (child_id, dob)
                self.events.append(("update", "child", child_id, {"nhs_number": nhs, "why": why}))
            elif holder[0] != child_id and holder[1] == dob:
                link = bulk.link_same_child(
                    self.conn, child_id, holder[0], why, self.stamp, self.ctx.user
                )
                if link is not None:
                    self.undo.append(["link", link])
                    self.events.append(
                        (
                            "create",
                            "child_link",
                            link,
                            {"children": [child_id, holder[0]], "why": why},
                        )
                    )
            else:
                continue
            attached += 1
        self.attached += attached
        return attached

    def _store(self, rows: list[tuple[int, Sequence[str], Row, Checked]]) -> None:
        """Store checked rows: find or create each child, then one executemany per table.

        On SQLite the new children's ids are known before they are inserted (the batch holds
        the write lock from its start: ``bulk.next_id``), so each presentation's row is built
        once, ready for the driver. Elsewhere the new children's places are filled in after
        their ids are reserved.
        """
        known = self.children
        wanted = {c[0] for _, _, _, c in rows if c[0] and c[0] not in known}
        if wanted:
            known.update(bulk.children_by_nhs(self.conn, wanted))
        first_id = bulk.next_id(self.conn, "child")
        next_new = first_id if first_id is not None else -1  # -1, -2, ...: filled in below
        step = 1 if first_id is not None else -1
        new_children: list[tuple[Any, ...]] = []
        known_get = known.get
        user, stamp, reject, add = self.ctx.user, self.stamp, self.rejects.add, new_children.append
        out: list[tuple[Any, ...]] = []
        append = out.append
        placed: list[str] = []
        for line, fields, v, c in rows:
            nhs, dob, seen, findings = c
            (source, source_id, _, family, given, _, sex, postcode, _, setting, organisation,
             complaint, _, outcome) = v  # fmt: skip
            hit = known_get(nhs) if nhs else None
            if hit is None:
                add((
                    nhs, family or None, given or None, _name_key(family),
                    dob.isoformat(), sex or None, postcode or None, stamp, user, 1,
                ))  # fmt: skip
                child_id, next_new = next_new, next_new + step
                if nhs:
                    known[nhs] = (child_id, dob)
                    if first_id is None:
                        placed.append(nhs)  # its placeholder is replaced below
            elif hit[1] != dob:
                reject(
                    fields, line, "date_of_birth: differs from the stored child with this NHS "
                    "number (check the source record)",
                )  # fmt: skip
                continue
            else:
                child_id = hit[0]
            append((
                child_id, seen, setting or None, organisation or None, complaint or None,
                findings, outcome or None, source, source_id, stamp, user, 1,
            ))  # fmt: skip
        ids = bulk.insert_child_tuples(self.conn, new_children, first_id=first_id)
        self.children_created += len(ids)
        if first_id is None and ids:  # placeholders -1, -2, ... become the reserved ids
            real = {-(i + 1): new_id for i, new_id in enumerate(ids)}
            out = [(real[r[0]], *r[1:]) if r[0] < 0 else r for r in out]
            for nhs in placed:
                ref, dob = known[nhs]
                known[nhs] = (real[ref], dob)
        first = bulk.next_id(self.conn, "presentation") if self.own is not None else None
        added = bulk.insert_presentation_tuples(self.conn, out)
        self.imported += added
        if first is not None and self.own is not None and added:
            last = first + added - 1
            if self.own and self.own[-1][1] == first - 1:
                self.own[-1] = (self.own[-1][0], last)  # the batch after this import's last
            else:
                self.own.append((first, last))
