"""Mapping files for importing other systems' extracts (docs/import-format.md, "Mapping files").

A mapping (TOML, ``schema = "triage-import-map/1"``, versioned) says how one source's CSV
extract becomes the rows of the presentations import: which column holds which field, how
its dates and times are written (``DD/MM/YYYY`` and ``DD/MM/YYYY HH:MM`` built in; an
ambiguous format is refused at load, never guessed), value maps for sex and setting, and a
code map from SNOMED CT concept ids (and ECDS codes) to a finding kind and/or site.

Free text that no code maps (complaints, diagnoses with an unmapped or missing code) is kept
verbatim in the complaint and, when it contains a word of :data:`INJURY_KEYWORDS`, the row
carries the flag ``possible injury: review``. Free text never becomes a finding: only a
code in the mapping's code map does.

Pure Python: no database, no Qt. A malformed mapping raises :class:`MappingError`, naming the
file, the key and the reason (every problem found, not just the first).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.vocab import FindingKind, Setting, Sex, Site

MAP_SCHEMA = "triage-import-map/1"
REVIEW_FLAG = "possible injury: review"

# The fields of one presentations import row (docs/import-format.md), in the import's order.
FIELDS = (
    "source", "source_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex",
    "postcode", "seen_at", "setting", "organisation", "complaint", "findings", "outcome",
)  # fmt: skip
# Fields a mapping may take from a column. ``findings`` come only from the code map;
# ``source`` is the mapping's own ``source`` (one sending system per mapping).
_COLUMN_FIELDS = (
    "source_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex", "postcode",
    "seen_at", "seen_time", "setting", "organisation", "complaint", "outcome",
)  # fmt: skip
_REQUIRED_COLUMNS = ("source_id", "date_of_birth", "seen_at")
_CONSTANT_FIELDS = ("setting", "organisation")
_VALUE_MAPS = {"sex": Sex, "setting": Setting}
_CODE_SYSTEMS = ("snomed", "ecds")
_TOP_KEYS = {
    "schema", "id", "version", "title", "description", "source", "columns", "constants",
    "formats", "values", "coded", "codes", "awaiting_sign_off", "review",
}  # fmt: skip
_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")
_SNOMED_RE = re.compile(r"^[1-9]\d{5,17}$")

# A small documented list: words in free text that may describe an injury. A match flags the
# row for a person to review; it never creates a finding. Matched as whole words, any case.
INJURY_KEYWORDS = (
    "bruise", "bruises", "bruised", "bruising", "mark", "marks", "marking", "marked",
    "bleed", "bleeding", "bled", "blood", "bloody", "red eye", "subconjunctival",
    "haemorrhage", "hemorrhage", "haematoma", "hematoma", "petechiae", "petechial",
    "burn", "burns", "burnt", "burned", "scald", "scalded", "swelling", "swollen", "lump",
    "fracture", "fractured", "broken", "bite", "bitten", "cut", "laceration", "graze",
    "abrasion", "injury", "injuries", "injured", "frenulum", "fall", "fell", "dropped",
)  # fmt: skip


class MappingError(ValueError):
    """A mapping file is malformed: ``source`` is the file; ``problems`` name key and reason."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


# --- dates and times ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """One supported date, date-and-time or time format."""

    name: str
    kind: str  # "date", "datetime" or "time"
    pattern: re.Pattern[str]
    order: tuple[str, ...]  # the regex groups: "d", "m", "y", "H", "M", "S"


def _fmt(name: str, kind: str, regex: str, order: str) -> _Format:
    return _Format(name, kind, re.compile(regex), tuple(order))


