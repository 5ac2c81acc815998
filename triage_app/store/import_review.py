"""The review flag of imported presentations (revision 0008): set inside the import's transaction.

Kept apart from ``bulk`` so the mapped import adds a column without changing the row import's
inserts: the flag is written, after the rows of a batch are inserted, by their unique
(source, source_id).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection


def mark_for_review(conn: Connection, rows: Sequence[tuple[str, str, str]]) -> int:
    """Set ``review`` on presentations given as (review, source, source_id); return how many."""
    if not rows:
        return 0
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"UPDATE presentation SET review = {mark} WHERE source = {mark} AND source_id = {mark}",
        list(rows),
    )
    return len(rows)
