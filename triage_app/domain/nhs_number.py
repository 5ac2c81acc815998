"""NHS number checks and display (NHS Data Dictionary; NHS CUI NUM-0001 to NUM-0018).

The Modulus 11 check and the number ranges come from the maintained ``nhs-number`` package
(pure Python, no dependencies), the one third-party module the domain layer may import.
Mod-11 alone accepts numbers that were never issued (``0000000000``), so the ranges are
checked too. The synthetic range (9000000000 to 9999999999) is accepted: it is the range
test and training records use, and fixtures in this project come from it.
"""

from __future__ import annotations

from operator import mul
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
# The accepted ranges outside Scotland's CHI range (where the package also requires the first
# six digits to be a date): there a number is valid exactly when its check digit is right.
_NOT_CHI_RANGES: tuple[tuple[int, int], ...] = tuple(
    (r.start, r.end)
    for region in (REGION_ENGLAND_WALES_IOM, REGION_NORTHERN_IRELAND, REGION_SYNTHETIC)
    for r in region.ranges
)
_CHECK_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)  # Modulus 11 weights of the first nine digits
_CODE_OFFSET = ord("0") * sum(_CHECK_WEIGHTS)


def normalise(text: str) -> str:
    """Return the digits of an NHS number typed with or without spaces."""
    return text.replace(" ", "")


def problem(text: str) -> str | None:
    """Return why ``text`` is not a valid NHS number, or ``None`` when it is valid."""
    return _problem(normalise(text))


def _problem(digits: str) -> str | None:
    """:func:`problem` of the digits.

    The package's checks cost several microseconds, so a number in a range where only the
    check digit matters is checked here first (the same arithmetic as the package); anything
    else, and every refusal, goes to :func:`_problem_reference`, which names the reason.
    """
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return "must be 10 digits (spaces allowed)"
    if _valid_outside_chi(digits):
        return None
    return _problem_reference(digits)


def _valid_outside_chi(digits: str) -> bool:
    """True when ten ASCII digits are a valid number in an accepted range outside CHI."""
    number = int(digits)
    for start, end in _NOT_CHI_RANGES:
        if start <= number <= end:
            # each ASCII digit's code is 48 more than its value: take 48 * sum(weights) away
            total: int = sum(map(mul, digits.encode("ascii"), _CHECK_WEIGHTS)) - _CODE_OFFSET
            check = (11 - total % 11) % 11
            return check == ord(digits[9]) - 48  # a check of 10 is never a digit: not valid
    return False


def _problem_reference(digits: str) -> str | None:
    """:func:`problem` of the digits, by the ``nhs-number`` package's checks (the reference)."""
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
