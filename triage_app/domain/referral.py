"""The referral / handover record: the minimum dataset of the protocol model (section E).

A :class:`ReferralRecord` is everything the printed referral, the FHIR export and the sealed
copy carry. It is plain data: the report layer renders it, the store layer persists and seals
it. :func:`build_referral_record` fills it from an :class:`~triage_app.domain.model.Assessment`,
its :class:`~triage_app.domain.model.Decision` and the :class:`~triage_app.domain.profile.Profile`
used, plus whatever the case file adds (people, actions taken, investigations, the strategy
meeting).

:func:`content_sha256` hashes the record's canonical JSON. It identifies *what the record
says*, independent of how it is typeset, and is printed on every page of the PDF. A PDF cannot
contain the hash of its own bytes, so the sealed file's SHA-256 (:func:`sha256_hex` of the PDF
bytes) is stored beside the file by the store and printed nowhere inside it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

from triage_app.domain.display import age_display, nhs_datetime
from triage_app.domain.handover import (
    ChildLocation,
    StatedExplanation,
    explanation_changes,
)
from triage_app.domain.model import (
    Assessment,
    Decision,
    Explanation,
    Finding,
    FindingResult,
    HouseholdChild,
)
from triage_app.domain.profile import Contact, Profile
from triage_app.domain.vocab import MOBILITY_FIELDS, TEN4_LETTER, CpIs

RECORD_SCHEMA = "triage-referral/1"
VIEWS = ("front", "back", "face")


@dataclass(frozen=True)
class Person:
    """Someone named on the record: a parent, carer or other adult in the household."""

    name: str
    relationship: str | None = None
    date_of_birth: date | None = None
    contact: str | None = None
    notes: str | None = None
    lives_with_child: bool | None = None


@dataclass(frozen=True)
class ChildIdentity:
    """Identifiers of the child (section E.1). Names are kept as entered, in any script."""

    date_of_birth: date
    given_name: str | None = None
    family_name: str | None = None
    sex: str | None = None
    nhs_number: str | None = None
    nhs_number_verified: bool | None = None
    address: str | None = None
    postcode: str | None = None
    gp_practice: str | None = None
    health_visitor_team: str | None = None
    interpreter: str | None = None  # "Not needed", "Needed: Polish", or None (not known)


@dataclass(frozen=True)
class Referrer:
    """The referring clinician (section E.2): never the app's permission role.

    ``role`` is the professional role as printed ("ED doctor"); ``contact`` the call-back
    number. Who sealed the record is :attr:`ReferralRecord.sealed_by` (footer and audit).
    """

    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    contact: str | None = None
    ods_code: str | None = None


@dataclass(frozen=True)
class MilestoneAnswer:
    """One mobility answer and who gave it (section E.3). ``answer`` ``None`` means unknown."""

    milestone: str
    answer: bool | None
    given_by: str | None = None


@dataclass(frozen=True)
class BodyMapMark:
    """Where a finding was drawn: a view and normalised coordinates (0..1, origin top left)."""

    view: str
    x: float
    y: float

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"body-map view must be one of {VIEWS}, not {self.view!r}")
        if not (0.0 <= self.x <= 1.0 and 0.0 <= self.y <= 1.0):
            raise ValueError("body-map coordinates must lie between 0 and 1")


@dataclass(frozen=True)
class FindingEntry:
    """One finding, numbered as on the body map (section E.4)."""

    number: int
    finding: Finding
    result: FindingResult | None = None
    marks: tuple[BodyMapMark, ...] = ()
    colour: str | None = None
    photo_reference: str | None = None


@dataclass(frozen=True)
class CpIsCheck:
    """The CP-IS result (section E.8). No flag is not reassurance."""

    status: CpIs = CpIs.NOT_CHECKED
    plan_start: date | None = None
    plan_end: date | None = None
    local_authority: str | None = None
    la_contact: str | None = None
    checked_by: str | None = None
    checked_at: datetime | None = None
    other_csc_involvement: str | None = None
    check_note: str | None = None  # the CP-IS check recorded on the case: result, or why not


@dataclass(frozen=True)
class TimelineEntry:
    """One earlier presentation, of the child or someone in the household (section E.10)."""

    date: date
    subject: str = "This child"
    setting: str | None = None
    age: str | None = None
    complaint: str | None = None
    findings: str | None = None
    outcome: str | None = None
    flags: tuple[str, ...] = ()
    explanation: str | None = None  # the explanation given then, verbatim
    seen_by: str | None = None  # who saw the child (name, role, organisation)


@dataclass(frozen=True)
class ActionTaken:
    """Something done, when and by whom (section E.11): a call, a referral, a leaflet given."""

    id: str
    at: datetime | None = None
    person: str | None = None
    reference: str | None = None
    details: str | None = None


@dataclass(frozen=True)
class InvestigationEntry:
    """An investigation and its state (section E.12)."""

    name: str
    status: str = "pending"
    due_from: date | None = None
    due_to: date | None = None
    due_text: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class StrategyMeeting:
    """Strategy-discussion outcome and interim safety arrangements (section E.13)."""

    held_at: datetime | None = None
    outcome: str | None = None
    supervision_conditions: str | None = None
    agreed_by: tuple[str, ...] = ()
    # The supervision in force (case rule C4): the latest strategy-meeting decision, not the
    # last meeting's text. ``supervision_in_force`` None: no decision recorded.
    supervision_in_force: bool | None = None
    supervision_decision: str | None = None
    relax_conditions: str | None = None
    decided_at: datetime | None = None
    decided_by: tuple[str, ...] = ()
    supervision_history: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferralRecord:
    """The referral record's minimum dataset (clinical-research.md, model section E)."""

    record_id: str
    generated_at: datetime
    child: ChildIdentity
    assessment: Assessment
    decision: Decision
    version: int = 1
    supersedes: str | None = None
    addendum_reason: str | None = None
    parental_responsibility: tuple[Person, ...] = ()
    household_adults: tuple[Person, ...] = ()
    referrer: Referrer = dataclasses.field(default_factory=Referrer)
    setting: str | None = None
    contact_at: datetime | None = None
    examined_at: datetime | None = None
    milestones: tuple[MilestoneAnswer, ...] = ()
    findings: tuple[FindingEntry, ...] = ()
    clinical_state: str | None = None
    cp_is: CpIsCheck = dataclasses.field(default_factory=CpIsCheck)
    household_children: tuple[HouseholdChild, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    actions_taken: tuple[ActionTaken, ...] = ()
    investigations: tuple[InvestigationEntry, ...] = ()
    strategy_meeting: StrategyMeeting | None = None
    contacts: tuple[Contact, ...] = ()
    profile_id: str = ""
    profile_name: str = ""
    profile_version: str = ""
    profile_status: str = ""
    app_version: str = ""
    concern: str | None = None  # how the concern arose, in the clinician's words
    location: ChildLocation | None = None  # where the child is now and with whom
    sealed_by: str | None = None  # who sealed it (footer and audit; not the referrer)
    phone_called_at: datetime | None = None
    written_referral_due: datetime | None = None  # from the phone call, per the profile
    written_referral_hours: int | None = None

    @property
    def explanation(self) -> Explanation:
        """The carer's explanation, verbatim, from the assessment."""
        return self.assessment.explanation

    def explanation_note(self) -> str | None:
        """A note when explanations differ across this child's presentations (never scored)."""
        stated = [
            StatedExplanation(t.date, t.explanation)
            for t in self.timeline
            if t.subject == "This child" and t.explanation
        ]
        if self.explanation.text:
            on = (self.explanation.given_at or self.assessment.assessed_at).date()
            stated.append(StatedExplanation(on, self.explanation.text, current=True))
        return explanation_changes(stated)


@dataclass(frozen=True)
class ActionStatus:
    """Whether a required action is done, as the record's own content shows."""

    done: bool
    text: str


def action_status(record: ReferralRecord, action_id: str) -> ActionStatus:
    """Return the status of a required action, derived from what the record holds.

    A recorded action (with its time and person) is done. So is what the record itself
    shows was done: a body map with findings, an explanation recorded verbatim, the other
    children of the household recorded, a CP-IS result, the written referral sent. The name
    and time are the recording clinician's and the assessment's where a person did it.
    """
    taken = next((a for a in record.actions_taken if a.id == action_id), None)
    if taken is not None:
        when = nhs_datetime(taken.at) if taken.at else "(time not recorded)"
        return ActionStatus(True, f"Done {when}" + (f" by {taken.person}" if taken.person else ""))
    by = record.referrer.name
    at = nhs_datetime(record.assessment.assessed_at)
    recorded = f"{at}" + (f" by {by}" if by else "")
    if action_id == "complete_body_map" and record.findings:
        n = len(record.findings)
        return ActionStatus(
            True, f"Done: {n} finding{'s' if n > 1 else ''} on the body map, {recorded}"
        )
    if action_id == "record_explanation_verbatim" and (record.explanation.text or "").strip():
        return ActionStatus(True, f"Done: recorded word for word (section 5), {recorded}")
    if action_id == "check_household_children" and record.household_children:
        n = len(record.household_children)
        return ActionStatus(True, f"Done: {n} other child{'ren' if n > 1 else ''} recorded")
    if action_id == "check_cp_is" and (
        record.cp_is.status != CpIs.NOT_CHECKED or record.cp_is.check_note
    ):
        when = f" {nhs_datetime(record.cp_is.checked_at)}" if record.cp_is.checked_at else ""
        who = f" by {record.cp_is.checked_by}" if record.cp_is.checked_by else ""
        return ActionStatus(True, f"Done{when}{who} (result in section 8)")
    if action_id == "inform_csc_of_location" and record.location is not None:
        return ActionStatus(False, "Location recorded (section 2); not yet recorded as told")
    return ActionStatus(False, "Not yet recorded")


def build_referral_record(
    assessment: Assessment,
    decision: Decision,
    profile: Profile,
    *,
    record_id: str,
    generated_at: datetime,
    child: ChildIdentity | None = None,
    marks: Mapping[int, Sequence[BodyMapMark]] | None = None,
    milestone_sources: Mapping[str, str] | None = None,
    household_presentations: Iterable[TimelineEntry] = (),
    **extra: Any,
) -> ReferralRecord:
    """Build a record from an assessment, its decision and the profile used.

    Args:
        assessment: The assessment the decision was made on.
        decision: The engine's decision for ``assessment``.
        profile: The profile the decision used (its contacts are copied onto the record).
        record_id: The case's record id (printed on every page).
        generated_at: When the record was generated.
        child: Identity with address and GP; by default built from ``assessment.child``.
        marks: Body-map marks per finding number (1-based, the order of the findings).
        milestone_sources: Who gave each mobility answer, by milestone name.
        household_presentations: Earlier presentations of other household members.
        **extra: Any other :class:`ReferralRecord` field (``referrer``, ``actions_taken``,
            ``investigations``, ``strategy_meeting``, ``version``, ``supersedes`` ...).

    Returns:
        The record. ``investigations`` defaults to the decision's prompts, all pending.
    """
    marks = marks or {}
    sources = milestone_sources or {}
    results = {r.index: r for r in decision.findings}
    findings = tuple(
        FindingEntry(
            number=i + 1,
            finding=f,
            result=results.get(i),
            marks=tuple(marks.get(i + 1, ())),
        )
        for i, f in enumerate(assessment.findings)
    )
    mobility = assessment.mobility
    milestones = tuple(
        MilestoneAnswer(name, getattr(mobility, name), sources.get(name))
        for name in MOBILITY_FIELDS
    )
    c = assessment.child
    defaults: dict[str, Any] = {
        "child": child
        or ChildIdentity(
            date_of_birth=c.date_of_birth,
            given_name=c.given_name,
            family_name=c.family_name,
            sex=str(c.sex) if c.sex else None,
            nhs_number=c.nhs_number,
        ),
        "setting": str(assessment.setting) if assessment.setting else None,
        "contact_at": assessment.assessed_at,
        "milestones": milestones,
        "findings": findings,
        "cp_is": CpIsCheck(status=assessment.history.cp_is),
        "household_children": assessment.history.household_children,
        "timeline": _timeline(assessment, household_presentations),
        "investigations": tuple(
            InvestigationEntry(i.text, "pending", i.due_from, i.due_to, due_text=i.due)
            for i in decision.investigations
        ),
        "contacts": tuple(profile.contacts.values()),
        "profile_id": profile.id,
        "profile_name": profile.partnership_name,
        "profile_version": profile.version,
        "profile_status": profile.status,
    }
    defaults.update(extra)
    return ReferralRecord(
        record_id=record_id,
        generated_at=generated_at,
        assessment=assessment,
        decision=decision,
        **defaults,
    )


def _timeline(a: Assessment, household: Iterable[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    """Return the child's earlier presentations with per-row flags, then the household's."""
    rows = []
    dob = a.child.date_of_birth
    for p in a.history.prior_presentations:
        rows.append(
            TimelineEntry(
                date=p.date,
                subject="This child",
                setting=str(p.setting) if p.setting else None,
                age=age_display(dob, p.date),
                complaint=p.complaint,
                findings=findings_text(p.findings),
                outcome=p.outcome,
                flags=timeline_flags(p.findings),
            )
        )
    rows.sort(key=lambda r: r.date, reverse=True)
    return (*rows, *sorted(household, key=lambda r: r.date, reverse=True))


class _Finding(Protocol):
    """A finding as the timeline shows it (an earlier one, or a stored one)."""

    @property
    def kind(self) -> str: ...
    @property
    def site(self) -> str: ...
    @property
    def patterned(self) -> bool | None: ...


def timeline_flags(findings: Sequence[_Finding]) -> tuple[str, ...]:
    """A timeline row's flags: F1 for any finding, F4 for a TEN-4-FACESp site or a pattern."""
    flags = []
    if findings:
        flags.append("F1")
    if any(f.site in TEN4_LETTER or f.patterned for f in findings):
        flags.append("F4")
    return tuple(flags)


def findings_text(findings: Sequence[_Finding]) -> str | None:
    """A timeline row's findings ("bruise (cheek), patterned; ..."), or ``None`` for none."""
    return (
        "; ".join(
            f"{str(f.kind).replace('_', ' ')} ({str(f.site).replace('_', ' ')})"
            + (", patterned" if f.patterned else "")
            for f in findings
        )
        or None
    )


def _plain(value: Any) -> Any:
    """Turn a record (dataclasses, enums, dates, tuples) into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return value


def canonical_content(record: ReferralRecord) -> bytes:
    """Return the record's canonical JSON (sorted keys, UTF-8, no insignificant spaces)."""
    body = {"schema": RECORD_SCHEMA, "record": _plain(record)}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 lower-case hex digits (used to seal PDF bytes)."""
    return hashlib.sha256(data).hexdigest()


def content_sha256(record: ReferralRecord) -> str:
    """Return the SHA-256 of the record's canonical content (printed in the PDF footer)."""
    return sha256_hex(canonical_content(record))
