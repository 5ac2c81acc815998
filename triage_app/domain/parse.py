"""Turn ``triage-assess/1`` JSON into an :class:`Assessment`, listing every problem found.

Rules beyond the contract's shape, each chosen for safety:
- Unknown fields are errors: a misspelt ``emergency_signs`` must not silently vanish.
- Booleans must be JSON booleans; ``null`` means unknown.
- Text must be valid Unicode without NUL characters, and within a length limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

from triage_app.domain import nhs_number
from triage_app.domain.assess_json import assessment_to_json as assessment_to_json
from triage_app.domain.construct import _new, _set, build
from triage_app.domain.display import add_months
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.model import (
    INPUT_SCHEMA,
    Assessment,
    Child,
    ExceptionClaim,
    Explanation,
    Finding,
    History,
    HouseholdChild,
    Mobility,
    PriorFinding,
    PriorPresentation,
)
from triage_app.domain.vocab import (
    MOBILITY_FIELDS,
    CpIs,
    CpPlan,
    EmergencySign,
    ExceptionType,
    FindingKind,
    ReportMode,
    Setting,
    Sex,
    Side,
    Site,
)

E = TypeVar("E", bound=StrEnum)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
# Lone surrogates, written with chr(): mypyc compiles no surrogate in a string literal.
_SURROGATE_RE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")
_NAME_CONTROL_RE = re.compile("[\x00-\x1f\x7f]")

MAX_NAME = 200
MAX_SHORT_TEXT = 2_000
MAX_LONG_TEXT = 100_000
MAX_FINDINGS = 500
MAX_PRESENTATIONS = 5_000
MAX_AGE_YEARS = 18
# Dates outside these years are impossible for this protocol (and would overflow date sums).
MIN_YEAR = 1900
MAX_YEAR = 2199

_TOP_KEYS = {
    "schema",
    "profile",
    "assessed_at",
    "setting",
    "report_mode",
    "child",
    "mobility",
    "clinical_state",
    "findings",
    "explanation",
    "history",
}
_CHILD_KEYS = {"nhs_number", "given_name", "family_name", "date_of_birth", "sex"}
_FINDING_KEYS = {
    "kind",
    "site",
    "side",
    "size_mm",
    "patterned",
    "description",
    "count",
    "exception",
}
_EXCEPTION_KEYS = {"type", "documented_by", "documented_on", "matches_documentation"}
_EXPLANATION_KEYS = {
    "text",
    "given_by",
    "given_at",
    "changed_over_time",
    "delay_in_presentation",
}
_HISTORY_KEYS = {
    "bleeding_disorder_known",
    "cp_is",
    "previous_nai_in_family",
    "mother_pregnant",
    "household_children",
    "prior_presentations",
    "child_cp_plan",
}
_HOUSEHOLD_KEYS = {"date_of_birth", "cp_plan", "looked_after", "name", "removed_from_care"}
_PRIOR_KEYS = {"date", "setting", "findings", "outcome", "complaint", "nim", "explanation"}
_PRIOR_FINDING_KEYS = {"kind", "site", "patterned"}


_MAX_UNKNOWN_LISTED = 10
_MOBILITY_PATHS = {name: f"mobility.{name}" for name in MOBILITY_FIELDS}
_MOBILITY_KEYS = set(MOBILITY_FIELDS)
_MEMBERS: dict[type, dict[str, Any]] = {}


def _members[M: StrEnum](kind: type[M]) -> dict[str, M]:
    """The members of a vocabulary by value (a dict lookup; calling the enum is slower)."""
    table = _MEMBERS.get(kind)
    if table is None:
        table = _MEMBERS[kind] = {m.value: m for m in kind}
    return table


class _Reader:
    """Collects problems while reading one JSON document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def obj(self, value: Any, path: str, allowed: set[str]) -> Mapping[str, Any] | None:
        if type(value) is dict and allowed.issuperset(value):  # the usual case, decided at once
            return value
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.add(path, "must be an object")
            return None
        if value.keys() <= allowed:
            return value
        unknown = sorted(set(value) - allowed, key=str)
        for key in unknown[:_MAX_UNKNOWN_LISTED]:
            self.add(_join(path, _key(key)), f"unknown field (expected one of: {_list(allowed)})")
        if len(unknown) > _MAX_UNKNOWN_LISTED:
            more = len(unknown) - _MAX_UNKNOWN_LISTED
            self.add(path or "(document)", f"{more} more unknown fields")
        return value

    def lst(self, value: Any, path: str, limit: int) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "must be a list")
            return []
        if len(value) > limit:
            self.add(path, f"has {len(value)} items; at most {limit} are allowed")
            return []
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.add(path, "must be true, false or null")
        return None

    def text(self, value: Any, path: str, limit: int, *, single_line: bool = False) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(path, "must be a string")
            return None
        if len(value) > limit:
            self.add(path, f"is {len(value)} characters long; at most {limit} are allowed")
            return None
        if not _plain_text(value):
            if _SURROGATE_RE.search(value):
                self.add(path, "contains an unpaired surrogate (not valid Unicode text)")
            else:
                self.add(path, "contains a NUL character")
            return None
        if single_line and _NAME_CONTROL_RE.search(value):
            self.add(path, "contains a control character (line break, tab or similar)")
            return None
        return value

    def enum(self, value: Any, path: str, kind: type[E]) -> E | None:
        if value is None:
            return None
        if isinstance(value, str):
            member = _members(kind).get(value)
            if member is not None:
                return member
        self.add(path, f"must be one of: {_list(m.value for m in kind)} (got {_show(value)})")
        return None

    def day(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if MIN_YEAR <= day.year <= MAX_YEAR:
                    return day
                self.add(
                    path, f"must be in the years {MIN_YEAR} to {MAX_YEAR} (got {_show(value)})"
                )
                return None
        self.add(path, f"must be a date YYYY-MM-DD (got {_show(value)})")
        return None

    def moment(self, value: Any, path: str) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str) and _DATETIME_RE.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if MIN_YEAR <= moment.year <= MAX_YEAR:
                    return moment
                self.add(
                    path, f"must be in the years {MIN_YEAR} to {MAX_YEAR} (got {_show(value)})"
                )
                return None
        self.add(path, f"must be a local date and time YYYY-MM-DDTHH:MM (got {_show(value)})")
        return None

    def number(self, value: Any, path: str, low: float, high: float) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.add(path, "must be a number")
            return None
        if not low <= value <= high:
            # Never format the value itself: a huge integer cannot be shown as a float.
            self.add(path, f"must be between {low:g} and {high:g} (got {_show_number(value)})")
            return None
        return float(value)

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "must be a whole number")
            return None
        if not low <= value <= high:
            self.add(path, f"must be between {low} and {high} (got {_show_number(value)})")
            return None
        return value


