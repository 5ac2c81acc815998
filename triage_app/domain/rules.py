"""The protocol's rules R0 to R9, one small function each, over facts gathered once.

``gather_facts`` applies R1 (NIM), R2 (qualifying findings) and R3 (the exception gate) to each
finding; each ``r*`` function then returns a :class:`RuleOutcome` (an urgency candidate,
actions, notices, rules fired). :func:`triage_app.domain.engine.decide` takes the maximum
urgency over ``URGENCY_RULES`` and then applies ``FINAL_RULES``, which follow the final urgency
and never change it. R8 (the pending-results lock) belongs to the case tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from triage_app.domain.construct import build
from triage_app.domain.display import add_months, age_display
from triage_app.domain.flags import cumulative_risk_flags
from triage_app.domain.model import (
    Assessment,
    Finding,
    FindingResult,
    Flag,
    History,
    Investigation,
    NimResult,
)
from triage_app.domain.profile import (
    AWAITING_SIGN_OFF,
    Profile,
    nim_floor_months,
)
from triage_app.domain.vocab import (
    TEN4_LETTER,
    CpIs,
    CpPlan,
    ExceptionType,
    FindingKind,
    ReportMode,
    Setting,
    Urgency,
    urgency_rank,
)

# Kinds the TEN-4-FACESp bruising rule describes (bruises and the FACESp marks).
BRUISE_LIKE = frozenset(
    {
        FindingKind.BRUISE,
        FindingKind.PETECHIAE,
        FindingKind.MARK,
        FindingKind.SUBCONJUNCTIVAL_HAEMORRHAGE,
        FindingKind.FRENULUM_INJURY,
    }
)
# Kinds NICE CG89 names whatever the site: in a mobile child they always prompt discussion.
_NICE_ALWAYS_CONSIDER = frozenset(
    {
        FindingKind.BITE,
        FindingKind.BURN,
        FindingKind.SCALD,
        FindingKind.SUSPECTED_FRACTURE,
        FindingKind.FRENULUM_INJURY,
        FindingKind.SUBCONJUNCTIVAL_HAEMORRHAGE,
    }
)
_MILESTONE_WORDS = {
    "rolls": "rolls",
    "crawls": "crawls",
    "bottom_shuffles": "bottom-shuffles",
    "pulls_to_stand": "pulls to stand",
    "cruises": "cruises",
    "walks": "walks",
}


@dataclass(frozen=True)
class _Gate:
    status: str  # none | accepted | not_accepted
    route: str  # protocol | review | accepted
    reason: str | None = None


def classify_nim(a: Assessment, profile: Profile) -> NimResult:
    """Rule R1: is the child not independently mobile, and on what basis.

    Under the age floor (never less than 6 months, whatever the profile), or non-mobile
    through disability, the child is NIM whatever the milestones. Otherwise any milestone
    that ends NIM in this profile makes the child mobile; with none, the child is NIM, and
    unknown answers count as NIM ("mobility_unknown").
    """
    on = a.assessed_at.date()
    m = a.mobility
    primary: list[str] = []
    if profile.disability_override and m.not_mobile_due_to_disability is True:
        primary.append("disability")
    if on < add_months(a.child.date_of_birth, nim_floor_months(profile)):
        primary.insert(0, "age_under_floor")

    ending = profile.milestones_that_end_nim
    answers = {name: getattr(m, name) for name in ending}
    achieved = [name for name, value in answers.items() if value is True]
    unknown = [name for name, value in answers.items() if value is None]
    rolling_only = m.rolls is True and "rolls" not in ending

    if primary:
        basis = list(primary)
        if not achieved and unknown:
            basis.append("mobility_unknown")
        if rolling_only and not achieved:
            basis.append("rolling_only")
        return NimResult(True, tuple(basis))
    if achieved:
        return NimResult(False, ("mobile_milestone",))
    if unknown:
        basis = ["mobility_unknown"]
        if rolling_only:
            basis.append("rolling_only")
        return NimResult(True, tuple(basis))
    return NimResult(True, ("rolling_only",) if rolling_only else ("no_mobility_milestone",))


def _gate(f: Finding, a: Assessment, profile: Profile) -> _Gate:
    """Rule R3: accept an exception only when allowed, documented beforehand, and matching."""
    claim = f.exception
    if claim is None:
        return _Gate("none", "protocol")
    rule = profile.exceptions.get(claim.type)
    name = claim.type.value.replace("_", " ")
    if rule is None or not rule.allowed:
        return _Gate("not_accepted", "protocol", f"this profile does not accept a {name}")
    kind = f.kind.value.replace("_", " ")
    if f.kind not in rule.applies_to:
        return _Gate("not_accepted", "protocol", f"a {name} cannot account for a {kind}")
    if claim.type == ExceptionType.BIRTH_INJURY:
        limit = rule.max_age_days.get(f.kind)
        age = (a.assessed_at.date() - a.child.date_of_birth).days
        if limit is None:
            return _Gate(
                "not_accepted",
                "protocol",
                f"profile {profile.id} sets no age up to which a {kind} can be a birth injury",
            )
        if age > limit:
            return _Gate(
                "not_accepted",
                "protocol",
                f"at {age} days old a {kind} is past the age a birth injury can explain "
                f"(up to {limit} days in profile {profile.id}, {AWAITING_SIGN_OFF})",
            )
    if not (claim.documented_by or "").strip() or claim.documented_on is None:
        return _Gate("not_accepted", "review", "no earlier documentation cited (who and when)")
    if claim.documented_on > a.assessed_at.date():
        return _Gate("not_accepted", "review", "documented after this assessment, not before it")
    if claim.documented_on < a.child.date_of_birth:
        return _Gate("not_accepted", "review", "documented before the child was born")
    if claim.matches_documentation is not True:
        return _Gate(
            "not_accepted",
            "review",
            "not confirmed to match the documentation (site and appearance)",
        )
    return _Gate("accepted", "accepted")


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule contributes: an urgency candidate, actions, notices, rules fired."""

    rules: tuple[str, ...] = ()
    urgency: Urgency | None = None
    actions: tuple[tuple[str, str, str | None], ...] = ()  # (action id, rule, due or None)
    notices: tuple[str, ...] = ()
    investigations: tuple[Investigation, ...] = ()


