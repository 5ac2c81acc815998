"""Deterministic synthetic data at scale (``triage-app demo generate``), for benchmarks.

Everything is invented: NHS numbers come from the 999 range (valid Modulus 11, never issued
to a patient), postcodes use the non-existent ``XX`` area, and dates are fixed relative to
``ANCHOR`` so that the same seed always gives the same database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import Relation
from triage_app.domain.vocab import FindingKind, Setting, Site
from triage_app.services.context import StoreContext
from triage_app.store import bulk
from triage_app.store.orm import HouseholdLink
from triage_app.store.search import name_key

ANCHOR = datetime(2026, 1, 1, 9, 0)
SOURCE = "demo-generate"
_FAMILY_TEXT = (
    "Abbott Acheampong Adeyemi Ahmed Ainsworth Akhtar Allen Anderson Archer Armstrong Ashworth "
    "Atkinson Bailey Baker Banks Barker Barnes Bates Begum Bell Bennett Bibi Bird Bishop Black "
    "Booth Bowen Bradley Brooks Brown Burke Butler Campbell Carter Chambers Chapman Chaudhry "
    "Clarke Coleman Collins Cook Cooper Cox Craig Cunningham Davies Dawson Dixon Doyle Duffy "
    "Dunn Edwards Ellis Evans Farrell Fisher Fleming Fletcher Ford Foster Fox Francis Gallagher "
    "Gibson Gill Graham Grant Gray Green Griffiths Hall Hamilton Harris Harrison Hart Hayes "
    "Henderson Hill Holmes Hughes Hunt Hussain Iqbal Jackson James Jenkins Johnson Jones Kaur "
    "Kelly Kennedy Khan King Knight Kowalski Lawrence Lee Lewis Lloyd Mahmood Marshall Martin "
    "Mason Matthews Mills Mitchell Moore Morgan Morris Murphy Murray Nowak O'Brien O'Neill "
    "Okafor Owen Palmer Parker Patel Pearson Phillips Powell Price Reid Reynolds Richards "
    "Richardson Roberts Robinson Rogers Rose Russell Ryan Saunders Scott Shah Sharp Shaw Simpson "
    "Singh Smith Spencer Stewart Stone Sutton Taylor Thomas Thompson Turner Walker Wallace Walsh "
    "Ward Watson Webb Wells West White Wilkinson Williams Williams-Jones Wilson Wood Wright Young"
)
_GIVEN_TEXT = (
    "Aaliyah Adam Aisha Alfie Amelia Archie Arthur Ava Bella Charlie Chloe Daisy Ella Elsie "
    "Emily Evie Finley Florence Freddie Freya George Grace Harper Harry Henry Hugo Isabella "
    "Isla Ivy Jack Jacob James Leo Lily Logan Luca Mason Maya Mia Mohammed Muhammad Noah Olivia "
    "Oliver Oscar Phoebe Poppy Reuben Rosie Rory Ruby Samuel Sienna Sofia Sophie Theo Theodore "
    "Thomas Tommy Willow Zara Zoe"
)
FAMILY_NAMES = _FAMILY_TEXT.split()
GIVEN_NAMES = _GIVEN_TEXT.split()
_KINDS = [k.value for k in FindingKind]
_SITES = [s.value for s in Site]
_SETTINGS = [s.value for s in Setting]


def check_digit(prefix: str) -> int | None:
    """Modulus 11 check digit of nine digits; ``None`` when no valid number has that prefix."""
    total = sum(int(d) * w for d, w in zip(prefix, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def synthetic_nhs_numbers(start: int = 0) -> Iterator[str]:
    """Yield valid NHS numbers from the synthetic range ``999 000 000x`` upwards."""
    for n in range(start, 1_000_000):
        prefix = f"999{n:06d}"
        digit = check_digit(prefix)
        if digit is not None:
            yield f"{prefix}{digit}"


@dataclass(frozen=True)
class GenerateSummary:
    """What ``demo generate`` stored."""

    children: int
    presentations: int
    household_links: int


def generate(
    ctx: StoreContext, children: int, presentations: int, seed: int = 1, nhs_start: int = 500_000
) -> GenerateSummary:
    """Store ``children`` synthetic children (in families) and ``presentations`` presentations.

    Raises:
        InputError: the counts are out of range, or data from this seed is already stored.
    """
    if not 1 <= children <= 900_000 or not 0 <= presentations <= 50_000_000:
        raise InputError([Problem("--children/--presentations", "out of range")])
    rng = random.Random(seed)
    numbers = synthetic_nhs_numbers(nhs_start)
    now = ctx.clock()
    with ctx.transaction() as s:
        conn = s.connection()
        first = next(synthetic_nhs_numbers(nhs_start))
        if bulk.children_by_nhs(conn, [first]):
            raise InputError([Problem("demo generate", "synthetic data is already stored here")])
        child_rows, families = _children(rng, children, numbers, now, ctx.user)
        ids: list[int] = []
        for part in bulk.chunks(child_rows, 10_000):
            ids.extend(bulk.insert_children(conn, part))
        links = []
        for members in families:
            for other in members[1:]:
                links.append(
                    {
                        "child_id": ids[members[0]],
                        "relation": Relation.SIBLING.value,
                        "related_child_id": ids[other],
                        "person_name": None,
                        "notes": None,
                        "created_at": now,
                        "created_by": ctx.user,
                    }
                )
        bulk.insert_rows(conn, HouseholdLink.__table__, links)
        batch: list[dict[str, Any]] = []
        for i in range(presentations):
            c = rng.randrange(children)
            batch.append(
                _presentation(rng, seed, i, ids[c], child_rows[c]["date_of_birth"], now, ctx.user)
            )
            if len(batch) >= 10_000:
                bulk.insert_presentations(conn, batch)
                batch = []
        bulk.insert_presentations(conn, batch)
        summary = GenerateSummary(children, presentations, len(links))
        ctx.audit(
            s,
            "import",
            "demo_generate",
            None,
            after={"seed": seed, "children": children, "presentations": presentations},
        )
    return summary


def _children(
    rng: random.Random, n: int, numbers: Iterator[str], now: datetime, user: str
) -> tuple[list[dict[str, Any]], list[list[int]]]:
    rows: list[dict[str, Any]] = []
    families: list[list[int]] = []
    while len(rows) < n:
        family = rng.choice(FAMILY_NAMES)
        postcode = (
            f"XX{rng.randint(1, 99)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNP')}"
            f"{rng.choice('QRSTUWXYZ')}"
        )
        size = min(rng.choice((1, 1, 1, 2, 2, 3)), n - len(rows))
        members = []
        for _ in range(size):
            dob = ANCHOR.date() - timedelta(days=rng.randint(0, 730))
            members.append(len(rows))
            rows.append({
                "nhs_number": next(numbers) if rng.random() < 0.95 else None,
                "family_name": family, "given_name": rng.choice(GIVEN_NAMES),
                "name_key": name_key(family), "date_of_birth": dob,
                "sex": rng.choice(("female", "male")), "address": None, "postcode": postcode,
                "gp_practice": None, "cp_plan": "past" if rng.random() < 0.02 else None,
                "looked_after": None, "created_at": now, "created_by": user,
                "modified_at": None, "modified_by": None, "row_version": 1,
            })  # fmt: skip
        families.append(members)
    return rows, families


def _presentation(
    rng: random.Random, seed: int, i: int, child_id: int, dob: date, now: datetime, user: str
) -> dict[str, Any]:
    span = max((ANCHOR.date() - dob).days, 0)
    seen = datetime.combine(dob, ANCHOR.time()) + timedelta(
        days=rng.randint(0, span), minutes=rng.randint(0, 600)
    )
    count = rng.choice((0, 1, 1, 1, 2))
    findings = [{"kind": rng.choice(_KINDS), "site": rng.choice(_SITES)} for _ in range(count)]
    return {
        "child_id": child_id, "seen_at": seen, "setting": rng.choice(_SETTINGS),
        "organisation": "Synthetic Health Centre", "complaint": "synthetic presentation",
        "findings": findings, "explanation": None, "outcome": "synthetic outcome",
        "mobility": None, "nim_at_time": None, "source": SOURCE, "source_id": f"{seed}-{i}",
        "created_at": now, "created_by": user, "modified_at": None, "modified_by": None,
        "row_version": 1,
    }  # fmt: skip
