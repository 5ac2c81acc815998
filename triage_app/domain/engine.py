"""The protocol engine: rules R0 to R9 of the protocol model, applied to one assessment.

``decide`` is pure: the same assessment and profile always give the same decision, and the
only clock is ``assessed_at``. The engine records and guides; it never judges whether abuse
happened. Its wording is "the protocol requires", and for a child who is not independently
mobile (NIM) nothing the carer says changes what it requires.

Rule map (clinical-research.md, "Proposed protocol model"; the assess contract wins on detail):
R0 emergency, R1 NIM classification, R2 qualifying findings, R3 exception gate, R4 core
protocol, R5 role variants, R6 cumulative-risk flags, R7 investigation prompts, R9 NICE CG89
prompts for mobile children. R8 (the pending-results lock) belongs to the case tracker.
Each rule is one small function in :mod:`triage_app.domain.rules` (the R6 flags in
:mod:`triage_app.domain.flags`); this module folds their outcomes into one decision.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from triage_app.domain.construct import build
from triage_app.domain.display import age_days, age_display
from triage_app.domain.guidance import Guidance
from triage_app.domain.model import (
    Action,
    Assessment,
    Decision,
    Investigation,
)
from triage_app.domain.parse import parse_assessment
from triage_app.domain.profile import (
    AWAITING_SIGN_OFF,
    Profile,
    ProfileRegistry,
)
from triage_app.domain.rules import FINAL_RULES, NOTHING, URGENCY_RULES, gather_facts
from triage_app.domain.vocab import (
    ACTION_IDS,
    Setting,
    Urgency,
    urgency_rank,
)

_END_OF_DAY = time(23, 59)


_ACTION_RANK = {aid: i for i, aid in enumerate(ACTION_IDS)}

# An action's words depend only on the profile, the guidance and the setting (the role), and
# profiles and guidance are immutable once loaded: each text is worded once and kept. Entries
# hold the profile and guidance themselves, so an id in a key is never reused while cached.
_WORDING: dict[tuple[int, int, Setting | None], tuple[Profile, Guidance, dict[str, str]]] = {}
_MAX_WORDINGS = 64


def _wording(profile: Profile, guidance: Guidance, setting: Setting | None) -> dict[str, str]:
    """The action texts already worded for this profile, guidance and setting (filled lazily)."""
    key = (id(profile), id(guidance), setting)
    entry = _WORDING.get(key)
    if entry is not None and entry[0] is profile and entry[1] is guidance:
        return entry[2]
    if len(_WORDING) >= _MAX_WORDINGS:
        _WORDING.clear()
    texts: dict[str, str] = {}
    _WORDING[key] = (profile, guidance, texts)
    return texts


class _Builder:
    """Accumulates actions for one decision, each id once, in a stable order."""

    def __init__(self, a: Assessment, profile: Profile, guidance: Guidance) -> None:
        self.a = a
        self.profile = profile
        self.guidance = guidance
        self.actions: dict[str, Action] = {}
        self.texts = _wording(profile, guidance, a.setting)

    def add(self, action_id: str, rule: str, due: str | None = None) -> None:
        if action_id in self.actions:
            return
        text = self.texts.get(action_id)
        if text is None:
            text = self.texts[action_id] = self._word(action_id)
        due_text = due or self.guidance.action_due.get(action_id, "now")
        self.actions[action_id] = build(
            Action,
            {
                "id": action_id,
                "due": due_text,
                "rule": rule,
                "text": text,
                "due_at": _due_at(due_text, self.a.assessed_at),
            },
        )

    def _word(self, action_id: str) -> str:
        """The action's text: the role's wording when the profile has one, else the national."""
        setting = self.a.setting
        variant = self.profile.role_variants.get(setting) if setting else None
        overrides = variant.action_text if variant else {}
        template = overrides.get(action_id) or self.guidance.action_text[action_id]
        return template.format(**_placeholders(self.profile))

    def ordered(self) -> tuple[Action, ...]:
        actions = self.actions
        if actions.keys() <= _ACTION_RANK.keys():  # every id known: sort the ids by a C key
            return tuple([actions[i] for i in sorted(actions, key=_ACTION_RANK.__getitem__)])
        return tuple(
            sorted(actions.values(), key=lambda x: _ACTION_RANK.get(x.id, len(_ACTION_RANK)))
        )


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


def _due_at(due: str, start: datetime) -> datetime | None:
    """When an action is due, from its due text and the time of the assessment."""
    after = _DUE_AFTER.get(due, _UNREAD)
    if after is _UNREAD:  # due texts come from the profiles, guidance and rules: few of them
        if len(_DUE_AFTER) >= _MAX_DUE_TEXTS:
            _DUE_AFTER.clear()
        after = _DUE_AFTER[due] = _due_after(due)
    if after is _AT_START:
        return start
    if after is _END_OF_THAT_DAY:
        return datetime.combine(start.date(), _END_OF_DAY)
    return None if after is None else start + after


_UNREAD: Any = object()
_AT_START: Any = object()
_END_OF_THAT_DAY: Any = object()
_DUE_AFTER: dict[str, Any] = {}
_MAX_DUE_TEXTS = 256


def _due_after(due: str) -> Any:
    """How a due text reads: at the start, at the end of that day, a time after it, or never."""
    if due in ("now", "with the phone referral"):
        return _AT_START
    if due in ("same day", "before the child leaves"):
        return _END_OF_THAT_DAY
    if due.startswith("within ") and due.endswith("h"):
        hours = due.removeprefix("within ").removesuffix("h")
        if hours.isdigit():
            return timedelta(hours=int(hours))
    return None


_RULE_NUMBERS = {f"R{n}": n for n in range(100)}


def _rule_number(rule: str) -> int:
    return _RULE_NUMBERS.get(rule) or int(rule[1:])


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
        if outcome is NOTHING:  # a rule that does not apply adds nothing
            continue
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
        notices.append(_sign_off_notice(profile))
    dob = a.child.date_of_birth
    return build(
        Decision,
        {
            "profile_id": profile.id,
            "profile_version": profile.version,
            "profile_status": profile.status,
            "age_days": age_days(dob, on),
            "age_display": age_display(dob, on),
            "nim": facts.nim,
            "urgency": urgency,
            "actions": b.ordered(),
            "findings": facts.results,
            "ten4facesp_positive": bool(facts.ten4),
            "ten4facesp_components": facts.ten4,
            "flags": facts.flags,
            "notices": tuple(notices),
            "rules_fired": tuple(sorted(set(rules), key=_rule_number)),
            "warnings": tuple(warnings),
            "investigations": investigations,
            "nice_prompts": (
                _nice_prompts(a, guidance) if not facts.nim.status and a.findings else ()
            ),
        },
    )


_SIGN_OFF_NOTICES: dict[int, tuple[Profile, str]] = {}


def _sign_off_notice(profile: Profile) -> str:
    """The notice that a profile awaits sign-off, worded once per loaded profile."""
    entry = _SIGN_OFF_NOTICES.get(id(profile))
    if entry is None or entry[0] is not profile:
        if len(_SIGN_OFF_NOTICES) >= _MAX_WORDINGS:
            _SIGN_OFF_NOTICES.clear()
        pending = ", ".join(p.field for p in profile.awaiting_sign_off)
        text = f"Profile {profile.id} {profile.version} is {AWAITING_SIGN_OFF}" + (
            f" (items: {pending})." if pending else "."
        )
        entry = _SIGN_OFF_NOTICES[id(profile)] = (profile, text)
    return entry[1]


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
