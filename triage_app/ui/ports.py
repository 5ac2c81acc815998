"""The ports the screens need: what the UI asks of the rest of the app.

Each screen receives only the ports it uses. The real app passes adapters over
``triage_app.services`` (:mod:`triage_app.ui.service_adapters`); tests pass in-memory fakes.
No port method opens a dialog or touches Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from triage_app.domain.model import Assessment, Decision
from triage_app.domain.records import ChildRecord, UserRecord
from triage_app.ui.viewmodels import (
    ActionRecord,
    CaseDetail,
    CaseRow,
    ChildMatch,
    ChildView,
    MeetingForm,
    PossibleRecord,
    PriorHistory,
    SealedVersion,
)


class ChildDirectory(Protocol):
    """Find and add children."""

    def find_by_nhs_number(self, nhs_number: str) -> list[ChildMatch]:
        """Return children with this NHS number (ten digits, no spaces)."""
        ...

    def find_by_name(
        self,
        family_name: str,
        given_name: str,
        date_of_birth: date | None,
        postcode: str | None = None,
    ) -> list[ChildMatch]:
        """Return probable matches for a name and date of birth (and postcode), with reasons."""
        ...

    def add_child(self, child: ChildRecord) -> ChildView:
        """Add a child to the record (not stored yet: no ``id``) and return it.

        The find-a-child screen does not call this: a new child is stored with their first
        finalised assessment (``NEW_CHILD_ID``). Sample data and tests use it.
        """
        ...


class HistoryLookup(Protocol):
    """Earlier presentations of a child and of the children in the same household."""

    def history(self, child_id: str, before: datetime) -> PriorHistory:
        """Return the child's and household's history before a moment."""
        ...


class Refused(Exception):  # noqa: N818 - reads as what happened: the step was refused
    """A case step was refused (a case rule, or someone else changed the case).

    The message says why, in words the user can act on; nothing was saved.
    """


class NumberHeld(Refused):
    """The NHS number was not added: another record (``holder_id``) already has it.

    If they are the same child, a safeguarding lead links the two records instead.
    """

    def __init__(self, message: str, holder_id: str) -> None:
        super().__init__(message)
        self.holder_id = holder_id


class CaseTracker(Protocol):
    """Open cases, their actions, investigations and closure (rule R8).

    Changing methods raise :class:`Refused` with the reason when the step is not allowed.
    """

    def open_cases(self) -> list[CaseRow]:
        """Return the open cases with what each is waiting for."""
        ...

    def case_detail(self, case_id: str) -> CaseDetail:
        """Return one case in full."""
        ...

    def record_action(self, case_id: str, record: ActionRecord) -> None:
        """Record that a required action was done, with its details."""
        ...

    def undo_action(self, case_id: str, action_id: str) -> None:
        """Undo the latest record of an action (recorded in error): a new audited event."""
        ...

    def request_investigation(self, case_id: str, investigation_id: str, on: datetime) -> None:
        """Record that an investigation the protocol prompts for was requested."""
        ...

    def add_result(
        self,
        case_id: str,
        investigation_id: str,
        result: str,
        on: date,
        early_reason: str = "",
        by: str = "",
    ) -> None:
        """Record an investigation as performed on ``on`` with its result (case rule C2)."""
        ...

    def mark_not_required(self, case_id: str, investigation_id: str, reason: str, by: str) -> None:
        """Record that an investigation is not required, why, and who decided (C2)."""
        ...

    def record_strategy_meeting(self, case_id: str, meeting: MeetingForm) -> None:
        """Record a strategy meeting: attendees, outcome, any supervision decision (C4).

        The only way supervision changes.
        """
        ...

    def close_case(self, case_id: str, outcome: str, reason: str) -> str | None:
        """Close the case; return why closure is refused, or ``None`` when it closed."""
        ...

    def reopen_case(self, case_id: str, reason: str) -> None:
        """Reopen a closed case with a reason (C6)."""
        ...

    def closed_cases(self) -> list[CaseRow]:
        """Return the closed cases (C6: nothing disappears), newest first."""
        ...

    def seal_referral(self, case_id: str) -> str:
        """Seal the case's referral record (PDF and FHIR); return what was sealed, in words."""
        ...

    def export_referral(self, case_id: str, pdf_path: str) -> str:
        """Write the latest sealed PDF (its sealed bytes) to ``pdf_path``; say what was written."""
        ...


class AssessmentRecorder(Protocol):
    """Finalise an assessment into the record, opening a case when the protocol requires."""

    def finalise(
        self,
        child_id: str,
        assessment: Assessment,
        decision: Decision,
        actions: tuple[ActionRecord, ...],
        by: str,
        extra: Mapping[str, Any],
    ) -> str:
        """Store the assessment and decision; return the id of the case opened for it.

        ``child_id`` is ``NEW_CHILD_ID`` for a child not stored yet (stored now, once). An
        empty result means the protocol required no case. Raises :class:`Refused` when the
        record refuses the assessment (nothing is stored; the draft is kept).
        """
        ...


@dataclass(frozen=True)
class Draft:
    """An unfinished assessment saved as it was typed.

    ``key`` names the slot: one draft per child and assessment (an opaque hex key, never the
    child's details; ``""`` is the single draft of earlier versions).
    """

    saved_at: datetime
    data: Mapping[str, Any]
    key: str = ""


class DraftStore(Protocol):
    """Continuous saving of unfinished assessments (one per child), so a crash loses nothing."""

    def save(self, data: Mapping[str, Any], key: str = "") -> None:
        """Replace the draft in slot ``key``."""
        ...

    def load(self, key: str = "") -> Draft | None:
        """Return the draft in slot ``key``, or ``None``."""
        ...

    def drafts(self) -> list[Draft]:
        """Return every unfinished assessment of the signed-in user, newest first."""
        ...

    def discard(self, key: str = "") -> None:
        """Delete the draft in slot ``key``."""
        ...


