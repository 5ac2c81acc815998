"""Import jobs on SQLite: an import committed in batches, marked until it is complete.

A long import in one SQLite transaction holds the write lock for its whole run, and every
other command (signing in writes an audit event) waits and then fails. So on SQLite an import
commits batch by batch, and its job row (``import_job``) says what is not yet complete:
``status`` is ``running`` until the final commit (which also writes the audit event) sets
``done``. Each batch records the id ranges of the children and presentations it inserted
(SQLite transactions are serial, so a batch's new ids are contiguous). An import that fails
rolls its batches back at once; one that was killed is rolled back by the next import
(:func:`roll_back_interrupted`), audited either way: all or nothing, as the user sees it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from triage_app.store.bulk import db_datetime
from triage_app.store.orm import ImportJobRow

RUNNING, DONE, ROLLED_BACK = "running", "done", "rolled_back"


def start(session: Session, file_name: str, sha256: str, user: str, now: datetime) -> int:
    """Record a new running job (the caller commits); return its id."""
    row = ImportJobRow(
        file_name=file_name,
        file_sha256=sha256,
        status=RUNNING,
        owner_pid=os.getpid(),
        started_by=user,
        started_at=now,
        ranges="[]",
    )
    session.add(row)
    session.flush()
    return row.id


def max_ids(conn: Connection) -> tuple[int, int]:
    """The highest child and presentation ids (0 when empty)."""
    child = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM child").scalar_one()
    pres = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM presentation").scalar_one()
    return int(child), int(pres)


def add_batch(
    conn: Connection,
    job_id: int,
    before: tuple[int, int],
    line: int,
    changed: list[list[Any]] | None = None,
) -> None:
    """Record the ids a batch inserted (between ``before`` and now) and the line reached.

    ``changed``: what the batch changed in rows it did not insert (a re-import attaching an
    NHS number to a stored child, ``["nhs", child id, number]``, or linking two children as
    the same child, ``["link", link id]``), so that a rollback undoes it too.
    """
    after = max_ids(conn)
    ranges = json.loads(
        conn.execute(select(ImportJobRow.ranges).where(ImportJobRow.id == job_id)).scalar_one()
        or "[]"
    )
    if after[0] > before[0]:
        ranges.append(["child", before[0] + 1, after[0]])
    if after[1] > before[1]:
        ranges.append(["presentation", before[1] + 1, after[1]])
    ranges.extend(changed or [])
    conn.execute(
        ImportJobRow.__table__.update()
        .where(ImportJobRow.id == job_id)
        .values(ranges=json.dumps(ranges), lines_done=line)
    )


def finish(session: Session, job_id: int, status: str, now: datetime) -> None:
    """Mark the job done (in the final transaction) or rolled back."""
    row = session.get(ImportJobRow, job_id)
    if row is not None:
        row.status, row.finished_at = status, now


def roll_back(
    session: Session, job_id: int, now: datetime | None = None, user: str = "import rollback"
) -> dict[str, int]:
    """Undo what the job did; return the counts.

    Its same-child links are removed and the NHS numbers it attached to stored children are
    taken off again (when still the same), then what it inserted is deleted (rows nothing else
    refers to): a presentation another record now refers to (an assessment, a case), or a
    child with other records, is kept: it is no longer the import's alone.
    """
    row = session.get(ImportJobRow, job_id)
    if row is None:
        return {"presentations": 0, "children": 0, "nhs_numbers": 0, "links": 0}
    entries = json.loads(row.ranges or "[]")
    ranges = [e for e in entries if e[0] in ("child", "presentation")]
    removed = {"presentations": 0, "children": 0, "nhs_numbers": 0, "links": 0}
    conn = session.connection()  # its execute gives a CursorResult, which has the rowcount
    for entry in entries:
        if entry[0] == "link":
            removed["links"] += conn.execute(
                text("DELETE FROM child_link WHERE id = :i AND kind = 'same_child'"),
                {"i": entry[1]},
            ).rowcount
    for entry in entries:
        if entry[0] == "nhs":
            removed["nhs_numbers"] += conn.execute(
                text(
                    "UPDATE child SET nhs_number = NULL, modified_at = :t, modified_by = :u, "
                    "row_version = row_version + 1 WHERE id = :i AND nhs_number = :n"
                ),
                {"i": entry[1], "n": entry[2], "t": db_datetime(now or datetime.now()), "u": user},
            ).rowcount
    for table, first, last in ranges:
        if table == "presentation":
            removed["presentations"] += conn.execute(
                text(
                    "DELETE FROM presentation WHERE id BETWEEN :a AND :b "
                    "AND NOT EXISTS (SELECT 1 FROM assessment x WHERE x.presentation_id = "
                    "presentation.id) AND NOT EXISTS (SELECT 1 FROM safeguarding_case c "
                    "WHERE c.presentation_id = presentation.id)"
                ),
                {"a": first, "b": last},
            ).rowcount
    for table, first, last in ranges:
        if table == "child":
            removed["children"] += conn.execute(
                text(
                    "DELETE FROM child WHERE id BETWEEN :a AND :b "
                    "AND NOT EXISTS (SELECT 1 FROM presentation p WHERE p.child_id = child.id) "
                    "AND NOT EXISTS (SELECT 1 FROM safeguarding_case c WHERE c.child_id = "
                    "child.id) AND NOT EXISTS (SELECT 1 FROM household_link h WHERE "
                    "h.child_id = child.id OR h.related_child_id = child.id) "
                    "AND NOT EXISTS (SELECT 1 FROM child_link k WHERE "
                    "k.child_id = child.id OR k.other_child_id = child.id)"
                ),
                {"a": first, "b": last},
            ).rowcount
    return removed


def interrupted(session: Session) -> list[Any]:
    """Running jobs whose process is gone (killed, or the computer lost power)."""
    out = []
    for row in session.scalars(select(ImportJobRow).where(ImportJobRow.status == RUNNING)):
        if row.owner_pid == os.getpid():
            continue  # this process's own running import
        try:
            os.kill(int(row.owner_pid or 0), 0)
            alive = bool(row.owner_pid)
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            out.append(row)
    return out
