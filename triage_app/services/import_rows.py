"""Checking one row of a presentations CSV (docs/import-format.md).

:func:`validate_row` is the reference: it lists every problem of a row. :func:`quick_row` is
the import's fast path for the common case, a valid row; whenever it finds anything wrong it
returns ``None`` and the import asks :func:`validate_row` for the reasons. A property test
checks that the two always agree on which rows are valid.
"""

from __future__ import annotations

import json
import re
from contextlib import suppress
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from triage_app.domain import nhs_number
from triage_app.domain.vocab import FindingKind, Setting, Sex, Side, Site

COLUMNS = (
    "source", "source_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex",
    "postcode", "seen_at", "setting", "organisation", "complaint", "findings", "outcome",
)  # fmt: skip
MAX_FIELD = 100_000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")
_SURROGATE = re.compile("[\udc80-\udcff]")
_KINDS = frozenset(k.value for k in FindingKind)
_SITES = frozenset(s.value for s in Site)
_SIDES = frozenset(s.value for s in Side)
_SETTINGS = frozenset(s.value for s in Setting)
_SEXES = frozenset(s.value for s in Sex)


@lru_cache(maxsize=65_536)
def _nhs_problem(text: str) -> str | None:
    return nhs_number.problem(text)


def parse_findings(text: str) -> list[dict[str, Any]]:
    """Parse ``kind@site[@side]`` items separated by ``;`` (``bruise@cheek;bleeding@mouth``).

    Raises:
        ValueError: naming the item and what is wrong with it.
    """
    findings: list[dict[str, Any]] = json.loads(_findings_json(text))
    return findings


@lru_cache(maxsize=65_536)
def _findings_json(text: str) -> str:
    """The findings as stored (JSON text); cached, as exports repeat the same few values."""
    out: list[dict[str, Any]] = []
    for item in text.split(";"):
        if not item.strip():
            continue
        parts = item.strip().split("@")
        kind, site = parts[0], parts[1] if len(parts) > 1 else "other"
        side = parts[2] if len(parts) > 2 else None
        if (
            len(parts) > 3
            or kind not in _KINDS
            or site not in _SITES
            or (side is not None and side not in _SIDES)
        ):
            raise ValueError(f"finding {item.strip()!r} is not kind@site[@side] in the vocabulary")
        finding = {"kind": kind, "site": site}
        if side:
            finding["side"] = side
        out.append(finding)
    return json.dumps(out)


def validate_row(row: dict[str, str], today: date) -> tuple[dict[str, Any] | None, list[str]]:
    """Check one row; return its parsed values, or ``None`` and every problem found."""
    problems: list[str] = []
    joined = "".join(row.values())
    if "\x00" in joined or _SURROGATE.search(joined) or len(joined) > MAX_FIELD:
        for name, value in row.items():
            if "\x00" in value:
                problems.append(f"{name}: contains a NUL character")
            elif _SURROGATE.search(value):
                problems.append(f"{name}: is not valid UTF-8 text")
            elif len(value) > MAX_FIELD:
                problems.append(f"{name}: longer than {MAX_FIELD} characters")
        if problems:
            return None, problems
    for name in ("source", "source_id"):
        if not row[name].strip():
            problems.append(f"{name}: required")
    nhs = row["nhs_number"].strip()
    if nhs:
        reason = _nhs_problem(nhs)
        if reason:
            problems.append(f"nhs_number: {reason}")
        nhs = nhs.replace(" ", "")
    if not row["family_name"].strip() and not row["given_name"].strip():
        problems.append("family_name: a family name or a given name is required")
    dob = seen = None
    if _DATE.fullmatch(row["date_of_birth"]):
        with suppress(ValueError):
            dob = date.fromisoformat(row["date_of_birth"])
    if dob is None:
        problems.append("date_of_birth: must be a date YYYY-MM-DD")
    elif dob > today:
        problems.append("date_of_birth: in the future")
    if _MOMENT.fullmatch(row["seen_at"]):
        with suppress(ValueError):
            seen = datetime.fromisoformat(row["seen_at"])
    if seen is None:
        problems.append("seen_at: must be a local date and time YYYY-MM-DDTHH:MM")
    elif dob is not None and seen.date() < dob:
        problems.append("seen_at: before the date of birth")
    elif seen.date() > today:
        problems.append("seen_at: in the future")
    if row["sex"] and row["sex"] not in _SEXES:
        problems.append(f"sex: must be one of {', '.join(sorted(_SEXES))} or empty")
    if row["setting"] and row["setting"] not in _SETTINGS:
        problems.append(f"setting: must be one of {', '.join(sorted(_SETTINGS))} or empty")
    findings = "[]"
    try:
        findings = _findings_json(row["findings"])
    except ValueError as exc:
        problems.append(f"findings: {exc}")
    if problems:
        return None, problems
    return {
        "nhs": nhs or None,
        "dob": dob,
        "seen": seen_db_text(row["seen_at"]),
        "findings": findings,
    }, []


# Positions of the columns in a row tuple (COLUMNS order).
(SOURCE, SOURCE_ID, NHS, FAMILY, GIVEN, DOB, SEX, POSTCODE, SEEN, SETTING, ORGANISATION,
 COMPLAINT, FINDINGS, OUTCOME) = range(len(COLUMNS))  # fmt: skip


@lru_cache(maxsize=65_536)
def _day(text: str) -> date | None:
    if len(text) != 10 or not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# Exact fast checks for the common shapes (each falls back to the reference check when the