def parse_assessment(data: Any, *, profile_override: str | None = None) -> Assessment:
    """Return the assessment in ``data`` (decoded JSON), or raise :class:`InputError`.

    Args:
        data: the decoded JSON document.
        profile_override: a profile id that replaces the document's ``profile``.

    Raises:
        InputError: with one problem per malformed or impossible value.
    """
    r = _Reader()
    top = r.obj(data, "", _TOP_KEYS)
    if top is None:
        if data is None:
            r.add("", "the input must be a JSON object")
        raise InputError(r.problems)

    schema = top.get("schema")
    if schema is None:
        r.add("schema", f'required: "{INPUT_SCHEMA}"')
    elif schema != INPUT_SCHEMA:
        r.add("schema", f'must be "{INPUT_SCHEMA}" (got {_show(schema)})')

    profile_id = r.text(top.get("profile"), "profile", MAX_NAME, single_line=True)
    if profile_override is not None:
        profile_id = profile_override

    assessed_at = None
    if "assessed_at" not in top or top.get("assessed_at") is None:
        r.add("assessed_at", "required")
    else:
        assessed_at = r.moment(top["assessed_at"], "assessed_at")

    setting = r.enum(top.get("setting"), "setting", Setting)
    report_mode = r.enum(top.get("report_mode"), "report_mode", ReportMode) or ReportMode.IN_PERSON
    child = _child_quick(top.get("child"), assessed_at) or _child(r, top.get("child"), assessed_at)
    mobility = _mobility(r, top.get("mobility"))

    signs: list[EmergencySign] = []
    state = r.obj(top.get("clinical_state"), "clinical_state", {"emergency_signs"})
    if state is not None:
        for i, raw in enumerate(
            r.lst(state.get("emergency_signs"), "clinical_state.emergency_signs", 50)
        ):
            sign = r.enum(raw, f"clinical_state.emergency_signs[{i}]", EmergencySign)
            if sign is not None and sign not in signs:
                signs.append(sign)

    findings: list[Finding] = []
    if "findings" not in top:
        r.add("findings", "required (use [] when nothing was found)")
    elif top["findings"] is None:
        r.add("findings", "must be a list (use [] when nothing was found)")
    else:
        for i, raw in enumerate(r.lst(top["findings"], "findings", MAX_FINDINGS)):
            finding = _finding_quick(raw) or _finding(r, raw, f"findings[{i}]", assessed_at, child)
            if finding is not None:
                findings.append(finding)

    explanation = _explanation(r, top.get("explanation"), assessed_at, child)
    history = _history(r, top.get("history"), assessed_at, child)

    if r.problems or assessed_at is None or child is None:
        if not r.problems:
            r.add("", "the input could not be read")
        raise InputError(r.problems)
    return build(
        Assessment,
        {
            "assessed_at": assessed_at,
            "child": child,
            "findings": tuple(findings),
            "profile_id": profile_id,
            "setting": setting,
            "report_mode": report_mode,
            "mobility": mobility,
            "emergency_signs": tuple(signs),
            "explanation": explanation,
            "history": history,
        },
    )


