"""Search keys and the record-matching candidate search (name, date of birth, postcode)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import Session

from triage_app.domain.matching import letters, soundex
from triage_app.domain.records import ChildRecord
from triage_app.store.driver_select import DriverSelect
from triage_app.store.orm import Child


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


def match_columns(family_name: str | None, given_name: str | None) -> dict[str, str | None]:
    """The record-matching columns of a child (revision 0006).

    The given name's key and the Soundex codes of both names. Every writer of ``child`` sets
    them through this.
    """
    return {
        "given_key": letters(given_name) or None,
        "family_sdx": soundex(family_name),
        "given_sdx": soundex(given_name),
    }


# Columns read for a match candidate, in ChildRecord field order (then id, row version).
_CANDIDATE_FIELDS = (
    "nhs_number", "family_name", "given_name", "date_of_birth", "sex", "address", "postcode",
    "gp_practice", "cp_plan", "looked_after",
)  # fmt: skip
MAX_CANDIDATES = 5_000


def match_candidates(
    session: Session,
    dob: date,
    near: Sequence[date],
    family_sdx: str | None,
    given_sdx: str | None,
    family_key: str | None = None,
) -> list[ChildRecord]:
    """Gather the children a record-matching query is scored against (never by exact name).

    - born on ``dob`` or a ``near`` date (a slip of a day or two, day and month swapped, a
      year out) with a family or given name that sounds like either name given (so names
      written the other way round are found too);
    - born on one of those dates with a family name that starts with the same three letters
      (a typo later in the name that changes how it sounds);
    - of any date of birth, with family and given names that both sound like the two names
      given, either way round.

    Each part is one index range per code and date: (family_sdx, date_of_birth),
    (given_sdx, date_of_birth), (name_key, date_of_birth) and (family_sdx, given_sdx).
    """
    window = [dob, *near]
    codes = [x for x in (family_sdx, given_sdx) if x]
    prefix = family_key[:3] if family_key and len(family_key) >= 3 else None
    pair = bool(family_sdx and given_sdx)
    params: dict[str, object] = {"window": window, "dob": dob}
    if codes:
        params["codes"] = codes
    if prefix:
        params["prefix"], params["upper"] = prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
    if pair:
        params["fs"], params["gs"] = family_sdx, given_sdx
    rows = _candidate_query(bool(codes), bool(prefix), pair).rows(session, params)
    return [
        ChildRecord(**dict(zip(_CANDIDATE_FIELDS, r[:-2], strict=True)), id=r[-2], version=r[-1])
        for r in rows
    ]


@lru_cache(maxsize=8)
def _candidate_query(codes: bool, prefix: bool, pair: bool) -> DriverSelect:
    """The candidate query for one shape of search.

    Built once: building the statement costs more than running it.
    """
    c = Child.__table__.c
    cols = [c[f] for f in _CANDIDATE_FIELDS] + [c.id, c.row_version]
    window: BindParameter[list[date]] = bindparam("window", expanding=True)
    parts = []
    if codes:
        in_codes: BindParameter[list[str]] = bindparam("codes", expanding=True)
        parts.append(select(*cols).where(c.family_sdx.in_(in_codes), c.date_of_birth.in_(window)))
        parts.append(select(*cols).where(c.given_sdx.in_(in_codes), c.date_of_birth.in_(window)))
    if prefix:
        # coalesce() hides the date column from the planner, which would otherwise read
        # every child born on those dates: the name-key range is the narrow one.
        parts.append(
            select(*cols).where(
                c.name_key >= bindparam("prefix"),
                c.name_key < bindparam("upper"),
                func.coalesce(c.date_of_birth, c.date_of_birth).in_(window),
            )
        )
    if pair:
        fs: BindParameter[str] = bindparam("fs")
        gs: BindParameter[str] = bindparam("gs")
        parts.append(
            select(*cols).where(
                or_(
                    and_(c.family_sdx == fs, c.given_sdx == gs),
                    and_(c.family_sdx == gs, c.given_sdx == fs),
                )
            )
        )
    if not parts:
        parts.append(select(*cols).where(c.date_of_birth == bindparam("dob")))
    return DriverSelect(union(*parts).limit(MAX_CANDIDATES))


def name_counts(
    session: Session, family_key: str | None, given_key: str | None
) -> tuple[int, int, int]:
    """How many children have this family name key, this given name key, and in all."""
    row = _COUNTS.rows(session, {"family": family_key or "", "given": given_key or ""})[0]
    return int(row[0]), int(row[1]), int(row[2] or 0)


_C = Child.__table__.c
# The largest id stands in for the number of children: the same figure (children are never
# deleted), read from the primary key's end instead of counting the table.
_COUNTS = DriverSelect(
    select(
        select(func.count()).where(_C.name_key == bindparam("family")).scalar_subquery(),
        select(func.count()).where(_C.given_key == bindparam("given")).scalar_subquery(),
        select(func.max(_C.id)).scalar_subquery(),
    )
)
