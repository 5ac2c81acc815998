"""Use-case: record a presentation and its assessment (the engine's decision) in one step."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.model import Assessment, Decision
from triage_app.domain.parse import parse_assessment
from triage_app.domain.records import (
    AssessmentRecord,
    CaseAction,
    CaseRecord,
    ChildRecord,
    FindingRecord,
    NotFoundError,
    PresentationRecord,
)
from triage_app.domain.vocab import MOBILITY_FIELDS, urgency_rank
from triage_app.services import cases, handover
from triage_app.services.children import child_audit, validate_child
from triage_app.services.context import StoreContext
from triage_app.services.handover import HandoverDetails
from triage_app.services.history import (
    load_history,
    possible_match_notices,
    with_stored_history,
)
from triage_app.services.matching import possible_matches
from triage_app.store.case_repository import CaseRepository
from triage_app.store.links import ChildLinkRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository


@dataclass(frozen=True)
class RecordedAssessment:
    """What one recorded assessment produced."""

    child: ChildRecord
    presentation: PresentationRecord
    assessment: AssessmentRecord
    decision: Decision
    child_created: bool


@dataclass(frozen=True)
class StoredDecision:
    """The assessment stored for a case: the engine's input and decision as made at the time.

    Attributes:
        case_id: The case.
        presentation_id: The presentation the case was opened for.
        assessment_id: The stored assessment.
        assessed_at: When the child was assessed.
        profile_id: The protocol profile that decided.
        profile_version: Its version.
        input_json: The engine's input (``triage-assess/1``), with the history added then.
        decision: The engine's decision rebuilt from its stored JSON (actions with their due
            times and rules, flags, investigations); never re-decided.
    """

    case_id: int
    presentation_id: int
    assessment_id: int
    assessed_at: datetime
    profile_id: str
    profile_version: str
    input_json: dict[str, Any]
    decision: Decision


def presentation_from(
    a: Assessment,
    child_id: int,
    decision: Decision,
    *,
    organisation: str | None,
    complaint: str | None,
    outcome: str | None,
) -> PresentationRecord:
    """Build the presentation record of an assessment (findings, explanation, mobility)."""
    return PresentationRecord(
        child_id=child_id,
        seen_at=a.assessed_at,
        setting=a.setting.value if a.setting else None,
        organisation=organisation,
        complaint=complaint,
        findings=tuple(
            FindingRecord(
                kind=f.kind.value,
                site=f.site.value,
                side=f.side.value if f.side else None,
                size_mm=f.size_mm,
                patterned=f.patterned,
                description=f.description,
            )
            for f in a.findings
        ),
        explanation=a.explanation.text,
        outcome=outcome,
        mobility={name: getattr(a.mobility, name) for name in MOBILITY_FIELDS},
        nim_at_time=decision.nim.status,
    )


def record_assessment(
    ctx: StoreContext,
    data: dict[str, Any],
    *,
    organisation: str | None = None,
    complaint: str | None = None,
    outcome: str | None = None,
    profile_override: str | None = None,
    child_id: int | None = None,
) -> RecordedAssessment:
    """Decide a ``triage-assess/1`` case with the stored history added, and store it all.

    The child is the stored child ``child_id`` when given (the child the user opened, with or
    without an NHS number); otherwise the child with the case's NHS number, or a new child
    made from the case's details. Children are never matched or merged by name. The stored
    history and household are added before deciding (as ``assess --lookup`` does); the
    presentation, the engine's input and its decision are stored in one transaction.

    Args:
        ctx: The store context.
        data: The ``triage-assess/1`` case.
        organisation: Where the child was seen.
        complaint: The presenting complaint, in the clinician's words.
        outcome: What was done.
        profile_override: A protocol profile to decide with instead of the case's.
        child_id: The stored child this assessment is for (``None``: match by NHS number).

    Raises:
        InputError: the case is malformed; ``child_id`` is not a stored child; or the case's
            date of birth or NHS number differs from the stored child's (nothing is stored).
    """
    a = parse_assessment(data, profile_override=profile_override)
    now = ctx.clock()
    with ctx.transaction() as s:
        return _store(ctx, s, a, now, child_id, organisation, complaint, outcome)


@dataclass(frozen=True)
class RecordedCase:
    """What ``assess --record`` (and the wizard's finish) produced in one transaction."""

    recorded: RecordedAssessment
    case: CaseRecord | None  # None: below ``min_urgency`` and no open case to join
    joined: bool  # True: the child's open case gained the presentation (C8)


def record_and_open(
    ctx: StoreContext,
    data: dict[str, Any],
    *,
    organisation: str | None = None,
    complaint: str | None = None,
    outcome: str | None = None,
    profile_override: str | None = None,
    child_id: int | None = None,
    done_actions: Iterable[CaseAction] = (),
    separate_reason: str | None = None,
    opened_at: datetime | None = None,
    min_urgency: str | None = None,
    details: HandoverDetails | None = None,
) -> RecordedCase:
    """Store the presentation and decision, open or join the case, record what was done.

    One service call, one transaction: when any part fails (a refused action, a conflict, a
    database error) nothing is stored, so a retry cannot store a second presentation or a
    second child. The child's open case is joined (case rule C8) unless ``separate_reason``
    says why a separate case is opened. ``min_urgency``: below it, no case is opened unless
    actions were recorded (a child's open case is still joined).

    ``details``: what the wizard confirmed besides the assessment (the referrer and the body
    map's marks, the family, the expected pregnancy, where the child is now), checked before
    anything is stored and stored in the same transaction, so an assessment is never left
    with a case but without them. The location is stored only when a case is opened or joined.

    Raises:
        InputError: the case or the details are malformed, or an action id is unknown
            (nothing stored).
        CaseRuleError: an action was refused by a case rule (nothing stored).
        AccessDeniedError: a location given by a role that may not record (nothing stored).
    """
    a = parse_assessment(data, profile_override=profile_override)
    details = handover.check_handover(ctx, details) if details is not None else None
    now = ctx.clock()
    with ctx.transaction() as s:
        rec = _store(ctx, s, a, now, child_id, organisation, complaint, outcome)
        assert rec.child.id is not None and rec.presentation.id is not None
        urgency = rec.decision.urgency.value
        done_actions = tuple(done_actions)
        case: CaseRecord | None = None
        joined = False
        if (
            min_urgency is None
            or urgency_rank(urgency) >= urgency_rank(min_urgency)
            or done_actions
            or CaseRepository(s).open_for_child(rec.child.id)
        ):
            case, joined = cases.open_or_join(
                ctx, s, rec.child.id, rec.presentation.id, rec.decision.urgency.value,
                opened_at or a.assessed_at, now, separate_reason,
            )  # fmt: skip
            case = cases.record_done_actions(ctx, s, case, tuple(done_actions), now)
        if details is not None:
            handover.store_handover(
                ctx, s, details, presentation_id=rec.presentation.id, child_id=rec.child.id,
                case_id=case.id if case is not None else None,
            )  # fmt: skip
        return RecordedCase(rec, case, joined)


def _store(
    ctx: StoreContext,
    s: Session,
    a: Assessment,
    now: datetime,
    child_id: int | None,
    organisation: str | None,
    complaint: str | None,
    outcome: str | None,
) -> RecordedAssessment:
    """Store the child (when new), the presentation, the engine's input and its decision."""
    children = ChildRepository(s)
    notices: list[str] = []
    child: ChildRecord | None
    if child_id is not None:
        child, notices = _explicit_child(ctx, s, child_id, a)
    else:
        child = children.by_nhs_number(a.child.nhs_number) if a.child.nhs_number else None
    created = child is None
    if child is None:
        details = ChildRecord(
            date_of_birth=a.child.date_of_birth,
            family_name=a.child.family_name,
            given_name=a.child.given_name,
            nhs_number=a.child.nhs_number,
            sex=a.child.sex.value if a.child.sex else None,
        )
        child = children.add(validate_child(details, require_name=False), ctx.user, now)
        ctx.audit(s, "create", "child", child.id, after=child_audit(child))
    elif child.date_of_birth != a.child.date_of_birth:
        raise InputError(
            [Problem("child.date_of_birth", "differs from the stored child with this NHS number")]
        )
    full = with_stored_history(a, load_history(s, child, before=a.assessed_at))
    decision = ctx.protocol.decide(full)
    assert child.id is not None
    # "possible earlier injury, unconfirmed" until someone links or rejects the record.
    notices += possible_match_notices(possible_matches(s, child))
    if notices:
        decision = dataclasses.replace(decision, notices=(*decision.notices, *notices))
    presentations = PresentationRepository(s)
    presentation = presentations.add(
        presentation_from(
            full,
            child.id,
            decision,
            organisation=organisation,
            complaint=complaint,
            outcome=outcome,
        ),
        ctx.user,
        now,
    )
    assert presentation.id is not None
    assessment = presentations.add_assessment(
        AssessmentRecord(
            presentation_id=presentation.id,
            assessed_at=a.assessed_at,
            profile_id=decision.profile_id,
            profile_version=decision.profile_version,
            urgency=decision.urgency.value,
            input_json=full.to_json(),
            decision_json=decision.to_json(),
        ),
        ctx.user,
        now,
    )
    ctx.audit(
        s,
        "create",
        "presentation",
        presentation.id,
        after={"child_id": child.id, "seen_at": a.assessed_at.isoformat()},
    )
    ctx.audit(
        s,
        "create",
        "assessment",
        assessment.id,
        after={
            "presentation_id": presentation.id,
            "urgency": decision.urgency.value,
            "profile": [decision.profile_id, decision.profile_version],
        },
    )
    return RecordedAssessment(child, presentation, assessment, decision, created)


def _explicit_child(
    ctx: StoreContext, s: Session, child_id: int, a: Assessment
) -> tuple[ChildRecord, list[str]]:
    """Return the stored child ``child_id`` after checking the case describes them.

    A number given for a record that has none is never dropped: it is added to the record
    (audited) when no other record has it. When another record has it, the assessment is
    still recorded on the record the user opened, the case keeps the number, and the
    decision says which record holds it (the link route) unless the two are already linked.
    """
    children = ChildRepository(s)
    try:
        child = children.get(child_id)
    except NotFoundError:
        raise InputError([Problem("child", "no stored child with this id")]) from None
    if child.date_of_birth != a.child.date_of_birth:
        raise InputError([Problem("child.date_of_birth", "differs from the stored child's")])
    number = a.child.nhs_number
    if number and child.nhs_number and number != child.nhs_number:
        raise InputError([Problem("child.nhs_number", "differs from the stored child's")])
    notices: list[str] = []
    if number and not child.nhs_number:
        holder = children.by_nhs_number(number)
        if holder is None:
            stored = children.update(
                dataclasses.replace(child, nhs_number=number), ctx.user, ctx.clock()
            )
            ctx.audit(s, "update", "child", child.id, child_audit(child), child_audit(stored))
            child = stored
        elif holder.id not in ChildLinkRepository(s).same_child_group(child_id):
            notices.append(
                f"The NHS number given belongs to stored record {holder.id}, not to record "
                f"{child_id} (this one): if they are the same child, a safeguarding lead should "
                f"link them (triage-app child link {child_id} --to {holder.id} --reason ...)."
            )
    return child, notices


def decision_for_case(ctx: StoreContext, case_id: int) -> StoredDecision | None:
    """Return the assessment and decision stored for a case's presentation.

    The decision is the one made at the time (rebuilt from its stored JSON, with the profile
    id and version that made it), not a fresh one. Audited as a view.

    Returns:
        The stored decision, or ``None`` when the case was opened without an assessment.

    Raises:
        NotFoundError: there is no such case.
    """
    from triage_app.services.referral_content import decision_from_json

    with ctx.transaction() as s:
        case = CaseRepository(s).get(case_id)
        pid = case.presentation_id
        row = PresentationRepository(s).assessments([pid]).get(pid) if pid is not None else None
        ctx.audit(s, "view", "assessment", row.id if row else None, after={"case_id": case_id})
    if row is None or pid is None or row.id is None:
        return None
    return StoredDecision(
        case_id=case_id,
        presentation_id=pid,
        assessment_id=row.id,
        assessed_at=row.assessed_at,
        profile_id=row.profile_id,
        profile_version=row.profile_version,
        input_json=row.input_json,
        decision=decision_from_json(row.decision_json),
    )


def record_presentation(ctx: StoreContext, presentation: PresentationRecord) -> PresentationRecord:
    """Store a presentation entered without an assessment (e.g. from a letter)."""
    with ctx.transaction() as s:
        ChildRepository(s).get(presentation.child_id)
        stored = PresentationRepository(s).add(presentation, ctx.user, ctx.clock())
        ctx.audit(
            s,
            "create",
            "presentation",
            stored.id,
            after={"child_id": stored.child_id, "seen_at": stored.seen_at.isoformat()},
        )
        return stored
