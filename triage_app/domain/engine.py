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
    Investigation,
    NimResult,
)
from triage_app.domain.parse import parse_assessment
from triage_app.domain.profile import AWAITING_SIGN_OFF, Profile, ProfileRegistry
from triage_app.domain.vocab import (
    LOCOMOTION_MILESTONES,
    TEN4_LETTER,
    CpIs,
    CpPlan,
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

# Order in which actions are listed: the most pressing first.
_ACTION_ORDER = (
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


@dataclass(frozen=True)
class _Gate:
    status: str  # none | accepted | not_accepted
    route: str  # protocol | review | accepted
    reason: str | None = None


def classify_nim(a: Assessment, profile: Profile) -> NimResult:
    """Rule R1: is the child not independently mobile, and on what basis.

    Under the age floor, or non-mobile through disability, the child is NIM whatever the
    milestones. Otherwise any milestone that ends NIM in this profile makes the child mobile;
    with none, the child is NIM, and unknown answers count as NIM ("mobility_unknown").
    """
    on = a.assessed_at.date()
    m = a.mobility
    primary: list[str] = []
    if profile.disability_override and m.not_mobile_due_to_disability is True:
        primary.append("disability")
    if on < add_months(a.child.date_of_birth, profile.age_floor_months):
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
    if f.kind not in rule.applies_to:
        kind = f.kind.value.replace("_", " ")
        return _Gate("not_accepted", "protocol", f"a {name} cannot account for a {kind}")
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
        rank = {aid: i for i, aid in enumerate(_ACTION_ORDER)}
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
    """Apply the protocol profile to one assessment and return the decision."""
    on = a.assessed_at.date()
    dob = a.child.date_of_birth
    nim = classify_nim(a, profile)
    rules = ["R1"]
    notices: list[str] = [_nim_notice(a, profile, nim)]
    b = _Builder(a, profile, guidance)

    # R2 and R3: each finding.
    results: list[FindingResult] = []
    triggering: list[int] = []
    review: list[int] = []
    accepted: list[int] = []
    for i, f in enumerate(a.findings):
        qualifying = f.kind in profile.qualifying_findings
        gate = _gate(f, a, profile)
        reasons: list[str] = []
        if not qualifying:
            reasons.append(f"{f.kind.value} is not a qualifying finding in profile {profile.id}")
        if gate.reason:
            reasons.append(f"exception not accepted: {gate.reason}")
        if gate.status == "accepted":
            reasons.append("exception accepted: documented beforehand and matching")
        counts = qualifying and gate.route == "protocol"
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
                triggers_protocol=counts and nim.status,
                reasons=tuple(reasons),
            )
        )
    if a.findings:
        rules.append("R2")
    if any(f.exception is not None for f in a.findings):
        rules.append("R3")

    ten4_components = _ten4(a, results)
    flags = _flags(a, profile, nim, results)
    flag_ids = {f.id for f in flags}
    candidates = [Urgency.NONE]

    # R0: emergency signs or emergency findings.
    emergency_findings = [
        f for f in a.findings if any(e.matches(f.kind, f.site) for e in profile.emergency_findings)
    ]
    if a.emergency_signs or emergency_findings:
        rules.append("R0")
        candidates.append(Urgency.EMERGENCY)
        b.add("emergency_care", "R0")
        what = [s.value.replace("_", " ") for s in a.emergency_signs] + [
            f"{f.kind.value.replace('_', ' ')} ({f.site.value.replace('_', ' ')})"
            for f in emergency_findings
        ]
        notices.append(
            f"Emergency: {', '.join(what)}. Arrange emergency care now; the rest of the "
            "protocol still applies after stabilisation."
        )
        if nim.status and (triggering or review):
            b.add("inform_csc_of_location", "R0")

    qualifying_not_exempt = bool(triggering or review)
    if nim.status:
        if triggering:
            rules.append("R4")
            candidates.append(Urgency.IMMEDIATE)
            for action_id in (
                "phone_csc",
                "paediatric_cp_assessment",
                "complete_body_map",
                "record_explanation_verbatim",
                "inform_parents",
                "check_household_children",
            ):
                due = profile.paediatric_assessment_due if action_id.startswith("paed") else None
                b.add(action_id, "R4", due)
            b.add("written_referral", "R4", profile.written_referral_due())
            b.add("confirm_paediatric_attendance", "R4", profile.paediatric_assessment_due)
            if a.history.cp_is == CpIs.NOT_CHECKED:
                b.add("check_cp_is", "R4")
            notices.append(
                "The protocol requires a phone referral to children's social care now and a "
                f"paediatric child-protection assessment ({profile.paediatric_assessment_due}) "
                "for any injury in a child who is not independently mobile, whatever the "
                "explanation."
            )
            if a.explanation.text:
                notices.append(
                    "The carer's explanation is recorded word for word for the paediatrician; "
                    "it does not change what the protocol requires."
                )
            if a.report_mode == ReportMode.REMOTE:
                notices.append(
                    "Remote report (phone, message, photo or video): the protocol applies in "
                    "full. Do not assume that a reported or photographed injury needs no "
                    "referral."
                )
            if flag_ids & {"prior_injury_presentation", "family_safeguarding_history"}:
                rules.append("R6")
                b.add("share_cumulative_history", "R6")
                notices.append(
                    "Earlier presentations or family history are relevant to cumulative risk: "
                    "you are required to tell the paediatrician and children's social care "
                    "about them."
                )
        if review:
            candidates.append(Urgency.SAME_DAY_REVIEW)
            if not triggering:
                b.add("same_day_review", "R3")
            for i in review:
                notices.append(
                    f"Finding {i + 1}: the claimed exception is not accepted "
                    f"({_gate(a.findings[i], a, profile).reason}). "
                    + (
                        "It is included in the referral."
                        if triggering
                        else "A same-day review is required; if a safeguarding cause cannot "
                        "be excluded, refer to children's social care."
                    )
                )
        if accepted or (a.findings and not qualifying_not_exempt):
            candidates.append(Urgency.RECORD_ONLY)
    elif a.findings:
        rules.append("R9")
        candidates.append(Urgency.RECORD_ONLY)
        if _mobile_concern(a, results, ten4_components, flag_ids):
            candidates.append(Urgency.CONSIDER)
        notices.append(
            "The child is independently mobile, so the protocol for non-mobile children does "
            "not apply. NICE CG89 prompts are shown to support your judgement; if you suspect "
            "maltreatment, refer to children's social care."
        )

    if accepted:
        b.add("document_exception", "R3")
        for i in accepted:
            notices.append(
                f"Finding {i + 1}: documented exception accepted; record it and tell the health "
                "visitor or GP. Any other finding still follows the protocol."
            )

    urgency = max(candidates, key=urgency_rank)

    # Duties that follow from context, whatever the urgency.
    if a.history.bleeding_disorder_known and qualifying_not_exempt:
        b.add("haematology_review", "R3")
    if a.history.cp_is in (CpIs.CPP, CpIs.LAC):
        b.add("contact_allocated_social_worker", "R4")
    if a.history.mother_pregnant and (
        a.history.previous_nai_in_family
        or any(h.cp_plan in (CpPlan.CURRENT, CpPlan.PAST) for h in a.history.household_children)
    ):
        b.add("pre_birth_referral", "R6")
    if a.setting == Setting.ED and urgency_rank(urgency) >= urgency_rank(Urgency.IMMEDIATE):
        rules.append("R5")
        b.add("senior_review_before_discharge", "R5")
    if urgency == Urgency.CONSIDER:
        b.add("discuss_with_senior", "R9")
    if a.history.cp_is == CpIs.NONE:
        notices.append(
            "CP-IS shows no flag. That is not reassurance: CP-IS does not cover children in "
            "need or earlier involvement with children's social care."
        )
    if flags:
        rules.append("R6")
        notices.append(
            "Cumulative-risk flags are information for the referral; they never lower "
            "urgency and are not a score."
        )

    variant = profile.role_variants.get(a.setting) if a.setting else None
    if variant and urgency_rank(urgency) >= urgency_rank(Urgency.SAME_DAY_REVIEW):
        rules.append("R5")
        notices.extend(variant.notices)

    investigations: tuple[Investigation, ...] = ()
    if nim.status and triggering:
        rules.append("R7")
        investigations = _investigations(profile, on)

    nice = _nice_prompts(a, guidance) if not nim.status and a.findings else ()

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

    return Decision(
        profile_id=profile.id,
        profile_version=profile.version,
        profile_status=profile.status,
        age_days=age_days(dob, on),
        age_display=age_display(dob, on),
        nim=nim,
        urgency=urgency,
        actions=b.ordered(),
        findings=tuple(results),
        ten4facesp_positive=bool(ten4_components),
        ten4facesp_components=ten4_components,
        flags=flags,
        notices=tuple(notices),
        rules_fired=tuple(sorted(set(rules), key=lambda r: int(r[1:]))),
        warnings=tuple(warnings),
        investigations=investigations,
        nice_prompts=nice,
    )


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
        "age_under_floor": f"under {profile.age_floor_months} months (age {age})",
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


