"""An :class:`~triage_app.domain.model.Assessment` as ``triage-assess/1`` JSON.

The inverse of :func:`triage_app.domain.parse.parse_assessment`. It lives apart from the
parser so that the model can serialise itself without importing the parser (which imports
the model): no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from triage_app.domain.vocab import MOBILITY_FIELDS

if TYPE_CHECKING:
    from triage_app.domain.model import Assessment, Decision, Finding

INPUT_SCHEMA = "triage-assess/1"
OUTPUT_SCHEMA = "triage-decision/1"


def assessment_to_json(a: Assessment) -> dict[str, Any]:
    """Return the ``triage-assess/1`` JSON for an assessment (the inverse of parsing)."""

    def opt(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, StrEnum):
            return value.value
        return value

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {k: opt(v) for k, v in d.items() if v is not None}

    out: dict[str, Any] = {
        "schema": INPUT_SCHEMA,
        "assessed_at": opt(a.assessed_at),
        "report_mode": a.report_mode.value,
        "child": clean(
            {
                "nhs_number": a.child.nhs_number,
                "given_name": a.child.given_name,
                "family_name": a.child.family_name,
                "date_of_birth": a.child.date_of_birth,
                "sex": a.child.sex,
            }
        ),
        "mobility": {name: getattr(a.mobility, name) for name in MOBILITY_FIELDS},
        "clinical_state": {"emergency_signs": [s.value for s in a.emergency_signs]},
        "findings": [_finding_json(f, clean) for f in a.findings],
        "explanation": clean(
            {
                "text": a.explanation.text,
                "given_by": a.explanation.given_by,
                "given_at": a.explanation.given_at,
                "changed_over_time": a.explanation.changed_over_time,
                "delay_in_presentation": a.explanation.delay_in_presentation,
            }
        ),
        "history": {
            **clean(
                {
                    "bleeding_disorder_known": a.history.bleeding_disorder_known,
                    "cp_is": a.history.cp_is,
                    "previous_nai_in_family": a.history.previous_nai_in_family,
                    "mother_pregnant": a.history.mother_pregnant,
                    "child_cp_plan": a.history.child_cp_plan,
                }
            ),
            "household_children": [
                clean(
                    {
                        "date_of_birth": h.date_of_birth,
                        "cp_plan": h.cp_plan,
                        "looked_after": h.looked_after,
                        "name": h.name,
                        "removed_from_care": h.removed_from_care,
                    }
                )
                for h in a.history.household_children
            ],
            "prior_presentations": [
                clean(
                    {
                        "date": p.date,
                        "setting": p.setting,
                        "outcome": p.outcome,
                        "complaint": p.complaint,
                        "nim": p.nim,
                        "explanation": p.explanation,
                    }
                )
                | {
                    "findings": [
                        clean({"kind": f.kind, "site": f.site, "patterned": f.patterned})
                        for f in p.findings
                    ]
                }
                for p in a.history.prior_presentations
            ],
        },
    }
    if a.profile_id is not None:
        out["profile"] = a.profile_id
    if a.setting is not None:
        out["setting"] = a.setting.value
    return out


def _finding_json(f: Finding, clean: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    out = clean(
        {
            "kind": f.kind,
            "site": f.site,
            "side": f.side,
            "size_mm": f.size_mm,
            "patterned": f.patterned,
            "description": f.description,
            "count": f.count,
        }
    )
    if f.exception is not None:
        out["exception"] = clean(
            {
                "type": f.exception.type,
                "documented_by": f.exception.documented_by,
                "documented_on": f.exception.documented_on,
                "matches_documentation": f.exception.matches_documentation,
            }
        )
    return out


def decision_to_json(d: Decision) -> dict[str, Any]:
    """Return the ``triage-decision/1`` JSON object for a decision (``Decision.to_json``)."""
    # most actions are due at the same moment: each distinct moment is written once
    stamps = {when: _iso_minutes(when) for when in {a.due_at for a in d.actions}}
    return {
        "schema": OUTPUT_SCHEMA,
        "profile": {
            "id": d.profile_id,
            "version": d.profile_version,
            "status": d.profile_status,
            "warnings": list(d.warnings),
        },
        "age": {"days": d.age_days, "display": d.age_display},
        "nim": {"status": d.nim.status, "basis": list(d.nim.basis)},
        "urgency": str(d.urgency),
        "actions": [
            {
                "id": a.id,
                "due": a.due,
                "rule": a.rule,
                "text": a.text,
                "due_at": stamps[a.due_at],
            }
            for a in d.actions
        ],
        "findings": [
            {
                "index": f.index,
                "qualifying": f.qualifying,
                "exception": f.exception,
                "ten4facesp": f.ten4facesp,
                "triggers_protocol": f.triggers_protocol,
                "reasons": list(f.reasons),
            }
            for f in d.findings
        ],
        "ten4facesp": {
            "positive": d.ten4facesp_positive,
            "components": list(d.ten4facesp_components),
        },
        "flags": [{"id": f.id, "text": f.text} for f in d.flags],
        "notices": list(d.notices),
        "rules_fired": list(d.rules_fired),
        "investigations": [
            {
                "id": i.id,
                "text": i.text,
                "due": i.due,
                "due_from": i.due_from.isoformat() if i.due_from else None,
                "due_to": i.due_to.isoformat() if i.due_to else None,
            }
            for i in d.investigations
        ],
        "nice_prompts": list(d.nice_prompts),
    }


def _iso_minutes(value: datetime | None) -> str | None:
    if not value:
        return None
    if value.year >= 1000 and value.tzinfo is None:  # the same text, without strftime's cost
        return value.isoformat(timespec="minutes")
    return value.strftime("%Y-%m-%dT%H:%M")
