"""Use-cases on the audit trail: check the chain; record prints and exports."""

from __future__ import annotations

from typing import Any

from triage_app.domain.records import AuditCheck, AuditEvent
from triage_app.services.context import StoreContext
from triage_app.store import audit


def verify(ctx: StoreContext) -> AuditCheck:
    """Re-check every event's hash and link; the result names the first broken event."""
    with ctx.session_factory.begin() as s:
        return audit.verify(s)


def events(ctx: StoreContext, limit: int | None = None) -> list[AuditEvent]:
    """Return the events in chain order (the first ``limit`` when given)."""
    out: list[AuditEvent] = []
    with ctx.session_factory.begin() as s:
        for ev in audit.iter_events(s):
            out.append(ev)
            if limit is not None and len(out) >= limit:
                break
    return out


def record_print(ctx: StoreContext, entity: str, entity_id: Any, what: dict[str, Any]) -> None:
    """Record that a record was printed (call in the same use-case as the print)."""
    with ctx.transaction() as s:
        ctx.audit(s, "print", entity, entity_id, after=what)


def record_export(ctx: StoreContext, entity: str, entity_id: Any, what: dict[str, Any]) -> None:
    """Record that a record was exported (file name, format; never its contents)."""
    with ctx.transaction() as s:
        ctx.audit(s, "export", entity, entity_id, after=what)
