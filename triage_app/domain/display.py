"""NHS display conventions (NHS CUI): dates, times, ages and names.

- Dates ``06-Jan-2025`` whatever the locale; long dates ``06 January 2025`` for patient-facing
  text only (leaflets).
- Times ``HH:MM`` (24-hour); date and time separated by a space.
- Ages: days under 4 weeks (``20d``), weeks and days under 3 months (``6w 3d``), months and days
  under 2 years (``4m 2d``), years and months under 18 (``2y 3m``), then years (``18y``).
- Names ``FAMILY, Given`` (family name upper case).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOT_KNOWN = "Not Known"


def nhs_date(value: date | None) -> str:
    """Return ``DD-Mmm-YYYY`` (e.g. ``06-Jan-2025``), or ``Not Known``."""
    if value is None:
        return NOT_KNOWN
    iso = value.isoformat()  # YYYY-MM-DD...: the padded day and year without formatting
    return f"{iso[8:10]}-{_MONTHS[value.month - 1]}-{iso[:4]}"


def nhs_datetime(value: datetime | None) -> str:
    """Return ``DD-Mmm-YYYY HH:MM``, or ``Not Known``."""
    if value is None:
        return NOT_KNOWN
    return f"{nhs_date(value.date())} {value.hour:02d}:{value.minute:02d}"


def long_date(value: date) -> str:
    """Return the patient-facing long form ``06 January 2025``."""
    return f"{value.day:02d} {calendar.month_name[value.month]} {value.year:04d}"


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus whole calendar months, clamping the day to the month's end."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    if start.day <= 28:  # every month has a 28th (cheaper than asking the calendar)
        return date(year, month, start.day)
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """Return the number of whole calendar months from ``start`` to ``end`` (0 if end < start)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def age_days(date_of_birth: date, on: date) -> int:
    """Return the child's age in days on a date."""
    return (on - date_of_birth).days


def age_display(date_of_birth: date, on: date) -> str:
    """Return the age in NHS display form (``6w 3d``, ``4m 2d``, ``2y 3m``)."""
    days = age_days(date_of_birth, on)
    if days < 0:
        return NOT_KNOWN
    if days < 28:
        return f"{days}d"
    months = whole_months_between(date_of_birth, on)
    if months < 3:
        return f"{days // 7}w {days % 7}d"
    if months < 24:
        rest = (on - add_months(date_of_birth, months)).days
        return f"{months}m {rest}d"
    years, rem_months = divmod(months, 12)
    if years < 18:
        return f"{years}y {rem_months}m"
    return f"{years}y"


def display_name(family_name: str | None, given_name: str | None) -> str:
    """Return ``FAMILY, Given`` (NHS CUI); ``Not Known`` parts when a name is missing."""
    family = (family_name or "").strip()
    given = (given_name or "").strip()
    if not family and not given:
        return NOT_KNOWN
    return f"{family.upper() if family else NOT_KNOWN.upper()}, {given or NOT_KNOWN}"


def display_sex(sex: str | None) -> str:
    """Spell out a sex code (``female`` -> ``Female``; unknown -> ``Not Known``)."""
    return {
        "female": "Female",
        "male": "Male",
        "other": "Other",
        "not_known": NOT_KNOWN,
    }.get(sex or "", NOT_KNOWN)
