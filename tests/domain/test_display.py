"""NHS display conventions: dates, ages, names and NHS numbers."""

from datetime import date, datetime

import pytest

from triage_app.domain import nhs_number
from triage_app.domain.display import (
    age_display,
    display_name,
    display_sex,
    long_date,
    nhs_date,
    nhs_datetime,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(date(2025, 1, 6), "06-Jan-2025"), (date(2025, 12, 31), "31-Dec-2025"), (None, "Not Known")],
)
def test_nhs_date(value, text):
    assert nhs_date(value) == text


def test_nhs_datetime_uses_24_hour_time():
    assert nhs_datetime(datetime(2025, 9, 3, 0, 5)) == "03-Sep-2025 00:05"
    assert nhs_datetime(datetime(2025, 9, 3, 17, 40)) == "03-Sep-2025 17:40"


def test_long_date_for_patient_facing_text():
    assert long_date(date(2025, 1, 6)) == "06 January 2025"


@pytest.mark.parametrize(
    ("dob", "on", "text"),
    [
        (date(2025, 7, 20), date(2025, 7, 20), "0d"),
        (date(2025, 7, 20), date(2025, 8, 10), "21d"),
        (date(2025, 7, 20), date(2025, 9, 3), "6w 3d"),
        (date(2025, 5, 1), date(2025, 9, 3), "4m 2d"),
        (date(2024, 1, 31), date(2024, 5, 1), "3m 1d"),
        (date(2024, 1, 31), date(2024, 4, 29), "12w 5d"),
        (date(2023, 6, 1), date(2025, 9, 3), "2y 3m"),
        (date(2024, 9, 3), date(2025, 9, 3), "12m 0d"),
        (date(2007, 1, 1), date(2025, 9, 3), "18y"),
    ],
)
def test_age_display(dob, on, text):
    assert age_display(dob, on) == text


def test_names_family_upper_case_then_given():
    assert display_name("Example", "Ava") == "EXAMPLE, Ava"
    assert display_name("Ó Súilleabháin", "Łucja") == "Ó SÚILLEABHÁIN, Łucja"
    assert display_name(None, None) == "Not Known"


def test_sex_is_spelt_out():
    assert [display_sex(s) for s in ("female", "male", "other", "not_known", None)] == [
        "Female",
        "Male",
        "Other",
        "Not Known",
        "Not Known",
    ]


def test_nhs_number_shown_3_3_4():
    assert nhs_number.display("9434765919") == "943 476 5919"
    assert nhs_number.display("943 476 5919") == "943 476 5919"
    assert nhs_number.display(None) == ""


def test_test_range_is_recognised():
    assert nhs_number.is_test_number("9990000018")
    assert not nhs_number.is_test_number("4010232137")
