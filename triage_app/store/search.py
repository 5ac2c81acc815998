"""Search keys used by the name and date-of-birth lookup."""

from __future__ import annotations

import unicodedata


def name_key(name: str | None) -> str | None:
    """Return a family name's search key: accents removed, case folded, letters only.

    ``"O'Brien"``, ``"OBRIEN"`` and ``"O Brien"`` all give ``"obrien"``; ``"Zoë"`` gives
    ``"zoe"``. Migration 0002 holds a frozen copy; change both together, with a migration.
    """
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))
    return letters.casefold()[:200] or None


def postcode_key(postcode: str | None) -> str | None:
    """Return a postcode without spaces, upper case (``"YO1 7HH"`` -> ``"YO17HH"``)."""
    if not postcode:
        return None
    return "".join(postcode.split()).upper() or None


def postcode_district(postcode: str | None) -> str | None:
    """Return the outward code of a UK postcode (``"YO1 7HH"`` -> ``"YO1"``)."""
    key = postcode_key(postcode)
    if key is None or len(key) < 5:
        return key
    return key[:-3]
