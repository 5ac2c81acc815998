"""Synthetic referral records for previews, tests, benchmarks and the demonstration data.

Every person here is invented and every NHS number is in the synthetic range (999...), which
is never issued to a patient. :func:`sample_record` runs the real engine on a made-up case, so
the decision, actions and flags printed are the ones the protocol would give.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from triage_app.domain.engine import Engine
from triage_app.domain.parse import parse_assessment
from triage_app.domain.referral import (
    ActionTaken,
    BodyMapMark,
    ChildIdentity,
    CpIsCheck,
    Person,
    ReferralRecord,
    Referrer,
    StrategyMeeting,
    TimelineEntry,
    build_referral_record,
)
from triage_app.domain.vocab import MOBILITY_FIELDS, CpIs

HOSTILE = (
    '<b>bold?</b> <a href="javascript:alert(1)">click</a> <img src="/etc/passwd"/> '
    "<i>unclosed & <font name=x> ]]> &amp; <para>"
)
NAMES = {
    "latin": ("Łukasik-Ó Súilleabháin", "Zofia Bríd"),
    "arabic": ("الأحمد", "محمد"),
    "chinese": ("王", "小明"),
}
_SETTINGS = ("gp", "ed", "health_visitor", "gp", "ed")
_KINDS = (("bruise", "cheek"), ("bleeding", "mouth"), ("mark", "thigh"), ("bruise", "ear"))
_engine: Engine | None = None


def _prior(count: int, on: date, dob: date) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        day = on - timedelta(days=3 + (i * 5) % max(1, (on - dob).days - 4))
        kind, site = _KINDS[i % len(_KINDS)]
        rows.append(
            {
                "date": day.isoformat(),
                "setting": _SETTINGS[i % len(_SETTINGS)],
                "findings": [{"kind": kind, "site": site}] if i % 3 != 2 else [],
                "complaint": "Unsettled, not feeding well" if i % 3 == 2 else f"{kind} noticed",
                "outcome": "Advice given; reviewed by GP" if i % 2 else "Discharged home",
            }
        )
    return rows


def sample_record(
    *,
    names: str = "latin",
    prior: int = 20,
    hostile: bool = False,
    record_id: str = "NIM-2025-000123",
) -> ReferralRecord:
    """Return a full synthetic record.

    Args:
        names: ``latin`` (Łukasik, Ó Súilleabháin), ``arabic`` or ``chinese`` names.
        prior: Number of earlier presentations in the timeline.
        hostile: Put markup-like text (``<b>``, ``<a href=javascript:...>``, ``<img>``) in
            every free-text field, to prove it prints literally.
        record_id: The record id.
    """
    global _engine
    _engine = _engine or Engine.load()
    family, given = NAMES[names]
    free = HOSTILE if hostile else None
    assessed = datetime(2025, 9, 3, 10, 40)
    dob = date(2025, 7, 20)
    case = {
        "schema": "triage-assess/1",
        "profile": "nyscp",
        "assessed_at": assessed.isoformat(timespec="minutes"),
        "setting": "gp",
        "child": {
            "nhs_number": "999 000 0018",
            "given_name": given,
            "family_name": family,
            "date_of_birth": dob.isoformat(),
            "sex": "female",
        },
        "mobility": dict.fromkeys(MOBILITY_FIELDS, False),
        "findings": [
            {
                "kind": "bruise",
                "site": "cheek",
                "side": "left",
                "size_mm": 12,
                "patterned": False,
                "description": free or "purple-blue, oval",
            },
            {"kind": "subconjunctival_haemorrhage", "site": "subconjunctiva", "side": "right"},
            {
                "kind": "bruise",
                "site": "back",
                "side": "left",
                "size_mm": 8,
                "count": 2,
                "exception": {
                    "type": "birthmark",
                    "documented_by": free or "Midwife A. Jones",
                    "documented_on": "2025-07-21",
                    "matches_documentation": False,
                },
            },
            {"kind": "mark", "site": "thigh", "side": "bilateral", "size_mm": 5},
        ],
        "explanation": {
            "text": free
            or (
                "She rolled off the sofa yesterday evening while I was in the kitchen.\n"
                "Her brother might have poked her eye when he was playing."
            ),
            "given_by": "mother",
            "given_at": "2025-09-03T10:25",
            "changed_over_time": True,
            "delay_in_presentation": False,
        },
        "history": {
            "cp_is": "none",
            "household_children": [
                {
                    "name": free or "Adam (brother)",
                    "date_of_birth": "2021-03-02",
                    "cp_plan": "past",
                    "looked_after": False,
                },
            ],
            "prior_presentations": _prior(prior, assessed.date(), dob),
        },
    }
    assessment = parse_assessment(case)
    decision = _engine.decide(assessment)
    profile = _engine.registry.get("nyscp")
    t = assessed
    return build_referral_record(
        assessment,
        decision,
        profile,
        record_id=record_id,
        generated_at=t + timedelta(minutes=50),
        child=ChildIdentity(
            date_of_birth=dob,
            given_name=given,
            family_name=family,
            sex="female",
            nhs_number="9990000018",
            nhs_number_verified=True,
            address=free or "12 Example Street, Northallerton",
            postcode="DL7 8AD",
            gp_practice=free or "Example Medical Practice (B82999)",
            health_visitor_team="Hambleton 0-19 team",
        ),
        marks={1: (BodyMapMark("face", 0.7, 0.6),)},
        milestone_sources={"rolls": "mother (reported)", "sits": "observed by GP"},
        referrer=Referrer(
            "Dr Sam Carter", "GP", free or "Example Medical Practice", "01609 000000", "B82999"
        ),
        examined_at=t + timedelta(minutes=5),
        clinical_state=free or "Alert, feeding, observations normal. No emergency signs.",
        cp_is=CpIsCheck(CpIs.NONE, checked_by="Dr Sam Carter", checked_at=t),
        parental_responsibility=(
            Person(
                free or f"{given} {family} (mother)",
                "Mother",
                date(1996, 5, 1),
                "07700 900000",
            ),
            Person("Unknown", "Father", notes=free or "Not living in the household"),
        ),
        household_adults=(Person("Chris Example", "Mother's partner", notes=free),),
        household_presentations=(
            TimelineEntry(
                date(2023, 4, 2),
                "Adam (brother)",
                "ed",
                "2y 1m",
                free or "Fall at nursery",
                "Forehead bruise",
                "Discharged",
                (),
            ),
        ),
        actions_taken=(
            ActionTaken(
                "phone_csc",
                t + timedelta(minutes=12),
                "Dr Sam Carter",
                free or "MAST-2025-4411",
                free or "Advised same-day paediatric review",
            ),
            ActionTaken(
                "paediatric_cp_assessment",
                t + timedelta(minutes=20),
                "Dr Sam Carter",
                None,
                "On-call paediatrician Dr Lee agreed to see today at 14:00",
            ),
            ActionTaken(
                "inform_parents",
                t + timedelta(minutes=30),
                "Dr Sam Carter",
                None,
                "Mother informed; leaflet given",
            ),
        ),
        strategy_meeting=StrategyMeeting(
            held_at=t + timedelta(hours=6),
            outcome=free or "Section 47 enquiry agreed.",
            supervision_conditions=free
            or "Baby to stay with maternal grandmother; "
            "contact with mother's partner supervised until results are back.",
            agreed_by=("J. Smith (social worker)", "Dr Lee (paediatrician)"),
            supervision_in_force=True,
            supervision_decision="impose",
            relax_conditions=free
            or "Both stages of the skeletal survey reported and heard at a strategy meeting.",
            decided_at=t + timedelta(hours=6),
            decided_by=("J. Smith (social worker, csc)", "Dr Lee (paediatrician, health)"),
        ),
    )
