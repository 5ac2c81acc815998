"""The protocol engine: rules R0 to R9 of the protocol model, applied to one assessment.

``decide`` is pure: the same assessment and profile always give the same decision, and the
only clock is ``assessed_at``. The engine records and guides; it never judges whether abuse
happened. Its wording is "the protocol requires", and for a child who is not independently
mobile (NIM) nothing the carer says changes what it requires.

Rule map (clinical-research.md, "Proposed protocol model"; the assess contract wins on detail):
R0 emergency, R1 NIM classification, R2 qualifying findings, R3 exception gate, R4 core
protocol, R5 role variants, R6 cumulative-risk flags, R7 investigation prompts, R9 NICE CG89
prompts for mobile children. R8 (the pending-results lock) belongs to the case tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from triage_app.domain.display import add_months, age_days, age_display, nhs_date
from triage_app.domain.guidance import Guidance
from triage_app.domain.model import (
    Action,
    Assessment,
    Decision,
    Finding,
    FindingResult,
    Flag,
    History,
    Investigation,
    NimResult,
    PriorPresentation,
)
from triage_app.domain.parse import parse_assessment
from triage_app.domain.profile import (
    AWAITING_SIGN_OFF,
    NATIONAL_NIM_FLOOR_MONTHS,
    Profile,
    ProfileRegistry,
)
from triage_app.domain.vocab import (
    ACTION_IDS,
    LOCOMOTION_MILESTONES,
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
_END_OF_DAY = time(23, 59)


@dataclass(frozen=True)
class _Gate:
    status: str  # none | accepted | not_accepted
    route: str  # protocol | review | accepted
    reason: str | None = None


def nim_floor_months(profile: Profile) -> int:
    """The age below which every child is NIM: the profile's floor, never under 6 months."""
    return max(profile.age_floor_months, NATIONAL_NIM_FLOOR_MONTHS)


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


class _Builder:
    """Accumulates actions for one decision, each id once, in a stable order."""

    def __init__(self, a: Assessment, profile: Profile, guidance: Guidance) -> None:
        self.a = a
        self.profile = profile
        self.guidance = guidance
        self.actions: dict[str, Action] = {}
        variant = profile.role_variants.get(a.setting) if a.setting else None
        self.overrides = dict(variant.action_text) if variant else {}
        self.values = _placeholders(profile)

    def add(self, action_id: str, rule: str, due: str | None = None) -> None:
        if action_id in self.actions:
            return
        template = self.overrides.get(action_id) or self.guidance.action_text[action_id]
        due_text = due or self.guidance.action_due.get(action_id, "now")
        self.actions[action_id] = Action(
            id=action_id,
            due=due_text,
            rule=rule,
            text=template.format(**self.values),
            due_at=_due_at(due_text, self.a.assessed_at, self.profile),
        )

    def ordered(self) -> tuple[Action, ...]:
        rank = {aid: i for i, aid in enumerate(ACTION_IDS)}
        return tuple(sorted(self.actions.values(), key=lambda x: rank.get(x.id, len(rank))))


def _placeholders(profile: Profile) -> dict[str, str]:
    def contact(key: str) -> str:
        c = profile.contact(key)
        return c.line() if c else f"(contact {AWAITING_SIGN_OFF})"

    return {
        "csc": contact("csc_front_door"),
        "ooh": contact("out_of_hours"),
        "paediatrician": contact("on_call_paediatrician"),
        "police": contact("police"),
        "written_due": profile.written_referral_due(),
        "paediatric_due": profile.paediatric_assessment_due,
        "form": profile.referral_form,
        "leaflet": profile.leaflet_title,
    }


def _due_at(due: str, start: datetime, profile: Profile) -> datetime | None:
    if due in ("now", "with the phone referral"):
        return start
    if due in ("same day", "before the child leaves"):
        return datetime.combine(start.date(), _END_OF_DAY)
    if due.startswith("within ") and due.endswith("h"):
        hours = due.removeprefix("within ").removesuffix("h")
        if hours.isdigit():
            return start + timedelta(hours=int(hours))
    return None


