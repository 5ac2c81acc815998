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
    }


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


def _creation_facts(session: Session) -> dict[str, tuple[int, dict[str, Any]]]:
    """The first 'create' audit event of each sealed record: entity id -> (event id, facts)."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    rows = session.execute(
        select(AuditEventRow.id, AuditEventRow.entity_id, AuditEventRow.after)
        .where(AuditEventRow.entity == ENTITY, AuditEventRow.action == "create")
        .order_by(AuditEventRow.id)
    )
    for event_id, entity_id, after in rows:
        if entity_id is None or entity_id in found:
            continue
        try:
            facts = json.loads(after or "{}")
        except ValueError:
            facts = {}
        found[entity_id] = (event_id, facts if isinstance(facts, dict) else {})
    return found


def verify_sealed(session: Session, events: int = 0) -> IntegrityCheck:
    """Check every sealed record; the result names the first broken one.

    Args:
        session: A read session.
        events: The number of audit events already checked (carried into the result).
    """
    created = _creation_facts(session)
    count = 0
    # A few rows at a time, each released once checked: every row carries a whole PDF.
    for row in audit.iter_by_id(session, ReferralRecordRow, 50, release=True):
        count += 1
        name = f"{row.record_uid} (case {row.case_id}, version {row.version})"
        problem = _row_problem(row, created.get(str(row.id)))
        if problem:
            return IntegrityCheck(
                events, None, f"sealed referral record {name}: {problem}", count, row.record_uid
            )
    return IntegrityCheck(events, records=count)


def _row_problem(row: ReferralRecordRow, creation: tuple[int, dict[str, Any]] | None) -> str | None:
    if hashlib.sha256(bytes(row.pdf)).hexdigest() != row.pdf_sha256:
        return "the stored PDF does not match its SHA-256 (the file was altered after sealing)"
    if creation is None:
        return "no audit event records its sealing (the record was not sealed by the app)"
    event_id, facts = creation
    stored = {
        "case_id": row.case_id,
        "version": row.version,
        "record_uid": row.record_uid,
        "supersedes_id": row.supersedes_id,
        "pdf_sha256": row.pdf_sha256,
        "content_sha256": row.content_sha256,
        "fhir_sha256": _sha(row.fhir_json),
    }
    differ = [k for k, v in stored.items() if facts.get(k) != v]
    if differ:
        return (
            f"{', '.join(differ)} differ from what audit event {event_id} recorded when it "
            "was sealed (the record was altered after sealing)"
        )
    return None
