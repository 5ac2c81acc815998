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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources.abc import Traversable
from typing import Any

from triage_app.domain.errors import Problem, ProfileError, UnknownProfileError
from triage_app.domain.resources import resource
from triage_app.domain.vocab import (
    ACTION_IDS,
    LOCOMOTION_MILESTONES,
    ExceptionType,
    FindingKind,
    Setting,
    Site,
)

PROFILE_SCHEMA = "triage-profile/1"
DEFAULT_PROFILE_ID = "nyscp"
AWAITING_SIGN_OFF = "awaiting sign-off by the designated professional"
# Under every profile a child under 6 months is not independently mobile: a profile may extend
# NIM above this age, never shrink it below (Panel briefing 2022; HIPS 2023 update).
NATIONAL_NIM_FLOOR_MONTHS = 6
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
    # Birth injuries only: the oldest age (days) at which each kind may still be a birth
    # injury. A kind with no limit is never accepted as a birth injury (contract 1.1).
    max_age_days: Mapping[FindingKind, int] = field(default_factory=dict)


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
    sources: tuple[str, ...] = ()


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
    follow_up_skeletal_survey_days: tuple[int, int]
    frequent_attender_window_days: int
    frequent_attender_threshold: int
    contacts: Mapping[str, Contact]
    referral_form: str
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


_MISSING = object()
_TYPE_NAMES = {bool: "boolean", int: "whole number", str: "string", date: "date", list: "list"}


