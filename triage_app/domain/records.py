"""Stored records as plain, immutable domain objects (what the record store returns).

The store never hands out database objects: repositories map rows to these dataclasses, so
the UI, the report and the command line work with the same values whatever the database.
``version`` is the row version used for optimistic concurrency (see :class:`ConflictError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from triage_app.domain.model import Flag

SOURCE_LOCAL = "local"  # a presentation recorded in this app (not imported)


class Relation(StrEnum):
    """How a household member relates to the child."""

    SIBLING = "sibling"
    OTHER_CHILD = "other_child"  # another child living in the household
    CARER = "carer"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"


CHILD_RELATIONS = frozenset({Relation.SIBLING, Relation.OTHER_CHILD})


@dataclass(frozen=True)
class ChildRecord:
    """A child as stored. The NHS number is unique when present."""

    date_of_birth: date
    family_name: str | None = None
    given_name: str | None = None
    nhs_number: str | None = None  # ten digits, no spaces
    sex: str | None = None
    address: str | None = None
    postcode: str | None = None
    gp_practice: str | None = None
    cp_plan: str | None = None  # CpPlan value: current, past, none, unknown
    looked_after: bool | None = None
    id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class HouseholdMember:
    """One link from a child to a household member: another child, or an adult by name."""

    relation: Relation
    related_child: ChildRecord | None = None
    person_name: str | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class FindingRecord:
    """One finding of a stored presentation (the contract's vocabulary for kind and site)."""

    kind: str
    site: str = "other"
    side: str | None = None
    size_mm: float | None = None
    patterned: bool | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the finding as a JSON object (``None`` values left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FindingRecord:
        """Build a finding from :meth:`to_json` output."""
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class PresentationRecord:
    """One presentation: when and where the child was seen, what was found, what happened."""

    child_id: int
    seen_at: datetime
    setting: str | None = None
    organisation: str | None = None
    complaint: str | None = None
    findings: tuple[FindingRecord, ...] = ()
    explanation: str | None = None
    outcome: str | None = None
    mobility: dict[str, bool | None] | None = None
    nim_at_time: bool | None = None
    source: str = SOURCE_LOCAL
    source_id: str | None = None
    id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class AssessmentRecord:
    """The engine's input and decision for one presentation, with the profile used."""

    presentation_id: int
    assessed_at: datetime
    profile_id: str
    profile_version: str
    urgency: str
    input_json: dict[str, Any]
    decision_json: dict[str, Any]
    id: int | None = None


@dataclass(frozen=True)
class CaseAction:
    """Something done on a case: who did it, when, and the reference they were given."""

    at: datetime
    person: str
    kind: str  # e.g. phone_csc, written_referral, inform_parents
    reference: str | None = None
    details: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class InvestigationRecord:
    """An investigation on a case (ids as in the profile, e.g. ``skeletal_survey_initial``)."""

    kind: str
    status: str = "pending"  # pending | reported | not_required
    requested_at: datetime | None = None
    due_from: date | None = None
    due_to: date | None = None
    result: str | None = None
    reported_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class StrategyMeeting:
    """A strategy meeting's outcome and the supervision it agreed, with who agreed it."""

    held_at: datetime
    outcome: str
    agreed_by: str
    supervision_decision: str = "maintain"  # maintain | relax
    supervision_conditions: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class CaseRecord:
    """A safeguarding case: status, actions, investigations, meetings and supervision."""

    child_id: int
    status: str
    opened_at: datetime
    opened_by: str
    presentation_id: int | None = None
    referral_called_at: datetime | None = None
    written_referral_due: datetime | None = None
    written_referral_sent_at: datetime | None = None
    supervision_required: bool | None = None
    supervision_conditions: str | None = None
    supervision_agreed_by: str | None = None
    close_outcome: str | None = None
    close_reason: str | None = None
    closed_at: datetime | None = None
    sealed: bool = False
    actions: tuple[CaseAction, ...] = ()
    investigations: tuple[InvestigationRecord, ...] = ()
    meetings: tuple[StrategyMeeting, ...] = ()
    id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class DueItem:
    """Something due on a case; ``overdue`` when its time has passed."""

    what: str
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list."""

    case: CaseRecord
    child: ChildRecord
    due: tuple[DueItem, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """A stored presentation in a history, with whose it is (this child or a household child)."""

    presentation: PresentationRecord
    child: ChildRecord
    relation: str  # "self" or a Relation value
    urgency: str | None = None


@dataclass(frozen=True)
class ChildHistory:
    """Everything known about a child and the children they live with, newest first."""

    child: ChildRecord
    household: tuple[HouseholdMember, ...]
    entries: tuple[HistoryEntry, ...]
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class MatchCandidate:
    """A probable match for a name and date of birth, with the reasons. Never merged."""

    child: ChildRecord
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    read: int
    imported: int
    duplicates: int
    rejected: int
    children_created: int = 0
    rejects_file: str | None = None


@dataclass(frozen=True)
class UserRecord:
    """A user of the app."""

    username: str
    display_name: str | None = None
    role: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One append-only audit event, hash-chained to the one before it."""

    id: int
    at: str
    username: str
    action: str  # create | update | view | print | export | import
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditCheck:
    """The result of checking the audit chain."""

    events: int
    broken_event_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        """True when every event's hash matches and links to the one before it."""
        return self.broken_event_id is None and self.problem is None


class NotFoundError(LookupError):
    """A record asked for by id or NHS number is not stored."""


class ConflictError(RuntimeError):
    """Someone else saved this record since it was read; the save was refused.

    Nothing stored was overwritten. ``attempted`` holds the change that was refused, so the
    user can reload the record and apply it again without retyping it.
    """

    def __init__(
        self,
        entity: str,
        entity_id: int | None,
        expected_version: int,
        stored_version: int | None,
        attempted: dict[str, Any] | None = None,
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected_version = expected_version
        self.stored_version = stored_version
        self.attempted = dict(attempted or {})
        stored = "unknown" if stored_version is None else str(stored_version)
        super().__init__(
            f"{entity} {entity_id} was changed by someone else after you opened it "
            f"(you had version {expected_version}; the stored version is {stored}). "
            "Your change was not saved and nothing stored was overwritten: "
            "reload the record and apply your change again."
        )
