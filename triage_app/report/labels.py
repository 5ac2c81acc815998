"""Printed wording for codes. It says what the protocol requires, never that abuse is likely."""

from __future__ import annotations

from triage_app.domain.vocab import CpIs, CpPlan, Setting, Urgency

SETTING = {
    Setting.GP: "GP",
    Setting.ED: "Emergency department",
    Setting.HEALTH_VISITOR: "Health visitor",
    Setting.MIDWIFE: "Midwife",
    Setting.AMBULANCE: "Ambulance service",
    Setting.EARLY_YEARS: "Early years",
    Setting.OTHER: "Other",
}

URGENCY = {
    Urgency.EMERGENCY: (
        "EMERGENCY",
        "The protocol requires emergency care now (999 or the emergency department) and that "
        "children's social care is told where the child is.",
    ),
    Urgency.IMMEDIATE: (
        "IMMEDIATE REFERRAL",
        "The protocol requires a phone referral to children's social care now and a paediatric "
        "child-protection assessment today, whatever the explanation.",
    ),
    Urgency.SAME_DAY_REVIEW: (
        "SAME-DAY REVIEW",
        "The protocol requires a review by a GP or paediatrician today. If a safeguarding "
        "cause cannot be excluded, the protocol then requires an immediate referral.",
    ),
    Urgency.CONSIDER: (
        "CONSIDER",
        "NICE CG89 'consider' prompts apply: discuss with a senior colleague and set a review.",
    ),
    Urgency.RECORD_ONLY: (
        "RECORD ONLY",
        "A documented exception was verified: the protocol requires it to be recorded and the "
        "health visitor or GP told.",
    ),
    Urgency.NONE: ("NO PROTOCOL ACTION", "No qualifying finding was recorded."),
}

NIM_BASIS = {
    "age_under_floor": "younger than the profile's age floor",
    "disability": "not mobile because of disability or delay",
    "no_mobility_milestone": "no mobility milestone reached",
    "rolling_only": "rolling only (rolling is not independent mobility in this profile)",
    "mobility_unknown": "mobility not fully known, so treated as not mobile",
    "mobile_milestone": "a mobility milestone has been reached",
}

MILESTONE = {
    "rolls": "Rolls",
    "sits": "Sits",
    "crawls": "Crawls",
    "bottom_shuffles": "Bottom-shuffles",
    "pulls_to_stand": "Pulls to stand",
    "cruises": "Cruises",
    "walks": "Walks",
    "not_mobile_due_to_disability": "Not mobile because of disability or delay",
}

CP_IS = {
    CpIs.CPP: "Flag: child protection plan",
    CpIs.LAC: "Flag: looked-after child",
    CpIs.UCPP: "Flag: unborn child protection plan",
    CpIs.NONE: "Checked: no flag (the absence of a flag is not reassurance)",
    CpIs.NOT_CHECKED: "Not checked",
    CpIs.UNAVAILABLE: "CP-IS not available",
}

CP_PLAN = {
    CpPlan.CURRENT: "Current child protection plan",
    CpPlan.PAST: "Past child protection plan",
    CpPlan.NONE: "No plan",
    CpPlan.UNKNOWN: "Not Known",
}

ACTION_TAKEN = {
    "phone_csc": "Phone referral to children's social care",
    "paediatric_cp_assessment": "Paediatrician contacted; assessment arranged",
    "written_referral": "Written referral sent",
    "inform_parents": "Parents or carers informed; leaflet given",
    "check_household_children": "Household children checked and passed on",
    "check_cp_is": "CP-IS checked",
    "confirm_paediatric_attendance": "Attendance at paediatric assessment confirmed",
    "contact_allocated_social_worker": "Allocated social worker contacted",
    "emergency_care": "Emergency care arranged",
    "inform_csc_of_location": "Children's social care told where the child is",
}


def humanise(code: str | None) -> str:
    """Return ``some_code`` as ``Some code``; ``Not recorded`` for nothing."""
    if not code:
        return "Not recorded"
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def setting(code: str | None) -> str:
    """Return the printed name of a setting code (unknown codes are humanised)."""
    if code is None:
        return humanise(code)
    try:
        return SETTING[Setting(code)]
    except ValueError:
        return humanise(code)


SHORT_SETTING = {Setting.ED: "ED", Setting.HEALTH_VISITOR: "HV"}


def short_setting(code: str | None) -> str | None:
    """Return a setting name short enough for a timeline column (``ED``, ``HV``)."""
    if not code:
        return None
    try:
        return SHORT_SETTING.get(Setting(code)) or SETTING[Setting(code)]
    except ValueError:
        return humanise(code)


def yes_no(value: bool | None) -> str:
    """Return ``Yes``, ``No`` or ``Not Known``."""
    return "Not Known" if value is None else ("Yes" if value else "No")