def _child(r: _Reader, raw: Any, assessed_at: datetime | None) -> Child | None:
    obj = r.obj(raw, "child", _CHILD_KEYS)
    if obj is None:
        r.add("child.date_of_birth", "required")
        return None
    dob = None
    if obj.get("date_of_birth") is None:
        r.add("child.date_of_birth", "required")
    else:
        dob = r.day(obj["date_of_birth"], "child.date_of_birth")
    if dob is not None and assessed_at is not None:
        if dob > assessed_at.date():
            r.add("child.date_of_birth", "after assessed_at")
        elif add_months(dob, 12 * MAX_AGE_YEARS) <= assessed_at.date():
            r.add(
                "child.date_of_birth",
                f"the child is {MAX_AGE_YEARS} or older on assessed_at; "
                "this protocol is for children",
            )
    nhs = r.text(obj.get("nhs_number"), "child.nhs_number", 20, single_line=True)
    if nhs is not None:
        if not nhs.strip():
            nhs = None
        else:
            reason = nhs_number.problem(nhs)
            if reason:
                r.add("child.nhs_number", reason)
                nhs = None
            else:
                nhs = nhs_number.normalise(nhs)
    given = r.text(obj.get("given_name"), "child.given_name", MAX_NAME, single_line=True)
    family = r.text(obj.get("family_name"), "child.family_name", MAX_NAME, single_line=True)
    sex = r.enum(obj.get("sex"), "child.sex", Sex)
    if dob is None:
        return None
    return Child(date_of_birth=dob, nhs_number=nhs, given_name=given, family_name=family, sex=sex)


