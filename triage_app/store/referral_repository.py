"""Sealed referral records: insert a version, read versions, and check them against the trail.

Rows of ``referral_record`` are never updated or deleted (migration 0003 installs triggers that
refuse it), so this repository only inserts and reads. Sealing also sets the case's ``sealed``
flag, naming the case version the caller read (a case changed meanwhile is a conflict).

:func:`verify_sealed` re-checks every sealed record: the SHA-256 of the stored PDF bytes must
equal the stored ``pdf_sha256``, and the hashes must equal those the audit event that created
the record wrote into the hash-chained trail when it was sealed. Changing the bytes, the
stored hash, or both, is therefore detected (the chain itself is checked by ``audit.verify``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from triage_app.domain.records import ConflictError, NotFoundError
from triage_app.domain.sealed import IntegrityCheck, SealedRecord, SealingError
from triage_app.store import audit
from triage_app.store.orm import AuditEventRow, Case, ReferralRecordRow
from triage_app.store.repositories import flush_or_conflict

ENTITY = "referral_record"  # the audit trail's entity name for sealed records


def sealing_facts(record: SealedRecord) -> dict[str, Any]:
    """What the audit event of a sealing records: ids and hashes (never patient details)."""
    return {
        "case_id": record.case_id,
        "version": record.version,
        "record_uid": record.record_uid,
        "supersedes_id": record.supersedes_id,
        "pdf_sha256": record.pdf_sha256,
        "content_sha256": record.content_sha256,
        "fhir_sha256": _sha(record.fhir_json),
        # Every other column too (issue 13): who sealed it, when, and why an addendum.
        "sealed_by": record.sealed_by,
        "sealed_at": _when(record.sealed_at),
        "addendum_reason_sha256": _sha(record.addendum_reason),
    }


def _when(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="microseconds")


def _sha(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(row: ReferralRecordRow, supersedes_uid: str | None) -> SealedRecord:
    return SealedRecord(
        case_id=row.case_id,
        version=row.version,
        record_uid=row.record_uid,
        pdf=bytes(row.pdf),
        pdf_sha256=row.pdf_sha256,
        content_sha256=row.content_sha256,
        fhir_json=row.fhir_json,
        sealed_at=row.sealed_at,
        sealed_by=row.sealed_by,
        supersedes_id=row.supersedes_id,
        supersedes_uid=supersedes_uid,
        addendum_reason=row.addendum_reason,
        id=row.id,
    )


class ReferralRecordRepository:
    """Sealed versions of referral records (insert and read only)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, record: SealedRecord) -> SealedRecord:
        """Store a sealed version and return it with its id.

        Raises:
            ValueError: the PDF bytes do not match ``record.pdf_sha256``.
            SealingError: another user sealed this version at the same moment.
        """
        if hashlib.sha256(record.pdf).hexdigest() != record.pdf_sha256:
            raise ValueError("the PDF bytes do not match their SHA-256; nothing was sealed")
        row = ReferralRecordRow(
            case_id=record.case_id,
            version=record.version,
            record_uid=record.record_uid,
            supersedes_id=record.supersedes_id,
            addendum_reason=record.addendum_reason,
            content_sha256=record.content_sha256,
            pdf_sha256=record.pdf_sha256,
            pdf=record.pdf,
            fhir_json=record.fhir_json,
            sealed_at=record.sealed_at,
            sealed_by=record.sealed_by,
        )
        self.s.add(row)
        try:
            self.s.flush()
        except IntegrityError:
            raise SealingError(
                f"version {record.version} of case {record.case_id}'s referral record was "
                "sealed by someone else at the same moment; nothing was sealed (reload the case)"
            ) from None
        return _record(row, record.supersedes_uid)

    def serialise_sealing(self) -> None:
        """Take the audit chain's lock now (PostgreSQL; SQLite transactions are serial already).

        Sealing writes audit events, which take this transaction-scoped lock anyway; taking it
        first means two users sealing the same case at once run one after the other (the
        second is told the case is already finalised) instead of deadlocking on the
        version's unique index and the chain lock taken in opposite orders.
        """
        audit.lock_chain(self.s)  # one lock, one order: the chain's own

    def versions(self, case_id: int) -> list[SealedRecord]:
        """Every sealed version of the case's record, oldest (version 1) first."""
        older = aliased(ReferralRecordRow)
        rows = self.s.execute(
            select(ReferralRecordRow, older.record_uid)
            .outerjoin(older, ReferralRecordRow.supersedes_id == older.id)
            .where(ReferralRecordRow.case_id == case_id)
            .order_by(ReferralRecordRow.version)
        ).all()
        return [_record(row, uid) for row, uid in rows]

    def latest_version(self, case_id: int) -> int:
        """The highest sealed version of the case's record (0 when none is sealed)."""
        found = self.s.scalars(
            select(ReferralRecordRow.version)
            .where(ReferralRecordRow.case_id == case_id)
            .order_by(ReferralRecordRow.version.desc())
            .limit(1)
        ).first()
        return found or 0

    def get(self, case_id: int, version: int | None = None) -> SealedRecord:
        """Return one version (the latest when ``version`` is ``None``).

        Raises:
            NotFoundError: the case has no sealed record, or not that version.
        """
        versions = self.versions(case_id)
        if not versions:
            raise NotFoundError(f"case {case_id} has no sealed referral record (finalise it first)")
        if version is None:
            return versions[-1]
        found = next((v for v in versions if v.version == version), None)
        if found is None:
            known = ", ".join(str(v.version) for v in versions)
            raise NotFoundError(
                f"case {case_id} has no referral record version {version} (sealed: {known})"
            )
        return found

    def by_uid(self, record_uid: str) -> SealedRecord:
        """Return the version with this ``record_uid``, or raise NotFoundError."""
        case_id = self.s.scalar(
            select(ReferralRecordRow.case_id).where(ReferralRecordRow.record_uid == record_uid)
        )
        if case_id is None:
            raise NotFoundError(f"no sealed referral record {record_uid}")
        return next(v for v in self.versions(case_id) if v.record_uid == record_uid)

    def mark_case_sealed(self, case_id: int, expected: int, user: str, now: datetime) -> None:
        """Set the case's ``sealed`` flag, naming the case version the caller read.

        Raises:
            NotFoundError: no such case.
            ConflictError: the case changed since ``expected`` was read.
        """
        row = self.s.get(Case, case_id)
        if row is None:
            raise NotFoundError(f"no case with id {case_id}")
        if row.row_version != expected:
            raise ConflictError("case", case_id, expected, row.row_version, {"sealed": True})
        row.sealed = True
        row.modified_at, row.modified_by = now, user
        flush_or_conflict(self.s, "case", case_id, expected)


