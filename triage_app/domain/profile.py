"""Local protocol profiles: one versioned TOML file per safeguarding partnership.

A profile holds everything local: who counts as not independently mobile, which findings
qualify, which exceptions may be accepted, timescales, contacts, the parent leaflet and the
wording for each role. The engine reads nothing local from code. A malformed file fails at load
with the file, the field and the reason; a profile past its review date loads, and every
decision made with it carries a warning.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources.abc import Traversable
from typing import Any

from triage_app.domain.errors import Problem, ProfileError, UnknownProfileError
from triage_app.domain.resources import resource
from triage_app.domain.vocab import LOCOMOTION_MILESTONES, ExceptionType, FindingKind, Setting, Site

PROFILE_SCHEMA = "triage-profile/1"
DEFAULT_PROFILE_ID = "nyscp"
AWAITING_SIGN_OFF = "awaiting sign-off by the designated professional"
_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


@dataclass(frozen=True)
class Contact:
    """A phone number or address the protocol tells the user to use."""

    key: str
    name: str
    phone: str | None = None
    email: str | None = None
    hours: str | None = None
    verified: bool = False

    def line(self) -> str:
        """Return ``name: phone`` (or the name with a sign-off caveat when unverified)."""
        parts = [self.name]
        if self.phone:
            parts.append(self.phone)
        if self.email:
            parts.append(self.email)
        text = ": ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
        if self.hours:
            text += f" ({self.hours})"
        if not self.verified:
            text += f" [details {AWAITING_SIGN_OFF}]"
        return text


@dataclass(frozen=True)
class ExceptionRule:
    """Which finding kinds an exception type may explain (rule R3)."""

    type: ExceptionType
    allowed: bool
    applies_to: frozenset[FindingKind]


@dataclass(frozen=True)
class EmergencyFinding:
    """A finding that means emergency care now (rule R0): a kind, optionally at one site."""

    kind: FindingKind
    site: Site | None = None

    def matches(self, kind: FindingKind, site: Site) -> bool:
        """Return True when a finding of this kind at this site is an emergency finding."""
        return self.kind == kind and (self.site is None or self.site == site)

    def label(self) -> str:
        """Return ``kind`` or ``kind@site`` as written in the profile."""
        return f"{self.kind}@{self.site}" if self.site else str(self.kind)


@dataclass(frozen=True)
class InvestigationItem:
    """An investigation prompt (rule R7)."""

    id: str
    text: str
    due: str = "as decided by the paediatrician"
    follow_up_window: bool = False


@dataclass(frozen=True)
class RoleVariant:
    """Wording for one role (rule R5). The obligations never change, only the steps' words."""

    notices: tuple[str, ...] = ()
    action_text: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingItem:
    """A profile field the sources could not confirm, awaiting the designated professional."""

    field: str
    reason: str