def _date_quick(value: Any) -> date | None:
    """``value`` as a date when it is exactly ``YYYY-MM-DD``, else ``None`` (for the quick readers).

    What _DATE_RE accepts, for the one ten-character form date.fromisoformat reads with a "-"
    at 4 and 7 (it reads ASCII digits only); anything else is left to the full reader.
    """
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _child_quick(raw: Any, assessed_at: datetime | None) -> Child | None:
    """Read a well-formed child quickly, or return ``None`` (then :func:`_child` reads it).

    Accepts exactly what :func:`_child` accepts without a problem: the date of birth as
    ``YYYY-MM-DD`` (see :func:`_date_quick`), and names and NHS number as printable ASCII,
    which holds no NUL, surrogate or control character.
    """
    if type(raw) is not dict or not _CHILD_KEYS.issuperset(raw) or assessed_at is None:
        return None
    dob = _date_quick(raw.get("date_of_birth"))
    if dob is None:
        return None
    on = assessed_at.date()
    if not MIN_YEAR <= dob.year <= MAX_YEAR or dob > on:
        return None
    if add_months(dob, 12 * MAX_AGE_YEARS) <= on:
        return None
    nhs, given, family = raw.get("nhs_number"), raw.get("given_name"), raw.get("family_name")
    for value, limit in ((nhs, 20), (given, MAX_NAME), (family, MAX_NAME)):
        if value is not None and (
            type(value) is not str
            or len(value) > limit
            or not (value.isascii() and value.isprintable())
        ):
            return None
    if nhs is not None:
        if not nhs.strip():
            nhs = None
        elif nhs_number.problem(nhs) is None:
            nhs = nhs_number.normalise(nhs)
        else:
            return None
    sex = raw.get("sex")
    if sex is not None:
        sex = _SEXES.get(sex) if type(sex) is str else None
        if sex is None:
            return None
    return build(
        Child,
        {
            "date_of_birth": dob,
            "nhs_number": nhs,
            "given_name": given,
            "family_name": family,
            "sex": sex,
        },
    )


def _mobility(r: _Reader, raw: Any) -> Mobility:
    obj = r.obj(raw, "mobility", _MOBILITY_KEYS)
    if obj is None:
        return Mobility()
    values = {name: obj.get(name) for name in MOBILITY_FIELDS}
    for value in values.values():
        if value is not None and value is not True and value is not False:
            # r.boolean names each answer that is not true, false or null
            values = {name: r.boolean(obj.get(name), p) for name, p in _MOBILITY_PATHS.items()}
            break
    return build(Mobility, values)


def _finding(
    r: _Reader, raw: Any, path: str, assessed_at: datetime | None, child: Child | None
) -> Finding | None:
    obj = r.obj(raw, path, _FINDING_KEYS)
    if obj is None:
        if raw is None:
            r.add(path, "must be an object")
        return None
    kind = r.enum(obj.get("kind"), f"{path}.kind", FindingKind) or FindingKind.OTHER_INJURY
    site = r.enum(obj.get("site"), f"{path}.site", Site) or Site.OTHER
    side = r.enum(obj.get("side"), f"{path}.side", Side)
    size = r.number(obj.get("size_mm"), f"{path}.size_mm", 0, 1000)
    patterned = r.boolean(obj.get("patterned"), f"{path}.patterned")
    description = r.text(obj.get("description"), f"{path}.description", MAX_LONG_TEXT)
    count = r.integer(obj.get("count"), f"{path}.count", 1, 1000)
    claim = None
    ex = r.obj(obj.get("exception"), f"{path}.exception", _EXCEPTION_KEYS)
    if ex is not None:
        ex_type = None
        if ex.get("type") is None:
            r.add(f"{path}.exception.type", "required when an exception is claimed")
        else:
            ex_type = r.enum(ex["type"], f"{path}.exception.type", ExceptionType)
        by = r.text(ex.get("documented_by"), f"{path}.exception.documented_by", MAX_SHORT_TEXT)
        on = r.day(ex.get("documented_on"), f"{path}.exception.documented_on")
        matches = r.boolean(
            ex.get("matches_documentation"), f"{path}.exception.matches_documentation"
        )
        if ex_type is not None:
            claim = ExceptionClaim(ex_type, by, on, matches)
    return Finding(
        kind=kind,
        site=site,
        side=side,
        size_mm=size,
        patterned=patterned,
        description=description,
        count=count,
        exception=claim,
    )