NOTHING = RuleOutcome()  # a rule that does not apply (immutable, so one is shared)


@dataclass(frozen=True)
class Facts:
    """What every rule reads: the assessment, the profile, and R1 to R3's per-finding results."""

    a: Assessment
    profile: Profile
    nim: NimResult
    results: tuple[FindingResult, ...]
    gates: tuple[_Gate, ...]
    triggering: tuple[int, ...]  # qualifying, no exception accepted or pending review
    review: tuple[int, ...]  # qualifying, exception claimed but not accepted: review
    accepted: tuple[int, ...]  # exception accepted
    ten4: tuple[str, ...]
    flags: tuple[Flag, ...]

    @property
    def flag_ids(self) -> set[str]:
        """The ids of the cumulative-risk flags raised."""
        return {f.id for f in self.flags}

    @property
    def qualifying_not_exempt(self) -> bool:
        """A qualifying finding that no accepted exception covers."""
        return bool(self.triggering or self.review)


def gather_facts(a: Assessment, profile: Profile) -> Facts:
    """Rules R1 (NIM), R2 (qualifying findings) and R3 (exception gate) for each finding."""
    nim = classify_nim(a, profile)
    results: list[FindingResult] = []
    gates: list[_Gate] = []
    triggering: list[int] = []
    review: list[int] = []
    accepted: list[int] = []
    for i, f in enumerate(a.findings):
        qualifying = f.kind in profile.qualifying_findings
        gate = _gate(f, a, profile)
        gates.append(gate)
        reasons: list[str] = []
        if not qualifying:
            reasons.append(f"{f.kind.value} is not a qualifying finding in profile {profile.id}")
        if gate.reason:
            reasons.append(f"exception not accepted: {gate.reason}")
        if gate.status == "accepted":
            reasons.append("exception accepted: documented beforehand and matching")
        if qualifying and gate.route == "protocol":
            triggering.append(i)
        elif qualifying and gate.route == "review":
            review.append(i)
        elif gate.status == "accepted":
            accepted.append(i)
        results.append(
            build(
                FindingResult,
                {
                    "index": i,
                    "qualifying": qualifying,
                    "exception": gate.status,
                    "ten4facesp": TEN4_LETTER.get(f.site),
                    "triggers_protocol": qualifying and gate.route == "protocol" and nim.status,
                    "reasons": tuple(reasons),
                },
            )
        )
    return Facts(
        a=a,
        profile=profile,
        nim=nim,
        results=tuple(results),
        gates=tuple(gates),
        triggering=tuple(triggering),
        review=tuple(review),
        accepted=tuple(accepted),
        ten4=_ten4(a, results),
        flags=cumulative_risk_flags(a, profile, results),
    )