@dataclass(frozen=True)
class Profile:
    """A versioned local protocol profile (model section A)."""

    id: str
    partnership_name: str
    version: str
    effective_date: date
    review_date: date
    approved_by: str | None
    approved_on: date | None
    awaiting_sign_off: tuple[PendingItem, ...]
    sources: tuple[str, ...]
    age_floor_months: int
    rolling_counts_as_mobile: bool
    milestones_that_end_nim: tuple[str, ...]
    disability_override: bool
    qualifying_findings: frozenset[FindingKind]
    emergency_findings: tuple[EmergencyFinding, ...]
    exceptions: Mapping[ExceptionType, ExceptionRule]
    phone_referral_due: str
    written_referral_max_hours: int
    paediatric_assessment_due: str
    paediatric_assessment_target_hours: int | None
    mash_decision_working_days: int
    follow_up_skeletal_survey_days: tuple[int, int]
    frequent_attender_window_days: int
    frequent_attender_threshold: int
    contacts: Mapping[str, Contact]
    referral_form: str
    imaging_policy: str
    leaflet_title: str
    leaflet_paragraphs: tuple[str, ...]
    leaflet_url: str | None
    investigations: tuple[InvestigationItem, ...]
    role_variants: Mapping[Setting, RoleVariant]
    source_file: str = ""

    @property
    def status(self) -> str:
        """``signed_off`` only when approved and nothing awaits confirmation."""
        if self.approved_by and not self.awaiting_sign_off:
            return "signed_off"
        return "awaiting_sign_off"

    def is_past_review(self, on: date) -> bool:
        """Return True when ``on`` is after the profile's review date."""
        return on > self.review_date

    def review_warning(self, on: date) -> str | None:
        """Return the warning every decision carries once the review date has passed."""
        if not self.is_past_review(on):
            return None
        from triage_app.domain.display import nhs_date

        return (
            f"Profile {self.id} {self.version} was due for review on "
            f"{nhs_date(self.review_date)}: contacts and timescales may be out of date. "
            "Check them with your safeguarding team."
        )

    def written_referral_due(self) -> str:
        """Return the written-referral limit as the contract's ``due`` text."""
        if self.written_referral_max_hours == 0:
            return "immediately after the phone call"
        return f"within {self.written_referral_max_hours}h"

    def contact(self, key: str) -> Contact | None:
        """Return a contact by key (``csc_front_door``, ``out_of_hours`` ...)."""
        return self.contacts.get(key)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def get(self, data: Mapping[str, Any], path: str, kind: type | tuple[type, ...]) -> Any:
        node: Any = data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                self.add(path, "required")
                return None
            node = node[part]
        if kind is int and isinstance(node, bool):
            self.add(path, "must be a whole number")
            return None
        if not isinstance(node, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.add(path, f"must be of type {names} (got {type(node).__name__})")
            return None
        return node

    def opt(self, data: Mapping[str, Any], path: str, kind: type, default: Any) -> Any:
        node: Any = data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return self.get(data, path, kind)

    def text(self, data: Mapping[str, Any], path: str) -> str | None:
        value = self.get(data, path, str)
        if value is not None and not value.strip():
            self.add(path, "must not be empty")
            return None
        return value


def parse_profile(data: Mapping[str, Any], source: str = "<profile>") -> Profile:
    """Validate decoded profile data and return the :class:`Profile`.

    Raises:
        ProfileError: naming the source, and each field with its reason.
    """
    r = _Reader()
    schema = r.get(data, "schema", str)
    if schema is not None and schema != PROFILE_SCHEMA:
        r.add("schema", f'must be "{PROFILE_SCHEMA}" (got "{schema}")')
    pid = r.text(data, "id")
    if pid is not None and not _ID_RE.match(pid):
        r.add("id", "must be 2 to 32 lower-case letters, digits, '-' or '_'")
    effective = r.get(data, "effective_date", date)
    review = r.get(data, "review_date", date)
    if effective is not None and review is not None and review <= effective:
        r.add("review_date", "must be after effective_date")
    approved_by = r.opt(data, "sign_off.approved_by", str, "") or None
    approved_on = r.opt(data, "sign_off.approved_on", date, None)
    if approved_by and approved_on is None:
        r.add("sign_off.approved_on", "required when sign_off.approved_by is given")
    pending = []
    for i, item in enumerate(r.opt(data, "awaiting_sign_off", list, [])):
        if not isinstance(item, Mapping) or not isinstance(item.get("field"), str):
            r.add(f"awaiting_sign_off[{i}]", "must be a table with 'field' and 'reason'")
            continue
        pending.append(PendingItem(item["field"], str(item.get("reason", ""))))

    floor = r.get(data, "nim.age_floor_months", int)
    if floor is not None and not 0 <= floor <= 36:
        r.add("nim.age_floor_months", "must be between 0 and 36")
    rolling = r.get(data, "nim.rolling_counts_as_mobile", bool)
    milestones = r.get(data, "nim.milestones_that_end_nim", list) or []
    for i, m in enumerate(milestones):
        if m not in LOCOMOTION_MILESTONES:
            r.add(
                f"nim.milestones_that_end_nim[{i}]",
                f"unknown milestone {m!r} (expected one of: {', '.join(LOCOMOTION_MILESTONES)})",
            )
    if not milestones:
        r.add("nim.milestones_that_end_nim", "must list at least one milestone")
    if rolling is not None and rolling != ("rolls" in milestones):
        r.add(
            "nim.rolling_counts_as_mobile",
            "disagrees with nim.milestones_that_end_nim (list 'rolls' there exactly when "
            "rolling counts as mobility)",
        )
    disability = r.get(data, "nim.disability_override", bool)

    qualifying = _kinds(r, r.get(data, "findings.qualifying", list) or [], "findings.qualifying")
    emergency = []
    for i, raw in enumerate(r.get(data, "findings.emergency", list) or []):
        parsed = _emergency(raw)
        if parsed is None:
            r.add(f"findings.emergency[{i}]", f"must be 'kind' or 'kind@site' (got {raw!r})")
        else:
            emergency.append(parsed)

    exceptions: dict[ExceptionType, ExceptionRule] = {}
    ex_data = r.get(data, "exceptions", Mapping) or {}
    for key in ex_data:
        if key not in {e.value for e in ExceptionType}:
            r.add(f"exceptions.{key}", "unknown exception type")
    for ex_type in ExceptionType:
        path = f"exceptions.{ex_type.value}"
        if ex_type.value not in ex_data:
            exceptions[ex_type] = ExceptionRule(ex_type, False, frozenset())
            continue
        allowed = r.get(data, f"{path}.allowed", bool)
        applies = _kinds(r, r.get(data, f"{path}.applies_to", list) or [], f"{path}.applies_to")
        exceptions[ex_type] = ExceptionRule(ex_type, bool(allowed), frozenset(applies))

    hours = r.get(data, "timescales.written_referral_max_hours", int)
    if hours is not None and not 0 <= hours <= 72:
        r.add("timescales.written_referral_max_hours", "must be between 0 and 72")
    target = r.opt(data, "timescales.paediatric_assessment_target_hours", int, None)
    if target is not None and not 1 <= target <= 24:
        r.add("timescales.paediatric_assessment_target_hours", "must be between 1 and 24")
    window = r.get(data, "timescales.follow_up_skeletal_survey_days", list) or []
    if len(window) != 2 or not all(isinstance(d, int) and not isinstance(d, bool) for d in window):
        r.add("timescales.follow_up_skeletal_survey_days", "must be two whole numbers [from, to]")
        window = [11, 14]
    elif not 1 <= window[0] <= window[1] <= 60:
        r.add("timescales.follow_up_skeletal_survey_days", "must satisfy 1 <= from <= to <= 60")
    mash_days = r.get(data, "timescales.mash_decision_working_days", int)
    fa_window = r.opt(data, "timescales.frequent_attender_window_days", int, 183)
    fa_threshold = r.opt(data, "timescales.frequent_attender_threshold", int, 3)

    contacts: dict[str, Contact] = {}
    for key, raw in (r.get(data, "contacts", Mapping) or {}).items():
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            r.add(f"contacts.{key}", "must be a table with at least a 'name'")
            continue
        contacts[key] = Contact(
            key=key,
            name=raw["name"],
            phone=raw.get("phone") or None,
            email=raw.get("email") or None,
            hours=raw.get("hours") or None,
            verified=bool(raw.get("verified", False)),
        )
    for required in ("csc_front_door", "out_of_hours", "on_call_paediatrician", "police"):
        if required not in contacts:
            r.add(f"contacts.{required}", "required")

    paragraphs = r.get(data, "parent_leaflet.paragraphs", list) or []
    if not all(isinstance(p, str) for p in paragraphs):
        r.add("parent_leaflet.paragraphs", "must be a list of strings")
        paragraphs = []

    investigations = []
    for i, raw in enumerate(r.opt(data, "investigations", list, [])):
        if not isinstance(raw, Mapping) or not {"id", "text"} <= set(raw):
            r.add(f"investigations[{i}]", "must be a table with 'id' and 'text'")
            continue
        investigations.append(
            InvestigationItem(
                id=str(raw["id"]),
                text=str(raw["text"]),
                due=str(raw.get("due", "as decided by the paediatrician")),
                follow_up_window=bool(raw.get("follow_up_window", False)),
            )
        )

    variants: dict[Setting, RoleVariant] = {}
    for key, raw in (r.opt(data, "role_variants", Mapping, {}) or {}).items():
        try:
            setting = Setting(key)
        except ValueError:
            r.add(f"role_variants.{key}", "unknown setting")
            continue
        if not isinstance(raw, Mapping):
            r.add(f"role_variants.{key}", "must be a table")
            continue
        variants[setting] = RoleVariant(
            notices=tuple(str(n) for n in raw.get("notices", [])),
            action_text={str(k): str(v) for k, v in dict(raw.get("action_text", {})).items()},
        )

    partnership = r.text(data, "partnership_name")
    version = r.text(data, "version")
    phone_due = r.text(data, "timescales.phone_referral")
    paed_due = r.text(data, "timescales.paediatric_assessment")
    form = r.text(data, "referral_form.name")
    imaging = r.opt(data, "imaging_policy", str, "Per local imaging policy.")
    leaflet_title = r.text(data, "parent_leaflet.title")
    leaflet_url = r.opt(data, "parent_leaflet.url", str, None)
    sources = tuple(str(s) for s in r.opt(data, "sources", list, []))

    if r.problems:
        raise ProfileError(source, r.problems)
    return Profile(
        id=pid,
        partnership_name=partnership,
        version=version,
        effective_date=effective,
        review_date=review,
        approved_by=approved_by,
        approved_on=approved_on,
        awaiting_sign_off=tuple(pending),
        sources=sources,
        age_floor_months=floor,
        rolling_counts_as_mobile=rolling,
        milestones_that_end_nim=tuple(milestones),
        disability_override=disability,
        qualifying_findings=frozenset(qualifying),
        emergency_findings=tuple(emergency),
        exceptions=exceptions,
        phone_referral_due=phone_due,
        written_referral_max_hours=hours,
        paediatric_assessment_due=paed_due,
        paediatric_assessment_target_hours=target,
        mash_decision_working_days=mash_days,
        follow_up_skeletal_survey_days=(window[0], window[1]),
        frequent_attender_window_days=fa_window,
        frequent_attender_threshold=fa_threshold,
        contacts=contacts,
        referral_form=form,
        imaging_policy=imaging,
        leaflet_title=leaflet_title,
        leaflet_paragraphs=tuple(paragraphs),
        leaflet_url=leaflet_url,
        investigations=tuple(investigations),
        role_variants=variants,
        source_file=source,
    )


def _kinds(r: _Reader, values: list[Any], path: str) -> list[FindingKind]:
    kinds = []
    for i, value in enumerate(values):
        try:
            kinds.append(FindingKind(value))
        except ValueError:
            r.add(f"{path}[{i}]", f"unknown finding kind {value!r}")
    return kinds


def _emergency(raw: Any) -> EmergencyFinding | None:
    if not isinstance(raw, str):
        return None
    kind_text, _, site_text = raw.partition("@")
    try:
        kind = FindingKind(kind_text)
        site = Site(site_text) if site_text else None
    except ValueError:
        return None
    return EmergencyFinding(kind, site)


def load_profile_file(path: Traversable, name: str | None = None) -> Profile:
    """Read and validate one profile file.

    Raises:
        ProfileError: the file is not valid TOML, or a field is missing or wrong.
    """
    source = name or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, [Problem("", f"not valid TOML: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(source, [Problem("", "not UTF-8 text")]) from exc
    profile = parse_profile(data, source)
    stem = getattr(path, "name", "").removesuffix(".toml")
    if stem and stem != profile.id:
        raise ProfileError(source, [Problem("id", f"must match the file name ({stem!r})")])
    return profile


class ProfileRegistry:
    """All profiles shipped in ``resources/protocols``, loaded once and validated."""

    def __init__(self, profiles: Mapping[str, Profile], default_id: str = DEFAULT_PROFILE_ID):
        if default_id not in profiles:
            raise UnknownProfileError(default_id, sorted(profiles))
        self._profiles = dict(profiles)
        self.default_id = default_id

    @classmethod
    def load(cls, folder: Traversable | None = None) -> ProfileRegistry:
        """Load every ``*.toml`` file in the protocols folder."""
        folder = folder or resource("protocols")
        profiles = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                profile = load_profile_file(entry, f"protocols/{entry.name}")
                profiles[profile.id] = profile
        return cls(profiles)

    def ids(self) -> list[str]:
        """Return the known profile ids, sorted."""
        return sorted(self._profiles)

    def get(self, profile_id: str | None = None) -> Profile:
        """Return a profile by id (the default when ``None``).

        Raises:
            UnknownProfileError: no profile has that id.
        """
        pid = profile_id or self.default_id
        try:
            return self._profiles[pid]
        except KeyError:
            raise UnknownProfileError(pid, self.ids()) from None

    def __iter__(self):  # noqa: D105
        return iter(self._profiles[k] for k in self.ids())
