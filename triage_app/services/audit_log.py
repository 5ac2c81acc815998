"""Use-cases on the audit trail: check the chain and sealed records; record prints, exports."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.domain.records import AuditEvent
from triage_app.domain.sealed import IntegrityCheck
from triage_app.services.context import StoreContext
from triage_app.store import audit, signing
from triage_app.store.keyring import LOCK_POLICY_ENTITY, Keyring, LockPolicy
from triage_app.store.orm import AuditEventRow
from triage_app.store.referral_repository import verify_sealed


def verify(ctx: StoreContext, keyring: Keyring | None = None) -> IntegrityCheck:
    """Re-check the audit chain, every sealed record, every account and the lock policy.

    The chain is checked first (each event's hash and link). Then each sealed record: every
    column must equal what the audit event that sealed it recorded, no sealed version may be
    missing and its case must still be marked sealed (:func:`verify_sealed`). Then every
    account with a role must carry a valid administrator's signature chaining to the
    database's signing anchor (:mod:`triage_app.store.signing`). With the folder's
    ``keyring``, its lock policy must be the one the audit trail recorded. ``intact`` is true
    only when every check passes.
    """
    with ctx.session_factory.begin() as s:
        return verify_session(s, keyring)


def verify_session(s: Session, keyring: Keyring | None = None) -> IntegrityCheck:
    """:func:`verify` on an open session (restore checks a backup's copy with it)."""
    chain = audit.verify(s)
    if not chain.intact:
        return IntegrityCheck(chain.events, chain.broken_event_id, chain.problem)
    sealed = verify_sealed(s, events=chain.events)
    if not sealed.intact:
        return sealed
    check = signing.AccountCheck(s)
    accounts = sum(1 for r in check.rows.values() if r.role is not None or r.password_hash)
    if check.anchor is not None or any(r.signature for r in check.rows.values()):
        broken = check.broken()
        if broken:
            name, why = broken[0]
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            return IntegrityCheck(
                chain.events,
                None,
                f"account {name!r}: {why}{more}",
                sealed.records,
                None,
                accounts,
                name,
            )
    if keyring is not None and keyring.exists():
        problem = lock_policy_problem(s, keyring)
        if problem:
            return IntegrityCheck(
                chain.events, None, problem, sealed.records, None, accounts, "(lock policy)"
            )
    anchor = check.anchor
    return IntegrityCheck(
        chain.events,
        records=sealed.records,
        accounts=accounts,
        anchor=f"{anchor.username}, {anchor.fingerprint}" if anchor else None,
    )


def lock_policy_problem(s: Session, keyring: Keyring) -> str | None:
    """Why the key file's lock policy is not the one the audit trail recorded, or ``None``."""
    kept = keyring.policy_in_file()
    recorded = s.scalars(
        select(AuditEventRow.after)
        .where(AuditEventRow.entity == LOCK_POLICY_ENTITY)
        .order_by(AuditEventRow.id.desc())
        .limit(1)
    ).first()
    if recorded is None:
        # A folder made before the rule was recorded: any rule at least as strict as the
        # default (5 failures, 15 minutes) is accepted; a weaker one is reported.
        default = LockPolicy()
        if kept.max_failures <= default.max_failures and kept.lock_minutes >= default.lock_minutes:
            return None
        expected = default
    else:
        try:
            data = json.loads(recorded)
            expected = LockPolicy(int(data["max_failures"]), int(data["lock_minutes"]))
        except (ValueError, KeyError, TypeError):
            return "the lock policy recorded in the audit trail is damaged"
    if kept != expected:
        return (
            f"the key file's lock policy ({kept.max_failures} failures, {kept.lock_minutes} "
            f"minutes) is not the one the audit trail recorded ({expected.max_failures} "
            f"failures, {expected.lock_minutes} minutes): changed outside the app"
        )
    return None


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