_D, _M, _Y, _HM = r"(\d{1,2})", r"(\d{1,2})", r"(\d{4})", r"(\d{1,2}):(\d{2})"
FORMATS: dict[str, _Format] = {
    f.name: f
    for f in (
        _fmt("DD/MM/YYYY", "date", rf"{_D}/{_M}/{_Y}", "dmy"),
        _fmt("DD-MM-YYYY", "date", rf"{_D}-{_M}-{_Y}", "dmy"),
        _fmt("DD.MM.YYYY", "date", rf"{_D}\.{_M}\.{_Y}", "dmy"),
        _fmt("YYYY-MM-DD", "date", r"(\d{4})-(\d{2})-(\d{2})", "ymd"),
        _fmt("YYYYMMDD", "date", r"(\d{4})(\d{2})(\d{2})", "ymd"),
        _fmt("DD/MM/YYYY HH:MM", "datetime", rf"{_D}/{_M}/{_Y} {_HM}", "dmyHM"),
        _fmt("DD/MM/YYYY HH:MM:SS", "datetime", rf"{_D}/{_M}/{_Y} {_HM}:(\d{{2}})", "dmyHMS"),
        _fmt("DD-MM-YYYY HH:MM", "datetime", rf"{_D}-{_M}-{_Y} {_HM}", "dmyHM"),
        _fmt("YYYY-MM-DDTHH:MM", "datetime", r"(\d{4})-(\d{2})-(\d{2})T" + _HM, "ymdHM"),
        _fmt("YYYY-MM-DD HH:MM", "datetime", r"(\d{4})-(\d{2})-(\d{2}) " + _HM, "ymdHM"),
        _fmt(
            "YYYY-MM-DD HH:MM:SS",
            "datetime",
            r"(\d{4})-(\d{2})-(\d{2}) " + _HM + r":(\d{2})",
            "ymdHMS",
        ),  # fmt: skip
        _fmt("HH:MM", "time", _HM, "HM"),
        _fmt("HH:MM:SS", "time", _HM + r":(\d{2})", "HMS"),
        _fmt("HHMM", "time", r"(\d{2})(\d{2})", "HM"),
    )
}
_VAGUE = {"", "auto", "any", "guess", "locale", "default", "excel", "short", "long", "date"}


def format_problem(name: str, kind: str) -> str | None:
    """Why a format name cannot be used for ``kind`` (``date``, ``datetime``, ``time``), or None.

    Ambiguous formats are refused: a two-digit year (the century would be guessed), no stated
    order of day and month, or a month-first order (a UK extract read month-first would swap
    day and month without any error for every day up to the 12th).
    """
    text = name.strip()
    found = FORMATS.get(text)
    if found is not None:
        if found.kind != kind:
            return f"{text!r} is a {found.kind} format; a {kind} format is needed here"
        return None
    upper = text.upper()
    if text.lower() in _VAGUE:
        return (
            f"{text!r} is ambiguous: it does not say the order of day and month; "
            "refused, never guessed"
        )
    if "YY" in upper and "YYYY" not in upper:
        return f"{text!r} is ambiguous: a two-digit year means guessing the century; refused"
    if re.match(r"^M{1,2}[/.-]D{1,2}", upper):
        return (
            f"{text!r} is month-first: refused (UK extracts are day-first; 03/04 would be "
            "read as 4 March)"
        )
    if re.match(r"^[DMXN?]{1,2}[/.-][DMXN?]{1,2}[/.-]", upper) or "D/M/Y" in upper:
        return f"{text!r} is ambiguous: day and month cannot be told apart; refused, never guessed"
    known = ", ".join(k for k, f in FORMATS.items() if f.kind == kind)
    return f"{text!r} is not a supported {kind} format (supported: {known})"


class _Parser:
    """Turns text in one format into the import's ISO text, checking it is a real date."""

    def __init__(self, fmt: _Format) -> None:
        self.fmt = fmt
        self.cache: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        try:
            return self.cache[text]
        except KeyError:
            pass
        out = self._parse(text)
        if len(self.cache) < 100_000:
            self.cache[text] = out
        return out

    def _parse(self, text: str) -> str | None:
        found = self.fmt.pattern.fullmatch(text.strip())
        if found is None:
            return None
        parts = dict(zip(self.fmt.order, (int(g) for g in found.groups()), strict=True))
        if "y" in parts:
            try:
                day = date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
        hour, minute, second = parts.get("H", 0), parts.get("M", 0), parts.get("S", 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if "S" in parts else "")
        if self.fmt.kind == "date":
            return day.isoformat()
        if self.fmt.kind == "time":
            return clock
        return f"{day.isoformat()}T{clock}"


# --- codes ---------------------------------------------------------------------------------

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip


