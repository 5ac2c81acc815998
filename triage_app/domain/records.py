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

from triage_app.domain.construct import _new, _set
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
    # An expected pregnancy in the household (the pre-birth referral, case rule C7).
    pregnancy_due_date: date | None = None
    health_visitor: str | None = None  # name or team, and how to reach them
    interpreter_needed: bool | None = None
    interpreter_language: str | None = None


@dataclass(frozen=True)
class HouseholdMember:
    """One link from a child to a household member: another child, or an adult by name."""

    relation: Relation
    related_child: ChildRecord | None = None
    person_name: str | None = None
    notes: str | None = None
    id: int | None = None
    relationship: str | None = None  # an adult's relationship to the child ("mother")
    date_of_birth: date | None = None
    contact: str | None = None  # phone, and anything else needed to reach them
    lives_with_child: bool | None = None


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
        """Build a finding from :meth:`to_json` output (keys that are not fields ignored)."""
        if cls is FindingRecord and "kind" in data and data.keys() <= _FINDING_DEFAULTS.keys():
            # The usual case (no other keys to leave out), built as construct.build builds a
            # record: the fields set in one step, in order, the defaults first. The same
            # object as cls(**data) (no __post_init__), in a third of the time: a history
            # read builds one per stored finding.
            finding = _new(FindingRecord)
            _set(finding, "__dict__", {**_FINDING_DEFAULTS, **data})
            return finding
        fields = cls.__dataclass_fields__
        if data.keys() <= fields.keys():
            return cls(**data)
        return cls(**{k: data[k] for k in fields if k in data})


# FindingRecord's fields in order, each with its default ("kind", which has none, given
# first so that the order is the fields' own; from_json requires it in the data).
_FINDING_DEFAULTS: dict[str, Any] = {
    f.name: None if f.name == "kind" else f.default
    for f in FindingRecord.__dataclass_fields__.values()
}
if list(_FINDING_DEFAULTS) != ["kind", "site", "side", "size_mm", "patterned", "description"]:
    raise ImportError("FindingRecord's fields changed: check from_json's quick path")


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
    # "possible injury: review (...)": imported free text a person should read (mapped import)
    review: str | None = None


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
    """Something done on a case: who did it, when, and the reference they were given.

    ``kind`` is a referral duty's action id (``phone_csc``, ...) or a case event
    (``case_closed``, ``case_reopened``). A duty can be ``waived`` with a ``reason`` instead
    of done (case rule C3: "done or waived with a reason").
    """

    at: datetime
    person: str
    kind: str  # e.g. phone_csc, written_referral, inform_parents
    reference: str | None = None
    details: str | None = None
    id: int | None = None
    waived: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class InvestigationRecord:
    """An investigation on a case (kinds from the profile, e.g. ``skeletal_survey_initial``).

    ``performed_on`` is when it was done (the follow-up survey's window counts from the
    initial's); ``reported_at`` when its result was recorded. A free-text investigation is
    kind ``other`` with a ``label``. ``early_reason``/``decided_by`` keep why a follow-up was
    performed before its window and who decided; ``not_required_reason``/``decided_by`` why
    an investigation is not required and who decided (case rule C2).
    """

    kind: str
    status: str = "pending"  # pending | reported | not_required
    requested_at: datetime | None = None
    due_from: date | None = None
    due_to: date | None = None
    result: str | None = None
    reported_at: datetime | None = None
    id: int | None = None
    label: str | None = None
    performed_on: date | None = None
    early_reason: str | None = None
    not_required_reason: str | None = None
    decided_by: str | None = None


AGENCIES = ("health", "csc", "police", "education", "other")


@dataclass(frozen=True)
class Attendee:
    """Who attended a strategy meeting: name, role and agency (one of :data:`AGENCIES`)."""

    name: str
    role: str
    agency: str

    def line(self) -> str:
        """``Name (role, agency)``."""
        return f"{self.name} ({self.role}, {self.agency})"


@dataclass(frozen=True)
class StrategyMeeting:
    """A strategy meeting: when, who attended, its outcome and any supervision decision.

    ``supervision`` is ``impose``, ``maintain``, ``change``, ``relax`` or ``None`` (the
    meeting decided nothing about supervision). Imposing, maintaining or changing records the
    ``conditions`` and the ``relax_conditions`` (what must be true before relaxing); relaxing
    before both survey stages are reported records a ``reason`` (case rule C4).
    ``agreed_by`` is kept for meetings recorded before attendees were (revision 0004).
    """

    held_at: datetime
    outcome: str
    attendees: tuple[Attendee, ...] = ()
    supervision: str | None = None
    conditions: str | None = None
    relax_conditions: str | None = None
    review_on: date | None = None
    reason: str | None = None
    id: int | None = None
    agreed_by: str | None = None

    @property
    def supervision_decision(self) -> str | None:
        """The supervision decision (older name of :attr:`supervision`)."""
        return self.supervision

    @property
    def supervision_conditions(self) -> str | None:
        """The conditions (older name of :attr:`conditions`)."""
        return self.conditions

    def who(self) -> str:
        """Who attended (or who agreed, for meetings recorded before attendees were)."""
        if self.attendees:
            return "; ".join(a.line() for a in self.attendees)
        return self.agreed_by or "not recorded"


