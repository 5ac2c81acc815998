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
    from triage_app.domain.model import Assessment, Finding

INPUT_SCHEMA = "triage-assess/1"


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