def decide(a: Assessment, profile: Profile, guidance: Guidance) -> Decision:
    """Apply the protocol profile to one assessment and return the decision.

    Each rule (R0 to R9) is a small function of the facts below that returns a
    :class:`RuleOutcome`; the urgency is the maximum over the rules, so no rule can lower
    another's urgency. The duties that depend on the final urgency (R5, R9's senior
    discussion) are applied after it is known.
    """
    facts = gather_facts(a, profile)
    outcomes = [rule(facts) for rule in URGENCY_RULES]
    urgency = max(
        (o.urgency for o in outcomes if o.urgency is not None),
        key=urgency_rank,
        default=Urgency.NONE,
    )
    outcomes += [rule(facts, urgency) for rule in FINAL_RULES]

    b = _Builder(a, profile, guidance)
    rules: list[str] = []
    notices: list[str] = []
    investigations: tuple[Investigation, ...] = ()
    for outcome in outcomes:
        rules.extend(outcome.rules)
        notices.extend(outcome.notices)
        for action_id, rule, due in outcome.actions:
            b.add(action_id, rule, due)
        investigations = investigations or outcome.investigations

    on = a.assessed_at.date()
    warnings = []
    review_warning = profile.review_warning(on)
    if review_warning:
        warnings.append(review_warning)
        notices.append(review_warning)
    if profile.status != "signed_off":
        pending = ", ".join(p.field for p in profile.awaiting_sign_off)
        notices.append(
            f"Profile {profile.id} {profile.version} is {AWAITING_SIGN_OFF}"
            + (f" (items: {pending})." if pending else ".")
        )
    dob = a.child.date_of_birth
    return Decision(
        profile_id=profile.id,
        profile_version=profile.version,
        profile_status=profile.status,
        age_days=age_days(dob, on),
        age_display=age_display(dob, on),
        nim=facts.nim,
        urgency=urgency,
        actions=b.ordered(),
        findings=facts.results,
        ten4facesp_positive=bool(facts.ten4),
        ten4facesp_components=facts.ten4,
        flags=facts.flags,
        notices=tuple(notices),
        rules_fired=tuple(sorted(set(rules), key=lambda r: int(r[1:]))),
        warnings=tuple(warnings),
        investigations=investigations,
        nice_prompts=_nice_prompts(a, guidance) if not facts.nim.status and a.findings else (),
    )


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule contributes: an urgency candidate, actions, notices, rules fired."""

    rules: tuple[str, ...] = ()
    urgency: Urgency | None = None
    actions: tuple[tuple[str, str, str | None], ...] = ()  # (action id, rule, due or None)
    notices: tuple[str, ...] = ()
    investigations: tuple[Investigation, ...] = ()


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
            FindingResult(
                index=i,
                qualifying=qualifying,
                exception=gate.status,
                ten4facesp=TEN4_LETTER.get(f.site),
                triggers_protocol=qualifying and gate.route == "protocol" and nim.status,
                reasons=tuple(reasons),
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
        flags=_flags(a, profile, results),
    )


def r1_nim(f: Facts) -> RuleOutcome:
    """R1: say whether the child is NIM, and why."""
    return RuleOutcome(rules=("R1",), notices=(_nim_notice(f.a, f.profile, f.nim),))


def r0_emergency(f: Facts) -> RuleOutcome:
    """R0: an emergency sign or emergency finding means emergency care now."""
    a = f.a
    found = [
        x
        for x in a.findings
        if any(e.matches(x.kind, x.site) for e in f.profile.emergency_findings)
    ]
    if not (a.emergency_signs or found):
        return RuleOutcome()
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


def r2_findings(f: Facts) -> RuleOutcome:
    """R2: findings were recorded; in a NIM child, none qualifying means record only."""
    if not f.a.findings:
        return RuleOutcome()
    urgency = None
    if f.nim.status and not f.qualifying_not_exempt and not f.accepted:
        urgency = Urgency.RECORD_ONLY
    return RuleOutcome(rules=("R2",), urgency=urgency)


def r4_core_protocol(f: Facts) -> RuleOutcome:
    """R4: a NIM child with a qualifying finding not exempted: refer now, whatever is said."""
    if not (f.nim.status and f.triggering):
        return RuleOutcome()
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
        return RuleOutcome()
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
    return RuleOutcome()


def r4_allocated_social_worker(f: Facts) -> RuleOutcome:
    """R4.7: a CP-IS flag (plan, looked after, unborn plan): phone the allocated worker too."""
    if f.a.history.cp_is in (CpIs.CPP, CpIs.LAC, CpIs.UCPP):
        return RuleOutcome(actions=(("contact_allocated_social_worker", "R4", None),))
    return RuleOutcome()


def r6_pre_birth(f: Facts) -> RuleOutcome:
    """R6: a pregnant mother and a family safeguarding history: pre-birth referral."""
    h = f.a.history
    if not h.mother_pregnant:
        return RuleOutcome()
    reasons = _pre_birth_reasons(h)
    if not reasons:
        return RuleOutcome()
    return RuleOutcome(
        rules=("R6",),
        actions=(("pre_birth_referral", "R6", None),),
        notices=(
            "The mother is pregnant and " + "; ".join(reasons) + ": the protocol requires a "
            "referral of the unborn baby for a pre-birth assessment.",
        ),
    )


def _pre_birth_reasons(h: Any) -> list[str]:
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
        return RuleOutcome()
    return RuleOutcome(
        rules=("R7",), investigations=_investigations(f.profile, f.a.assessed_at.date())
    )


def r9_mobile_child(f: Facts) -> RuleOutcome:
    """R9: an independently mobile child: NICE CG89 prompts; 'consider' on concern."""
    if f.nim.status or not f.a.findings:
        return RuleOutcome()
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
    return RuleOutcome()


def r9_discuss_with_senior(f: Facts, urgency: Urgency) -> RuleOutcome:
    """R9: 'consider' means discuss with a senior colleague."""
    if urgency == Urgency.CONSIDER:
        return RuleOutcome(actions=(("discuss_with_senior", "R9", None),))
    return RuleOutcome()


def r5_role_notices(f: Facts, urgency: Urgency) -> RuleOutcome:
    """R5: the wording for the user's role, whenever action is required."""
    variant = f.profile.role_variants.get(f.a.setting) if f.a.setting else None
    if variant and urgency_rank(urgency) >= urgency_rank(Urgency.SAME_DAY_REVIEW):
        return RuleOutcome(rules=("R5",), notices=variant.notices)
    return RuleOutcome()


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
    reasons = {
        "age_under_floor": f"under {nim_floor_months(profile)} months (age {age})",
        "disability": "not mobile because of disability or delay",
        "no_mobility_milestone": "no mobility milestone reached",
        "rolling_only": "rolls, but rolling alone does not make a baby mobile in this profile",
        "mobility_unknown": "mobility not fully known, so treated as not mobile",
    }
    return "Not independently mobile: " + "; ".join(reasons[b] for b in nim.basis) + "."


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