class _Reader:
    """Strict reader of one decoded profile: exact types, and every key must be read.

    Each key read is remembered; :meth:`unread` then names every key the file has that no
    rule reads (a misspelt key, or a field nothing uses), so none is silently ignored.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.read: set[str] = set()

    def add(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def _find(self, path: str) -> Any:
        node: Any = self.data
        walked = ""
        for part in path.split("."):
            name, _, index = part.partition("[")
            walked = f"{walked}.{name}" if walked else name
            if not isinstance(node, Mapping) or name not in node:
                return _MISSING
            node = node[name]
            self.read.add(walked)
            if index:
                i = int(index.rstrip("]"))
                if not isinstance(node, list) or i >= len(node):
                    return _MISSING
                node = node[i]
                walked += f"[{i}]"
                self.read.add(walked)
        return node

    def get(self, path: str, kind: type, default: Any = _MISSING) -> Any:
        """Return the value at ``path`` if it has exactly type ``kind``.

        A missing key gives ``default``, or the problem "required" when there is none.
        """
        node = self._find(path)
        if node is _MISSING:
            if default is _MISSING:
                self.add(path, "required")
                return None
            return default
        if not _is(node, kind):
            self.add(
                path,
                f"must be a {_TYPE_NAMES.get(kind, kind.__name__)} "
                f"(got {_type_name(node)} {_show(node)})",
            )
            return None
        return node

    def table(self, path: str, *, required: bool = True) -> Mapping[str, Any]:
        node = self._find(path)
        if node is _MISSING:
            if required:
                self.add(path, "required")
            return {}
        if not isinstance(node, Mapping):
            self.add(path, f"must be a table (got {_type_name(node)})")
            return {}
        return node

    def tables(self, path: str) -> list[Mapping[str, Any]]:
        """An optional array of tables (``[[path]]``); non-tables are reported."""
        node = self._find(path)
        if node is _MISSING:
            return []
        if not isinstance(node, list):
            self.add(path, f"must be an array of tables (got {_type_name(node)})")
            return []
        for i, item in enumerate(node):
            if not isinstance(item, Mapping):
                self.add(f"{path}[{i}]", "must be a table")
                return []
        return node

    def text(self, path: str, default: object = _MISSING) -> str | None:
        """The non-empty string at ``path``; None once a problem is recorded for it."""
        value = self.get(path, str, default)
        if not isinstance(value, str):
            return None  # a problem was recorded (every default given is a string)
        if not value.strip() and default is _MISSING:
            self.add(path, "must not be empty")
            return None
        return value

    def strings(self, path: str, default: Any = _MISSING) -> list[str]:
        values = self.get(path, list, default)
        if values is None or values is default:
            return [] if values is None else list(values)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                self.add(f"{path}[{i}]", f"must be a string (got {_type_name(v)} {_show(v)})")
                return []
        return list(values)

    def unread(self) -> None:
        """Report every key of the file that no rule read."""
        stack: list[tuple[str, Any]] = [("", self.data)]
        while stack:
            prefix, node = stack.pop()
            if isinstance(node, Mapping):
                for key, value in node.items():
                    path = f"{prefix}.{key}" if prefix else str(key)
                    if path not in self.read:
                        self.add(path, "unknown field: no rule reads it (misspelt, or not used)")
                    else:
                        stack.append((path, value))
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    if isinstance(value, Mapping):
                        stack.append((f"{prefix}[{i}]", value))


def _is(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if kind is Mapping:
        return isinstance(value, Mapping)
    return isinstance(value, kind)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, datetime):
        return "date and time"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, float):
        return "decimal number"
    if isinstance(value, Mapping):
        return "table"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_profile(data: Mapping[str, Any], source: str = "<profile>") -> Profile:
    """Validate decoded profile data strictly and return the :class:`Profile`.

    Every field has exactly one type (the string ``"false"`` is not a boolean), and every key
    in the file must be one that a rule reads: an unknown or unused key is an error.

    Raises:
        ProfileError: naming the source, and each field with its reason.
    """
    r = _Reader(data)
    schema = r.get("schema", str)
    if schema is not None and schema != PROFILE_SCHEMA:
        r.add("schema", f'must be "{PROFILE_SCHEMA}" (got "{schema}")')
    pid = r.text("id")
    if pid is not None and not _ID_RE.match(pid):
        r.add("id", "must be 2 to 32 lower-case letters, digits, '-' or '_'")
    effective = r.get("effective_date", date)
    review = r.get("review_date", date)
    if effective is not None and review is not None and review <= effective:
        r.add("review_date", "must be after effective_date")
    r.table("sign_off", required=False)
    approved_by = r.get("sign_off.approved_by", str, "") or None
    approved_on = r.get("sign_off.approved_on", date, None)
    if approved_by and approved_on is None:
        r.add("sign_off.approved_on", "required when sign_off.approved_by is given")
    if approved_on is not None and not approved_by:
        r.add("sign_off.approved_on", "given without sign_off.approved_by")
    pending = []
    for i, _item in enumerate(r.tables("awaiting_sign_off")):
        path = f"awaiting_sign_off[{i}]"
        name = r.text(f"{path}.field")
        reason = r.text(f"{path}.reason")
        item_sources = tuple(r.strings(f"{path}.sources", []))
        if name is not None and reason is not None:
            pending.append(PendingItem(name, reason, item_sources))

    r.table("nim")
    floor = r.get("nim.age_floor_months", int)
    if floor is not None and not NATIONAL_NIM_FLOOR_MONTHS <= floor <= 36:
        r.add(
            "nim.age_floor_months",
            f"must be between {NATIONAL_NIM_FLOOR_MONTHS} and 36: a profile may extend "
            f"'not independently mobile' above {NATIONAL_NIM_FLOOR_MONTHS} months, never shrink "
            "it below (Panel briefing 2022; HIPS 2023 update)",
        )
    rolling = r.get("nim.rolling_counts_as_mobile", bool)
    milestones = r.strings("nim.milestones_that_end_nim")
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
    disability = r.get("nim.disability_override", bool)

    r.table("findings")
    qualifying = _kinds(r, r.strings("findings.qualifying"), "findings.qualifying")
    emergency = []
    for i, raw in enumerate(r.strings("findings.emergency")):
        parsed = _emergency(raw)
        if parsed is None:
            r.add(f"findings.emergency[{i}]", f"must be 'kind' or 'kind@site' (got {raw!r})")
        else:
            emergency.append(parsed)

    exceptions = _exceptions(r)

    r.table("timescales")
    hours = r.get("timescales.written_referral_max_hours", int)
    if hours is not None and not 0 <= hours <= 72:
        r.add("timescales.written_referral_max_hours", "must be between 0 and 72")
    window = r.get("timescales.follow_up_skeletal_survey_days", list) or []
    if len(window) != 2 or not all(_is(d, int) for d in window):
        r.add("timescales.follow_up_skeletal_survey_days", "must be two whole numbers [from, to]")
        window = [11, 14]
    elif not 1 <= window[0] <= window[1] <= 60:
        r.add("timescales.follow_up_skeletal_survey_days", "must satisfy 1 <= from <= to <= 60")
    fa_window = r.get("timescales.frequent_attender_window_days", int, 183)
    if fa_window is not None and not 1 <= fa_window <= 3660:
        r.add("timescales.frequent_attender_window_days", "must be between 1 and 3660")
    fa_threshold = r.get("timescales.frequent_attender_threshold", int, 3)
    if fa_threshold is not None and not 0 <= fa_threshold <= 1000:
        r.add("timescales.frequent_attender_threshold", "must be between 0 and 1000")

    contacts: dict[str, Contact] = {}
    for key in r.table("contacts"):
        path = f"contacts.{key}"
        if not r.table(path):
            continue
        name = r.text(f"{path}.name")
        contact = Contact(
            key=key,
            name=name or "",
            phone=r.get(f"{path}.phone", str, None) or None,
            email=r.get(f"{path}.email", str, None) or None,
            hours=r.get(f"{path}.hours", str, None) or None,
            verified=r.get(f"{path}.verified", bool, False) is True,
        )
        if name is not None:
            contacts[key] = contact
    for required in ("csc_front_door", "out_of_hours", "on_call_paediatrician", "police"):
        if required not in contacts and not any(
            p.path.startswith(f"contacts.{required}") for p in r.problems
        ):
            r.add(f"contacts.{required}", "required")

    r.table("parent_leaflet")
    paragraphs = r.strings("parent_leaflet.paragraphs")

    investigations = []
    for i, _item in enumerate(r.tables("investigations")):
        path = f"investigations[{i}]"
        item_id = r.text(f"{path}.id")
        item_text = r.text(f"{path}.text")
        due = r.text(f"{path}.due", "as decided by the paediatrician")
        follow = r.get(f"{path}.follow_up_window", bool, False)
        if item_id is not None and item_text is not None:
            investigations.append(InvestigationItem(item_id, item_text, due or "", follow is True))

    variants: dict[Setting, RoleVariant] = {}
    for key in r.table("role_variants", required=False):
        path = f"role_variants.{key}"
        try:
            setting = Setting(key)
        except ValueError:
            r.table(path, required=False)
            r.add(path, f"unknown setting (expected one of: {', '.join(s.value for s in Setting)})")
            continue
        if not r.table(path):
            continue
        action_text = {}
        for action_id in r.table(f"{path}.action_text", required=False):
            text = r.text(f"{path}.action_text.{action_id}")
            if action_id not in ACTION_IDS:
                r.add(f"{path}.action_text.{action_id}", "unknown action id")
            elif text is not None:
                action_text[action_id] = text
        variants[setting] = RoleVariant(
            notices=tuple(r.strings(f"{path}.notices", [])), action_text=action_text
        )

    partnership = r.text("partnership_name")
    version = r.text("version")
    phone_due = r.text("timescales.phone_referral")
    paed_due = r.text("timescales.paediatric_assessment")
    r.table("referral_form")
    form = r.text("referral_form.name")
    leaflet_title = r.text("parent_leaflet.title")
    leaflet_url = r.get("parent_leaflet.url", str, None) or None
    sources = tuple(r.strings("sources", []))

    r.unread()
    if r.problems:
        raise ProfileError(source, r.problems)
    # r.text gives None only after recording a problem, so none of these is None here.
    assert pid is not None and partnership is not None and version is not None
    assert phone_due is not None and paed_due is not None
    assert form is not None and leaflet_title is not None
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
        follow_up_skeletal_survey_days=(window[0], window[1]),
        frequent_attender_window_days=fa_window,
        frequent_attender_threshold=fa_threshold,
        contacts=contacts,
        referral_form=form,
        leaflet_title=leaflet_title,
        leaflet_paragraphs=tuple(paragraphs),
        leaflet_url=leaflet_url,
        investigations=tuple(investigations),
        role_variants=variants,
        source_file=source,
    )


def _exceptions(r: _Reader) -> dict[ExceptionType, ExceptionRule]:
    """Rule R3's exceptions; a birth injury also needs its age limit per finding kind."""
    exceptions: dict[ExceptionType, ExceptionRule] = {}
    ex_data = r.table("exceptions")
    known = {e.value for e in ExceptionType}
    for key in ex_data:
        if key not in known:
            r.table(f"exceptions.{key}", required=False)
            r.add(f"exceptions.{key}", "unknown exception type")
    for ex_type in ExceptionType:
        path = f"exceptions.{ex_type.value}"
        if ex_type.value not in ex_data:
            exceptions[ex_type] = ExceptionRule(ex_type, False, frozenset())
            continue
        r.table(path)
        allowed = r.get(f"{path}.allowed", bool)
        applies = frozenset(_kinds(r, r.strings(f"{path}.applies_to"), f"{path}.applies_to"))
        limits: dict[FindingKind, int] = {}
        if ex_type is ExceptionType.BIRTH_INJURY:
            lpath = f"{path}.max_age_days"
            for kind_text in r.table(lpath, required=allowed is True):
                value = r.get(f"{lpath}.{kind_text}", int)
                try:
                    kind = FindingKind(kind_text)
                except ValueError:
                    r.add(f"{lpath}.{kind_text}", "unknown finding kind")
                    continue
                if kind not in applies:
                    r.add(
                        f"{lpath}.{kind_text}",
                        f"not in {path}.applies_to, so this limit would never be used",
                    )
                elif value is not None and not 0 <= value <= 366:
                    r.add(f"{lpath}.{kind_text}", "must be between 0 and 366 days")
                elif value is not None:
                    limits[kind] = value
        exceptions[ex_type] = ExceptionRule(ex_type, allowed is True, applies, limits)
    return exceptions


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


def nim_floor_months(profile: Profile) -> int:
    """The age below which every child is NIM: the profile's floor, never under 6 months."""
    return max(profile.age_floor_months, NATIONAL_NIM_FLOOR_MONTHS)


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

    def __iter__(self) -> Iterator[Profile]:
        return iter(self._profiles[k] for k in self.ids())