def snomed_id_problem(text: str) -> str | None:
    """Why ``text`` cannot be a SNOMED CT identifier (6 to 18 digits, Verhoeff check), or None."""
    if not _SNOMED_RE.fullmatch(text):
        return "a SNOMED CT id is 6 to 18 digits, not starting with 0"
    check = 0
    for i, digit in enumerate(reversed(text)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][int(digit)]]
    if check != 0:
        return "fails the SNOMED CT check digit (Verhoeff): mistyped?"
    return None


@dataclass(frozen=True)
class CodeEntry:
    """One code of the code map: what finding kind and/or body site it means."""

    system: str
    code: str
    term: str
    kind: FindingKind | None
    site: Site | None
    cited: str


@dataclass(frozen=True)
class CodedColumn:
    """A column holding codes, with an optional column of their descriptions."""

    column: str
    system: str
    label: str
    text: str | None = None


# --- the mapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportMapping:
    """One source's mapping, checked at load (see :func:`parse_mapping`)."""

    id: str
    version: str
    title: str
    source: str
    columns: Mapping[str, tuple[str, ...]]
    constants: Mapping[str, str]
    formats: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    coded: tuple[CodedColumn, ...]
    codes: Mapping[tuple[str, str], CodeEntry]
    awaiting_sign_off: tuple[Mapping[str, str], ...] = ()
    keywords: tuple[str, ...] = INJURY_KEYWORDS
    description: str = ""
    file: str = ""

    def label(self) -> str:
        """``title (id, version N)`` for summaries and the audit trail."""
        return f"{self.title} ({self.id}, version {self.version})"

    def needed_columns(self) -> list[tuple[str, str]]:
        """Every (source column, mapping key) the extract's header must have."""
        out = [(col, f"columns.{name}") for name, cols in self.columns.items() for col in cols]
        for i, c in enumerate(self.coded):
            out.append((c.column, f"coded[{i}].column"))
            if c.text:
                out.append((c.text, f"coded[{i}].text"))
        return out

    def bind(self, header: Sequence[str], file_name: str) -> RowMapper:
        """Return the row mapper for an extract with this header.

        Raises:
            InputError: a column the mapping needs is missing or repeated (nothing imported).
        """
        problems = []
        for col, key in self.needed_columns():
            if col not in header:
                problems.append(
                    Problem(f"{file_name} line 1", f"missing column {col!r} (mapping key {key})")
                )
            elif header.count(col) > 1:
                problems.append(Problem(f"{file_name} line 1", f"repeated column {col!r}"))
        if problems:
            raise InputError(problems)
        return RowMapper(self, list(header))


def _keyword_pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = sorted({r"\s+".join(map(re.escape, w.lower().split())) for w in words}, key=len)
    return re.compile(r"\b(" + "|".join(reversed(alternatives)) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=32)
def _keywords_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return _keyword_pattern(words)


def injury_keywords(text: str, words: Sequence[str] = INJURY_KEYWORDS) -> list[str]:
    """The keywords of ``words`` found in ``text`` (lower case, first-seen order, no repeats)."""
    return _found_keywords(_keywords_regex(tuple(words)), text)


@dataclass
class MappedRow:
    """One source row mapped to an import row (``values`` in :data:`FIELDS` order)."""

    values: tuple[str, ...] | None
    problems: list[str] = field(default_factory=list)
    review: str | None = None
    mapped_codes: int = 0
    unmapped_texts: int = 0


