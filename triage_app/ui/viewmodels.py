"""Small immutable view data the screens show and the ports return.

Only what a screen needs in another shape than the domain's records lives here; where a
domain record fits (a child to add, a user, the supervision in force) the ports use
:mod:`triage_app.domain.records` itself. No class here shares a name with a domain class
(``tests/test_ui_types.py`` checks). The adapters in :mod:`triage_app.ui.service_adapters`
and :mod:`triage_app.ui.service_cases` turn the services' records into these. Nothing here
knows about Qt or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from triage_app.domain.model import HouseholdChild, PriorPresentation
from triage_app.domain.records import Supervision
from triage_app.domain.vocab import CpPlan, Sex, Urgency

# The id of a child typed in "New child" and not stored yet: the record stores them with the
# assessment when it is finalised, so an abandoned assessment leaves no empty child record and
# a child without an NHS number is not stored twice.
NEW_CHILD_ID = ""


@dataclass(frozen=True)
class ChildView:
    """A child known to the local record (``id`` is ``NEW_CHILD_ID`` until stored)."""

    id: str
    date_of_birth: date
    nhs_number: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    sex: Sex | None = None
    postcode: str | None = None  # to tell similar children apart (never searched here)


@dataclass(frozen=True)
class ChildMatch:
    """A probable match for a search, with the reasons it matched (e.g. "NHS number")."""

    child: ChildView
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PossibleRecord:
    """A record that may be the same child (unconfirmed): score, reasons and its injuries."""

    child: ChildView
    score: float
    reasons: tuple[str, ...]
    injuries: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineItem:
    """One earlier presentation of the child or of a child in the same household."""

    date: date
    who: str  # "This child" or e.g. "Sibling EXAMPLE, Ben"
    setting: str
    summary: str
    findings: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    outcome: str | None = None
    injury: bool = False


@dataclass(frozen=True)
class PriorHistory:
    """What the record knows before an assessment: timeline, engine input, household."""

    items: tuple[TimelineItem, ...] = ()
    prior_presentations: tuple[PriorPresentation, ...] = ()
    household_children: tuple[HouseholdChild, ...] = ()
    child_cp_plan: CpPlan | None = None  # the child's own plan, as stored


@dataclass(frozen=True)
class DueLine:
    """Something a case is waiting for, with its deadline when it has one."""

    label: str
    due_at: datetime | None = None
    kind: str = "action"  # action | survey | supervision (a note, never due)


@dataclass(frozen=True)
class CaseRow:
    """One open case on the dashboard."""

    case_id: str
    child: ChildView
    opened_at: datetime
    urgency: Urgency | None  # None when the record does not hold the assessment's urgency
    due_items: tuple[DueLine, ...] = ()
    status: str = "open"


@dataclass(frozen=True)
class ActionRecord:
    """What the user recorded for one required action (e.g. the call to social care)."""

    action_id: str
    done_at: datetime
    by: str = ""
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RequiredAction:
    """A required action in a case, with its deadline, rule and what was recorded."""

    action_id: str
    text: str
    due: str
    rule: str
    due_at: datetime | None = None
    record: ActionRecord | None = None


@dataclass(frozen=True)
class InvestigationView:
    """An investigation in a case (e.g. the follow-up skeletal survey) and its result.

    ``stage`` is the survey stage text (``1 of 2: not complete`` until stage 2 is reported,
    case rule C2); ``resulted_on`` is when it was performed.
    """

    investigation_id: str
    name: str
    due_from: date | None = None
    due_to: date | None = None
    result: str | None = None
    resulted_on: date | None = None
    requested_on: date | None = None
    status: str = ""  # pending | reported | not_required ("": derived from the result)
    stage: str | None = None
    early_reason: str | None = None
    not_required_reason: str | None = None
    decided_by: str | None = None
    kind: str = ""

    @property
    def pending(self) -> bool:
        """True while no result has been recorded."""
        if self.status:
            return self.status == "pending"
        return self.result is None


@dataclass(frozen=True)
class MeetingForm:
    """A strategy meeting as typed in the case view (case rule C4)."""

    held_at: datetime
    outcome: str
    attendees: tuple[tuple[str, str, str], ...] = ()  # (name, role, agency)
    supervision: str | None = None  # impose | maintain | change | relax | None
    conditions: str = ""
    relax_conditions: str = ""
    review_on: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case view shows."""

    case_id: str
    child: ChildView
    opened_at: datetime
    urgency: Urgency | None
    actions: tuple[RequiredAction, ...] = ()
    investigations: tuple[InvestigationView, ...] = ()
    suggested_investigations: tuple[tuple[str, str], ...] = ()  # (id, name) not yet requested
    meetings: tuple[str, ...] = ()  # one line per strategy meeting
    supervision_required: bool | None = None
    supervision_conditions: str | None = None
    status: str = "open"
    flags: tuple[str, ...] = ()
    referral_versions: tuple[str, ...] = ()  # one line per sealed version of the record
    supervision: Supervision | None = None  # in force, and every decision before it (C4)
    due_items: tuple[DueLine, ...] = ()  # case rule C7: the one list of what is due
    close_outcome: str | None = None
    close_reason: str | None = None
    closed_at: datetime | None = None
    case_status: str = ""  # open | referred | results_pending | closed

    @property
    def is_open(self) -> bool:
        """True until the case is closed."""
        return self.status != "closed"


@dataclass(frozen=True)
class SealedVersion:
    """One sealed version of a case's referral record (version 1, then addenda)."""

    version: int
    record_uid: str
    sealed_at: datetime
    sealed_by: str
    pdf_sha256: str
    addendum_reason: str | None = None
    supersedes_uid: str | None = None

    def line(self) -> str:
        """Return the version in one line, e.g. ``v2 addendum (reason), 05-Sep-2025 09:00``."""
        from triage_app.domain.display import nhs_datetime

        what = f"addendum: {self.addendum_reason}" if self.version > 1 else "sealed"
        return (
            f"Version {self.version} ({self.record_uid}), {what}, "
            f"{nhs_datetime(self.sealed_at)} by {self.sealed_by}"
        )