def _flags(
    a: Assessment, profile: Profile, nim: NimResult, results: list[FindingResult]
) -> tuple[Flag, ...]:
    """Rule R6: cumulative-risk flags from the supplied history. Information, never a score."""
    on = a.assessed_at.date()
    dob = a.child.date_of_birth
    h = a.history
    flags: list[Flag] = []

    sentinel = []
    for p in sorted(h.prior_presentations, key=lambda p: p.date):
        injuries = [f for f in p.findings if f.kind in profile.qualifying_findings]
        nim_then = nim.status or p.date < add_months(dob, profile.age_floor_months)
        if injuries and nim_then:
            what = ", ".join(_describe(f.kind, f.site) for f in injuries)
            sentinel.append(f"{nhs_date(p.date)}: {what}")
    if sentinel:
        flags.append(
            Flag(
                "prior_injury_presentation",
                "Earlier presentation with an injury while not independently mobile "
                f"({_summarise(sentinel)}). A minor injury in a non-mobile baby can be a sentinel "
                "injury: consider each presentation together, not alone.",
            )
        )

    family = []
    if h.cp_is in (CpIs.CPP, CpIs.LAC, CpIs.UCPP):
        family.append(
            {
                CpIs.CPP: "CP-IS: child protection plan",
                CpIs.LAC: "CP-IS: looked after",
                CpIs.UCPP: "CP-IS: unborn child protection plan",
            }[h.cp_is]
        )
    for child in h.household_children:
        label = child.name or (
            f"child born {nhs_date(child.date_of_birth)}" if child.date_of_birth else "a child"
        )
        if child.cp_plan in (CpPlan.CURRENT, CpPlan.PAST):
            family.append(f"household {label}: {child.cp_plan.value} child protection plan")
        if child.looked_after:
            family.append(f"household {label}: looked after")
    if h.previous_nai_in_family:
        family.append("previous non-accidental injury in the family")
    if family:
        flags.append(
            Flag(
                "family_safeguarding_history",
                "Family safeguarding history: " + "; ".join(family) + ".",
            )
        )

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
