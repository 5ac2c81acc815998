"""What a sealed referral record says: built from the stored case, never from screen state.

:func:`build_case_record` gathers, inside the sealing transaction, the child's identity and
household, the stored assessment input exactly as the engine decided on it (with the earlier
presentations the store added then) and the stored decision, the household's earlier
presentations with flags, the case's actions, investigations, strategy meeting and
supervision conditions, the contacts of the profile used, and for the handover: the referring
clinician (as confirmed in the wizard, else the recording account's professional profile; who
seals it is kept apart, in the footer and the audit), how the concern arose, where the child
is now, the whole family with contacts, each earlier presentation with its explanation and
who saw the child, the body-map positions clicked, and the written-referral deadline counted
from the phone call.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain import cases as rules
from triage_app.domain.case_actions import action_people
from triage_app.domain.cases import stage as survey_stage
from triage_app.domain.display import age_display, display_name
from triage_app.domain.handover import ReferrerDetails, professional_role_label
from triage_app.domain.model import (
    Action,
    Decision,
    FindingResult,
    Flag,
    Investigation,
    NimResult,
)
from triage_app.domain.parse import parse_assessment
from triage_app.domain.records import CaseAction, CaseRecord, Relation
from triage_app.domain.referral import (
    VIEWS,
    ActionTaken,
    BodyMapMark,
    ChildIdentity,
    CpIsCheck,
    InvestigationEntry,
    Person,
    ReferralRecord,
    Referrer,
    StrategyMeeting,
    TimelineEntry,
    build_referral_record,
    findings_text,
    timeline_flags,
)
from triage_app.domain.sealed import SealingError
from triage_app.domain.vocab import CpIs, Urgency
from triage_app.services.context import StoreContext
from triage_app.services.history import (
    _prior_key,
    household_child,
    load_history,
    prior_presentation,
)
from triage_app.store.handover_repository import (
    CaseLocationRepository,
    PresentationReferrerRepository,
    ProfileRepository,
)
from triage_app.store.orm import Presentation
from triage_app.store.repositories import ChildRepository, PresentationRepository

NOT_RECORDED = "not_recorded"  # a protocol prompt with no decision recorded on the case


def decision_from_json(data: dict[str, Any]) -> Decision:
    """Rebuild the engine's decision from its stored ``triage-decision/1`` JSON.

    The record carries the decision made at the time, not a fresh one: the profile may have
    changed since.
    """

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    profile = data["profile"]
    return Decision(
        profile_id=profile["id"],
        profile_version=profile["version"],
        profile_status=profile["status"],
        warnings=tuple(profile.get("warnings", ())),
        age_days=data["age"]["days"],
        age_display=data["age"]["display"],
        nim=NimResult(data["nim"]["status"], tuple(data["nim"]["basis"])),
        urgency=Urgency(data["urgency"]),
        actions=tuple(
            Action(a["id"], a["due"], a["rule"], a["text"], moment(a.get("due_at")))
            for a in data["actions"]
        ),
        findings=tuple(
            FindingResult(
                f["index"],
                f["qualifying"],
                f["exception"],
                f["ten4facesp"],
                f["triggers_protocol"],
                tuple(f["reasons"]),
            )
            for f in data["findings"]
        ),
        ten4facesp_positive=data["ten4facesp"]["positive"],
        ten4facesp_components=tuple(data["ten4facesp"]["components"]),
        flags=tuple(Flag(f["id"], f["text"]) for f in data["flags"]),
        notices=tuple(data["notices"]),
        rules_fired=tuple(data["rules_fired"]),
        investigations=tuple(
            Investigation(i["id"], i["text"], i["due"], day(i["due_from"]), day(i["due_to"]))
            for i in data.get("investigations", ())
        ),
        nice_prompts=tuple(data.get("nice_prompts", ())),
    )


def build_case_record(
    ctx: StoreContext,
    s: Session,
    case: CaseRecord,
    *,
    record_id: str,
    generated_at: datetime,
    **extra: Any,
) -> ReferralRecord:
    """Build the referral record of a stored case (inside the caller's transaction).

    Args:
        ctx: The store context (acting user, protocol profiles).
        s: The sealing transaction's session.
        case: The case.
        record_id: The record id printed on every page.
        generated_at: When the record is generated (the sealing time).
        **extra: Other record fields (``version``, ``supersedes``, ``addendum_reason`` ...).

    Raises:
        SealingError: the case has no recorded assessment.
    """
    presentations = PresentationRepository(s)
    stored = presentations.assessments([case.presentation_id]) if case.presentation_id else {}
    if case.presentation_id is None or case.presentation_id not in stored:
        raise SealingError(
            f"case {case.id} has no recorded assessment (the engine's decision on a "
            "presentation), so there is nothing to build the referral record from; "
            "record the assessment first"
        )
    row = stored[case.presentation_id]
    presentation = presentations.get(case.presentation_id)
    assessment = parse_assessment(row.input_json)
    decision = decision_from_json(row.decision_json)
    registry = ctx.protocol.registry
    profile = registry.get(decision.profile_id if decision.profile_id in registry.ids() else None)
    children = ChildRepository(s)
    child = children.get(case.child_id)
    household = children.household(case.child_id)
    history = load_history(s, child, before=assessment.assessed_at)
    known = {(h.date_of_birth, h.name) for h in assessment.history.household_children}
    later_children = tuple(
        household_child(m.related_child)
        for m in household
        if m.related_child is not None
        and (m.related_child.date_of_birth, _name(m.related_child)) not in known
    )
    own = [
        e.presentation
        for e in history.entries
        if e.relation == "self" and e.child.id == history.child.id
    ]
    referrers = _Referrers(s, [p.id for p in (*own, presentation) if p.id is not None])
    referrer, marks = referrers.of(presentation.id)
    cp_is = _cp_is(assessment.history.cp_is, case)
    hours = profile.written_referral_max_hours
    return build_referral_record(
        assessment,
        decision,
        profile,
        record_id=record_id,
        generated_at=generated_at,
        child=ChildIdentity(
            date_of_birth=child.date_of_birth,
            given_name=child.given_name,
            family_name=child.family_name,
            sex=child.sex,
            nhs_number=child.nhs_number,
            address=child.address,
            postcode=child.postcode,
            gp_practice=child.gp_practice,
            health_visitor_team=child.health_visitor,
            interpreter=_interpreter(child),
        ),
        marks=_marks(marks),
        timeline=_own_timeline(assessment, own, referrers)
        + _other_presentations(history, assessment),
        household_children=assessment.history.household_children + later_children,
        parental_responsibility=tuple(
            _person(m)
            for m in household
            if m.relation == Relation.PARENTAL_RESPONSIBILITY and m.related_child is None
        ),
        household_adults=tuple(
            _person(m)
            for m in household
            if m.relation == Relation.CARER and m.related_child is None
        ),
        referrer=Referrer(
            name=referrer.name,
            role=professional_role_label(referrer.professional_role),
            organisation=referrer.organisation or presentation.organisation,
            contact=referrer.phone,
        ),
        setting=str(assessment.setting) if assessment.setting else None,
        cp_is=cp_is,
        concern=presentation.complaint,
        location=CaseLocationRepository(s).current(case.id) if case.id is not None else None,
        sealed_by=_sealer(s, ctx.user),
        phone_called_at=case.referral_called_at,
        written_referral_due=case.written_referral_due,
        written_referral_hours=hours,
        actions_taken=tuple(
            _action_taken(a)
            for a in rules.effective_actions(case)  # an undone action was never done
        ),
        investigations=_investigations(case, decision),
        strategy_meeting=_strategy(case),
        profile_id=decision.profile_id,
        profile_version=decision.profile_version,
        profile_status=decision.profile_status,
        **extra,
    )


def _other_presentations(history: Any, assessment: Any) -> tuple[TimelineEntry, ...]:
    """Household children's presentations, and those of records linked as the same child.

    A linked record's presentation is added when the assessment did not already list it (a
    link made after the assessment); each is labelled with the record it came from.
    """
    given = {_prior_key(p) for p in assessment.history.prior_presentations}
    out = []
    for e in history.entries:
        if e.relation != "self":
            out.append(_timeline_entry(e.presentation, e.child, e.relation))
        elif (
            e.child.id != history.child.id
            and _prior_key(prior_presentation(e.presentation)) not in given
        ):
            label = f"linked record {e.child.id}, the same child"
            out.append(_timeline_entry(e.presentation, e.child, label))
    return tuple(out)


class _Referrers:
    """Who saw the child at each presentation: as confirmed, else the recording account."""

    def __init__(self, s: Session, ids: list[int]) -> None:
        self.s = s
        self.confirmed = PresentationReferrerRepository(s).for_presentations(ids)
        self.profiles = ProfileRepository(s)

    def of(self, presentation_id: int | None) -> tuple[ReferrerDetails, list[Any] | None]:
        if presentation_id in self.confirmed:
            return self.confirmed[presentation_id]
        row = self.s.get(Presentation, presentation_id) if presentation_id else None
        user = self.profiles.get(row.created_by) if row is not None else None
        if user is None:
            return ReferrerDetails(row.created_by if row is not None else None), None
        return (
            ReferrerDetails(
                user.display_name or user.username,
                user.professional_role,
                user.organisation,
                user.phone,
            ),
            None,
        )

    def line(self, presentation_id: int | None, organisation: str | None) -> str | None:
        r, _ = self.of(presentation_id)
        role = professional_role_label(r.professional_role)
        parts = [p for p in (r.name, role, r.organisation or organisation) if p]
        return ", ".join(parts) or None


def _sealer(s: Session, username: str) -> str:
    user = ProfileRepository(s).get(username)
    if user is None or not user.display_name or user.display_name == username:
        return username
    return f"{user.display_name} ({username})"


def _interpreter(child: Any) -> str | None:
    if child.interpreter_needed is None:
        return None
    if not child.interpreter_needed:
        return "Not needed"
    return f"Needed: {child.interpreter_language}" if child.interpreter_language else "Needed"


def _person(m: Any) -> Person:
    return Person(
        m.person_name or "Not recorded",
        m.relationship
        or (
            "Parental responsibility" if m.relation == Relation.PARENTAL_RESPONSIBILITY else "Carer"
        ),
        m.date_of_birth,
        m.contact,
        m.notes,
        m.lives_with_child,
    )


def _marks(raw: list[Any] | None) -> dict[int, tuple[BodyMapMark, ...]]:
    """The positions clicked on the body map, by finding number (1-based)."""
    out: dict[int, tuple[BodyMapMark, ...]] = {}
    for i, m in enumerate(raw or (), start=1):
        if not isinstance(m, dict) or m.get("view") not in VIEWS:
            continue
        try:
            out[i] = (BodyMapMark(m["view"], float(m["x"]), float(m["y"])),)
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _cp_is(status: CpIs, case: CaseRecord) -> CpIsCheck:
    """The CP-IS state: the assessment's, with the check recorded on the case (if any)."""
    check = next((a for a in reversed(case.actions) if a.kind == "check_cp_is"), None)
    if check is None:
        return CpIsCheck(status=status)
    note = " ".join(p for p in (check.reference, check.details) if p) or None
    return CpIsCheck(
        status=status,
        checked_by=check.person,
        checked_at=check.at,
        check_note=note,
    )


