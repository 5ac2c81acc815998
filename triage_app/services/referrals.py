"""Use-cases: seal a case's referral record, add addenda, export and print sealed records.

What "sealed" means:

- Finalising a case builds its referral record from what is stored (child, household, earlier
  presentations, the assessment and its decision, actions, investigations, the strategy
  meeting, the acting user as referrer, the profile's contacts), renders the PDF and the FHIR
  document, and stores the bytes with their SHA-256 and the content hash, sets the case's
  ``sealed`` flag and writes the audit events, all in one transaction.
- A sealed version never changes (the database refuses UPDATE and DELETE on it). Finalising
  again is refused: a correction, or a later result, is an *addendum* (version N + 1, built
  from the case as it is then, naming the version it supersedes and why). Every version stays
  stored, exportable and printable.
- The case itself is not frozen: tracking continues after sealing (results, actions, strategy
  meetings, supervision, closure), through :mod:`triage_app.services.cases` as before. Those
  changes never alter a sealed version; to hand them over, add an addendum.
- Exports write the sealed bytes (never a re-render) where the user chose, and are audited.

Access follows :mod:`triage_app.domain.access`: sealing needs the ``record`` permission, and
every use-case here works only on a case the signed-in user may see.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sqlalchemy.orm import Session

from triage_app.domain.access import AccessDeniedError, Permission, allowed, can_see_case
from triage_app.domain.handover import cp_is_seal_problem
from triage_app.domain.records import CaseRecord, ConflictError
from triage_app.domain.referral import ReferralRecord, content_sha256, sha256_hex
from triage_app.domain.sealed import ExportTargetError, SealedRecord, SealingError
from triage_app.services.cases import case_audit
from triage_app.services.context import StoreContext
from triage_app.services.referral_content import build_case_record
from triage_app.store.case_repository import CaseRepository
from triage_app.store.referral_repository import ENTITY, ReferralRecordRepository, sealing_facts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the sealed version and the files (PDF, FHIR) it wrote."""

    record: SealedRecord
    pdf_path: Path | None = None
    fhir_path: Path | None = None


def app_version() -> str:
    """The installed app's version, printed in the record's footer ("" when not installed)."""
    try:
        return metadata.version("triage-app")
    except metadata.PackageNotFoundError:
        return ""


def record_id_for(case: CaseRecord) -> str:
    """The case's record id, printed on every page: ``NIM-<year opened>-<case id>``."""
    return f"NIM-{case.opened_at.year}-{case.id:06d}"


def finalise_case(
    ctx: StoreContext, case_id: int, *, case_version: int | None = None
) -> SealedRecord:
    """Seal the case's referral record (version 1).

    Args:
        ctx: The store context; the acting user is the referrer and the sealer.
        case_id: The case to finalise.
        case_version: The case version the user reviewed; when given and the case has changed
            since, nothing is sealed (ConflictError).

    Raises:
        SealingError: the case is already finalised (add an addendum instead), or has no
            recorded assessment to build the record from.
        NotFoundError: no such case.
        ConflictError: the case changed since ``case_version`` was read.
        AccessDeniedError: the user's role may not record, or may not see this case.
        UncoveredCharacterError: a stored character cannot be printed; nothing was sealed.
    """
    return _seal(ctx, case_id, case_version, reason=None)