@dataclass(frozen=True)
class SupervisionDecision:
    """One supervision decision of a strategy meeting (an entry of the history)."""

    decision: str  # impose | maintain | change | relax
    decided_at: datetime
    decided_by: str
    conditions: str | None = None
    relax_conditions: str | None = None
    reason: str | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class Supervision:
    """The supervision in force (the latest decision) and every decision before it."""

    in_force: bool = False
    conditions: str | None = None
    relax_conditions: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision: str | None = None
    meeting_id: int | None = None
    history: tuple[SupervisionDecision, ...] = ()


@dataclass(frozen=True)
class CaseRecord:
    """A safeguarding case: status, actions, investigations, meetings and supervision.

    ``supervision_required``/``supervision_conditions``/``supervision_agreed_by`` are read
    from the supervision in force (the latest strategy-meeting decision, case rule C4); they
    are never set directly. ``presentation_ids`` are every presentation the case holds
    (case rule C8); ``presentation_id`` is the one whose decision the case follows.
    """

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
    presentation_ids: tuple[int, ...] = ()
    separate_reason: str | None = None


@dataclass(frozen=True)
class DueItem:
    """Something due on a case; ``overdue`` when its time has passed (case rule C7).

    ``what`` is the item id (a decision action id, an investigation kind, ``meeting_review``,
    ``pre_birth_referral``, ``strategy_review``, ``record_addendum``); ``due_from`` is the
    start of an investigation's window; ``due_at`` is ``None`` when the duty has no set time.
    """

    what: str
    due_at: datetime | None
    overdue: bool
    label: str = ""
    due_from: date | None = None

    @property
    def id(self) -> str:
        """The item id (same as ``what``)."""
        return self.what


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
class MatchCandidate:
    """A possible match for a child's details, with the reasons. Never merged automatically.

    ``warnings`` (e.g. a possible twin) are also the last of the ``reasons``; ``injuries``
    summarises the candidate's stored presentations when they were read with it.
    """

    child: ChildRecord
    score: float
    reasons: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    probable: bool = False
    injuries: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildLinkRecord:
    """A decision that two records are (``same_child``) or are not (``not_same``) one child.

    ``child_id`` is the lower id. Ended links keep who ended them, when and why.
    """

    child_id: int
    other_child_id: int
    kind: str
    reason: str
    created_at: datetime
    created_by: str
    ended_at: datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None
    id: int | None = None

    def other(self, child_id: int) -> int:
        """The record at the other end of the link from ``child_id``."""
        return self.other_child_id if self.child_id == child_id else self.child_id


@dataclass(frozen=True)
class ChildHistory:
    """Everything known about a child and the children they live with, newest first.

    ``linked`` are the other records of the same child (a person linked them); their
    presentations are among ``entries`` (relation ``"self"``, labelled by their record).
    ``possible_matches`` are unlinked records that may be the same child.
    """

    child: ChildRecord
    household: tuple[HouseholdMember, ...]
    entries: tuple[HistoryEntry, ...]
    flags: tuple[Flag, ...] = ()
    linked: tuple[ChildRecord, ...] = ()
    possible_matches: tuple[MatchCandidate, ...] = ()

    @property
    def unconfirmed_note(self) -> str | None:
        """The note "possible earlier injury, unconfirmed" while a possible match has one."""
        if any(m.injuries for m in self.possible_matches):
            return POSSIBLE_EARLIER_INJURY
        return None


POSSIBLE_EARLIER_INJURY = "possible earlier injury, unconfirmed"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    read: int
    imported: int
    duplicates: int
    rejected: int
    children_created: int = 0
    rejects_file: str | None = None
    attached: int = 0  # re-imported rows now carrying an NHS number (numbered or linked)


@dataclass(frozen=True)
class UserRecord:
    """A user of the app."""

    username: str
    display_name: str | None = None  # the full name
    role: str | None = None  # the app's permission role (never printed as the referrer's)
    id: int | None = None
    professional_role: str | None = None  # a PROFESSIONAL_ROLES id
    organisation: str | None = None
    phone: str | None = None  # call-back number


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
