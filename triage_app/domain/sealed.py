"""Sealed referral records as plain domain objects, and the result of checking them.

A case's referral record is *sealed* when the case is finalised: the rendered PDF bytes, their
SHA-256, the hash of the record's content (printed in the PDF footer) and the FHIR document
are stored together and never changed again. A correction is an *addendum*: a new sealed
version that names the version it supersedes. Both stay stored and printable. See
``docs/referral-record.md`` (Sealing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage_app.domain.records import AuditCheck


@dataclass(frozen=True)
class SealedRecord:
    """One sealed version of a case's referral record, as stored.

    Attributes:
        case_id: The case the record belongs to.
        version: 1 for the record sealed on finalising; 2, 3 ... for addenda.
        record_uid: The version's unique id, ``<record id>/v<version>`` (as in the FHIR
            identifier and the PDF footer).
        pdf: The sealed PDF bytes (exports write these, never a re-render).
        pdf_sha256: SHA-256 of ``pdf`` recorded when it was sealed.
        content_sha256: SHA-256 of the record's canonical content (printed in the footer).
        fhir_json: The sealed FHIR R4B document Bundle, as JSON text.
        sealed_at: When it was sealed.
        sealed_by: Who sealed it (the acting user).
        supersedes_id: For an addendum, the id of the version it corrects.
        supersedes_uid: For an addendum, the ``record_uid`` of the version it corrects.
        addendum_reason: Why the addendum was made.
        id: The stored row's id (``None`` before it is stored).
    """

    case_id: int
    version: int
    record_uid: str
    pdf: bytes
    pdf_sha256: str
    content_sha256: str
    fhir_json: str | None
    sealed_at: datetime
    sealed_by: str
    supersedes_id: int | None = None
    supersedes_uid: str | None = None
    addendum_reason: str | None = None
    id: int | None = None

    @property
    def is_addendum(self) -> bool:
        """True for a correction (version 2 onwards)."""
        return self.supersedes_id is not None

    def __repr__(self) -> str:
        # The PDF is long and carries patient details: never in a repr (or a log line).
        return (
            f"SealedRecord(id={self.id}, case_id={self.case_id}, version={self.version}, "
            f"pdf_sha256={self.pdf_sha256[:12]}..., {len(self.pdf)} bytes)"
        )


@dataclass(frozen=True)
class IntegrityCheck(AuditCheck):
    """The audit chain's check, extended with the check of every sealed referral record.

    ``intact`` (inherited) is true only when the chain and every sealed record are intact.
    When a sealed record is broken, ``broken_record`` names it (``record_uid``) and
    ``problem`` says what is wrong; ``broken_event_id`` stays ``None``.
    """

    records: int = 0
    broken_record: str | None = None
    # Set when an account record does not verify (issue 13), or the lock policy was changed.
    accounts: int = 0
    broken_account: str | None = None
    # The account-signing anchor: "name, fingerprint" (compare with a copy kept elsewhere).
    anchor: str | None = None


class SealingError(RuntimeError):
    """A finalise, addendum or export that cannot be done; the message says why and what to do.

    Nothing was written when this is raised.
    """


class ExportTargetError(SealingError):
    """An export's destination cannot be used (no file named, folder missing, file exists)."""
