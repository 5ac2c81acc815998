"""Builders for assess cases: a valid baseline case, changed field by field."""

import copy
from functools import cache

from triage_app.domain.engine import Engine
from triage_app.domain.parse import parse_assessment
from triage_app.domain.vocab import MOBILITY_FIELDS

ALL_FALSE = dict.fromkeys(MOBILITY_FIELDS, False)

BASE = {
    "schema": "triage-assess/1",
    "profile": "nyscp",
    "assessed_at": "2025-09-03T10:40",
    "setting": "gp",
    "report_mode": "in_person",
    "child": {
        "nhs_number": "943 476 5919",
        "given_name": "Ava",
        "family_name": "Example",
        "date_of_birth": "2025-07-20",
        "sex": "female",
    },
    "mobility": ALL_FALSE,
    "clinical_state": {"emergency_signs": []},
    "findings": [],
    "explanation": {"text": "verbatim words", "given_by": "mother"},
    "history": {"cp_is": "none"},
}


@cache
def engine() -> Engine:
    return Engine.load()


def case(**changes) -> dict:
    """Return a deep copy of BASE with top-level keys replaced (``child_dob`` etc. helpers)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key == "dob":
            data["child"]["date_of_birth"] = value
        elif key == "mobility_set":
            data["mobility"] = {**ALL_FALSE, **value}
        elif key == "signs":
            data["clinical_state"] = {"emergency_signs": list(value)}
        elif key == "history_set":
            data["history"] = {**data["history"], **value}
        elif key == "explanation_set":
            data["explanation"] = {**data["explanation"], **value}
        else:
            data[key] = value
    return data


def finding(kind="bruise", site="cheek", **extra) -> dict:
    return {"kind": kind, "site": site, **extra}


def decide(data: dict, profile: str | None = None) -> dict:
    return engine().assess_json(data, profile_override=profile)


def decide_obj(data: dict, profile: str | None = None):
    a = parse_assessment(data, profile_override=profile)
    return engine().decide(a)


def action_ids(decision: dict) -> list[str]:
    return [a["id"] for a in decision["actions"]]


def flag_ids(decision: dict) -> list[str]:
    return [f["id"] for f in decision["flags"]]