def _finding_quick(raw: Any) -> Finding | None:
    """Read a well-formed finding with no exception claimed quickly, or return ``None``.

    Like :func:`_prior_quick`: it accepts exactly what :func:`_finding` accepts, and on
    anything else (or a claimed exception) returns ``None`` so that :func:`_finding` reads
    the finding and names each problem.
    """
    if type(raw) is not dict or not _FINDING_KEYS.issuperset(raw) or "exception" in raw:
        return None
    kind, site, side = raw.get("kind"), raw.get("site"), raw.get("side")
    size, patterned, count = raw.get("size_mm"), raw.get("patterned"), raw.get("count")
    description = raw.get("description")
    kind = (
        FindingKind.OTHER_INJURY
        if kind is None
        else _KINDS.get(kind)
        if type(kind) is str
        else None
    )
    site = Site.OTHER if site is None else _SITES.get(site) if type(site) is str else None
    if kind is None or site is None:
        return None
    if side is not None:
        side = _SIDES.get(side) if type(side) is str else None
        if side is None:
            return None
    if size is not None:
        if type(size) not in (int, float) or not 0 <= size <= 1000:  # NaN fails the range too
            return None
        size = float(size)
    if (
        (patterned is not None and patterned is not True and patterned is not False)
        or (count is not None and (type(count) is not int or not 1 <= count <= 1000))
        or not _quick_text(description, MAX_LONG_TEXT)
    ):
        return None
    return build(
        Finding,
        {
            "kind": kind,
            "site": site,
            "side": side,
            "size_mm": size,
            "patterned": patterned,
            "description": description,
            "count": count,
            "exception": None,
        },
    )


def _explanation(
    r: _Reader, raw: Any, assessed_at: datetime | None, child: Child | None
) -> Explanation:
    obj = r.obj(raw, "explanation", _EXPLANATION_KEYS)
    if obj is None:
        return Explanation()
    given_at = r.moment(obj.get("given_at"), "explanation.given_at")
    if given_at is not None and assessed_at is not None and given_at > assessed_at:
        r.add("explanation.given_at", "after assessed_at")
    if given_at is not None and child is not None and given_at.date() < child.date_of_birth:
        r.add("explanation.given_at", "before the child's date of birth")
    return build(
        Explanation,
        {
            "text": r.text(obj.get("text"), "explanation.text", MAX_LONG_TEXT),
            "given_by": r.text(obj.get("given_by"), "explanation.given_by", MAX_NAME),
            "given_at": given_at,
            "changed_over_time": r.boolean(
                obj.get("changed_over_time"), "explanation.changed_over_time"
            ),
            "delay_in_presentation": r.boolean(
                obj.get("delay_in_presentation"), "explanation.delay_in_presentation"
            ),
        },
    )


def _history(r: _Reader, raw: Any, assessed_at: datetime | None, child: Child | None) -> History:
    obj = r.obj(raw, "history", _HISTORY_KEYS)
    if obj is None:
        return History()
    household: list[HouseholdChild] = []
    items = r.lst(obj.get("household_children"), "history.household_children", 100)
    for i, item in enumerate(items):
        path = f"history.household_children[{i}]"
        h = r.obj(item, path, _HOUSEHOLD_KEYS)
        if h is None:
            if item is None:
                r.add(path, "must be an object")
            continue
        dob = r.day(h.get("date_of_birth"), f"{path}.date_of_birth")
        if dob is not None and assessed_at is not None and dob > assessed_at.date():
            r.add(f"{path}.date_of_birth", "after assessed_at")
        household.append(
            HouseholdChild(
                date_of_birth=dob,
                cp_plan=r.enum(h.get("cp_plan"), f"{path}.cp_plan", CpPlan),
                looked_after=r.boolean(h.get("looked_after"), f"{path}.looked_after"),
                name=r.text(h.get("name"), f"{path}.name", MAX_NAME, single_line=True),
                removed_from_care=r.boolean(
                    h.get("removed_from_care"), f"{path}.removed_from_care"
                ),
            )
        )
    prior: list[PriorPresentation] = []
    items = r.lst(obj.get("prior_presentations"), "history.prior_presentations", MAX_PRESENTATIONS)
    if assessed_at is not None and child is not None:
        on, dob = assessed_at.date(), child.date_of_birth
        quick = [_prior_quick(item, on, dob) for item in items]
        if all(quick):  # None where the full reader must look
            prior = cast("list[PriorPresentation]", quick)
    if len(prior) != len(items) or not all(prior):  # the full reader names every problem
        prior = []
        for i, item in enumerate(items):
            presentation = None
            if assessed_at is not None and child is not None:
                presentation = _prior_quick(item, assessed_at.date(), child.date_of_birth)
            if presentation is None:
                path = f"history.prior_presentations[{i}]"
                presentation = _prior(r, item, path, assessed_at, child)
            if presentation is not None:
                prior.append(presentation)
    return build(
        History,
        {
            "bleeding_disorder_known": r.boolean(
                obj.get("bleeding_disorder_known"), "history.bleeding_disorder_known"
            ),
            "cp_is": r.enum(obj.get("cp_is"), "history.cp_is", CpIs) or CpIs.NOT_CHECKED,
            "previous_nai_in_family": r.boolean(
                obj.get("previous_nai_in_family"), "history.previous_nai_in_family"
            ),
            "mother_pregnant": r.boolean(obj.get("mother_pregnant"), "history.mother_pregnant"),
            "household_children": tuple(household),
            "prior_presentations": tuple(prior),
            "child_cp_plan": r.enum(obj.get("child_cp_plan"), "history.child_cp_plan", CpPlan),
        },
    )