class RowMapper:
    """Maps rows of one extract (a fixed header) to import rows; fast for large files."""

    def __init__(self, mapping: ImportMapping, header: list[str]) -> None:
        self.m = mapping
        self.width = len(header)
        at = header.index
        cols = mapping.columns
        self.simple = [
            (FIELDS.index(name), at(cols[name][0]), cols[name][0])
            for name in (
                "source_id",
                "nhs_number",
                "family_name",
                "given_name",
                "postcode",
                "organisation",
                "outcome",
            )  # fmt: skip
            if name in cols
        ]
        self.dob = (at(cols["date_of_birth"][0]), cols["date_of_birth"][0])
        self.seen = (at(cols["seen_at"][0]), cols["seen_at"][0])
        self.seen_time = (
            (at(cols["seen_time"][0]), cols["seen_time"][0]) if "seen_time" in cols else None
        )
        self.complaint = [at(c) for c in cols.get("complaint", ())]
        self.mapped_values = [
            (FIELDS.index(name), at(cols[name][0]), cols[name][0], mapping.values.get(name))
            for name in ("sex", "setting")
            if name in cols
        ]
        self.constants = {FIELDS.index(k): v for k, v in mapping.constants.items()}
        f = mapping.formats
        self.date_parser = _Parser(FORMATS[f.get("date", "DD/MM/YYYY")])
        if self.seen_time is None:
            self.seen_parser = _Parser(FORMATS[f.get("seen_at", "DD/MM/YYYY HH:MM")])
            self.time_parser = None
        else:
            self.seen_parser = self.date_parser
            self.time_parser = _Parser(FORMATS[f.get("time", "HH:MM")])
        self.coded = [
            (at(c.column), at(c.text) if c.text else None, c) for c in mapping.coded
        ]  # fmt: skip
        self.codes = mapping.codes
        self.keywords = _keywords_regex(tuple(mapping.keywords))
        # field -> source column, to say in a reject which column a problem came from
        self.origin = {name: cols[name][0] for name in cols if name != "seen_time"}

    def map(self, fields: list[str]) -> MappedRow:
        """Map one row; a row with problems has ``values`` None and every problem listed."""
        if len(fields) != self.width:
            return MappedRow(None, [f"has {len(fields)} fields; the header has {self.width}"])
        out = [""] * len(FIELDS)
        out[0] = self.m.source
        for position, value in self.constants.items():
            out[position] = value
        for position, index, _col in self.simple:
            out[position] = fields[index]
        problems: list[str] = []
        text = fields[self.dob[0]]
        if text.strip():
            dob = self.date_parser(text)
            if dob is None:
                problems.append(
                    f"{self.dob[1]}: {text!r} is not a date {self.date_parser.fmt.name}"
                )
            out[5] = dob or ""
        else:
            problems.append(f"{self.dob[1]}: required (date of birth)")
        out[8] = self._seen(fields, problems)
        for position, index, col, values in self.mapped_values:
            value = fields[index]
            if value.strip() and values is not None:
                mapped = values.get(value.strip())
                if mapped is None:
                    problems.append(
                        f"{col}: {value!r} is not in the mapping's values.{FIELDS[position]} "
                        f"(known: {', '.join(values)})"
                    )
                    continue
                value = mapped
            out[position] = value
        if problems:
            return MappedRow(None, problems)
        row = MappedRow(None)
        out[11], out[12] = self._complaint_and_findings(fields, row)
        row.values = tuple(out)
        return row

    def _seen(self, fields: list[str], problems: list[str]) -> str:
        index, col = self.seen
        text = fields[index]
        if not text.strip():
            problems.append(f"{col}: required (when the child was seen)")
            return ""
        day = self.seen_parser(text)
        if day is None:
            problems.append(f"{col}: {text!r} is not a {self.seen_parser.fmt.name}")
            return ""
        if self.seen_time is None or self.time_parser is None:
            return day
        t_index, t_col = self.seen_time
        clock = fields[t_index]
        if not clock.strip():
            return f"{day}T00:00"  # time not recorded: the start of the day, as the date alone
        parsed = self.time_parser(clock)
        if parsed is None:
            problems.append(f"{t_col}: {clock!r} is not a time {self.time_parser.fmt.name}")
            return ""
        return f"{day}T{parsed}"

    def _complaint_and_findings(self, fields: list[str], row: MappedRow) -> tuple[str, str]:
        """The complaint (every piece of text, verbatim) and the findings the code map gives.

        Kept in the complaint, in column order: the complaint columns; then each coded
        entry's description (``label: words``; an unmapped code as ``label CODE (not in the
        mapping): words``). Searched for injury words: the source's own text that no code
        turned into a finding (complaint columns, unmapped entries, body sites no finding
        used); a mapped code's description is kept but not searched, its code made the finding.
        """
        parts = [fields[i] for i in self.complaint if fields[i].strip()]
        said = list(parts)  # the source's own words to search (labels added here are not)
        kinds: list[CodeEntry] = []
        sites: list[tuple[int, CodeEntry, str]] = []  # (position in parts, entry, words)
        for code_index, text_index, c in self.coded:
            code = fields[code_index].strip()
            words = fields[text_index] if text_index is not None else ""
            if not code and not words.strip():
                continue
            entry = self.codes.get((c.system, code)) if code else None
            if entry is None:
                # No code, or one the map does not know: kept verbatim, never a finding.
                row.unmapped_texts += 1
                said.append(words)
                if code and words.strip():
                    parts.append(f"{c.label} {code} (not in the mapping): {words}")
                elif code:
                    parts.append(f"{c.label} {code} (not in the mapping)")
                else:
                    parts.append(f"{c.label}: {words}")
                continue
            row.mapped_codes += 1
            if entry.kind is not None:
                kinds.append(entry)
                if words.strip():
                    parts.append(f"{c.label}: {words}")
            else:
                sites.append((len(parts), entry, words))
                parts.append(f"{c.label}: {words if words.strip() else entry.term}")
        findings = ""
        if kinds:
            shared = sites[0][1].site if len(sites) == 1 else None
            items = []
            for e in kinds:
                site = e.site or shared or Site.OTHER
                item = f"{e.kind}@{site}"
                if item not in items:
                    items.append(item)
            findings = ";".join(items)
        if not kinds or len(sites) > 1:  # a body site given to no finding: its words count
            said += [words for _, _, words in sites]
        complaint = "; ".join(parts) if len(parts) > 1 else (parts[0] if parts else "")
        if complaint:
            words_found = _found_keywords(self.keywords, "\n".join(said))
            if words_found:
                row.review = f"{REVIEW_FLAG} ({', '.join(words_found)})"
        return complaint, findings

    def describe(self, problem: str) -> str:
        """Name the source column in a problem the import found with a mapped field."""
        name, sep, reason = problem.partition(": ")
        col = self.origin.get(name)
        if sep and col:
            return f"{col} ({name}): {reason}"
        return problem


