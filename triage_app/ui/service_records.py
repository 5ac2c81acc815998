"""Sealed referral records and the screen-lock password, over ``triage_app.services``.

The ports :class:`~triage_app.ui.ports.SealedRecords` and
:class:`~triage_app.ui.ports.SessionLock` for the real record: previews are audited views
(``referrals.get_record``), prints are audited (``referrals.record_printed``), saves are
audited exports of the sealed bytes (``referrals.export_record``), addenda are sealed by
``referrals.add_addendum``; unlocking signs in again through the record opener
(``StoreOpener.check_password``: a wrong password is kept and audited by the services, five
failures lock the account by their rule).

:func:`complete` adds both to the ports the record opener returned. It is imported only once
a real record is open (SQLAlchemy is loaded by then).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.records import ConflictError, NotFoundError
from triage_app.domain.sealed import ExportTargetError, SealedRecord, SealingError
from triage_app.services import auth, referrals
from triage_app.services.context import StoreContext
from triage_app.ui.ports import Refused, UiServices
from triage_app.ui.viewmodels import SealedVersion

log = logging.getLogger(__name__)

# What the services raise for a refused step (never a crash for the user).
REFUSALS = (
    SealingError,
    ExportTargetError,
    NotFoundError,
    AccessDeniedError,
    ConflictError,
    ValueError,
    OSError,
)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def version_view(r: SealedRecord) -> SealedVersion:
    """Turn a stored sealed record into the UI's :class:`SealedVersion` (no PDF bytes)."""
    return SealedVersion(
        r.version,
        r.record_uid,
        r.sealed_at,
        r.sealed_by,
        r.pdf_sha256,
        r.addendum_reason,
        r.supersedes_uid,
    )


class StoreSealedRecords:
    """The sealed versions of a case's record, through ``services.referrals``."""

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def sealed_versions(self, case_id: str) -> list[SealedVersion]:
        """Every sealed version, oldest first (the services audit the listing)."""
        try:
            return [version_view(r) for r in referrals.list_records(self.ctx, int(case_id))]
        except REFUSALS as exc:
            raise Refused(_sentence(str(exc))) from exc

    def sealed_pdf(self, case_id: str, version: int) -> bytes:
        """The sealed PDF bytes of one version (an audited view)."""
        try:
            return referrals.get_record(self.ctx, int(case_id), version).pdf
        except REFUSALS as exc:
            raise Refused(_sentence(str(exc))) from exc

    def record_printed(self, case_id: str, version: int) -> None:
        """Audit that the version was printed."""
        try:
            referrals.record_printed(self.ctx, int(case_id), version)
        except REFUSALS as exc:
            raise Refused(_sentence(str(exc))) from exc

    def save_sealed_pdf(self, case_id: str, version: int, path: str) -> str:
        """Write the sealed bytes to ``path`` (the save dialog confirmed any replacement)."""
        try:
            result = referrals.export_record(
                self.ctx, int(case_id), version, pdf_path=path, overwrite=True
            )
        except REFUSALS as exc:
            raise Refused(_sentence(str(exc))) from exc
        return f"Saved {result.pdf_path} ({result.record.record_uid})."

    def add_addendum(self, case_id: str, reason: str) -> str:
        """Seal an addendum from the case as it is now, with its reason."""
        try:
            sealed = referrals.add_addendum(self.ctx, int(case_id), reason)
        except REFUSALS as exc:
            raise Refused(_sentence(str(exc))) from exc
        return f"Addendum sealed: {version_view(sealed).line()}."


class StoreSessionLock:
    """Unlock by signing in again as the same user (the opener's sign-in), then let go."""

    def __init__(
        self,
        location: auth.Location,
        check_password: Callable[[str, str], None],
        ctx: StoreContext | None = None,
    ) -> None:
        self.location, self.check_password, self.ctx = location, check_password, ctx

    def release(self) -> None:
        """Close the record's kept connection while locked (the next use-case reopens it)."""
        if self.ctx is not None:
            self.ctx.close()

    def unlock(self, user: str, password: str) -> None:
        """Return when the password opens the record for ``user``; raise Refused otherwise."""
        if not password:
            raise Refused("Type your password.")
        try:
            state = auth.store_state(self.location)
        except auth.SignInError as exc:
            raise Refused(_sentence(str(exc))) from exc
        if state == "plain":
            # A database made before accounts existed has no password to check: fail closed.
            log.warning("unlock refused: the record has no accounts (no password to check)")
            raise Refused(
                "This record has no accounts, so no password can unlock the screen. Quit "
                "(your draft is saved) and open the record again."
            )
        try:
            self.check_password(user, password)
        except auth.AccountLockedError as exc:
            raise Refused(_sentence(str(exc))) from exc
        except auth.SignInError as exc:
            raise Refused("Wrong password.") from exc


def complete(services: UiServices, opener: object) -> UiServices:
    """Add the sealed-records and screen-lock ports the record opener did not provide.

    Args:
        services: The ports the opener returned (``service_adapters.services_for``).
        opener: The record opener; its ``location`` says where to check passwords and its
            ``check_password`` checks them (on the composition root's clock).

    Returns:
        The same ports with ``records`` and ``session`` filled in where possible.
    """
    ctx = getattr(services.cases, "ctx", None)
    records = services.records
    if records is None and isinstance(ctx, StoreContext):
        records = StoreSealedRecords(ctx)
    session = services.session
    location = getattr(opener, "location", None)
    check = getattr(opener, "check_password", None)
    if session is None and isinstance(location, auth.Location) and callable(check):
        session = StoreSessionLock(location, check, ctx if isinstance(ctx, StoreContext) else None)
    return replace(services, records=records, session=session)
