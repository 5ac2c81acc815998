"""Synthetic sample children and cases for the self-test, screenshots and the demo loader.

Every NHS number is in the synthetic range (9000000000 to 9999999999). Names are invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from triage_app.domain.engine import Engine
from triage_app.domain.model import HouseholdChild, PriorFinding, PriorPresentation
from triage_app.domain.parse import parse_assessment
from triage_app.domain.vocab import CpPlan, FindingKind, Setting, Sex, Site
from triage_app.ui.viewmodels import ActionRecord, ChildHistory, NewChild, TimelineItem

# (given, family, NHS number, age in days, sex, finding, days since the case opened)
_CHILDREN = (
    ("Ava", "Example", "9434765919", 45, Sex.FEMALE, ("bruise", "cheek", "left"), 2),
    ("Noah", "Sample", "9990000018", 80, Sex.MALE, ("bruise", "ear", "right"), 12),
    ("Isla", "Testcase", "9990000026", 120, Sex.FEMALE, ("mark", "chest", "midline"), 0),
)


def sample_assessment_json(
    given: str, family: str, nhs: str, dob: date, sex: Sex, finding: tuple, at: datetime
) -> dict[str, Any]:
    """Return a ``triage-assess/1`` case for one synthetic child with one finding."""
    kind, site, side = finding
    return {
        "schema": "triage-assess/1",
        "assessed_at": at.strftime("%Y-%m-%dT%H:%M"),
        "setting": "gp",
        "child": {
            "nhs_number": nhs,
            "given_name": given,
            "family_name": family,
            "date_of_birth": dob.isoformat(),
            "sex": sex.value,
        },
        "findings": [
            {"kind": kind, "site": site, "side": side, "size_mm": 10, "description": "purple, oval"}
        ],
        "explanation": {"text": "We don't know how it happened.", "given_by": "mother"},
        "history": {"cp_is": "none"},
    }


def add_sample(record: Any, now: datetime, progress: Any = None, cancelled: Any = None) -> int:
    """Add the sample children, their histories and open cases to a memory record."""
    engine = Engine.load()
    added = 0
    for n, (given, family, nhs, age, sex, finding, opened_days) in enumerate(_CHILDREN):
        if cancelled is not None and cancelled():
            break
        opened = now - timedelta(days=opened_days, hours=3)
        dob = (now - timedelta(days=age)).date()
        child = record.add_child(NewChild(dob, nhs, given, family, sex))
        record.histories[child.id] = _history(dob, now) if n == 0 else ChildHistory()
        data = sample_assessment_json(given, family, nhs, dob, sex, finding, opened)
        assessment = parse_assessment(data)
        decision = engine.decide(assessment)
        done = _done_actions(
            decision, opened, skip={"written_referral", "confirm_paediatric_attendance"}
        )
        if n == 1:
            done += (ActionRecord("written_referral", opened + timedelta(hours=2), "Dr Demo"),)
        case_id = record.finalise(child.id, assessment, decision, done, "Dr Demo", {})
        for kind in ("skeletal_survey_initial", "head_imaging", "ophthalmology", "bloods"):
            record.request_investigation(case_id, kind, opened + timedelta(hours=1))
        if n == 1:
            record.add_result(
                case_id, "skeletal_survey_initial", "No fractures seen.", opened.date()
            )
            record.add_result(case_id, "bloods", "Clotting screen normal.", opened.date())
            record.request_investigation(case_id, "skeletal_survey_follow_up", opened)
            record.set_supervision(
                case_id, True, "Contact with baby supervised by grandmother", "Strategy meeting"
            )
        added += 1
        if progress is not None:
            progress(n + 1, len(_CHILDREN))
    return added


def _history(dob: date, now: datetime) -> ChildHistory:
    seen = dob + timedelta(days=25)
    sibling_seen = (now - timedelta(days=200)).date()
    prior = PriorPresentation(
        seen,
        Setting.GP,
        (PriorFinding(FindingKind.BLEEDING, Site.MOUTH),),
        "advice given",
        "blood in mouth after feed",
    )
    items = (
        TimelineItem(
            seen,
            "This child",
            "GP surgery",
            "Blood in mouth after feed",
            ("Bleeding, mouth",),
            ("Injury while not independently mobile (sentinel injury)",),
            "Advice given",
            injury=True,
        ),
        TimelineItem(
            sibling_seen,
            "Sibling EXAMPLE, Ben (4y)",
            "Emergency department",
            "Fall from climbing frame",
            ("Laceration, forehead",),
            (),
            "Glued, discharged",
            injury=True,
        ),
    )
    household = (HouseholdChild(date(2021, 3, 2), CpPlan.PAST, False, "EXAMPLE, Ben"),)
    return ChildHistory(items, (prior,), household)


def _done_actions(decision: Any, opened: datetime, skip: set[str]) -> tuple[ActionRecord, ...]:
    """Record every "now" action as done at the assessment (the call with its details)."""
    out = []
    for action in decision.actions:
        if action.id in skip or action.due != "now":
            continue
        details = {}
        if action.id == "phone_csc":
            details = {
                "handler": "J Smith",
                "reference": "MAST-0001",
                "advice": "Paediatric CP today",
            }
        out.append(ActionRecord(action.id, opened + timedelta(minutes=15), "Dr Demo", details))
    return tuple(out)