def _describe(kind: Any, site: Any) -> str:
    text = kind.value.replace("_", " ")
    if site.value != "other":
        text += f" ({site.value.replace('_', ' ')})"
    return text


def _flags(a: Assessment, profile: Profile, results: list[FindingResult]) -> tuple[Flag, ...]:
    """Rule R6: cumulative-risk flags from the supplied history. Information, never a score."""
    h = a.history
    flags: list[Flag] = []
    sentinel = _sentinel_flag(a, profile)
    if sentinel:
        flags.append(sentinel)
    family = _family_history(h)
    if family:
        flags.append(
            Flag(
                "family_safeguarding_history",
                "Family safeguarding history: " + "; ".join(family) + ".",
            )
        )
    on = a.assessed_at.date()
    window = profile.frequent_attender_window_days
    recent = [p for p in h.prior_presentations if 0 <= (on - p.date).days <= window]
    if len(recent) > profile.frequent_attender_threshold:
        flags.append(
            Flag(
                "frequent_attender",
                f"{len(recent)} earlier presentations in the {window} days before this one "
                f"(local frequent-attender rule: more than {profile.frequent_attender_threshold}). "
                "A weak predictor on its own; shown as information only.",
            )
        )

    current_sites = []
    for f, r in zip(a.findings, results, strict=True):
        if r.exception == "accepted":
            continue
        if f.site in TEN4_LETTER or f.patterned:
            current_sites.append(("patterned " if f.patterned else "") + _describe(f.kind, f.site))
    prior_sites = [
        f"{_describe(f.kind, f.site)} on {nhs_date(p.date)}"
        for p in sorted(h.prior_presentations, key=lambda p: p.date)
        for f in p.findings
        if f.site in TEN4_LETTER or f.patterned
    ]
    if current_sites or prior_sites:
        parts = current_sites + ([_summarise(prior_sites)] if prior_sites else [])
        flags.append(
            Flag(
                "high_risk_site",
                "Finding at a TEN-4-FACESp site or patterned: " + "; ".join(parts) + ".",
            )
        )

    e = a.explanation
    concerns = []
    if e.changed_over_time:
        concerns.append("the explanation changed over time or between carers")
    if e.delay_in_presentation:
        concerns.append("there was a delay in seeking care")
    if concerns:
        flags.append(Flag("explanation_concerns", "Explanation: " + "; ".join(concerns) + "."))

    if h.cp_is in (CpIs.NOT_CHECKED, CpIs.UNAVAILABLE):
        state = "not checked" if h.cp_is == CpIs.NOT_CHECKED else "unavailable"
        flags.append(
            Flag(
                "cp_is_not_checked",
                f"CP-IS {state}. The absence of a flag is not reassurance.",
            )
        )
    return tuple(flags)