def _own_timeline(
    assessment: Any, stored: list[Any], referrers: _Referrers
) -> tuple[TimelineEntry, ...]:
    """The child's earlier presentations, each with its explanation and who saw the child.

    Stored presentations first, then those typed into the assessment that the store lacks.
    """
    dob = assessment.child.date_of_birth
    rows = [
        TimelineEntry(
            date=p.seen_at.date(),
            subject="This child",
            setting=p.setting,
            age=age_display(dob, p.seen_at.date()),
            complaint=p.complaint,
            findings=findings_text(p.findings),
            outcome=p.outcome,
            flags=timeline_flags(p.findings),
            explanation=p.explanation,
            seen_by=referrers.line(p.id, p.organisation),
        )
        for p in stored
        if p.seen_at < assessment.assessed_at
    ]
    held = {r.date for r in rows}
    for p in assessment.history.prior_presentations:
        if p.date in held:
            continue
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
                explanation=getattr(p, "explanation", None),
            )
        )
    rows.sort(key=lambda r: r.date, reverse=True)
    return tuple(rows)


def _name(child: Any) -> str:
    return display_name(child.family_name, child.given_name)


def _timeline_entry(p: Any, child: Any, relation: str) -> TimelineEntry:
    """A household child's earlier presentation, with the F1 and F4 flags of the timeline."""
    return TimelineEntry(
        date=p.seen_at.date(),
        subject=f"{_name(child)} ({relation.replace('_', ' ')})",
        setting=p.setting,
        age=age_display(child.date_of_birth, p.seen_at.date()),
        complaint=p.complaint,
        findings=findings_text(p.findings),
        outcome=p.outcome,
        flags=timeline_flags(p.findings),
    )