def _prior(
    r: _Reader, raw: Any, path: str, assessed_at: datetime | None, child: Child | None
) -> PriorPresentation | None:
    obj = r.obj(raw, path, _PRIOR_KEYS)
    if obj is None:
        if raw is None:
            r.add(path, "must be an object")
        return None
    when = None
    if obj.get("date") is None:
        r.add(f"{path}.date", "required")
    else:
        when = r.day(obj["date"], f"{path}.date")
    if when is not None:
        if assessed_at is not None and when > assessed_at.date():
            r.add(f"{path}.date", "after assessed_at")
        if child is not None and when < child.date_of_birth:
            r.add(f"{path}.date", "before the child's date of birth")
    findings: list[PriorFinding] = []
    for j, item in enumerate(r.lst(obj.get("findings"), f"{path}.findings", MAX_FINDINGS)):
        fpath = f"{path}.findings[{j}]"
        f = r.obj(item, fpath, _PRIOR_FINDING_KEYS)
        if f is None:
            if item is None:
                r.add(fpath, "must be an object")
            continue
        findings.append(
            PriorFinding(
                kind=r.enum(f.get("kind"), f"{fpath}.kind", FindingKind)
                or FindingKind.OTHER_INJURY,
                site=r.enum(f.get("site"), f"{fpath}.site", Site) or Site.OTHER,
                patterned=r.boolean(f.get("patterned"), f"{fpath}.patterned"),
            )
        )
    setting = r.enum(obj.get("setting"), f"{path}.setting", Setting)
    outcome = r.text(obj.get("outcome"), f"{path}.outcome", MAX_SHORT_TEXT)
    complaint = r.text(obj.get("complaint"), f"{path}.complaint", MAX_SHORT_TEXT)
    nim = r.boolean(obj.get("nim"), f"{path}.nim")
    explanation = r.text(obj.get("explanation"), f"{path}.explanation", MAX_LONG_TEXT)
    if when is None:
        return None
    return PriorPresentation(
        date=when,
        setting=setting,
        findings=tuple(findings),
        outcome=outcome,
        complaint=complaint,
        nim=nim,
        explanation=explanation,
    )