def _creation_facts(session: Session) -> dict[str, tuple[int, str, dict[str, Any]]]:
    """The first 'create' event of each sealed record: entity id -> (event id, user, facts)."""
    found: dict[str, tuple[int, str, dict[str, Any]]] = {}
    rows = session.execute(
        select(
            AuditEventRow.id, AuditEventRow.entity_id, AuditEventRow.username, AuditEventRow.after
        )
        .where(AuditEventRow.entity == ENTITY, AuditEventRow.action == "create")
        .order_by(AuditEventRow.id)
    )
    for event_id, entity_id, username, after in rows:
        if entity_id is None or entity_id in found:
            continue
        try:
            facts = json.loads(after or "{}")
        except ValueError:
            facts = {}
        found[entity_id] = (event_id, username, facts if isinstance(facts, dict) else {})
    return found


def verify_sealed(session: Session, events: int = 0) -> IntegrityCheck:
    """Check every sealed record, and that none is missing; name the first problem.

    Each stored version must match, column by column, what the audit event that sealed it
    recorded (PDF, FHIR and addendum reason by SHA-256; ``sealed_by`` against the event's
    user too). Each sealing event must still have its version, each case's versions must
    run 1, 2, 3 ... without a gap, and a case with a sealed version must still be marked
    sealed.

    Args:
        session: A read session.
        events: The number of audit events already checked (carried into the result).
    """
    created = _creation_facts(session)
    count = 0
    seen: set[str] = set()
    versions: dict[int, list[int]] = {}
    # A few rows at a time, each released once checked: every row carries a whole PDF.
    for row in audit.iter_by_id(session, ReferralRecordRow, 50, release=True):
        count += 1
        name = f"{row.record_uid} (case {row.case_id}, version {row.version})"
        seen.add(str(row.id))
        versions.setdefault(row.case_id, []).append(row.version)
        problem = _row_problem(row, created.get(str(row.id)))
        if problem:
            return IntegrityCheck(
                events, None, f"sealed referral record {name}: {problem}", count, row.record_uid
            )
    for entity_id, (event_id, _, facts) in created.items():
        if entity_id not in seen:
            uid = str(facts.get("record_uid") or entity_id)
            return IntegrityCheck(
                events,
                None,
                f"sealed referral record {uid} (case {facts.get('case_id')}, version "
                f"{facts.get('version')}) is missing: audit event {event_id} records its "
                "sealing but the version is gone (deleted outside the app)",
                count,
                uid,
            )
    for case_id, found in sorted(versions.items()):
        if sorted(found) != list(range(1, len(found) + 1)):
            return IntegrityCheck(
                events,
                None,
                f"case {case_id}'s sealed versions are {sorted(found)}: a version is missing",
                count,
                f"case {case_id}",
            )
    sealed_cases = {int(f["case_id"]) for _, _, f in created.values() if "case_id" in f}
    if sealed_cases:
        unsealed = session.scalars(
            select(Case.id).where(Case.id.in_(sealed_cases), Case.sealed.is_not(True))
        ).all()
        if unsealed:
            return IntegrityCheck(
                events,
                None,
                f"case {unsealed[0]} has a sealed referral record in the audit trail but is no "
                "longer marked sealed (changed outside the app)",
                count,
                f"case {unsealed[0]}",
            )
    return IntegrityCheck(events, records=count)


