"""Record matching: records that may be the same child, ranked with their reasons.

The scorer is :mod:`triage_app.domain.matching` (Fellegi-Sunter weights; docs/matching.md);
the candidates come from :func:`triage_app.store.search.match_candidates` (date-of-birth
window and sound-alike names, never exact surname alone). Matches are shown to a person;
they are never merged automatically (a wrong merge would put one child's history in another
child's record). A person links them (``child link``) or rejects them; a rejected pair is
never offered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy.orm import Session

from triage_app.domain import matching as scorer
from triage_app.domain.display import nhs_date
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ChildRecord, MatchCandidate, PresentationRecord
from triage_app.services.context import StoreContext
from triage_app.store.links import ChildLinkRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository
from triage_app.store.search import match_candidates, name_counts

MAX_RESULTS = scorer.MAX_SHOWN
# Name frequencies are smoothed towards these shares with a pseudo-population, so a small
# store (a new practice, a test) does not make every name look common.
_PRIOR_CHILDREN = 20_000
_PRIOR_FAMILY_SHARE = 0.001
_PRIOR_GIVEN_SHARE = 0.005


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
    """Dates a mistyped date of birth is likely to be (see ``domain.matching.near_dates``)."""
    return scorer.near_dates(dob)


def person(child: ChildRecord) -> scorer.Person:
    """A stored child as the scorer's demographics."""
    return scorer.Person(
        child.family_name,
        child.given_name,
        child.date_of_birth,
        child.sex,
        child.postcode,
        child.address,
        child.id,
    )


def rank(
    s: Session,
    query: scorer.Person,
    *,
    exclude: Iterable[int] = (),
    limit: int = MAX_RESULTS,
    threshold: float = scorer.SHOW_THRESHOLD,
) -> list[MatchCandidate]:
    """Gather, score and rank the candidates for ``query`` inside the caller's transaction."""
    assert query.date_of_birth is not None
    family = scorer.clean_family(query.family_name)
    given = None if scorer.unknown_given(query.given_name) else query.given_name
    family_key, given_key = scorer.letters(family) or None, scorer.letters(given) or None
    rows = match_candidates(
        s,
        query.date_of_birth,
        scorer.near_dates(query.date_of_birth),
        scorer.soundex(family),
        scorer.soundex(given),
        family_key,
    )
    skip = set(exclude)
    by_id = {c.id: c for c in rows if c.id not in skip}
    # The excluded records (the child itself, its linked records) still count for twins.
    others = [person(c) for c in rows if c.id in skip]
    fam_n, giv_n, total = name_counts(s, family_key, given_key)

    def share(count: int, prior: float) -> float:
        return (count + _PRIOR_CHILDREN * prior) / (total + _PRIOR_CHILDREN)

    fam_share, giv_share = share(fam_n, _PRIOR_FAMILY_SHARE), share(giv_n, _PRIOR_GIVEN_SHARE)
    ranked = scorer.rank(
        query,
        [person(c) for c in by_id.values()],
        lambda name: fam_share if name == family_key else _PRIOR_FAMILY_SHARE,
        lambda name: giv_share if name == given_key else _PRIOR_GIVEN_SHARE,
        limit=limit,
        threshold=threshold,
        others=others,
    )
    return [
        MatchCandidate(
            by_id[r.person.ref],
            round(r.score, 1),
            r.reasons,
            warnings=r.warnings,
            probable=r.probable,
        )
        for r in ranked
    ]


def find_matches(
    ctx: StoreContext,
    name: str,
    dob: date,
    postcode: str | None = None,
    sex: str | None = None,
) -> list[MatchCandidate]:
    """Return the records that may be this child, best first (audited as a view).

    Each comes with its reasons and any twin warning. Below the calibrated threshold nothing
    is shown.

    Raises:
        InputError: no name was given.
    """
    family, given = split_name(name)
    if not scorer.letters(family) and not scorer.letters(given):
        raise InputError([Problem("--name", 'give the name as "FAMILY, Given"')])
    query = scorer.Person(family, given, dob, sex, postcode)
    with ctx.transaction() as s:
        found = rank(s, query)
        found = with_injuries(s, found)
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


def possible_matches(
    s: Session, child: ChildRecord, linked: Sequence[ChildRecord] | None = None
) -> list[MatchCandidate]:
    """Unlinked records that may be the same child as a stored one (inside a transaction).

    Records already linked to it (directly or through others) and records a person has said
    are not this child are left out. Each carries a summary of its stored injuries.
    ``linked``: the records linked to it as the same child, when the caller has just read
    them in this transaction (the history read has); otherwise they are read here.
    """
    assert child.id is not None
    links = ChildLinkRepository(s)
    if linked is None:
        group = links.same_child_group(child.id)
        repo = ChildRepository(s)
        stored = [child, *(repo.get(cid) for cid in group[1:])]
    else:
        stored = [child, *linked]
        group = [c.id for c in stored if c.id is not None]
    skip = set(group)
    for member in group:
        skip |= links.rejected(member)
    found: dict[int, MatchCandidate] = {}
    for record in stored:
        for m in rank(s, person(record), exclude=skip):
            best = found.get(m.child.id or 0)
            if best is None or m.score > best.score:
                found[m.child.id or 0] = m
    ordered = sorted(found.values(), key=lambda m: (-m.score, m.child.id or 0))
    return with_injuries(s, ordered[:MAX_RESULTS])


def with_injuries(s: Session, matches: list[MatchCandidate]) -> list[MatchCandidate]:
    """The matches with a one-line summary of each stored presentation of theirs."""
    if not matches:
        return matches
    rows = PresentationRepository(s).for_children([m.child.id for m in matches if m.child.id])
    by_child: dict[int, list[str]] = {}
    for p in rows:
        by_child.setdefault(p.child_id, []).append(injury_line(p))
    return [
        MatchCandidate(
            m.child,
            m.score,
            m.reasons,
            m.warnings,
            m.probable,
            tuple(by_child.get(m.child.id or 0, ())),
        )
        for m in matches
    ]


def injury_line(p: PresentationRecord) -> str:
    """``07-Jan-2025 gp: bleeding@mouth (bleeding from mouth)``."""
    findings = ", ".join(f"{f.kind}@{f.site}" for f in p.findings) or "no findings recorded"
    complaint = f" ({p.complaint})" if p.complaint else ""
    return f"{nhs_date(p.seen_at.date())} {p.setting or '-'}: {findings}{complaint}"
