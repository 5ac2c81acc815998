"""The import's fast row checks against the reference checks they stand in for (issue 15).

Each fast check accepts only what the reference accepts, with the same value; anything else
goes to the reference. These properties aim at the edges: every digit string in and around
the NHS number ranges, Unicode digits, impossible dates and times.
"""

from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from triage_app.domain import nhs_number
from triage_app.services.import_rows import (
    _MOMENT,
    COLUMNS,
    _nhs_surely_valid,
    _seen_day,
    quick_row,
    validate_row,
)

DIGITS = st.text(alphabet="0123456789", min_size=10, max_size=10)
ODD_DIGITS = st.text(alphabet="0123456789 \u0660\u0669\uff10\uff19-x", min_size=8, max_size=12)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(DIGITS, ODD_DIGITS))
@example("9990000093")  # valid, synthetic range
@example("9990000094")  # wrong check digit
@example("0101011234")  # Scottish CHI: left to the reference
@example("3113000005")  # unallocated range
@example("5000000004")  # reserved range
@example("\u0669\u0669\u0669\u0660\u0660\u0660\u0660\u0660\u0669\u0663")  # Arabic-Indic digits
def test_fast_nhs_check_accepts_only_what_the_reference_accepts(text):
    if _nhs_surely_valid(text):
        assert nhs_number.problem(text) is None


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_fast_nhs_check_accepts_every_valid_number_outside_scotland(n):
    """Not just safe but useful: a valid number from any non-Scottish range is accepted."""
    base = f"{n:09d}"
    checked = nhs_number.calculate_checksum(base)
    if checked == 10:
        return  # no valid number has these nine digits
    digits = base + str(checked)
    if nhs_number.problem(digits) is None and not ("0100000000" <= digits <= "3112999999"):
        assert _nhs_surely_valid(digits)


MOMENTS = st.builds(
    lambda y, mo, d, h, mi, s, sep: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}{s}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.one_of(st.just(""), st.integers(0, 61).map(lambda s: f":{s:02d}")),
    st.sampled_from(["T", "T", " ", "t"]),
)


def reference_seen_day(text):
    if not _MOMENT.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


@settings(max_examples=1000, deadline=None)
@given(st.one_of(MOMENTS, st.text(alphabet="0123456789-T:\u0661\u0662 .Z+", max_size=20)))
@example("2025-02-29T09:00")  # not a leap year
@example("2024-02-29T23:59:59")
@example("2025-08-14T24:00")
@example("2025-08-14T09:60")
@example("2025-08-14T09:30:60")
@example("2025-08-14T\u0660\u0669:30")  # Arabic-Indic hour digits
@example("\u0662025-08-14T09:30")
@example("2025-08-14T09:30:1")
def test_fast_seen_at_check_agrees_with_the_reference(text):
    assert _seen_day(text) == reference_seen_day(text)


@pytest.mark.parametrize(
    ("nhs", "expected"),
    [("9990000093", "9990000093"), (" 999 000 0093 ", "9990000093"), ("  ", None), ("", None)],
)
def test_the_fast_check_keeps_the_stored_nhs_number_form(nhs, expected):
    values = {
        "source": "emis", "source_id": "E1", "nhs_number": nhs, "family_name": "Example",
        "given_name": "Ava", "date_of_birth": "2025-07-20", "sex": "female",
        "postcode": "XX1 1AA", "seen_at": "2025-08-14T09:30", "setting": "gp",
        "organisation": "", "complaint": "", "findings": "bruise@cheek", "outcome": "",
    }  # fmt: skip
    today = date(2026, 1, 2)
    quick = quick_row(tuple(values[c] for c in COLUMNS), today)
    parsed, _ = validate_row(values, today)
    assert quick is not None and quick[0] == expected == parsed["nhs"]