def r1_nim(f: Facts) -> RuleOutcome:
    """R1: say whether the child is NIM, and why."""
    return RuleOutcome(rules=("R1",), notices=(_nim_notice(f.a, f.profile, f.nim),))


def r0_emergency(f: Facts) -> RuleOutcome:
    """R0: an emergency sign or emergency finding means emergency care now."""
    a = f.a
    any_site, at_site = _emergency_findings(f.profile)
    found = [x for x in a.findings if x.kind in any_site or (x.kind, x.site) in at_site]
    if not (a.emergency_signs or found):
        return NOTHING
    what = [s.value.replace("_", " ") for s in a.emergency_signs] + [
        f"{x.kind.value.replace('_', ' ')} ({x.site.value.replace('_', ' ')})" for x in found
    ]
    actions = [("emergency_care", "R0", None)]
    if f.nim.status and f.qualifying_not_exempt:
        actions.append(("inform_csc_of_location", "R0", None))
    return RuleOutcome(
        rules=("R0",),
        urgency=Urgency.EMERGENCY,
        actions=tuple(actions),
        notices=(
            f"Emergency: {', '.join(what)}. Arrange emergency care now; the rest of the "
            "protocol still applies after stabilisation.",
        ),
    )


# Per loaded profile (immutable once loaded): its emergency findings as two sets. Entries hold
# the profile itself, so an id in a key is never reused while cached.
_EMERGENCY: dict[int, tuple[Profile, frozenset[FindingKind], frozenset[tuple[Any, Any]]]] = {}


def _emergency_findings(
    profile: Profile,
) -> tuple[frozenset[FindingKind], frozenset[tuple[Any, Any]]]:
    """The kinds that are emergencies at any site, and the (kind, site) pairs that are."""
    entry = _EMERGENCY.get(id(profile))
    if entry is None or entry[0] is not profile:
        if len(_EMERGENCY) >= 64:
            _EMERGENCY.clear()
        found = profile.emergency_findings
        entry = _EMERGENCY[id(profile)] = (
            profile,
            frozenset(e.kind for e in found if e.site is None),
            frozenset((e.kind, e.site) for e in found if e.site is not None),
        )
    return entry[1], entry[2]


def r2_findings(f: Facts) -> RuleOutcome:
    """R2: findings were recorded; in a NIM child, none qualifying means record only."""
    if not f.a.findings:
        return NOTHING
    urgency = None
    if f.nim.status and not f.qualifying_not_exempt and not f.accepted:
        urgency = Urgency.RECORD_ONLY
    return RuleOutcome(rules=("R2",), urgency=urgency)