def _investigations(case: CaseRecord, decision: Decision) -> tuple[InvestigationEntry, ...]:
    """The case's investigations (status, due dates, result), then prompts not yet decided."""
    prompts = {i.id: i for i in decision.investigations}
    out = []
    for i in case.investigations:
        prompt = prompts.get(i.kind)
        times = [
            f"{what} {at:%d-%b-%Y %H:%M}"
            for what, at in (("requested", i.requested_at), ("reported", i.reported_at))
            if at
        ]
        notes = [i.result.strip()] if i.result and i.result.strip() else []
        step = survey_stage(case, i)
        if step:  # C2: "stage 1 of 2: not complete" until the follow-up is reported
            notes.insert(0, f"Stage {step}.")
        if times:
            notes.append(f"({'; '.join(times)})")
        out.append(
            InvestigationEntry(
                prompt.text if prompt else i.kind.replace("_", " ").capitalize(),
                i.status,
                i.due_from,
                i.due_to,
                due_text=prompt.due if prompt else None,
                notes=" ".join(notes) or None,
            )
        )
    requested = {i.kind for i in case.investigations}
    for p in decision.investigations:
        if p.id not in requested:
            out.append(
                InvestigationEntry(
                    p.text,
                    NOT_RECORDED,
                    p.due_from,
                    p.due_to,
                    due_text=p.due,
                    notes="Prompted by the protocol; no decision recorded on the case yet.",
                )
            )
    return tuple(out)