# value has any other shape; property tests hold them to the reference).
_HHMM = frozenset(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_SECONDS = frozenset(f":{s:02d}" for s in range(60))
_WEIGHTS_SUM_ZERO = 48 * sum(range(2, 11))  # the weighted sum of nine ASCII "0"s


def _nhs_surely_valid(digits: str) -> bool:
    """True only for a valid NHS number: 10 ASCII digits outside the Scottish CHI range.

    The Modulus 11 check on the digits' bytes, and the number ranges issued outside
    Scotland (Northern Ireland, England, Wales and the Isle of Man, and the synthetic
    range). ``False`` means "ask the reference" (:func:`nhs_number.problem`), not invalid.
    """
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    d = digits.encode("ascii")
    first = d[0]
    if not (first in b"4679" or (first == 51 and d[1] >= 50)):  # 4, 6, 7, 9; 32 to 39
        return False
    total = (
        d[0] * 10 + d[1] * 9 + d[2] * 8 + d[3] * 7 + d[4] * 6 + d[5] * 5 + d[6] * 4 + d[7] * 3
        + d[8] * 2 - _WEIGHTS_SUM_ZERO
    )  # fmt: skip
    check = 11 - total % 11
    return (0 if check == 11 else check) == d[9] - 48


def _seen_day(text: str) -> date | None:
    """The date of a ``YYYY-MM-DDTHH:MM[:SS]`` text, or ``None`` when it is not one."""
    n = len(text)
    if (
        (n == 16 or (n == 19 and text[16:] in _SECONDS))
        and text[10] == "T"
        and text[11:16] in _HHMM
    ):
        day = _day(text[:10])
        if day is not None:
            return day
    if not _MOMENT.fullmatch(text):  # any other shape: the reference check
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


# What quick_row has found valid, remembered (exports repeat the same few dates, findings
# and, per child, NHS numbers): plain dictionaries, emptied when they grow large.
_CACHE_MAX = 65_536
_NHS_FORMS: dict[str, str] = {}  # NHS number cell -> stored form ("" when blank)
_DAYS: dict[str, date] = {}  # YYYY-MM-DD -> date
_FINDINGS: dict[str, str] = {}  # findings cell -> JSON text


def _remember[V](cache: dict[str, V], key: str, value: V) -> V:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value
    return value


def _nhs_form(cell: str) -> str | None:
    """The NHS number cell as stored (``""`` when blank), or ``None`` when it is not valid."""
    if _nhs_surely_valid(cell):
        return _remember(_NHS_FORMS, cell, cell)
    nhs = cell.strip()
    if nhs and _nhs_problem(nhs):
        return None
    return _remember(_NHS_FORMS, cell, nhs.replace(" ", ""))


def _valid_day(text: str) -> date | None:
    day = _day(text)
    return None if day is None else _remember(_DAYS, text, day)


def _seen(text: str) -> tuple[date, str] | None:
    """A ``seen_at`` cell's date and database text, or ``None`` when it is not valid."""
    day = _seen_day(text)
    return None if day is None else (day, seen_db_text(text))


def quick_row(v: tuple[str, ...], today: date) -> tuple[str | None, date, str, str] | None:
    """Fast check of a row tuple (COLUMNS order): ``(nhs, dob, seen_db, findings_json)``.

    Returns ``None`` when anything is wrong; :func:`validate_row` then says what.
    """
    (source, source_id, nhs, family, given, dob_text, sex, _, seen_text, setting, _, _,
     findings_text, _) = v  # fmt: skip
    joined = "".join(v)
    if "\x00" in joined or (not joined.isascii() and _SURROGATE.search(joined)):
        return None
    if len(joined) > MAX_FIELD and max(map(len, v)) > MAX_FIELD:
        return None
    # ``not x.strip()`` is ``not x or x.isspace()`` (the same whitespace), without a copy.
    if not source or source.isspace() or not source_id or source_id.isspace():
        return None
    if (not family or family.isspace()) and (not given or given.isspace()):
        return None
    if (sex and sex not in _SEXES) or (setting and setting not in _SETTINGS):
        return None
    if nhs:
        form = _NHS_FORMS.get(nhs)
        if form is None:
            form = _nhs_form(nhs)
            if form is None:
                return None
        nhs = form
    dob = _DAYS.get(dob_text) or _valid_day(dob_text)
    if dob is None or dob > today:
        return None
    seen: tuple[date, str] | None = None
    if len(seen_text) == 16 and seen_text[10] == "T":  # the usual form, checked inline
        hhmm = seen_text[11:]
        if hhmm in _HHMM:
            day_text = seen_text[:10]
            day = _DAYS.get(day_text) or _valid_day(day_text)
            if day is not None:
                seen = day, f"{day_text} {hhmm}:00.000000"
    if seen is None:
        seen = _seen(seen_text)
        if seen is None:
            return None
    if seen[0] < dob or seen[0] > today:
        return None
    findings = _FINDINGS.get(findings_text)
    if findings is None:
        try:
            findings = _remember(_FINDINGS, findings_text, _findings_json(findings_text))
        except ValueError:
            return None
    return nhs or None, dob, seen[1], findings


def seen_db_text(text: str) -> str:
    """A checked ``YYYY-MM-DDTHH:MM[:SS]`` as the database stores it (``bulk.db_datetime``)."""
    return f"{text[:10]} {text[11:]}{':00' if len(text) == 16 else ''}.000000"