def r4_core_protocol(f: Facts) -> RuleOutcome:
    """R4: a NIM child with a qualifying finding not exempted: refer now, whatever is said."""
    if not (f.nim.status and f.triggering):
        return NOTHING
    a, profile = f.a, f.profile
    paed = profile.paediatric_assessment_due
    actions: list[tuple[str, str, str | None]] = [
        ("phone_csc", "R4", None),
        ("paediatric_cp_assessment", "R4", paed),
        ("complete_body_map", "R4", None),
        ("record_explanation_verbatim", "R4", None),
        ("inform_parents", "R4", None),
        ("check_household_children", "R4", None),
        ("written_referral", "R4", profile.written_referral_due()),
        ("confirm_paediatric_attendance", "R4", paed),
    ]
    if a.history.cp_is == CpIs.NOT_CHECKED:
        actions.append(("check_cp_is", "R4", None))
    notices = [
        "The protocol requires a phone referral to children's social care now and a "
        f"paediatric child-protection assessment ({paed}) for any injury in a child who is not "
        "independently mobile, whatever the explanation."
    ]
    if f.nim.basis[:1] == ("age_under_floor",) and _has_mobility_milestone(a, profile):
        notices.append(
            f"Under {nim_floor_months(profile)} months the child counts as not independently "
            "mobile whatever they can already do: every profile applies this floor."
        )
    if a.explanation.text:
        notices.append(
            "The carer's explanation is recorded word for word for the paediatrician; "
            "it does not change what the protocol requires."
        )
    if a.report_mode == ReportMode.REMOTE:
        notices.append(
            "Remote report (phone, message, photo or video): the protocol applies in full. "
            "Do not assume that a reported or photographed injury needs no referral."
        )
    rules = ["R4"]
    if f.flag_ids & {"prior_injury_presentation", "family_safeguarding_history"}:
        rules.append("R6")
        actions.append(("share_cumulative_history", "R6", None))
        notices.append(
            "Earlier presentations or family history are relevant to cumulative risk: you are "
            "required to tell the paediatrician and children's social care about them."
        )
    return RuleOutcome(
        rules=tuple(rules),
        urgency=Urgency.IMMEDIATE,
        actions=tuple(actions),
        notices=tuple(notices),
    )


def r3_exception_gate(f: Facts) -> RuleOutcome:
    """R3: a claimed exception is accepted (record only) or not (same-day review, or R4)."""
    a = f.a
    if not any(x.exception is not None for x in a.findings):
        return NOTHING
    urgency = None
    actions: list[tuple[str, str, str | None]] = []
    notices: list[str] = []
    if f.nim.status and f.review:
        urgency = Urgency.SAME_DAY_REVIEW
        if not f.triggering:
            actions.append(("same_day_review", "R3", None))
        for i in f.review:
            notices.append(
                f"Finding {i + 1}: the claimed exception is not accepted ({f.gates[i].reason}). "
                + (
                    "It is included in the referral."
                    if f.triggering
                    else "A same-day review is required; if a safeguarding cause cannot be "
                    "excluded, refer to children's social care."
                )
            )
    if f.accepted:
        if f.nim.status:
            urgency = urgency or Urgency.RECORD_ONLY
        actions.append(("document_exception", "R3", None))
        for i in f.accepted:
            notices.append(
                f"Finding {i + 1}: documented exception accepted; record it and tell the health "
                "visitor or GP. Any other finding still follows the protocol."
            )
    return RuleOutcome(
        rules=("R3",), urgency=urgency, actions=tuple(actions), notices=tuple(notices)
    )


def r3_bleeding_disorder(f: Facts) -> RuleOutcome:
    """R3: a known bleeding disorder never exempts a finding; it adds haematology review."""
    if f.a.history.bleeding_disorder_known and f.qualifying_not_exempt:
        return RuleOutcome(actions=(("haematology_review", "R3", None),))
    return NOTHING


def r4_allocated_social_worker(f: Facts) -> RuleOutcome:
    """R4.7: a CP-IS flag (plan, looked after, unborn plan): phone the allocated worker too."""
    if f.a.history.cp_is in (CpIs.CPP, CpIs.LAC, CpIs.UCPP):
        return RuleOutcome(actions=(("contact_allocated_social_worker", "R4", None),))
    return NOTHING


