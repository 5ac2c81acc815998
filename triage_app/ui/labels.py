"""Words for codes: what the screens say for each vocabulary value (British English).

Wording rule: the app says what "the protocol requires"; it never says that abuse is likely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from triage_app.domain.display import nhs_datetime
from triage_app.domain.vocab import CpIs, CpPlan, FindingKind, Setting, Site, Urgency

SETTING = {
    Setting.GP: "GP surgery",
    Setting.ED: "Emergency department",
    Setting.HEALTH_VISITOR: "Health visitor (home or clinic)",
    Setting.MIDWIFE: "Midwife",
    Setting.AMBULANCE: "Ambulance",
    Setting.EARLY_YEARS: "Early years or nursery",
    Setting.OTHER: "Other",
}

KIND = {
    FindingKind.BRUISE: "Bruise",
    FindingKind.PETECHIAE: "Petechiae",
    FindingKind.MARK: "Mark",
    FindingKind.BLEEDING: "Bleeding",
    FindingKind.SUBCONJUNCTIVAL_HAEMORRHAGE: "Subconjunctival haemorrhage",
    FindingKind.FRENULUM_INJURY: "Frenulum injury",
    FindingKind.BURN: "Burn",
    FindingKind.SCALD: "Scald",
    FindingKind.BITE: "Bite",
    FindingKind.LACERATION: "Laceration",
    FindingKind.ABRASION: "Abrasion",
    FindingKind.SWELLING: "Swelling",
    FindingKind.SUSPECTED_FRACTURE: "Suspected fracture",
    FindingKind.OTHER_INJURY: "Other injury",
}

SITE = {
    Site.SCALP: "Scalp",
    Site.FOREHEAD: "Forehead",
    Site.EYELID: "Eyelid",
    Site.SUBCONJUNCTIVA: "Subconjunctiva (white of the eye)",
    Site.EAR: "Ear",
    Site.CHEEK: "Cheek",
    Site.ANGLE_OF_JAW: "Angle of jaw",
    Site.NOSE: "Nose",
    Site.LIP: "Lip",
    Site.MOUTH: "Mouth",
    Site.FRENULUM: "Frenulum",
    Site.CHIN: "Chin",
    Site.NECK: "Neck",
    Site.CHEST: "Chest",
    Site.ABDOMEN: "Abdomen",
    Site.BACK: "Back",
    Site.BUTTOCK: "Buttock",
    Site.GENITALIA: "Genitalia",
    Site.HIP: "Hip",
    Site.UPPER_ARM: "Upper arm",
    Site.FOREARM: "Forearm",
    Site.HAND: "Hand",
    Site.THIGH: "Thigh",
    Site.LOWER_LEG: "Lower leg",
    Site.FOOT: "Foot",
    Site.OTHER: "Other site",
}

CP_IS = {
    CpIs.NOT_CHECKED: "Not checked yet",
    CpIs.NONE: "Checked: no plan or looked-after status",
    CpIs.CPP: "Child protection plan",
    CpIs.LAC: "Looked after child",
    CpIs.UCPP: "Unborn child protection plan",
    CpIs.UNAVAILABLE: "CP-IS unavailable",
}

CP_PLAN = {
    CpPlan.UNKNOWN: "Not known",
    CpPlan.NONE: "No plan",
    CpPlan.PAST: "Past plan",
    CpPlan.CURRENT: "Current plan",
}

# Urgency banner: the words always say what the colour says (colour is never the only signal).
URGENCY = {
    Urgency.EMERGENCY: "EMERGENCY: emergency care now",
    Urgency.IMMEDIATE: "IMMEDIATE: the protocol requires a referral now",
    Urgency.SAME_DAY_REVIEW: "SAME-DAY REVIEW: the protocol requires a review today",
    Urgency.CONSIDER: "CONSIDER: discuss with a senior colleague",
    Urgency.RECORD_ONLY: "RECORD: document the findings",
    Urgency.NONE: "NO PROTOCOL ACTION from these inputs",
}
URGENCY_SHORT = {
    Urgency.EMERGENCY: "Emergency",
    Urgency.IMMEDIATE: "Immediate",
    Urgency.SAME_DAY_REVIEW: "Same-day review",
    Urgency.CONSIDER: "Consider",
    Urgency.RECORD_ONLY: "Record only",
    Urgency.NONE: "None",
}
# Background and text colours (NHS palette) with at least 4.5:1 contrast.
URGENCY_COLOURS = {
    Urgency.EMERGENCY: ("#8a1538", "#ffffff"),
    Urgency.IMMEDIATE: ("#d5281b", "#ffffff"),
    Urgency.SAME_DAY_REVIEW: ("#ffb81c", "#212b32"),
    Urgency.CONSIDER: ("#fff9c4", "#212b32"),
    Urgency.RECORD_ONLY: ("#e8edee", "#212b32"),
    Urgency.NONE: ("#007f3b", "#ffffff"),
}

NIM_BASIS = {
    "age_under_floor": "younger than the protocol's age limit",
    "disability": "not mobile because of a disability",
    "no_mobility_milestone": "no mobility milestone reached",
    "rolling_only": "rolls only (rolling is not independent mobility)",
    "mobility_unknown": "mobility not fully known, so treated as not mobile",
    "mobile_milestone": "has reached a mobility milestone",
}

INVESTIGATION = {
    "skeletal_survey_initial": "Initial skeletal survey",
    "skeletal_survey_follow_up": "Follow-up skeletal survey",
    "head_imaging": "Head imaging (CT or MRI)",
    "ophthalmology": "Ophthalmology review",
    "bloods": "Bloods (clotting screen)",
    "bone_profile": "Bone profile",
    "photography": "Medical photography",
}

ACTION = {
    "emergency_care": "Emergency care",
    "inform_csc_of_location": "Tell social care where the child is",
    "phone_csc": "Phone children's social care",
    "paediatric_cp_assessment": "Paediatric child-protection assessment",
    "written_referral": "Written referral",
    "complete_body_map": "Complete the body map",
    "record_explanation_verbatim": "Record the explanation verbatim",
    "inform_parents": "Tell the parents or carers",
    "check_household_children": "Check the household children",
    "check_cp_is": "Check CP-IS",
    "contact_allocated_social_worker": "Contact the allocated social worker",
    "confirm_paediatric_attendance": "Confirm paediatric attendance",
    "same_day_review": "Same-day review",
    "haematology_review": "Haematology review",
    "senior_review_before_discharge": "Senior review before discharge",
    "discuss_with_senior": "Discuss with a senior colleague",
    "document_exception": "Document the exception",
    "pre_birth_referral": "Pre-birth referral",
    "share_cumulative_history": "Share the earlier history",
}

# Protocol profile items awaiting sign-off (``awaiting_sign_off[].field`` in the profiles):
# what a clinician reads instead of the profile's field path.
PROFILE_ITEM = {
    "nim": "who counts as not independently mobile",
    "nim.age_floor_months": "the age limit for not independently mobile",
    "timescales": "the timescales",
    "timescales.paediatric_assessment": "the time limit for the paediatric assessment",
    "timescales.written_referral_hours": "the time limit for the written referral",
    "exceptions": "the documented exceptions",
    "exceptions.birth_injury.max_age_days": "the age limit for a birth-injury exception",
    "findings.emergency": "which findings need emergency care",
    "contacts": "the local contact numbers",
    "contacts.out_of_hours.phone": "the out-of-hours phone number",
    "contacts.york_front_door": "the York front-door contact",
    "role_variants": "what each professional role does",
    "investigations": "the investigations",
}


def profile_item(field: str) -> str:
    """A profile item in words (a field path not in :data:`PROFILE_ITEM` in general words)."""
    if field in PROFILE_ITEM:
        return PROFILE_ITEM[field]
    head = field.split(".", 1)[0]
    return PROFILE_ITEM.get(head, "a part of the protocol profile")


def notice_words(text: str) -> str:
    """A decision notice as a clinician reads it: profile field paths become words."""
    import re

    def items(m: re.Match[str]) -> str:
        fields = [f.strip() for f in m.group(1).split(",") if f.strip()]
        return " (still to be confirmed: " + "; ".join(profile_item(f) for f in fields) + ")"

    return re.sub(r" \(items: ([^)]*)\)", items, text)


TRI_STATE = ("Not known", "Yes", "No")


def tri_index(value: bool | None) -> int:
    """Return the combo index for a yes/no/unknown answer (0 unknown, 1 yes, 2 no)."""
    return 0 if value is None else (1 if value else 2)


def tri_value(index: int) -> bool | None:
    """Return the answer for a combo index (see :func:`tri_index`)."""
    return {1: True, 2: False}.get(index)


def duration(delta: timedelta) -> str:
    """Return a duration in NHS form: ``2d 4hr``, ``4hr 32min``, ``12min``."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}hr" if hours else f"{days}d"
    if hours:
        return f"{hours}hr {mins}min" if mins else f"{hours}hr"
    return f"{mins}min"


def due_phrase(due_at: datetime | None, now: datetime) -> tuple[str, bool]:
    """Return (words, overdue) for a deadline, e.g. ``Due in 4hr 32min (04-Sep-2025 10:40)``."""
    if due_at is None:
        return "No set time", False
    when = nhs_datetime(due_at)
    if due_at == now:
        return f"Due now ({when})", False
    if due_at < now:
        return f"OVERDUE by {duration(now - due_at)} (was due {when})", True
    return f"Due in {duration(due_at - now)} ({when})", False