def _found_keywords(pattern: re.Pattern[str], text: str) -> list[str]:
    found: list[str] = []
    for m in pattern.finditer(text):
        word = " ".join(m.group(1).lower().split())
        if word not in found:
            found.append(word)
    return found


# --- loading -------------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, key: str, reason: str) -> None:
        self.problems.append(Problem(key, reason))

    def text(self, data: Mapping[str, Any], key: str, path: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, "required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be non-empty text")
            return ""
        return value

    def table(self, data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.add(path, "must be a table")
            return {}
        return value


def parse_mapping(data: Mapping[str, Any], source: str) -> ImportMapping:
    """Check a mapping's TOML data; return it, or raise :class:`MappingError` (every problem)."""
    ck = _Checker()
    for key in data:
        if key not in _TOP_KEYS:
            ck.add(key, f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    if data.get("schema") != MAP_SCHEMA:
        ck.add("schema", f"must be {MAP_SCHEMA!r}")
    map_id = ck.text(data, "id", "id")
    if map_id and not _ID_RE.fullmatch(map_id):
        ck.add("id", "lower-case letters, digits, '-' or '_', starting with a letter")
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
        ck.add("version", 'required: a version such as "1.0" (text)')
        version = ""
    title = ck.text(data, "title", "title")
    sending = ck.text(data, "source", "source")
    description = data.get("description", "")
    if not isinstance(description, str):
        ck.add("description", "must be text")
        description = ""

    columns = _columns(ck, ck.table(data, "columns", "columns"))
    constants = _constants(ck, ck.table(data, "constants", "constants"), columns)
    formats = _formats(ck, ck.table(data, "formats", "formats"), columns)
    values = _values(ck, ck.table(data, "values", "values"))
    coded = _coded(ck, data.get("coded", []))
    codes = _codes(ck, data.get("codes", []))
    awaiting = _awaiting(ck, data.get("awaiting_sign_off", []))
    keywords = INJURY_KEYWORDS
    review = ck.table(data, "review", "review")
    for key in review:
        if key != "extra_keywords":
            ck.add(f"review.{key}", "unknown key (known: extra_keywords)")
    extra = review.get("extra_keywords", [])
    if not isinstance(extra, list) or not all(isinstance(w, str) and w.strip() for w in extra):
        ck.add("review.extra_keywords", "must be a list of non-empty words")
    else:
        keywords = INJURY_KEYWORDS + tuple(w for w in extra if w not in INJURY_KEYWORDS)
    if ck.problems:
        raise MappingError(source, ck.problems)
    return ImportMapping(
        id=map_id, version=str(version), title=title, source=sending, columns=columns,
        constants=constants, formats=formats, values=values, coded=coded, codes=codes,
        awaiting_sign_off=awaiting, keywords=keywords, description=description, file=source,
    )  # fmt: skip


def _columns(ck: _Checker, table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        path = f"columns.{name}"
        if name not in _COLUMN_FIELDS:
            reason = (
                "findings come only from the code map ([[codes]] and [[coded]])"
                if name == "findings"
                else "source is the mapping's top-level 'source'"
                if name == "source"
                else f"unknown field (known: {', '.join(_COLUMN_FIELDS)})"
            )
            ck.add(path, reason)
            continue
        if isinstance(value, str) and value:
            out[name] = (value,)
        elif (
            name == "complaint"
            and isinstance(value, list)
            and value
            and all(isinstance(v, str) and v for v in value)
        ):
            out[name] = tuple(value)
        else:
            many = " (or, for complaint, a list of columns)" if name == "complaint" else ""
            ck.add(path, f"must be a column name{many}")
    for name in _REQUIRED_COLUMNS:
        if name not in out and f"columns.{name}" not in {p.path for p in ck.problems}:
            ck.add(f"columns.{name}", "required: the column holding this field")
    if "family_name" not in out and "given_name" not in out:
        ck.add("columns.family_name", "a family name or a given name column is required")
    return out


def _constants(
    ck: _Checker, table: Mapping[str, Any], columns: Mapping[str, Any]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        path = f"constants.{name}"
        if name not in _CONSTANT_FIELDS:
            ck.add(path, f"unknown field (known: {', '.join(_CONSTANT_FIELDS)})")
        elif name in columns:
            ck.add(path, f"columns.{name} is also given: one or the other")
        elif not isinstance(value, str) or not value:
            ck.add(path, "must be non-empty text")
        elif name == "setting" and value not in {s.value for s in Setting}:
            ck.add(path, f"must be one of {', '.join(s.value for s in Setting)}")
        else:
            out[name] = value
    return out


def _formats(ck: _Checker, table: Mapping[str, Any], columns: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    kinds = {"date": "date", "seen_at": "datetime", "time": "time"}
    for name, value in table.items():
        path = f"formats.{name}"
        if name not in kinds:
            ck.add(path, "unknown key (known: date, seen_at, time)")
            continue
        if not isinstance(value, str):
            ck.add(path, 'must be text such as "DD/MM/YYYY"')
            continue
        problem = format_problem(value, kinds[name])
        if problem:
            ck.add(path, problem)
        else:
            out[name] = value.strip()
    if "seen_time" in columns and "seen_at" in out:
        ck.add(
            "formats.seen_at",
            "columns.seen_time is given, so the seen date uses formats.date and the time "
            "formats.time",
        )
    if "seen_time" not in columns and "time" in out:
        ck.add("formats.time", "only used with columns.seen_time (a separate time column)")
    return out


def _values(ck: _Checker, table: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in table.items():
        path = f"values.{name}"
        vocab = _VALUE_MAPS.get(name)
        if vocab is None:
            ck.add(path, f"unknown value map (known: {', '.join(_VALUE_MAPS)})")
            continue
        if not isinstance(value, dict) or not value:
            ck.add(path, "must be a table of source value = vocabulary value")
            continue
        allowed = {v.value for v in vocab}
        good: dict[str, str] = {}
        for src, target in value.items():
            if not isinstance(target, str) or target not in allowed:
                ck.add(f'{path}."{src}"', f"must be one of {', '.join(sorted(allowed))}")
            elif src != src.strip() or not src:
                ck.add(f'{path}."{src}"', "a source value must be non-empty with no outer spaces")
            else:
                good[src] = target
        out[name] = good
    return out


def _list_of_tables(ck: _Checker, value: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        ck.add(path, f"must be an array of tables ([[{path}]])")
        return []
    return value


def _unknown(ck: _Checker, item: Mapping[str, Any], path: str, known: Sequence[str]) -> None:
    for key in item:
        if key not in known:
            ck.add(f"{path}.{key}", f"unknown key (known: {', '.join(known)})")


def _coded(ck: _Checker, value: Any) -> tuple[CodedColumn, ...]:
    out = []
    for i, item in enumerate(_list_of_tables(ck, value, "coded")):
        path = f"coded[{i}]"
        _unknown(ck, item, path, ("column", "text", "system", "label"))
        column = ck.text(item, "column", f"{path}.column")
        text = ck.text(item, "text", f"{path}.text", required=False) or None
        label = ck.text(item, "label", f"{path}.label")
        system = item.get("system")
        if system not in _CODE_SYSTEMS:
            ck.add(f"{path}.system", f"must be one of {', '.join(_CODE_SYSTEMS)}")
        if column and label and system in _CODE_SYSTEMS:
            out.append(CodedColumn(column, str(system), label, text))
    return tuple(out)


def _codes(ck: _Checker, value: Any) -> dict[tuple[str, str], CodeEntry]:
    out: dict[tuple[str, str], CodeEntry] = {}
    known = ("system", "code", "term", "kind", "site", "cited")
    for i, item in enumerate(_list_of_tables(ck, value, "codes")):
        path = f"codes[{i}]"
        _unknown(ck, item, path, known)
        system = item.get("system")
        code = item.get("code")
        if system not in _CODE_SYSTEMS:
            ck.add(f"{path}.system", f"must be one of {', '.join(_CODE_SYSTEMS)}")
        if not isinstance(code, str) or not code.strip() or code != code.strip():
            ck.add(f"{path}.code", "must be the code as text (quoted), with no spaces")
            code = None
        elif system == "snomed":
            problem = snomed_id_problem(code)
            if problem:
                ck.add(f"{path}.code", problem)
        term = ck.text(item, "term", f"{path}.term")
        cited = ck.text(item, "cited", f"{path}.cited")
        kind = site = None
        if "kind" in item:
            if item["kind"] in {k.value for k in FindingKind}:
                kind = FindingKind(item["kind"])
            else:
                ck.add(f"{path}.kind", f"must be a finding kind: {', '.join(FindingKind)}")
        if "site" in item:
            if item["site"] in {s.value for s in Site}:
                site = Site(item["site"])
            else:
                ck.add(f"{path}.site", f"must be a body site: {', '.join(Site)}")
        if "kind" not in item and "site" not in item:
            ck.add(path, "a code must give a finding kind, a site, or both")
        if code and system in _CODE_SYSTEMS:
            if (system, code) in out:
                ck.add(f"{path}.code", f"{system} {code} is mapped twice")
            out[(str(system), code)] = CodeEntry(str(system), code, term, kind, site, cited)
    return out


def _awaiting(ck: _Checker, value: Any) -> tuple[dict[str, str], ...]:
    out = []
    for i, item in enumerate(_list_of_tables(ck, value, "awaiting_sign_off")):
        path = f"awaiting_sign_off[{i}]"
        _unknown(ck, item, path, ("term", "kind", "site", "note"))
        if "code" in item:
            ck.add(f"{path}.code", "awaiting sign-off: no code until it is confirmed")
        ck.text(item, "term", f"{path}.term")
        if all(isinstance(v, str) for v in item.values()):
            out.append(dict(item))
    return tuple(out)


def load_mapping(path: Path | Traversable, name: str | None = None) -> ImportMapping:
    """Read and check a mapping file.

    Raises:
        MappingError: naming the file, the key and the reason for every problem found.
    """
    source = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            source, [Problem("", f"cannot be read ({exc.__class__.__name__})")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(source, [Problem("(file)", f"not valid TOML: {exc}")]) from None
    return parse_mapping(data, source)