def r6_pre_birth(f: Facts) -> RuleOutcome:
    """R6: a pregnant mother and a family safeguarding history: pre-birth referral."""
    h = f.a.history
    if not h.mother_pregnant:
        return NOTHING
    reasons = _pre_birth_reasons(h)
    if not reasons:
        return NOTHING
    return RuleOutcome(
        rules=("R6",),
        actions=(("pre_birth_referral", "R6", None),),
        notices=(
            "The mother is pregnant and " + "; ".join(reasons) + ": the protocol requires a "
            "referral of the unborn baby for a pre-birth assessment.",
        ),
    )


def _pre_birth_reasons(h: History) -> list[str]:
    """Why the protocol requires a pre-birth referral (contract 1.1), in words."""
    reasons = []
    if h.child_cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
        reasons.append(f"this child has a {h.child_cp_plan.value} child protection plan")
    elif h.cp_is == CpIs.CPP:
        reasons.append("CP-IS shows this child has a child protection plan")
    for child in h.household_children:
        if child.cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
            reasons.append(f"a household child has a {child.cp_plan.value} child protection plan")
        if child.looked_after:
            reasons.append("a household child is looked after")
        if child.removed_from_care:
            reasons.append("a household child was removed from the family's care")
    if h.previous_nai_in_family:
        reasons.append("there was a previous non-accidental injury in the family")
    return list(dict.fromkeys(reasons))


def r6_cumulative_risk(f: Facts) -> RuleOutcome:
    """R6: flags are information for the referral; they never set urgency."""
    notices = []
    if f.a.history.cp_is == CpIs.NONE:
        notices.append(
            "CP-IS shows no flag. That is not reassurance: CP-IS does not cover children in "
            "need or earlier involvement with children's social care."
        )
    if f.flags:
        notices.append(
            "Cumulative-risk flags are information for the referral; they never lower "
            "urgency and are not a score."
        )
    return RuleOutcome(rules=("R6",) if f.flags else (), notices=tuple(notices))


def r7_investigations(f: Facts) -> RuleOutcome:
    """R7: investigation prompts for a referred NIM child."""
    if not (f.nim.status and f.triggering):
        return NOTHING
    return RuleOutcome(
        rules=("R7",), investigations=_investigations(f.profile, f.a.assessed_at.date())
    )


def r9_mobile_child(f: Facts) -> RuleOutcome:
    """R9: an independently mobile child: NICE CG89 prompts; 'consider' on concern."""
    if f.nim.status or not f.a.findings:
        return NOTHING
    concern = _mobile_concern(f.a, list(f.results), f.ten4, f.flag_ids)
    return RuleOutcome(
        rules=("R9",),
        urgency=Urgency.CONSIDER if concern else Urgency.RECORD_ONLY,
        notices=(
            "The child is independently mobile, so the protocol for non-mobile children does "
            "not apply. NICE CG89 prompts are shown to support your judgement; if you suspect "
            "maltreatment, refer to children's social care.",
        ),
    )


def r5_ed_senior_review(f: Facts, urgency: Urgency) -> RuleOutcome:
    """R5: in the ED, a senior decision-maker signs off before discharge (immediate or above)."""
    if f.a.setting == Setting.ED and urgency_rank(urgency) >= urgency_rank(Urgency.IMMEDIATE):
        return RuleOutcome(rules=("R5",), actions=(("senior_review_before_discharge", "R5", None),))
    return NOTHING


def r9_discuss_with_senior(f: Facts, urgency: Urgency) -> RuleOutcome:
    """R9: 'consider' means discuss with a senior colleague."""
    if urgency == Urgency.CONSIDER:
        return RuleOutcome(actions=(("discuss_with_senior", "R9", None),))
    return NOTHING