def _prior_quick(raw: Any, on: date, dob: date) -> PriorPresentation | None:
    """Read a well-formed earlier presentation quickly, or return ``None``.

    A history can hold thousands of presentations, so the common case skips the per-field
    paths that :func:`_prior` builds for its problem messages. This reads exactly what
    :func:`_prior` accepts; on anything that :func:`_prior` would report (or that needs a
    closer look) it returns ``None``, and :func:`_prior` reads the item again and names
    each problem. ``on`` (the assessment's day) and ``dob`` are dates the readers accepted.
    """
    if type(raw) is not dict or not _PRIOR_KEYS.issuperset(raw):
        return None
    get = raw.get
    when = _date_quick(get("date"))
    if when is None or not dob <= when <= on or not MIN_YEAR <= when.year <= MAX_YEAR:
        return None
    items = get("findings")
    findings: tuple[Any, ...] = ()  # PriorFinding each (no typing.cast: a call per item)
    if items is not None:
        if type(items) is not list or len(items) > MAX_FINDINGS:
            return None
        quick = [_prior_finding_quick(item) for item in items]
        if not all(quick):  # a finding the full reader must look at
            return None
        findings = tuple(quick)
    setting = get("setting")
    if setting is not None:
        setting = _SETTINGS.get(setting) if type(setting) is str else None
        if setting is None:
            return None
    nim = get("nim")
    if nim is not None and nim is not True and nim is not False:
        return None
    # _quick_text for each text, written out: the usual text is ASCII without a NUL
    outcome, complaint, explanation = get("outcome"), get("complaint"), get("explanation")
    if outcome is not None and (
        type(outcome) is not str
        or len(outcome) > MAX_SHORT_TEXT
        or not ((outcome.isascii() and "\x00" not in outcome) or _plain_text(outcome))
    ):
        return None
    if complaint is not None and (
        type(complaint) is not str
        or len(complaint) > MAX_SHORT_TEXT
        or not ((complaint.isascii() and "\x00" not in complaint) or _plain_text(complaint))
    ):
        return None
    if explanation is not None and (
        type(explanation) is not str
        or len(explanation) > MAX_LONG_TEXT
        or not ((explanation.isascii() and "\x00" not in explanation) or _plain_text(explanation))
    ):
        return None
    presentation = _new(PriorPresentation)  # construct.build, written out: one call fewer each
    _set(
        presentation,
        "__dict__",
        {
            "date": when,
            "setting": setting,
            "findings": findings,
            "outcome": outcome,
            "complaint": complaint,
            "nim": nim,
            "explanation": explanation,
        },
    )
    return presentation


_PRIOR_FINDINGS: dict[tuple[Any, Any, Any], PriorFinding] = {}
_KINDS = _members(FindingKind)
_SITES = _members(Site)
_SETTINGS = _members(Setting)
_SIDES = _members(Side)
_SEXES = _members(Sex)


def _prior_finding_quick(raw: Any) -> PriorFinding | None:
    """Read a well-formed earlier finding (``None`` when :func:`_prior` must look closer).

    There are few distinct earlier findings (kind, site, patterned: words of the vocabulary),
    and each is immutable, so one object is shared for each.
    """
    if type(raw) is not dict or not _PRIOR_FINDING_KEYS.issuperset(raw):
        return None
    kind, site, patterned = raw.get("kind"), raw.get("site"), raw.get("patterned")
    if (
        (kind is not None and type(kind) is not str)
        or (site is not None and type(site) is not str)
        or (patterned is not None and patterned is not True and patterned is not False)
    ):
        return None
    key = (kind, site, patterned)
    finding = _PRIOR_FINDINGS.get(key)
    if finding is None:
        kind_member = FindingKind.OTHER_INJURY if kind is None else _KINDS.get(kind)
        site_member = Site.OTHER if site is None else _SITES.get(site)
        if kind_member is None or site_member is None:
            return None
        finding = _PRIOR_FINDINGS[key] = PriorFinding(kind_member, site_member, patterned)
    return finding


def _quick_text(value: Any, limit: int) -> bool:
    """True when :meth:`_Reader.text` accepts ``value`` as it is (``None`` included)."""
    return value is None or (type(value) is str and len(value) <= limit and _plain_text(value))


def _plain_text(value: str) -> bool:
    """True when ``value`` has neither an unpaired surrogate nor a NUL character.

    ASCII text (known without reading it) cannot hold a surrogate, so only the NUL is looked for.
    """
    if value.isascii():
        return "\x00" not in value
    return "\x00" not in value and not _SURROGATE_RE.search(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _key(key: Any) -> str:
    text = str(key)
    if not text.isprintable():
        text = repr(text)[1:-1]  # a key with control characters is shown escaped
    return text if len(text) <= 60 else text[:57] + "..."


def _list(values: Any) -> str:
    return ", ".join(sorted(str(v) for v in values))


def _show(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _show_number(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _show_number(value: int | float) -> str:
    """Show a number for a message, however large (never converts a huge int to float).

    ``int | float``, not ``float``: compiled (mypyc), a ``float`` parameter converts an int.
    """
    if isinstance(value, int) and abs(value) >= 10**15:
        return "a number of more than 15 digits"
    if isinstance(value, float) and (value != value or abs(value) >= 1e15):
        return "a number too large to use"
    return f"{value:g}"