def add_addendum(
    ctx: StoreContext, case_id: int, reason: str, *, case_version: int | None = None
) -> SealedRecord:
    """Seal a new version of a finalised case's record, superseding the latest version.

    The addendum is built from the case as it is now (later results, actions and meetings
    included) and carries ``reason``; the earlier versions stay stored and printable.

    Raises:
        SealingError: no reason given, or the case has not been finalised yet.
        NotFoundError: no such case.
        ConflictError: the case changed since ``case_version`` was read.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SealingError("an addendum needs a reason (what is corrected or added, and why)")
    return _seal(ctx, case_id, case_version, reason=reason)


def _visible(ctx: StoreContext, s: Session, case_id: int) -> CaseRecord:
    """The case, if the signed-in user may see it (their own, or any for a safeguarding lead).

    Raises:
        NotFoundError: no such case.
        AccessDeniedError: the user's role does not let them see this case.
    """
    case = CaseRepository(s).get(case_id)
    if not can_see_case(ctx.role, ctx.user, case.opened_by):
        raise AccessDeniedError(ctx.user, ctx.role, Permission.VIEW_ALL_CASES)
    return case


def _seal(
    ctx: StoreContext, case_id: int, case_version: int | None, reason: str | None
) -> SealedRecord:
    from triage_app.report import build_referral_pdf, referral_bundle_json

    if not allowed(ctx.role, Permission.RECORD):
        raise AccessDeniedError(ctx.user, ctx.role, Permission.RECORD)
    now = ctx.clock()
    with ctx.transaction() as s:
        cases, records = CaseRepository(s), ReferralRecordRepository(s)
        records.serialise_sealing()
        case = _visible(ctx, s, case_id)
        if case_version is not None and case.version != case_version:
            raise ConflictError("case", case_id, case_version, case.version, {"finalise": True})
        latest = records.latest_version(case_id)
        previous = records.get(case_id, latest) if latest else None
        if reason is None and previous is not None:
            raise SealingError(
                f"case {case_id} is already finalised: its referral record "
                f"{previous.record_uid} was sealed on {previous.sealed_at:%d-%b-%Y %H:%M} by "
                f"{previous.sealed_by} and cannot be changed. To correct it or add to it, "
                "add an addendum (a new version that refers to the sealed one)."
            )
        if reason is not None and previous is None:
            raise SealingError(
                f"case {case_id} has not been finalised, so there is nothing to add an "
                "addendum to: finalise the case first"
            )
        version = latest + 1
        record_id = record_id_for(case)
        record = build_case_record(
            ctx,
            s,
            case,
            record_id=record_id,
            generated_at=now,
            version=version,
            supersedes=previous.record_uid if previous else None,
            addendum_reason=reason,
            app_version=app_version(),
        )
        problems = seal_problems(record)
        if problems:
            raise SealingError("; ".join(problems))
        pdf = build_referral_pdf(record)
        sealed = records.add(
            SealedRecord(
                case_id=case_id,
                version=version,
                record_uid=f"{record_id}/v{version}",
                pdf=pdf,
                pdf_sha256=sha256_hex(pdf),
                content_sha256=content_sha256(record),
                fhir_json=referral_bundle_json(record),
                sealed_at=now,
                sealed_by=ctx.user,
                supersedes_id=previous.id if previous else None,
                supersedes_uid=previous.record_uid if previous else None,
                addendum_reason=reason,
            )
        )
        ctx.audit(s, "create", ENTITY, sealed.id, after=sealing_facts(sealed))
        if not case.sealed:
            records.mark_case_sealed(case_id, case.version, ctx.user, now)
            ctx.audit(
                s, "update", "case", case_id, case_audit(case), case_audit(cases.get(case_id))
            )
    log.info("sealed referral record %s (case %s, version %s)", sealed.id, case_id, version)
    return sealed


def seal_problems(record: ReferralRecord) -> list[str]:
    """Why a record cannot be sealed yet: where the child is; CP-IS from unscheduled care."""
    problems = []
    if record.location is None:
        problems.append(
            "the referral record needs where the child is now and with whom: record it "
            "(triage-app case location ID --where admitted|emergency_department|home|other "
            "--detail TEXT [--with NAME]; the assessment wizard asks for it at finalising)"
        )
    cp_is = cp_is_seal_problem(record.setting, str(record.cp_is.status), record.cp_is.check_note)
    if cp_is:
        problems.append(cp_is)
    return problems


def list_records(ctx: StoreContext, case_id: int) -> list[SealedRecord]:
    """Every sealed version of the case's record, oldest first (audited view; may be empty)."""
    with ctx.transaction() as s:
        _visible(ctx, s, case_id)
        found = ReferralRecordRepository(s).versions(case_id)
        ctx.audit(s, "view", ENTITY, None, after={"case_id": case_id, "versions": len(found)})
        return found


def get_record(ctx: StoreContext, case_id: int, version: int | None = None) -> SealedRecord:
    """One sealed version (the latest by default), e.g. for the in-app preview (audited view).

    Raises:
        NotFoundError: the case has no sealed record, or not that version.
    """
    with ctx.transaction() as s:
        _visible(ctx, s, case_id)
        found = ReferralRecordRepository(s).get(case_id, version)
        ctx.audit(s, "view", ENTITY, found.id, after={"record_uid": found.record_uid})
        return found


def record_printed(ctx: StoreContext, case_id: int, version: int) -> None:
    """Record in the audit trail that a sealed version was printed (the UI calls this).

    Raises:
        NotFoundError: the case has no such sealed version.
    """
    with ctx.transaction() as s:
        _visible(ctx, s, case_id)
        found = ReferralRecordRepository(s).get(case_id, version)
        ctx.audit(
            s,
            "print",
            ENTITY,
            found.id,
            after={"record_uid": found.record_uid, "pdf_sha256": found.pdf_sha256},
        )