def r5_role_notices(f: Facts, urgency: Urgency) -> RuleOutcome:
    """R5: the wording for the user's role, whenever action is required."""
    variant = f.profile.role_variants.get(f.a.setting) if f.a.setting else None
    if variant and urgency_rank(urgency) >= urgency_rank(Urgency.SAME_DAY_REVIEW):
        return RuleOutcome(rules=("R5",), notices=variant.notices)
    return NOTHING


# Rules that may set urgency, in the order their notices and actions are listed.
URGENCY_RULES = (
    r1_nim,
    r0_emergency,
    r2_findings,
    r4_core_protocol,
    r3_exception_gate,
    r9_mobile_child,
    r3_bleeding_disorder,
    r4_allocated_social_worker,
    r6_pre_birth,
    r6_cumulative_risk,
    r7_investigations,
)
# Rules that follow from the final urgency (they never change it).
FINAL_RULES = (r5_ed_senior_review, r9_discuss_with_senior, r5_role_notices)


def _has_mobility_milestone(a: Assessment, profile: Profile) -> bool:
    return any(getattr(a.mobility, m) is True for m in profile.milestones_that_end_nim)


def _nim_notice(a: Assessment, profile: Profile, nim: NimResult) -> str:
    age = age_display(a.child.date_of_birth, a.assessed_at.date())
    if not nim.status:
        done = [
            _MILESTONE_WORDS[m]
            for m in profile.milestones_that_end_nim
            if getattr(a.mobility, m) is True
        ]
        return (
            f"Independently mobile (age {age}): {', '.join(done)}. In profile {profile.id} "
            "this ends 'not independently mobile'."
        )
    reasons = [
        f"under {nim_floor_months(profile)} months (age {age})"
        if b == "age_under_floor"
        else _NIM_REASONS[b]
        for b in nim.basis
    ]
    return "Not independently mobile: " + "; ".join(reasons) + "."


_NIM_REASONS = {  # age_under_floor is worded with the child's age
    "disability": "not mobile because of disability or delay",
    "no_mobility_milestone": "no mobility milestone reached",
    "rolling_only": "rolls, but rolling alone does not make a baby mobile in this profile",
    "mobility_unknown": "mobility not fully known, so treated as not mobile",
}


def _ten4(a: Assessment, results: list[FindingResult]) -> tuple[str, ...]:
    components: list[str] = []
    live = [
        f
        for f, r in zip(a.findings, results, strict=True)
        if f.kind in BRUISE_LIKE and r.exception != "accepted"
    ]
    if any(f.site in TEN4_LETTER for f in live):
        components.append("region")
    if live and a.assessed_at.date() < add_months(a.child.date_of_birth, 5):
        components.append("age_under_5_months")
    if any(f.patterned for f in live):
        components.append("patterned")
    return tuple(components)


def _mobile_concern(
    a: Assessment,
    results: list[FindingResult],
    ten4: tuple[str, ...],
    flag_ids: set[str],
) -> bool:
    """R9: whether NICE CG89 features call for discussion ('consider') in a mobile child."""
    if ten4:
        return True
    if flag_ids & {
        "explanation_concerns",
        "family_safeguarding_history",
        "prior_injury_presentation",
    }:
        return True
    live = [f for f, r in zip(a.findings, results, strict=True) if r.exception != "accepted"]
    if any(f.kind in _NICE_ALWAYS_CONSIDER for f in live):
        return True
    return bool(live) and not (a.explanation.text or "").strip()


def _investigations(profile: Profile, on: date) -> tuple[Investigation, ...]:
    low, high = profile.follow_up_skeletal_survey_days
    due_from, due_to = on + timedelta(days=low), on + timedelta(days=high)
    items = []
    for item in profile.investigations:
        follow_up = item.follow_up_window
        items.append(
            build(
                Investigation,
                {
                    "id": item.id,
                    "text": item.text,
                    "due": item.due,
                    "due_from": due_from if follow_up else None,
                    "due_to": due_to if follow_up else None,
                },
            )
        )
    return tuple(items)