def nim_then(p: PriorPresentation, dob: date, profile: Profile) -> bool:
    """Whether the child was NIM at an earlier presentation (the sentinel rule's test).

    NIM as recorded then; unknown counts as NIM (as in R1); and always under the age floor
    (never less than 6 months, whatever the profile) at that date.
    """
    return p.nim is not False or p.date < add_months(dob, nim_floor_months(profile))


def _nim_then(p: PriorPresentation, floor_date: date) -> bool:
    return p.nim is not False or p.date < floor_date


def _sentinel_flag(a: Assessment, profile: Profile) -> Flag | None:
    """F1: an injury-type finding at an earlier presentation while the child was NIM then."""
    floor_date = add_months(a.child.date_of_birth, nim_floor_months(profile))
    qualifying = profile.qualifying_findings
    sentinel = []
    for p in sorted(a.history.prior_presentations, key=lambda p: p.date):
        if not _nim_then(p, floor_date):
            continue
        injuries = [f for f in p.findings if f.kind in qualifying]
        if injuries:
            what = ", ".join(_describe(f.kind, f.site) for f in injuries)
            sentinel.append(f"{nhs_date(p.date)}: {what}")
    if not sentinel:
        return None
    return Flag(
        "prior_injury_presentation",
        "Earlier presentation with an injury while not independently mobile "
        f"({_summarise(sentinel)}). A minor injury in a non-mobile baby can be a sentinel "
        "injury: consider each presentation together, not alone.",
    )