class UserDirectory(Protocol):
    """Users of this installation."""

    def users(self) -> list[UserRecord]:
        """Return every user (empty on a first start)."""
        ...

    def create_user(self, name: str, role: str) -> UserRecord:
        """Create a user and return it."""
        ...


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class DemoData(Protocol):
    """Synthetic demonstration data (synthetic NHS numbers only)."""

    def load_demo(self, progress: Progress, cancelled: Cancelled) -> int:
        """Load the demonstration data; return how many children were added."""
        ...


class RecordOpener(Protocol):
    """Opens the record: first account on an empty folder, sign-in, or open as it is.

    Every method may raise :class:`Refused` with a message for the user (never a secret).
    """

    def state(self) -> str:
        """``fresh`` (no record yet), ``sign_in`` (needs an account) or ``open``."""
        ...

    def create_first_user(self, name: str, password: str) -> UiServices:
        """Create the record and its first account (the administrator); return the ports."""
        ...

    def sign_in(self, name: str, password: str) -> UiServices:
        """Sign in and return the ports, acting as that user."""
        ...

    def open(self) -> UiServices:
        """Open a record that needs no sign-in (a demonstration folder)."""
        ...


class SealedRecords(Protocol):
    """The sealed versions of a case's referral record: list, read, print, save, add to.

    Every read, print and save is written to the audit trail by the record itself. Methods
    raise :class:`Refused` with the reason when the step is not allowed.
    """

    def sealed_versions(self, case_id: str) -> list[SealedVersion]:
        """Return every sealed version of the case's record, oldest first (audited view)."""
        ...

    def sealed_pdf(self, case_id: str, version: int) -> bytes:
        """Return the sealed PDF bytes of one version, for the preview (audited view)."""
        ...

    def record_printed(self, case_id: str, version: int) -> None:
        """Record that a version was printed (called once the printer took it)."""
        ...

    def save_sealed_pdf(self, case_id: str, version: int, path: str) -> str:
        """Write the sealed bytes of a version to ``path`` (replacing it); say what was saved.

        The user has already confirmed replacing an existing file in the save dialog.
        """
        ...

    def add_addendum(self, case_id: str, reason: str) -> str:
        """Seal a new version built from the case as it is now; ``reason`` is required."""
        ...


class RecordLinks(Protocol):
    """Records that may be the same child, and the "same child" / "not the same" decisions.

    Changing methods raise :class:`Refused` with the reason (e.g. only a safeguarding lead may
    link records; a reason is required).
    """

    def possible_records(self, child_id: str) -> list[PossibleRecord]:
        """Unlinked, unrejected records that may be this child, best first."""
        ...

    def linked_records(self, child_id: str) -> list[ChildView]:
        """Records linked to this one as the same child."""
        ...

    def link(self, child_id: str, other_id: str, reason: str) -> None:
        """Link two records as the same child."""
        ...

    def reject(self, child_id: str, other_id: str, reason: str) -> None:
        """Record that a possible match is not this child (never offered again)."""
        ...

    def may_link(self) -> bool:
        """True when the signed-in user may link records (a safeguarding lead)."""
        ...

    def add_nhs_number(self, child_id: str, nhs_number: str) -> ChildView:
        """Add an NHS number to a record that has none (audited); return the record.

        Raises :class:`NumberHeld` when another record has the number (nothing changed:
        link the records instead), :class:`Refused` for any other reason.
        """
        ...


class SessionLock(Protocol):
    """Checks the signed-in user's password to unlock a locked screen."""

    def unlock(self, user: str, password: str) -> None:
        """Return when the password is right; raise :class:`Refused` otherwise.

        A wrong password is audited by the record, and repeated failures lock the account
        by the record's own rules (the message then says until when).
        """
        ...

    def release(self) -> None:
        """Let go of the open database while the screen is locked (reopened on next use)."""
        ...


class ImportOutcome(Protocol):
    """What an import did (or would do): its counts, and the lines the import dialog shows."""

    @property
    def read(self) -> int:
        """How many rows of the extract were read."""
        ...

    @property
    def imported(self) -> int:
        """How many presentations were (or would be) stored."""
        ...

    @property
    def rejected(self) -> int:
        """How many rows were refused (listed in the rejects file)."""
        ...

    def lines(self) -> list[str]:
        """The summary, one line each."""
        ...


class PresentationImporter(Protocol):
    """Mapped imports of other systems' extracts (docs/import-format.md): preview, then import.

    ``preview`` and ``run`` return a summary with ``lines()``; a cancel returns ``None`` and
    stores nothing. A bad file or mapping raises :class:`Refused` with the reasons.
    """

    def mappings(self) -> list[tuple[str, str]]:
        """The shipped mappings as (title, key to pass back)."""
        ...

    def preview(
        self, path: str, mapping: str, progress: Progress, cancelled: Cancelled
    ) -> ImportOutcome | None:
        """Run the import and roll it back; return what it would do."""
        ...

    def run(
        self, path: str, mapping: str, progress: Progress, cancelled: Cancelled
    ) -> ImportOutcome | None:
        """Import, all or nothing; return what it did (``None`` when cancelled)."""
        ...


@dataclass(frozen=True)
class UiServices:
    """Every port the main window hands to its screens."""

    children: ChildDirectory
    history: HistoryLookup
    cases: CaseTracker
    recorder: AssessmentRecorder
    drafts: DraftStore
    users: UserDirectory
    demo: DemoData | None = None
    records: SealedRecords | None = None
    session: SessionLock | None = None
    importer: PresentationImporter | None = None
    links: RecordLinks | None = None