def _strategy(case: CaseRecord) -> StrategyMeeting | None:
    """The latest strategy meeting and the supervision in force (case rule C4).

    The supervision printed is the latest strategy-meeting decision (not the last meeting's
    text): whether it is in force, its conditions, the conditions for relaxing, who decided
    it at which meeting, and the decisions before it.
    """
    if not case.meetings:
        return None
    from triage_app.domain.cases import supervision
    from triage_app.domain.display import nhs_datetime

    m = sorted(case.meetings, key=lambda x: (x.held_at, x.id or 0))[-1]
    s = supervision(case)
    history = tuple(
        f"{nhs_datetime(h.decided_at)}: {h.decision}"
        + (f"; conditions: {h.conditions}" if h.conditions else "")
        + (f"; conditions for relaxing: {h.relax_conditions}" if h.relax_conditions else "")
        + (f"; reason: {h.reason}" if h.reason else "")
        + f" (decided by {h.decided_by})"
        for h in s.history
    )
    return StrategyMeeting(
        held_at=m.held_at,
        outcome=m.outcome,
        supervision_conditions=s.conditions if s.in_force else None,
        agreed_by=_people(m),
        supervision_in_force=s.in_force if s.decision is not None else None,
        supervision_decision=s.decision,
        relax_conditions=s.relax_conditions,
        decided_at=s.decided_at,
        decided_by=tuple(p.strip() for p in (s.decided_by or "").split(";") if p.strip()),
        supervision_history=history,
    )


def _people(m: Any) -> tuple[str, ...]:
    """Who attended a meeting, one entry each."""
    if m.attendees:
        return tuple(a.line() for a in m.attendees)
    return tuple(p.strip() for p in (m.agreed_by or "").split(";") if p.strip())


def _action_taken(action: CaseAction) -> ActionTaken:
    """One action for section 10: who did it; a phone call's handler with its details."""
    people = action_people(action)
    details = "; ".join(
        p for p in (f"call handler: {people.handler}" if people.handler else "", people.note) if p
    )
    return ActionTaken(action.kind, action.at, people.by, action.reference, details or None)