def _family_history(h: History) -> list[str]:
    """F2: CP-IS flag, the child's own plan, household plans, care or removal, previous NAI."""
    family = []
    if h.cp_is in (CpIs.CPP, CpIs.LAC, CpIs.UCPP):
        family.append(
            {
                CpIs.CPP: "CP-IS: child protection plan",
                CpIs.LAC: "CP-IS: looked after",
                CpIs.UCPP: "CP-IS: unborn child protection plan",
            }[h.cp_is]
        )
    if h.child_cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
        family.append(f"this child: {h.child_cp_plan.value} child protection plan")
    for child in h.household_children:
        label = child.name or (
            f"child born {nhs_date(child.date_of_birth)}" if child.date_of_birth else "a child"
        )
        if child.cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
            family.append(f"household {label}: {child.cp_plan.value} child protection plan")
        if child.looked_after:
            family.append(f"household {label}: looked after")
        if child.removed_from_care:
            family.append(f"household {label}: removed from the family's care")
    if h.previous_nai_in_family:
        family.append("previous non-accidental injury in the family")
    return family


def _summarise(items: list[str], limit: int = 6) -> str:
    """Join items for a flag's text; past ``limit``, name the most recent and count the rest."""
    if len(items) <= limit:
        return "; ".join(items)
    shown = items[-limit:]
    return f"{len(items)} in all, the latest: " + "; ".join(shown)


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


def _nice_prompts(a: Assessment, guidance: Guidance) -> tuple[str, ...]:
    prompts: list[str] = []
    for f in a.findings:
        for text in (
            guidance.nice_by_kind.get(f.kind.value),
            guidance.nice_by_site.get(f.site.value),
            guidance.nice_patterned if f.patterned else None,
        ):
            if text and text not in prompts:
                prompts.append(text)
    return tuple(prompts) + guidance.nice_process


def _investigations(profile: Profile, on: date) -> tuple[Investigation, ...]:
    low, high = profile.follow_up_skeletal_survey_days
    items = []
    for item in profile.investigations:
        if item.follow_up_window:
            items.append(
                Investigation(
                    item.id,
                    item.text,
                    item.due,
                    on + timedelta(days=low),
                    on + timedelta(days=high),
                )
            )
        else:
            items.append(Investigation(item.id, item.text, item.due))
    return tuple(items)


class Engine:
    """Profiles and guidance loaded once; decides JSON cases per the assess contract."""

    def __init__(self, registry: ProfileRegistry, guidance: Guidance) -> None:
        self.registry = registry
        self.guidance = guidance

    @classmethod
    def load(cls) -> Engine:
        """Load the shipped profiles and guidance."""
        return cls(ProfileRegistry.load(), Guidance.load())

    def decide(self, a: Assessment) -> Decision:
        """Decide one parsed assessment with its profile (the default when none is named).

        Raises:
            UnknownProfileError: the assessment names a profile that is not installed.
        """
        return decide(a, self.registry.get(a.profile_id), self.guidance)

    def assess_json(self, data: Any, profile_override: str | None = None) -> dict[str, Any]:
        """Parse ``triage-assess/1`` JSON, decide, and return ``triage-decision/1`` JSON.

        Raises:
            InputError: the input is malformed or impossible, or names an unknown profile.
        """
        from triage_app.domain.errors import InputError, Problem, UnknownProfileError

        problems: list[Problem] = []
        assessment = None
        try:
            assessment = parse_assessment(data, profile_override=profile_override)
        except InputError as exc:
            problems.extend(exc.problems)
        pid = profile_override
        if pid is None and isinstance(data, dict) and isinstance(data.get("profile"), str):
            pid = data["profile"]
        if pid is not None:
            try:
                self.registry.get(pid)
            except UnknownProfileError as exc:
                path = "--profile" if profile_override is not None else "profile"
                problems.append(Problem(path, str(exc)))
        if problems or assessment is None:
            raise InputError(problems)
        return self.decide(assessment).to_json()


def milestone_names() -> tuple[str, ...]:
    """Return the locomotion milestones in display order (used by forms and reports)."""
    return LOCOMOTION_MILESTONES