def export_record(
    ctx: StoreContext,
    case_id: int,
    version: int | None = None,
    *,
    pdf_path: str | os.PathLike[str] | None = None,
    fhir_path: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> ExportResult:
    """Write a sealed version's stored PDF and/or FHIR document to the files the user chose.

    The bytes written are the sealed bytes (not a re-render), so their SHA-256 equals the
    stored one. Each file is first written in full (mode 0600) to a private 0700 folder
    beside its target; only once the export's audit event is committed are the files moved
    into place. A failed or unrecorded export leaves no file, partial or whole, and touches
    no existing file; the private folders are always removed.

    Args:
        ctx: The store context.
        case_id: The case.
        version: The version to export (default: the latest).
        pdf_path: Where to write the PDF.
        fhir_path: Where to write the FHIR JSON.
        overwrite: Replace an existing file (the user confirmed it); otherwise refused.

    Raises:
        ExportTargetError: no output file given, a file exists, or a folder is missing.
        SealingError: the version has no FHIR document and one was asked for.
        NotFoundError: the case has no sealed record, or not that version.
    """
    targets = {
        kind: Path(path)
        for kind, path in (("pdf", pdf_path), ("fhir", fhir_path))
        if path is not None
    }
    if not targets:
        raise ExportTargetError("say where to write the export: a PDF file, a FHIR file, or both")
    for path in targets.values():
        if not path.parent.is_dir():
            raise ExportTargetError(f"{path}: the folder {path.parent} does not exist")
        if path.exists() and not overwrite:
            raise ExportTargetError(f"{path}: a file with this name exists; it was not replaced")
    staged: list[_Staged] = []
    try:
        with ctx.transaction() as s:
            _visible(ctx, s, case_id)
            found = ReferralRecordRepository(s).get(case_id, version)
            if "fhir" in targets and found.fhir_json is None:
                raise SealingError(f"{found.record_uid} was sealed without a FHIR document")
            for kind, path in sorted(targets.items()):
                data = found.pdf if kind == "pdf" else (found.fhir_json or "").encode("utf-8")
                staged.append(_Staged.write(path, data))
            ctx.audit(
                s,
                "export",
                ENTITY,
                found.id,
                after={
                    "record_uid": found.record_uid,
                    "formats": sorted(targets),
                    "files": sorted(p.name for p in targets.values()),
                    "pdf_sha256": found.pdf_sha256,
                },
            )
        # Recorded: only now do the files appear (an export that was not audited never does).
        for item in staged:
            item.publish()
    finally:
        for item in staged:
            item.discard()
    log.info("exported referral record %s (%s)", found.id, ", ".join(sorted(targets)))
    return ExportResult(found, targets.get("pdf"), targets.get("fhir"))


@dataclass
class _Staged:
    """A file written in full in a private (0700) folder beside its target, not yet moved."""

    folder: Path
    temp: Path
    target: Path

    @classmethod
    def write(cls, target: Path, data: bytes) -> _Staged:
        folder = Path(tempfile.mkdtemp(prefix=".triage-export-", dir=target.parent))  # 0700
        staged = cls(folder, folder / "export.part", target)
        try:
            fd = os.open(staged.temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            staged.discard()
            raise
        return staged

    def publish(self) -> None:
        """Move the complete file into place (atomic on one file system)."""
        os.replace(self.temp, self.target)

    def discard(self) -> None:
        """Remove the temporary file (if still there) and the private folder."""
        self.temp.unlink(missing_ok=True)
        if self.folder.exists():
            self.folder.rmdir()


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) through a private 0700 folder beside it.

    The temporary folder and file are removed whatever happens; the target appears only
    when complete.
    """
    staged = _Staged.write(path, data)
    try:
        staged.publish()
    finally:
        staged.discard()


def write_leaflet(
    profile_id: str | None, out: Path, *, child_name: str | None = None, overwrite: bool = False
) -> Path:
    """Write the parent and carer leaflet of a profile (the default when ``None``) to ``out``.

    Raises:
        ExportTargetError: the file exists (and ``overwrite`` is false) or its folder is missing.
        UnknownProfileError: no installed profile has that id.
    """
    from datetime import date

    from triage_app.domain.profile import ProfileRegistry
    from triage_app.report import build_leaflet_pdf

    if not out.parent.is_dir():
        raise ExportTargetError(f"{out}: the folder {out.parent} does not exist")
    if out.exists() and not overwrite:
        raise ExportTargetError(f"{out}: a file with this name exists; it was not replaced")
    profile = ProfileRegistry.load().get(profile_id)
    write_private(out, build_leaflet_pdf(profile, child_name=child_name, on_date=date.today()))
    return out
