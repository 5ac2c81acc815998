"""Use-cases on the audit trail: check the chain and sealed records; record prints, exports."""

from __future__ import annotations

from typing import Any

from triage_app.domain.records import AuditEvent
from triage_app.domain.sealed import IntegrityCheck
from triage_app.services.context import StoreContext
from triage_app.store import audit
from triage_app.store.referral_repository import verify_sealed


def verify(ctx: StoreContext) -> IntegrityCheck:
    """Re-check the audit chain, then every sealed referral record; name the first break.

    The chain is checked first (each event's hash and link). Then each sealed record: the
    SHA-256 of its stored PDF bytes must equal its stored ``pdf_sha256``, and its hashes must
    equal those the audit event that created it recorded (so replacing both the bytes and the
    stored hash is caught too). ``intact`` is true only when both checks pass.
    """
    with ctx.session_factory.begin() as s:
        chain = audit.verify(s)
        if not chain.intact:
            return IntegrityCheck(chain.events, chain.broken_event_id, chain.problem)
        return verify_sealed(s, events=chain.events)


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
