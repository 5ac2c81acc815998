"""Append-only, hash-chained audit trail.

Every create, update, view, print and export writes one event in the same transaction as the
change it records. Each event's hash is SHA-256 over the previous event's hash and the
event's canonical text, so altering, removing or reordering any event breaks the chain at
that event. Triggers in the database refuse UPDATE and DELETE on ``audit_event``
(installed by migration 0001; SQLite and PostgreSQL versions below).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from triage_app.domain.records import AuditCheck, AuditEvent
from triage_app.store.driver_select import DriverSelect
from triage_app.store.orm import AuditEventRow

GENESIS_HASH = "0" * 64
ACTIONS = ("create", "update", "view", "print", "export", "import")
# Arbitrary constant key for PostgreSQL's transaction-scoped advisory lock on the chain.
_PG_LOCK_KEY = 4_143_231_010

SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP; END $$""",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
)


_EVENT = AuditEventRow.__table__
# Read on the driver's cursor on SQLite (every use-case appends an event: issue 15).
_LAST_HASH = DriverSelect(select(_EVENT.c.hash).order_by(_EVENT.c.id.desc()).limit(1))
_APPEND = insert(_EVENT)


def canonical(value: Any) -> str | None:
    """Return the canonical JSON text of a value (sorted keys, no spaces), or ``None``."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    prev_hash: str,
    at: str,
    username: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: str | None,
    after: str | None,
) -> str:
    """Return the SHA-256 hex digest chaining one event to the previous one."""
    body = canonical(
        {
            "at": at,
            "user": username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + "\n" + (body or "")).encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    at: datetime,
    username: str,
    action: str,
    entity: str,
    entity_id: Any = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain inside the session's transaction.

    Args:
        session: the use-case's session; the event commits or rolls back with the change.
        at: when it happened (the service's clock).
        username: who did it.
        action: one of ``create``, ``update``, ``view``, ``print``, ``export``, ``import``.
        entity: what kind of record (``child``, ``presentation``, ``case`` ...).
        entity_id: the record's id (ids only: never names or NHS numbers in ``entity_id``).
        before: the record before the change (JSON-able), for updates.
        after: the record after the change, or what was viewed or exported.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r} (known: {', '.join(ACTIONS)})")
    lock_chain(session)
    session.flush()
    # Core, not an ORM object: one event per use-case, and the unit of work costs more than
    # the insert (the event is never changed afterwards, so nothing needs tracking).
    last = _LAST_HASH.rows(session, {}).first()
    prev: str = (last[0] if last else None) or GENESIS_HASH
    conn = session.connection()
    stamp = at.isoformat(timespec="microseconds")
    ref = None if entity_id is None else str(entity_id)
    before_text, after_text = canonical(before), canonical(after)
    digest = event_hash(prev, stamp, username, action, entity, ref, before_text, after_text)
    inserted = conn.execute(
        _APPEND,
        {
            "at": stamp,
            "username": username,
            "action": action,
            "entity": entity,
            "entity_id": ref,
            "before": before_text,
            "after": after_text,
            "prev_hash": prev,
            "hash": digest,
        },
    ).inserted_primary_key
    assert inserted is not None
    return AuditEvent(
        id=int(inserted[0]),
        at=stamp,
        username=username,
        action=action,
        entity=entity,
        entity_id=ref,
        before=before_text,
        after=after_text,
        prev_hash=prev,
        hash=digest,
    )


def lock_chain(session: Session) -> None:
    """Serialise writers of the chain on PostgreSQL (a transaction-scoped advisory lock).

    SQLite needs nothing: its transactions start with ``BEGIN IMMEDIATE``. Anything that must
    happen in chain order (sealing a record, then auditing it) takes this lock first.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def to_event(row: AuditEventRow) -> AuditEvent:
    """Map a row to the domain object."""
    return AuditEvent(
        id=row.id,
        at=row.at,
        username=row.username,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def iter_events(session: Session, batch: int = 5_000) -> Iterator[AuditEvent]:
    """Yield every event in chain order (by id), reading in batches."""
    for row in iter_by_id(session, AuditEventRow, batch):
        yield to_event(row)


def iter_by_id(
    session: Session, model: type[Any], batch: int, *, release: bool = False
) -> Iterator[Any]:
    """Yield every row of ``model`` in id order, ``batch`` rows per query (keyset paging).

    Args:
        session: the open session.
        model: an ORM class with an integer ``id``.
        batch: rows per query.
        release: expunge each batch once yielded (rows that carry large blobs, such as PDFs).
    """
    last_id = 0
    while True:
        rows = session.scalars(
            select(model).where(model.id > last_id).order_by(model.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        if release:
            session.expunge_all()


def verify(session: Session) -> AuditCheck:
    """Re-check the whole chain; name the first event whose hash or link is wrong."""
    prev = GENESIS_HASH
    count = 0
    for ev in iter_events(session):
        count += 1
        if ev.prev_hash != prev:
            return AuditCheck(
                count,
                ev.id,
                f"event {ev.id} does not link to the event before it "
                "(an event was removed, inserted or reordered)",
            )
        expected = event_hash(
            prev, ev.at, ev.username, ev.action, ev.entity, ev.entity_id, ev.before, ev.after
        )
        if expected != ev.hash:
            return AuditCheck(
                count, ev.id, f"event {ev.id} has been altered (its hash does not match)"
            )
        prev = ev.hash
    return AuditCheck(count)
