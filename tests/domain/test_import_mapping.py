"""Mapping files: checked at load (file, key, reason), UK dates never guessed, codes to findings,
free text kept verbatim and flagged, never turned into a finding."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain.errors import InputError
from triage_app.domain.import_mapping import (
    FIELDS,
    FORMATS,
    INJURY_KEYWORDS,
    MappingError,
    format_problem,
    injury_keywords,
    load_mapping,
    parse_mapping,
    snomed_id_problem,
)
from triage_app.domain.resources import resource

MAPS = sorted(p.name for p in resource("import-maps").iterdir() if p.name.endswith(".toml"))

BASE = {
    "schema": "triage-import-map/1",
    "id": "test-map",
    "version": "1.0",
    "title": "Test extract",
    "source": "test",
    "columns": {
        "source_id": "ID",
        "nhs_number": "NHS",
        "family_name": "Surname",
        "given_name": "Forename",
        "date_of_birth": "DOB",
        "sex": "Sex",
        "seen_at": "Seen",
        "complaint": ["Complaint"],
    },
    "formats": {"date": "DD/MM/YYYY", "seen_at": "DD/MM/YYYY HH:MM"},
    "values": {"sex": {"F": "female", "M": "male"}},
    "constants": {"setting": "gp"},
    "coded": [{"column": "Code", "text": "Term", "system": "snomed", "label": "diagnosis"}],
    "codes": [
        {
            "system": "snomed",
            "code": "125667009",
            "term": "Contusion (disorder)",
            "kind": "bruise",
            "cited": "anchors.md 4.3",
        }
    ],
}
HEADER = ["ID", "NHS", "Surname", "Forename", "DOB", "Sex", "Seen", "Complaint", "Code", "Term"]


def with_change(path: str, value: object) -> dict:
    """BASE with one key set (``a.b`` for nested tables, ``codes[0].code`` for arrays);
    ``...`` as the value deletes the key."""
    data = copy.deepcopy(BASE)
    node: dict = data
    parts = path.split(".")
    for part in parts[:-1]:
        if part.endswith("]"):
            name, index = part[:-1].split("[")
            node = node[name][int(index)]
        else:
            node = node.setdefault(part, {})
    if value is ...:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return data


MALFORMED = [
    # (change, value, key named, words of the reason)
    ("schema", "triage-import-map/9", "schema", "must be 'triage-import-map/1'"),
    ("version", ..., "version", "required"),
    ("version", 1.0, "version", "required"),
    ("id", "Has Spaces", "id", "lower-case letters"),
    ("title", ..., "title", "required"),
    ("source", "", "source", "non-empty text"),
    ("colour", "blue", "colour", "unknown key"),
    ("columns.source_id", ..., "columns.source_id", "required"),
    ("columns.seen_at", ..., "columns.seen_at", "required"),
    ("columns.date_of_birth", 5, "columns.date_of_birth", "must be a column name"),
    ("columns.findings", "Findings", "columns.findings", "only from the code map"),
    ("columns.wibble", "W", "columns.wibble", "unknown field"),
    ("formats.date", "DD/MM/YY", "formats.date", "two-digit year"),
    ("formats.date", "MM/DD/YYYY", "formats.date", "month-first"),
    ("formats.date", "auto", "formats.date", "ambiguous"),
    ("formats.date", "XX/XX/YYYY", "formats.date", "ambiguous"),
    ("formats.date", "DD/MM/YYYY HH:MM", "formats.date", "a date format is needed"),
    ("formats.seen_at", "DD/MM/YY HH:MM", "formats.seen_at", "two-digit year"),
    ("formats.seen_at", "YYYY/MM/DD", "formats.seen_at", "not a supported datetime format"),
    ("formats.time", "HH:MM", "formats.time", "only used with columns.seen_time"),
    ("values.sex", {"F": "woman"}, 'values.sex."F"', "must be one of"),
    ("values.colour", {"a": "b"}, "values.colour", "unknown value map"),
    ("constants.setting", "hospital", "constants.setting", "must be one of"),
    ("codes[0].code", "125667008", "codes[0].code", "check digit"),
    ("codes[0].code", 125667009, "codes[0].code", "as text"),
    ("codes[0].kind", "bruse", "codes[0].kind", "must be a finding kind"),
    ("codes[0].site", "elbow", "codes[0].site", "must be a body site"),
    ("codes[0].cited", ..., "codes[0].cited", "required"),
    ("codes[0].kind", ..., "codes[0]", "kind, a site, or both"),
    ("coded[0].system", "read", "coded[0].system", "must be one of snomed, ecds"),
    ("coded[0].label", ..., "coded[0].label", "required"),
    ("review.extra_keywords", "bruise", "review.extra_keywords", "list of non-empty words"),
]


@pytest.mark.parametrize(("change", "value", "key", "reason"), MALFORMED)
def test_a_malformed_mapping_fails_at_load_naming_file_key_and_reason(
    tmp_path, change, value, key, reason
):
    data = with_change(change, value)
    with pytest.raises(MappingError) as caught:
        parse_mapping(data, "maps/test.toml")
    err = caught.value
    assert err.source == "maps/test.toml"
    assert any(p.path == key and reason in p.reason for p in err.problems), err.problems
    # The message names all three: the file, the key and the reason.
    assert any(
        line.startswith(f"maps/test.toml: {key}: ") and reason in line
        for line in str(err).splitlines()
    )


def test_a_file_that_is_not_toml_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('schema = "triage-import-map/1"\nid = \n', encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert str(path) in str(caught.value) and "not valid TOML" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_every_problem_is_listed_not_just_the_first():
    data = with_change("formats.date", "DD/MM/YY")
    data["codes"][0]["code"] = "12345"
    data["values"]["sex"]["F"] = "girl"
    with pytest.raises(MappingError) as caught:
        parse_mapping(data, "m.toml")
    keys = {p.path for p in caught.value.problems}
    assert {"formats.date", "codes[0].code", 'values.sex."F"'} <= keys


@pytest.mark.parametrize("name", MAPS)
def test_every_shipped_mapping_loads_and_is_versioned(name):
    m = load_mapping(resource("import-maps", name))
    assert m.version and m.id == name.removesuffix(".toml")
    assert m.formats["date"] == "DD/MM/YYYY"


@pytest.mark.parametrize("name", MAPS)
def test_shipped_mappings_use_only_snomed_ids_the_anchors_give(name):
    """Only the ids in shared/docs/anchors.md section 4.3; the rest await sign-off, uncoded."""
    anchored = {"125667009", "29445007"}
    data = tomllib.loads(resource("import-maps", name).read_text(encoding="utf-8"))
    codes = {c["code"] for c in data.get("codes", [])}
    assert codes <= anchored
    assert all(c["cited"].startswith("anchors.md 4.3") for c in data["codes"])
    assert data["awaiting_sign_off"] and all("code" not in a for a in data["awaiting_sign_off"])


# --- dates ------------------------------------------------------------------------------

DATES = [
    ("DD/MM/YYYY", "03/04/2025", "2025-04-03"),  # 3 April, never 4 March
    ("DD/MM/YYYY", "3/4/2025", "2025-04-03"),  # as Excel writes it
    ("DD/MM/YYYY", "31/12/2025", "2025-12-31"),
    ("DD/MM/YYYY", "29/02/2024", "2024-02-29"),
    ("DD/MM/YYYY", "29/02/2025", None),  # not a leap year
    ("DD/MM/YYYY", "12/13/2025", None),  # month 13: a month-first date is refused, not swapped
    ("DD/MM/YYYY", "2025-04-03", None),
    ("DD/MM/YYYY", "03/04/25", None),
    ("DD-MM-YYYY", "03-04-2025", "2025-04-03"),
    ("DD.MM.YYYY", "03.04.2025", "2025-04-03"),
    ("YYYYMMDD", "20250403", "2025-04-03"),
    ("YYYY-MM-DD", "2025-04-03", "2025-04-03"),
]
MOMENTS = [
    ("DD/MM/YYYY HH:MM", "03/04/2025 09:05", "2025-04-03T09:05"),
    ("DD/MM/YYYY HH:MM", "3/4/2025 9:05", "2025-04-03T09:05"),  # Excel-style
    ("DD/MM/YYYY HH:MM", "03/04/2025 24:00", None),
    ("DD/MM/YYYY HH:MM", "03/04/2025 09:60", None),
    ("DD/MM/YYYY HH:MM", "03/04/2025", None),
    ("DD/MM/YYYY HH:MM:SS", "03/04/2025 09:05:07", "2025-04-03T09:05:07"),
    ("YYYY-MM-DD HH:MM", "2025-04-03 09:05", "2025-04-03T09:05"),
]


def _mapper(**formats):
    data = copy.deepcopy(BASE)
    data["formats"] = {"date": "DD/MM/YYYY", "seen_at": "DD/MM/YYYY HH:MM", **formats}
    return parse_mapping(data, "m.toml").bind(HEADER, "x.csv")


def _row(**kw):
    values = {
        "ID": "A1", "NHS": "9990000018", "Surname": "Example", "Forename": "Ava",
        "DOB": "20/07/2025", "Sex": "F", "Seen": "14/08/2025 09:30", "Complaint": "",
        "Code": "", "Term": "",
    }  # fmt: skip
    values.update(kw)
    return [values[h] for h in HEADER]


@pytest.mark.parametrize(("fmt", "text", "iso"), DATES)
def test_uk_dates_are_read_day_first_and_impossible_dates_are_rejected(fmt, text, iso):
    m = _mapper(date=fmt).map(_row(DOB=text, Seen="14/08/2025 09:30"))
    if iso is None:
        assert m.values is None
        assert m.problems == [f"DOB: {text!r} is not a date {fmt}"]
    else:
        assert m.values is not None and m.values[FIELDS.index("date_of_birth")] == iso


@pytest.mark.parametrize(("fmt", "text", "iso"), MOMENTS)
def test_uk_date_times_including_excel_style(fmt, text, iso):
    m = _mapper(seen_at=fmt).map(_row(Seen=text))
    if iso is None:
        assert m.values is None and m.problems == [f"Seen: {text!r} is not a {fmt}"]
    else:
        assert m.values is not None and m.values[FIELDS.index("seen_at")] == iso


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_written_dd_mm_yyyy_reads_back_the_same(day):
    m = _mapper().map(_row(DOB=day.strftime("%d/%m/%Y")))
    assert m.values is not None and m.values[FIELDS.index("date_of_birth")] == day.isoformat()


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
)
def test_any_moment_written_dd_mm_yyyy_hh_mm_reads_back_to_the_minute(moment):
    moment = moment.replace(second=0, microsecond=0)
    m = _mapper().map(_row(Seen=moment.strftime("%d/%m/%Y %H:%M")))
    assert m.values is not None
    assert m.values[FIELDS.index("seen_at")] == moment.isoformat(timespec="minutes")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_day_first_date_is_never_read_month_first(day):
    """If day <= 12 a guesser could swap day and month; the mapping never does."""
    m = _mapper().map(_row(DOB=f"{day.day:02d}/{day.month:02d}/{day.year}"))
    assert m.values is not None
    assert date.fromisoformat(m.values[FIELDS.index("date_of_birth")]).day == day.day


def test_every_built_in_format_is_accepted_for_its_kind_and_two_are_the_uk_ones():
    assert "DD/MM/YYYY" in FORMATS and "DD/MM/YYYY HH:MM" in FORMATS
    for name, fmt in FORMATS.items():
        assert format_problem(name, fmt.kind) is None


# --- values, codes and free text --------------------------------------------------------


def test_value_maps_turn_source_values_into_the_vocabulary_and_unknown_values_are_rejected():
    mapper = _mapper()
    assert mapper.map(_row(Sex="M")).values[FIELDS.index("sex")] == "male"
    assert mapper.map(_row(Sex="")).values[FIELDS.index("sex")] == ""  # not recorded
    bad = mapper.map(_row(Sex="Q"))
    assert bad.values is None
    assert bad.problems == ["Sex: 'Q' is not in the mapping's values.sex (known: F, M)"]


def test_a_mapped_snomed_code_becomes_a_finding_with_the_constant_setting():
    m = _mapper().map(_row(Code="125667009", Term="Contusion"))
    v = dict(zip(FIELDS, m.values, strict=True))
    assert v["findings"] == "bruise@other" and v["setting"] == "gp" and v["source"] == "test"
    assert v["complaint"] == "diagnosis: Contusion"  # its description is kept, verbatim
    assert m.review is None and m.mapped_codes == 1  # and not searched: its code made the finding


def test_a_code_for_a_site_gives_the_site_of_the_coded_finding():
    data = copy.deepcopy(BASE)
    data["coded"].append({"column": "Site", "system": "snomed", "label": "site"})
    data["codes"].append(
        {
            "system": "snomed",
            "code": "29445007",
            "term": "Conjunctiva",
            "site": "subconjunctiva",
            "cited": "anchors.md 4.3",
        }  # fmt: skip
    )
    mapper = parse_mapping(data, "m.toml").bind([*HEADER, "Site"], "x.csv")
    both = mapper.map([*_row(Code="125667009"), "29445007"])
    assert both.values[FIELDS.index("findings")] == "bruise@subconjunctiva"
    site_only = mapper.map([*_row(Term="Red eye"), "29445007"])
    assert site_only.values[FIELDS.index("findings")] == ""  # a site alone is not a finding
    assert site_only.values[FIELDS.index("complaint")] == "diagnosis: Red eye; site: Conjunctiva"


UNMAPPED = [
    # (complaint, code, term, stored complaint, review)
    ("", "", "Bleeding from mouth", "diagnosis: Bleeding from mouth",
     "possible injury: review (bleeding)"),
    ("", "306238000", "Referral to social services",
     "diagnosis 306238000 (not in the mapping): Referral to social services", None),
    ("", "306238000", "", "diagnosis 306238000 (not in the mapping)", None),
    ("Red eye since this morning", "", "", "Red eye since this morning",
     "possible injury: review (red eye)"),
    ("Small MARK on back", "", "", "Small MARK on back", "possible injury: review (mark)"),
    ("Burn from kettle, swelling", "", "", "Burn from kettle, swelling",
     "possible injury: review (burn, swelling)"),
    ("fell; ?fracture", "", "", "fell; ?fracture", "possible injury: review (fell, fracture)"),
    ("Fever and cough", "", "Viral illness", "Fever and cough; diagnosis: Viral illness", None),
    ("Market day visit", "", "", "Market day visit", None),  # whole words only
    ("  spaced \u201cquotes\u201d, commas\nand lines  ", "", "",
     "  spaced \u201cquotes\u201d, commas\nand lines  ", None),  # verbatim
]  # fmt: skip


@pytest.mark.parametrize(("complaint", "code", "term", "stored", "review"), UNMAPPED)
def test_free_text_no_code_maps_is_kept_verbatim_and_flagged_never_a_finding(
    complaint, code, term, stored, review
):
    m = _mapper().map(_row(Complaint=complaint, Code=code, Term=term))
    assert m.values is not None
    assert m.values[FIELDS.index("complaint")] == stored
    assert m.values[FIELDS.index("findings")] == ""
    assert m.review == review


@given(st.text(max_size=200))
def test_no_free_text_ever_becomes_a_finding_or_is_lost(text):
    m = _mapper().map(_row(Complaint=text, Term=text))
    assert m.values is not None
    assert m.values[FIELDS.index("findings")] == ""
    if text.strip():
        assert text in m.values[FIELDS.index("complaint")]


def test_the_keyword_list_is_small_documented_and_matches_as_words():
    for word in ("bruise", "mark", "bleeding", "red eye", "burn", "swelling", "fracture"):
        assert word in INJURY_KEYWORDS
        assert injury_keywords(f"Noted: {word.upper()}.") == [word]
    assert injury_keywords("red\n eye") == ["red eye"]
    assert injury_keywords("remarkable burnish") == []
    doc = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"
    text = doc.read_text(encoding="utf-8")
    assert all(f"`{w}`" in text for w in INJURY_KEYWORDS)  # every word is documented


def test_extra_keywords_from_the_mapping_are_added():
    data = with_change("review.extra_keywords", ["nappy rash"])
    m = parse_mapping(data, "m.toml").bind(HEADER, "x.csv").map(_row(Complaint="Nappy rash"))
    assert m.review == "possible injury: review (nappy rash)"


def test_missing_columns_stop_the_import_naming_the_column_and_the_mapping_key():
    mapping = parse_mapping(copy.deepcopy(BASE), "m.toml")
    with pytest.raises(InputError) as caught:
        mapping.bind([h for h in HEADER if h != "DOB"], "extract.csv")
    assert (
        str(caught.value)
        == "extract.csv line 1: missing column 'DOB' (mapping key columns.date_of_birth)"
    )


def test_a_separate_time_column_is_combined_with_the_date():
    data = with_change("formats", {"date": "DD/MM/YYYY", "time": "HH:MM"})
    data["columns"]["seen_time"] = "Time"
    mapper = parse_mapping(data, "m.toml").bind([*HEADER, "Time"], "x.csv")
    assert mapper.map([*_row(Seen="14/08/2025"), "23:05"]).values[8] == "2025-08-14T23:05"
    assert mapper.map([*_row(Seen="14/08/2025"), ""]).values[8] == "2025-08-14T00:00"
    bad = mapper.map([*_row(Seen="14/08/2025"), "25:00"])
    assert bad.problems == ["Time: '25:00' is not a time HH:MM"]


SNOMED = [
    ("125667009", None),  # anchors.md 4.3
    ("29445007", None),
    ("306238000", None),
    ("836881000000105", None),  # UK extension ids pass too
    ("125667008", "check digit"),
    ("012345", "6 to 18 digits"),
    ("12345", "6 to 18 digits"),
    ("12a456789", "6 to 18 digits"),
]


@pytest.mark.parametrize(("code", "problem"), SNOMED)
def test_snomed_ids_are_checked_with_their_verhoeff_digit(code, problem):
    found = snomed_id_problem(code)
    assert (found is None) if problem is None else (problem in found)


def test_a_mapped_codes_description_is_kept_but_does_not_raise_the_flag():
    m = _mapper().map(_row(Code="125667009", Term="Bruise of left cheek"))
    assert m.values[FIELDS.index("findings")] == "bruise@other"
    assert m.values[FIELDS.index("complaint")] == "diagnosis: Bruise of left cheek"
    assert m.review is None  # the code made the finding; its site is in the kept words
