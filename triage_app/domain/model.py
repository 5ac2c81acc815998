"""Immutable domain objects: the engine's input (an assessment) and output (a decision).

The JSON shapes are defined by the assess contract (``triage-assess/1`` in,
``triage-decision/1`` out). :mod:`triage_app.domain.parse` turns JSON into these objects and
:func:`Assessment.to_json` turns them back, so a stored assessment can be replayed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from triage_app.domain.assess_json import INPUT_SCHEMA as INPUT_SCHEMA
from triage_app.domain.assess_json import assessment_to_json, decision_to_json
from triage_app.domain.vocab import (
    CpIs,
    CpPlan,
    EmergencySign,
    ExceptionType,
    FindingKind,
    ReportMode,
    Setting,
    Sex,
    Side,
    Site,
    Urgency,
)


@dataclass(frozen=True)
class Child:
    """The child being assessed. Only the date of birth is required."""

    date_of_birth: date
    nhs_number: str | None = None  # ten digits, no spaces
    given_name: str | None = None
    family_name: str | None = None
    sex: Sex | None = None


@dataclass(frozen=True)
class Mobility:
    """Mobility answers; ``None`` means unknown (not asked, or the carer was not sure)."""

    rolls: bool | None = None
    sits: bool | None = None
    crawls: bool | None = None
    bottom_shuffles: bool | None = None
    pulls_to_stand: bool | None = None
    cruises: bool | None = None
    walks: bool | None = None
    not_mobile_due_to_disability: bool | None = None


@dataclass(frozen=True)
class ExceptionClaim:
    """A claim that a finding is a documented birthmark, birth injury or procedure mark."""

    type: ExceptionType
    documented_by: str | None = None
    documented_on: date | None = None
    matches_documentation: bool | None = None


@dataclass(frozen=True)
class Finding:
    """One finding on the body map."""

    kind: FindingKind
    site: Site = Site.OTHER
    side: Side | None = None
    size_mm: float | None = None
    patterned: bool | None = None
    description: str | None = None
    count: int | None = None
    exception: ExceptionClaim | None = None


@dataclass(frozen=True)
class Explanation:
    """The carer's explanation, recorded verbatim."""

    text: str | None = None
    given_by: str | None = None
    given_at: datetime | None = None
    changed_over_time: bool | None = None
    delay_in_presentation: bool | None = None


@dataclass(frozen=True)
class HouseholdChild:
    """Another child living with the child being assessed (sibling or other)."""

    date_of_birth: date | None = None
    cp_plan: CpPlan | None = None
    looked_after: bool | None = None
    name: str | None = None
    removed_from_care: bool | None = None  # removed from the family's care at any time


@dataclass(frozen=True)
class PriorFinding:
    """A finding recorded at an earlier presentation."""

    kind: FindingKind
    site: Site = Site.OTHER
    patterned: bool | None = None


@dataclass(frozen=True)
class PriorPresentation:
    """An earlier presentation of the same child."""

    date: date
    setting: Setting | None = None
    findings: tuple[PriorFinding, ...] = ()
    outcome: str | None = None
    complaint: str | None = None
    nim: bool | None = None  # NIM at that presentation; None = unknown (counts as NIM)
    explanation: str | None = None  # the explanation given then


@dataclass(frozen=True)
class History:
    """Family context and earlier presentations."""

    bleeding_disorder_known: bool | None = None
    cp_is: CpIs = CpIs.NOT_CHECKED
    previous_nai_in_family: bool | None = None
    mother_pregnant: bool | None = None
    household_children: tuple[HouseholdChild, ...] = ()
    prior_presentations: tuple[PriorPresentation, ...] = ()
    child_cp_plan: CpPlan | None = None  # the presenting child's own plan (contract 1.1)


@dataclass(frozen=True)
class Assessment:
    """Everything the engine decides on. ``assessed_at`` is the engine's only clock."""

    assessed_at: datetime
    child: Child
    findings: tuple[Finding, ...] = ()
    profile_id: str | None = None
    setting: Setting | None = None
    report_mode: ReportMode = ReportMode.IN_PERSON
    mobility: Mobility = field(default_factory=Mobility)
    emergency_signs: tuple[EmergencySign, ...] = ()
    explanation: Explanation = field(default_factory=Explanation)
    history: History = field(default_factory=History)

    def to_json(self) -> dict[str, Any]:
        """Return the ``triage-assess/1`` JSON object for this assessment."""
        return assessment_to_json(self)


@dataclass(frozen=True)
class NimResult:
    """Rule R1: whether the child is not independently mobile, and why."""

    status: bool
    basis: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    """One thing the protocol requires, with when it is due and the rule behind it."""

    id: str
    due: str
    rule: str
    text: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class FindingResult:
    """The engine's view of one current finding."""

    index: int
    qualifying: bool
    exception: str  # none | accepted | not_accepted
    ten4facesp: str | None
    triggers_protocol: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """Cumulative-risk information (rule R6). A flag never lowers urgency."""

    id: str
    text: str


@dataclass(frozen=True)
class Investigation:
    """An investigation prompt (rule R7): a decision to record, not an order."""

    id: str
    text: str
    due: str
    due_from: date | None = None
    due_to: date | None = None


@dataclass(frozen=True)
class Decision:
    """The engine's output (``triage-decision/1``)."""

    profile_id: str
    profile_version: str
    profile_status: str
    age_days: int
    age_display: str
    nim: NimResult
    urgency: Urgency
    actions: tuple[Action, ...]
    findings: tuple[FindingResult, ...]
    ten4facesp_positive: bool
    ten4facesp_components: tuple[str, ...]
    flags: tuple[Flag, ...]
    notices: tuple[str, ...]
    rules_fired: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    investigations: tuple[Investigation, ...] = ()
    nice_prompts: tuple[str, ...] = ()

    def action(self, action_id: str) -> Action | None:
        """Return the action with this id, or ``None`` when the decision does not require it."""
        return next((a for a in self.actions if a.id == action_id), None)

    def to_json(self) -> dict[str, Any]:
        """Return the ``triage-decision/1`` JSON object for this decision."""
        return decision_to_json(self)
