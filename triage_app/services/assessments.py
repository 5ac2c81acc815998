"""Use-case: record a presentation and its assessment (the engine's decision) in one step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.model import Assessment, Decision
from triage_app.domain.parse import parse_assessment
from triage_app.domain.records import (
    AssessmentRecord,
    ChildRecord,
    FindingRecord,
    PresentationRecord,
)
from triage_app.domain.vocab import MOBILITY_FIELDS
from triage_app.services.children import child_audit, validate_child
from triage_app.services.context import StoreContext
from triage_app.services.history import load_history, with_stored_history
from triage_app.store.repositories import ChildRepository, PresentationRepository


@dataclass(frozen=True)
class RecordedAssessment:
    """What one recorded assessment produced."""

    child: ChildRecord
    presentation: PresentationRecord
    assessment: AssessmentRecord
    decision: Decision
    child_created: bool


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
) -> RecordedAssessment:
    """Decide a ``triage-assess/1`` case with the stored history added, and store it all.

    The child is found by NHS number (or created from the case's details when new); the
    stored history and household are added before deciding (as ``assess --lookup`` does);
    the presentation, the engine's input and its decision are stored in one transaction.

    Raises:
        InputError: the case is malformed, or its date of birth differs from the stored
            child with the same NHS number.
    """
    a = parse_assessment(data, profile_override=profile_override)
    now = ctx.clock()
    with ctx.transaction() as s:
        children = ChildRepository(s)
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
                [
                    Problem(
                        "child.date_of_birth", "differs from the stored child with this NHS number"
                    )
                ]
            )
        full = with_stored_history(a, load_history(s, child, before=a.assessed_at))
        decision = ctx.protocol.decide(full)
        assert child.id is not None
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
