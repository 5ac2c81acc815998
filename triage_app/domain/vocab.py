"""Controlled vocabularies of the assess contract (version 1).

Every value is the lower-case string the contract uses, so an enum member compares equal to its
JSON spelling. See ``shared/docs/assess-contract.md`` ("Vocabularies").
"""

from __future__ import annotations

from enum import StrEnum


class Setting(StrEnum):
    """Where the child was seen, or who reported the concern (the user's role)."""

    GP = "gp"
    ED = "ed"
    HEALTH_VISITOR = "health_visitor"
    MIDWIFE = "midwife"
    AMBULANCE = "ambulance"
    EARLY_YEARS = "early_years"
    OTHER = "other"


class ReportMode(StrEnum):
    """Whether the child was seen, or the concern was reported remotely."""

    IN_PERSON = "in_person"
    REMOTE = "remote"


class Sex(StrEnum):
    """Sex as recorded (NHS display spells it out: Female, Male, Other, Not Known)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class EmergencySign(StrEnum):
    """Signs that the child needs emergency care now (rule R0)."""

    REDUCED_RESPONSIVENESS = "reduced_responsiveness"
    BREATHING_DIFFICULTY = "breathing_difficulty"
    SEIZURE = "seizure"
    ACTIVE_BLEEDING = "active_bleeding"
    HEAD_SWELLING = "head_swelling"
    SIGNIFICANT_BURN = "significant_burn"
    CLINICIAN_CONCERN = "clinician_concern"


class FindingKind(StrEnum):
    """What was found (rule R2)."""

    BRUISE = "bruise"
    PETECHIAE = "petechiae"
    MARK = "mark"
    BLEEDING = "bleeding"
    SUBCONJUNCTIVAL_HAEMORRHAGE = "subconjunctival_haemorrhage"
    FRENULUM_INJURY = "frenulum_injury"
    BURN = "burn"
    SCALD = "scald"
    BITE = "bite"
    LACERATION = "laceration"
    ABRASION = "abrasion"
    SWELLING = "swelling"
    SUSPECTED_FRACTURE = "suspected_fracture"
    OTHER_INJURY = "other_injury"


class Site(StrEnum):
    """Body-map regions. ``TEN4_LETTER`` gives the TEN-4-FACESp letter where there is one."""

    SCALP = "scalp"
    FOREHEAD = "forehead"
    EYELID = "eyelid"
    SUBCONJUNCTIVA = "subconjunctiva"
    EAR = "ear"
    CHEEK = "cheek"
    ANGLE_OF_JAW = "angle_of_jaw"
    NOSE = "nose"
    LIP = "lip"
    MOUTH = "mouth"
    FRENULUM = "frenulum"
    CHIN = "chin"
    NECK = "neck"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    BACK = "back"
    BUTTOCK = "buttock"
    GENITALIA = "genitalia"
    HIP = "hip"
    UPPER_ARM = "upper_arm"
    FOREARM = "forearm"
    HAND = "hand"
    THIGH = "thigh"
    LOWER_LEG = "lower_leg"
    FOOT = "foot"
    OTHER = "other"


# TEN-4-FACESp (Pierce et al. 2021): Torso, Ear, Neck; Frenulum, Angle of jaw, Cheek,
# Eyelid, Subconjunctiva. Torso covers chest, abdomen, back, buttock, genitalia and hip.
TEN4_LETTER: dict[Site, str] = {
    Site.EYELID: "E",
    Site.SUBCONJUNCTIVA: "S",
    Site.EAR: "E",
    Site.CHEEK: "C",
    Site.ANGLE_OF_JAW: "A",
    Site.FRENULUM: "F",
    Site.NECK: "N",
    Site.CHEST: "T",
    Site.ABDOMEN: "T",
    Site.BACK: "T",
    Site.BUTTOCK: "T",
    Site.GENITALIA: "T",
    Site.HIP: "T",
}


class Side(StrEnum):
    """Which side of the body a finding is on."""

    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"
    BILATERAL = "bilateral"


class ExceptionType(StrEnum):
    """Documented explanations a profile may accept for a finding (rule R3)."""

    BIRTHMARK = "birthmark"
    BIRTH_INJURY = "birth_injury"
    PROCEDURE_MARK = "procedure_mark"


class CpIs(StrEnum):
    """Child Protection Information Sharing (CP-IS) result."""

    CPP = "cpp"
    LAC = "lac"
    UCPP = "ucpp"
    NONE = "none"
    NOT_CHECKED = "not_checked"
    UNAVAILABLE = "unavailable"


class CpPlan(StrEnum):
    """Child protection plan status of a household child."""

    CURRENT = "current"
    PAST = "past"
    NONE = "none"
    UNKNOWN = "unknown"


class Urgency(StrEnum):
    """Decision urgency. Compare with :func:`urgency_rank`; higher rank is more urgent."""

    EMERGENCY = "emergency"
    IMMEDIATE = "immediate"
    SAME_DAY_REVIEW = "same_day_review"
    CONSIDER = "consider"
    RECORD_ONLY = "record_only"
    NONE = "none"


_URGENCY_RANK = {
    Urgency.NONE: 0,
    Urgency.RECORD_ONLY: 1,
    Urgency.CONSIDER: 2,
    Urgency.SAME_DAY_REVIEW: 3,
    Urgency.IMMEDIATE: 4,
    Urgency.EMERGENCY: 5,
}


def urgency_rank(urgency: Urgency | str) -> int:
    """Return the rank of an urgency: 0 for ``none`` up to 5 for ``emergency``."""
    rank = _RANK_BY_VALUE.get(urgency) if isinstance(urgency, str) else None
    return _URGENCY_RANK[Urgency(urgency)] if rank is None else rank


_RANK_BY_VALUE: dict[str, int] = {u.value: rank for u, rank in _URGENCY_RANK.items()}


# Milestones asked about at every assessment, in the order the contract lists them.
MOBILITY_FIELDS: tuple[str, ...] = (
    "rolls",
    "sits",
    "crawls",
    "bottom_shuffles",
    "pulls_to_stand",
    "cruises",
    "walks",
    "not_mobile_due_to_disability",
)

# Milestones that can end "not independently mobile"; "sits" never does, and
# "not_mobile_due_to_disability" is an override, not a milestone.
LOCOMOTION_MILESTONES: tuple[str, ...] = (
    "rolls",
    "crawls",
    "bottom_shuffles",
    "pulls_to_stand",
    "cruises",
    "walks",
)

NIM_BASIS_CODES: tuple[str, ...] = (
    "age_under_floor",
    "disability",
    "no_mobility_milestone",
    "rolling_only",
    "mobility_unknown",
    "mobile_milestone",
)

# Every action id the engine can require, in the order decisions list them (most pressing
# first). Profiles may reword only these (role_variants.*.action_text).
ACTION_IDS: tuple[str, ...] = (
    "emergency_care",
    "inform_csc_of_location",
    "phone_csc",
    "paediatric_cp_assessment",
    "same_day_review",
    "contact_allocated_social_worker",
    "share_cumulative_history",
    "written_referral",
    "complete_body_map",
    "record_explanation_verbatim",
    "inform_parents",
    "check_household_children",
    "check_cp_is",
    "haematology_review",
    "pre_birth_referral",
    "senior_review_before_discharge",
    "discuss_with_senior",
    "document_exception",
    "confirm_paediatric_attendance",
)