def _row_problem(
    row: ReferralRecordRow, creation: tuple[int, str, dict[str, Any]] | None
) -> str | None:
    if hashlib.sha256(bytes(row.pdf)).hexdigest() != row.pdf_sha256:
        return "the stored PDF does not match its SHA-256 (the file was altered after sealing)"
    if creation is None:
        return "no audit event records its sealing (the record was not sealed by the app)"
    event_id, username, facts = creation
    stored = {
        "case_id": row.case_id,
        "version": row.version,
        "record_uid": row.record_uid,
        "supersedes_id": row.supersedes_id,
        "pdf_sha256": row.pdf_sha256,
        "content_sha256": row.content_sha256,
        "fhir_sha256": _sha(row.fhir_json),
        "sealed_by": row.sealed_by,
        "sealed_at": _when(row.sealed_at),
        "addendum_reason_sha256": _sha(row.addendum_reason),
    }
    # Records sealed before issue 13 lack the last three facts: those are compared when
    # recorded; ``sealed_by`` is always compared with the sealing event's user.
    differ = [k for k, v in stored.items() if (k in facts or k in _ALWAYS) and facts.get(k) != v]
    if row.sealed_by != username and "sealed_by" not in differ:
        differ.append("sealed_by")
    if differ:
        return (
            f"{', '.join(differ)} differ from what audit event {event_id} recorded when it "
            "was sealed (the record was altered after sealing)"
        )
    return None


_ALWAYS = frozenset(
    {"case_id", "version", "record_uid", "supersedes_id", "pdf_sha256", "content_sha256"}
    | {"fhir_sha256"}
)
