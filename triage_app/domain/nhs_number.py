"""NHS number checks and display (NHS Data Dictionary; NHS CUI NUM-0001 to NUM-0018).

The Modulus 11 check and the number ranges come from the maintained ``nhs-number`` package
(pure Python, no dependencies), the one third-party module the domain layer may import.
Mod-11 alone accepts numbers that were never issued (``0000000000``), so the ranges are
checked too. The synthetic range (9000000000 to 9999999999) is accepted: it is the range
test and training records use, and fixtures in this project come from it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from nhs_number.constants import (
    REGION_ENGLAND_WALES_IOM,
    REGION_NORTHERN_IRELAND,
    REGION_SCOTLAND,
    REGION_SYNTHETIC,
)
from nhs_number.validate import calculate_checksum
from nhs_number.validate import is_valid as _mod11_valid


class _Region(Protocol):
    """The part of ``nhs_number.Region`` used here (the package leaves it unannotated)."""

    def contains_number(self, number: str) -> bool: ...


_ACCEPTED_REGIONS: tuple[_Region, ...] = (
    REGION_ENGLAND_WALES_IOM,
    REGION_SCOTLAND,
    REGION_NORTHERN_IRELAND,
    REGION_SYNTHETIC,
)
_SYNTHETIC: _Region = REGION_SYNTHETIC


def normalise(text: str) -> str:
    """Return the digits of an NHS number typed with or without spaces."""
    return text.replace(" ", "")


def problem(text: str) -> str | None:
    """Return why ``text`` is not a valid NHS number, or ``None`` when it is valid."""
    return _problem(normalise(text))


@lru_cache(maxsize=1024)
def _problem(digits: str) -> str | None:
    """:func:`problem` of the digits (the package's checks cost several microseconds each)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return "must be 10 digits (spaces allowed)"
    if not _mod11_valid(digits):
        if calculate_checksum(digits[:9]) != int(digits[9]):
            return "fails the Modulus 11 check digit"
        return "is not a possible NHS number (impossible date in the Scottish CHI range)"
    if not any(region.contains_number(digits) for region in _ACCEPTED_REGIONS):
        return "is outside the ranges issued for NHS numbers"
    return None


def is_valid(text: str) -> bool:
    """Return True when ``text`` is a valid, issued-range NHS number."""
    return problem(text) is None


def display(text: str | None) -> str:
    """Format an NHS number as ``943 476 5919`` (3-3-4, single spaces); empty when unknown."""
    if not text:
        return ""
    digits = normalise(text)
    if len(digits) != 10:
        return text
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_test_number(text: str) -> bool:
    """Return True for numbers in the synthetic range (never issued to a real patient)."""
    return _SYNTHETIC.contains_number(normalise(text))
