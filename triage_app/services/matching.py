"""Probable matches for a child without an NHS number: name, date of birth and postcode.

Matches are ranked with their reasons and shown to the clinician; they are never merged
automatically (a wrong merge would put one child's history in another child's record).

Candidates are children born on the date given, plus children with the same family-name key
born on a nearby date (a typing slip: a few days out, day and month swapped, a year out).
"""

from __future__ import annotations

from datetime import date, timedelta
from difflib import SequenceMatcher

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ChildRecord, MatchCandidate
from triage_app.services.context import StoreContext
from triage_app.store.repositories import ChildRepository
from triage_app.store.search import name_key, postcode_district, postcode_key

MAX_RESULTS = 20
NEAR_DAYS = 7


def split_name(name: str) -> tuple[str, str | None]:
    """Split ``"FAMILY, Given"`` (NHS order); without a comma the last word is the family name."""
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip() or None
    words = name.split()
    if not words:
        return "", None
    return words[-1], " ".join(words[:-1]) or None


def near_dates(dob: date) -> list[date]:
    """Dates a mistyped date of birth is likely to be: +-7 days, day/month swapped, +-1 year."""
    out = {dob + timedelta(days=d) for d in range(-NEAR_DAYS, NEAR_DAYS + 1) if d}
    for candidate in (
        (dob.year, dob.day, dob.month),
        (dob.year - 1, dob.month, dob.day),
        (dob.year + 1, dob.month, dob.day),
    ):
        try:
            out.add(date(*candidate))
        except ValueError:
            continue
    out.discard(dob)
    return sorted(out)


def _similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def score(
    child: ChildRecord, family: str, given: str | None, dob: date, postcode: str | None
) -> MatchCandidate | None:
    """Score one candidate; ``None`` when it is not a probable match."""
    reasons: list[str] = []
    points = 0.0
    fam = _similarity(name_key(family), name_key(child.family_name))
    giv = _similarity(name_key(given), name_key(child.given_name)) if given else None
    name_score = fam if giv is None else 0.6 * fam + 0.4 * giv
    if child.date_of_birth == dob:
        points += 50
        reasons.append("exact date of birth")
    else:
        days = abs((child.date_of_birth - dob).days)
        points += 20
        reasons.append(f"date of birth {days} day{'s' if days != 1 else ''} from the one given")
    points += 35 * name_score
    reasons.append("family name " + ("exact" if fam == 1.0 else f"similar ({fam:.2f})"))
    if giv is not None:
        reasons.append("given name " + ("exact" if giv == 1.0 else f"similar ({giv:.2f})"))
    same_postcode = False
    if postcode and child.postcode:
        if postcode_key(postcode) == postcode_key(child.postcode):
            points += 15
            same_postcode = True
            reasons.append("same postcode")
        elif postcode_district(postcode) == postcode_district(child.postcode):
            points += 5
            reasons.append("same postcode district")
    if child.date_of_birth == dob:
        probable = name_score >= 0.5 or same_postcode
    else:
        probable = fam == 1.0 and (giv is None or giv >= 0.5)
    if not probable:
        return None
    return MatchCandidate(child, round(points, 1), tuple(reasons))


def find_matches(
    ctx: StoreContext, name: str, dob: date, postcode: str | None = None
) -> list[MatchCandidate]:
    """Return probable matches, best first, each with its reasons (audited as a view).

    Raises:
        InputError: no family name was given.
    """
    family, given = split_name(name)
    if not name_key(family):
        raise InputError([Problem("--name", 'give the name as "FAMILY, Given"')])
    with ctx.transaction() as s:
        rows = ChildRepository(s).candidates(dob, name_key(family), near_dates(dob))
        found = [m for c in rows if (m := score(c, family, given, dob, postcode)) is not None]
        found.sort(key=lambda m: (-m.score, m.child.id or 0))
        found = found[:MAX_RESULTS]
        ctx.audit(
            s,
            "view",
            "match",
            None,
            after={
                "query": {"name": name, "dob": dob.isoformat(), "postcode": postcode},
                "candidates": [m.child.id for m in found],
            },
        )
    return found
