"""Record matching: is a stored record the same child as the one described? (pure, no I/O).

A Fellegi-Sunter scorer, the approach patient-matching services use: each field (family
name, given name, date of birth, sex, postcode) is compared at one of a few *agreement
levels*; each level carries a weight ``log2(m / u)`` where ``m`` is how often a true match
shows that level and ``u`` how often two different children do. The score is the sum of
the field weights; a candidate is shown only when its score reaches :data:`SHOW_THRESHOLD`.

- Exact name agreement is weighted by how common the name is: ``u`` is the name's share of
  the stored children, so "SMITH" agreeing counts for less than "ACHEAMPONG" agreeing.
- "Baby", "Baby of ...", "Infant", "Twin 1" and an empty given name are an *unknown* given
  name (weight 0): newborns are often registered before they are named.
- Family and given names written the other way round are recognised as a pair.
- Two candidates with the same family name, date of birth and address or postcode are
  flagged as possible twins: the clinician must tell them apart by another means.

Weights and the threshold are documented, with how they were calibrated, in
``docs/matching.md``. Matches are offered to a person; nothing is ever merged automatically.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

# --------------------------------------------------------------------------------------
# Normalising and comparing names
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def letters(name: str | None) -> str:
    """Letters only, accents removed, case folded: ``"O'Brien"`` -> ``"obrien"``."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))
    return kept.casefold()[:200]


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=65_536)
def soundex(name: str | None) -> str | None:
    """American Soundex of a name (``"Robert"`` and ``"Rupert"`` -> ``"R163"``), or ``None``.

    Letters outside a-z (after accents are removed) are ignored; ``h`` and ``w`` do not
    separate two letters with the same code.
    """
    word = "".join(c for c in letters(name) if "a" <= c <= "z")
    if not word:
        return None
    out = [word[0].upper()]
    last = _SOUNDEX_CODES.get(word[0], "")
    for c in word[1:]:
        code = _SOUNDEX_CODES.get(c, "")
        if code and code != last:
            out.append(code)
            if len(out) == 4:
                break
        if c not in "hw":
            last = code
    return "".join(out).ljust(4, "0")


_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65_536)
def sound_key(name: str | None) -> str:
    """A phonetic key for British pronunciation, catching what Soundex misses.

    ``ph``/``f``, ``c``/``k``/``s``, ``th``/``t``, doubled letters, an ``r`` that is not
    sounded before a consonant or at the end ("Carter" and "Carta", "Chambers" and
    "Chambas"); then the first letter, the consonants, and whether the name ends in a vowel.
    """
    w = "".join(c for c in letters(name) if "a" <= c <= "z")
    if not w:
        return ""
    for a, b in (("ph", "f"), ("ck", "k"), ("ch", "x"), ("sh", "x"), ("gh", "g"), ("th", "t")):
        w = w.replace(a, b)
    w = "".join(
        ("s" if i + 1 < len(w) and w[i + 1] in "eiy" else "k") if c == "c" else c
        for i, c in enumerate(w)
    )
    w = w.replace("q", "k").replace("z", "s").replace("wh", "w")
    # A non-rhotic r: silent unless a vowel follows.
    w = "".join(
        c
        for i, c in enumerate(w)
        if not (c == "r" and i > 0 and (i + 1 == len(w) or w[i + 1] not in _VOWELS))
    )
    if not w:
        return ""
    collapsed = [w[0]]
    for c in w[1:]:
        if c != collapsed[-1]:
            collapsed.append(c)
    first, rest = collapsed[0], collapsed[1:]
    consonants = "".join(c for c in rest if c not in _VOWELS and c not in "hw")
    ending = "a" if rest and rest[-1] in _VOWELS else ""
    return ("a" if first in _VOWELS else first) + consonants + ending


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one edit (Damerau-Levenshtein distance <= 1).

    An edit is an insertion, a deletion, a substitution or a swap of two adjacent letters.
    """
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_UNKNOWN_GIVEN = frozenset(
    {"baby", "babyboy", "babygirl", "infant", "unknown", "unnamed", "newborn", "twin"}
)


@lru_cache(maxsize=65_536)
def unknown_given(given: str | None) -> bool:
    """True for a given name that is not a name: empty, "Baby", "Baby of ...", "Twin 1"...."""
    key = letters(given)
    if not key:
        return True
    if key in _UNKNOWN_GIVEN:
        return True
    words = (given or "").casefold().split()
    return bool(words) and words[0] in {"baby", "infant", "twin", "unknown", "unnamed"}


@lru_cache(maxsize=65_536)
def clean_family(family: str | None) -> str | None:
    """Strip a "Baby of " / "Baby " prefix written into the family-name field."""
    if not family:
        return family
    words = family.split()
    low = [w.casefold() for w in words]
    if len(words) > 2 and low[:2] == ["baby", "of"]:
        return " ".join(words[2:])
    if len(words) > 1 and low[0] == "baby":
        return " ".join(words[1:])
    return family


# Short forms and their full names (both directions are used). Small on purpose: only
# forms common in England and Wales for children born in the last few years.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "alfie": ("alfred",),
    "alex": ("alexander", "alexandra", "alexis"),
    "abbie": ("abigail",),
    "abby": ("abigail",),
    "archie": ("archibald",),
    "bella": ("isabella", "isabelle", "arabella"),
    "ben": ("benjamin",),
    "beth": ("elizabeth", "bethany"),
    "billy": ("william",),
    "bobby": ("robert",),
    "charlie": ("charles", "charlotte"),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "eddie": ("edward",),
    "ellie": ("eleanor", "elena", "ella"),
    "evie": ("eve", "evelyn", "evangeline"),
    "frankie": ("francesca", "frank", "francis"),
    "freddie": ("frederick", "alfred", "freddy"),
    "freddy": ("frederick", "alfred"),
    "gracie": ("grace",),
    "harry": ("henry", "harrison", "harold"),
    "izzy": ("isabella", "isabel", "isla"),
    "jack": ("john", "jackson"),
    "jamie": ("james",),
    "jim": ("james",),
    "jo": ("joanna", "joseph", "josephine"),
    "joe": ("joseph",),
    "josh": ("joshua",),
    "kate": ("katherine", "catherine", "kathryn"),
    "katie": ("katherine", "catherine", "kathryn"),
    "libby": ("elizabeth",),
    "lizzie": ("elizabeth",),
    "lottie": ("charlotte",),
    "maddie": ("madison", "madeleine", "madeline"),
    "matt": ("matthew",),
    "max": ("maximilian", "maxwell"),
    "millie": ("amelia", "camille", "mildred"),
    "milly": ("amelia",),
    "mo": ("mohammed", "muhammad", "mohammad"),
    "nate": ("nathan", "nathaniel"),
    "ollie": ("oliver", "olivia"),
    "olly": ("oliver",),
    "rob": ("robert",),
    "rosie": ("rose", "rosa", "rosalind"),
    "sam": ("samuel", "samantha"),
    "sammy": ("samuel",),
    "sophie": ("sophia",),
    "teddy": ("edward", "theodore"),
    "ted": ("edward",),
    "theo": ("theodore",),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "will": ("william",),
    "zac": ("zachary",),
    "zach": ("zachary",),
}


def _nickname_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for short, fulls in _NICKNAMES.items():
        for full in fulls:
            groups.setdefault(short, set()).add(full)
            groups.setdefault(full, set()).add(short)
    return {k: frozenset(v) for k, v in groups.items()}


NICKNAMES = _nickname_groups()


def nicknames_agree(a: str, b: str) -> bool:
    """True when one name is a listed short form of the other, or both of one full name.

    (``"Alfie"`` and ``"Freddie"`` are both short forms of ``"Alfred"``.)
    """
    if a == b:
        return True
    if a not in NICKNAMES or b not in NICKNAMES:
        return False
    na, nb = NICKNAMES[a], NICKNAMES[b]
    return b in na or a in nb or bool(na & nb & set(_FULL_NAMES))


_FULL_NAMES = frozenset(full for fulls in _NICKNAMES.values() for full in fulls)

# --------------------------------------------------------------------------------------
# Agreement levels and their weights
# --------------------------------------------------------------------------------------


class Level(StrEnum):
    """How one field of a candidate agrees with the query."""

    EXACT = "exact"
    NICKNAME = "nickname"
    SOUNDS_ALIKE = "sounds alike"
    ONE_EDIT = "one letter different"
    PREFIX = "one is the start of the other"
    UNKNOWN = "not known"
    DIFFERENT = "different"
    # Dates of birth
    DAY_MONTH_SWAPPED = "day and month swapped"
    ONE_DAY = "one day out"
    TWO_DAYS = "two days out"
    ONE_DIGIT = "one digit different"
    ONE_YEAR = "one year out"
    # Postcode
    SAME_DISTRICT = "same postcode district"


@dataclass(frozen=True)
class Weights:
    """``m`` and ``u`` probabilities per field and level (see docs/matching.md).

    Exact name agreement has no fixed ``u``: it is the name's frequency among stored children
    (floored at ``min_name_frequency``). The defaults were calibrated on the tuning store of
    ``benchmarks/bench_matching.py`` (seed 1), never on its held-back query set.
    """

    family_m: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 0.90,
            Level.SOUNDS_ALIKE: 0.03,
            Level.ONE_EDIT: 0.03,
            Level.PREFIX: 0.01,
            Level.DIFFERENT: 0.03,
        }
    )
    family_u: dict[str, float] = field(
        default_factory=lambda: {
            Level.SOUNDS_ALIKE: 0.004,
            Level.ONE_EDIT: 0.0008,
            Level.PREFIX: 0.001,
            Level.DIFFERENT: 0.98,
        }
    )
    given_m: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 0.86,
            Level.NICKNAME: 0.05,
            Level.SOUNDS_ALIKE: 0.02,
            Level.ONE_EDIT: 0.03,
            Level.PREFIX: 0.01,
            Level.DIFFERENT: 0.01,
        }
    )
    given_u: dict[str, float] = field(
        default_factory=lambda: {
            Level.NICKNAME: 0.003,
            Level.SOUNDS_ALIKE: 0.01,
            Level.ONE_EDIT: 0.003,
            Level.PREFIX: 0.004,
            Level.DIFFERENT: 0.97,
        }
    )
    # Names given the other way round (family in the given field and vice versa): the pair.
    swapped_m: float = 0.02
    dob_m: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 0.88,
            Level.DAY_MONTH_SWAPPED: 0.025,
            Level.ONE_DAY: 0.04,
            Level.TWO_DAYS: 0.01,
            Level.ONE_DIGIT: 0.01,
            Level.ONE_YEAR: 0.01,
            Level.DIFFERENT: 0.015,
        }
    )
    # Children in the store are born over about two years: ``u`` for an exact date is about
    # one in 730; the near levels cover one or two such dates each.
    dob_u: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 1 / 730,
            Level.DAY_MONTH_SWAPPED: 1 / 730,
            Level.ONE_DAY: 2 / 730,
            Level.TWO_DAYS: 2 / 730,
            Level.ONE_DIGIT: 25 / 730,
            Level.ONE_YEAR: 1 / 730,
            Level.DIFFERENT: 0.98,
        }
    )
    sex_m: dict[str, float] = field(
        default_factory=lambda: {Level.EXACT: 0.98, Level.DIFFERENT: 0.02}
    )
    sex_u: dict[str, float] = field(
        default_factory=lambda: {Level.EXACT: 0.5, Level.DIFFERENT: 0.5}
    )
    postcode_m: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 0.85,
            Level.SAME_DISTRICT: 0.08,
            Level.DIFFERENT: 0.07,
        }
    )
    postcode_u: dict[str, float] = field(
        default_factory=lambda: {
            Level.EXACT: 0.0005,
            Level.SAME_DISTRICT: 0.05,
            Level.DIFFERENT: 0.95,
        }
    )
    min_name_frequency: float = 1e-5


DEFAULT_WEIGHTS = Weights()

# A candidate is shown only at or above this score (log2 likelihood ratio; see
# docs/matching.md for how it was calibrated). "Probable" at or above PROBABLE_THRESHOLD.
SHOW_THRESHOLD = 13.0
PROBABLE_THRESHOLD = 17.0
MAX_SHOWN = 10


def _w(m: float, u: float) -> float:
    return math.log2(m / u)


# --------------------------------------------------------------------------------------
# The query, the candidates and the scores
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The demographics compared: a query, or a stored record (``ref`` is its id)."""

    family_name: str | None
    given_name: str | None
    date_of_birth: date | None
    sex: str | None = None
    postcode: str | None = None
    address: str | None = None
    ref: int | None = None


@dataclass(frozen=True)
class FieldScore:
    """One field's agreement level, weight and the reason shown to the user."""

    field: str
    level: Level
    weight: float
    reason: str


@dataclass(frozen=True)
class Scored:
    """A candidate's total score, its field scores and any warnings, best first in lists."""

    person: Person
    score: float
    fields: tuple[FieldScore, ...]
    warnings: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in words, strongest first, then the warnings."""
        ordered = sorted(self.fields, key=lambda f: -abs(f.weight))
        return tuple(f.reason for f in ordered) + self.warnings

    @property
    def probable(self) -> bool:
        """At or above :data:`PROBABLE_THRESHOLD`."""
        return self.score >= PROBABLE_THRESHOLD


# Frequency of a normalised name among stored children (a share between 0 and 1).
Frequency = Callable[[str], float]


@lru_cache(maxsize=262_144)
def _name_level(q: str, c: str, *, given: bool) -> Level:
    if not q or not c:
        return Level.UNKNOWN
    if q == c:
        return Level.EXACT
    if given and nicknames_agree(q, c):
        return Level.NICKNAME
    if within_one_edit(q, c):
        return Level.ONE_EDIT
    if soundex(q) == soundex(c) or sound_key(q) == sound_key(c):
        return Level.SOUNDS_ALIKE
    if min(len(q), len(c)) >= 3 and (q.startswith(c) or c.startswith(q)):
        return Level.PREFIX
    return Level.DIFFERENT


def name_weight(
    level: Level, name: str, m: dict[str, float], u: dict[str, float], freq: Frequency, floor: float
) -> float:
    """The weight of a name agreement level; exact agreement weighted by the name's rarity."""
    if level is Level.UNKNOWN:
        return 0.0
    if level is Level.EXACT:
        return _w(m[Level.EXACT], max(freq(name), floor))
    return _w(m[level], u[level])


def dob_level(q: date, c: date) -> Level:
    """How a candidate's date of birth agrees with the one given."""
    if q == c:
        return Level.EXACT
    if q.year == c.year and q.day == c.month and q.month == c.day:
        return Level.DAY_MONTH_SWAPPED
    days = abs((q - c).days)
    if days == 1:
        return Level.ONE_DAY
    if days == 2:
        return Level.TWO_DAYS
    if (q.month, q.day) == (c.month, c.day) and abs(q.year - c.year) == 1:
        return Level.ONE_YEAR
    a, b = q.strftime("%Y%m%d"), c.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return Level.ONE_DIGIT
    return Level.DIFFERENT


def near_dates(dob: date) -> list[date]:
    """Dates a candidate's date of birth may have for a given one (the date itself excluded).

    +-2 days, day and month swapped, one year out either way.
    """
    out = {dob + timedelta(days=d) for d in (-2, -1, 1, 2)}
    for y, m, d in ((dob.year, dob.day, dob.month), (dob.year - 1, dob.month, dob.day)):
        try:
            swapped = date(y, m, d)
        except ValueError:
            continue
        out.add(swapped)
    with suppress(ValueError):
        out.add(date(dob.year + 1, dob.month, dob.day))
    out.discard(dob)
    return sorted(out)


@lru_cache(maxsize=65_536)
def postcode_key(postcode: str | None) -> str:
    """A postcode without spaces, upper case."""
    return "".join((postcode or "").split()).upper()


def _district(key: str) -> str:
    return key[:-3] if len(key) >= 5 else key


def score(
    query: Person,
    candidate: Person,
    family_freq: Frequency = lambda _: 0.001,
    given_freq: Frequency = lambda _: 0.005,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Scored:
    """Score one candidate against the query (every field, with its reason)."""
    w = weights
    fields: list[FieldScore] = []
    qf, cf = letters(clean_family(query.family_name)), letters(clean_family(candidate.family_name))
    q_given_unknown = unknown_given(query.given_name)
    c_given_unknown = unknown_given(candidate.given_name)
    qg = "" if q_given_unknown else letters(query.given_name)
    cg = "" if c_given_unknown else letters(candidate.given_name)
    fields += _best_name_fields(qf, cf, qg, cg, family_freq, given_freq, w)
    if query.date_of_birth and candidate.date_of_birth:
        level = dob_level(query.date_of_birth, candidate.date_of_birth)
        reason = "date of birth " + (
            "exact" if level is Level.EXACT else level.value.replace("different", "differs")
        )
        fields.append(
            FieldScore("date_of_birth", level, _w(w.dob_m[level], w.dob_u[level]), reason)
        )
    if query.sex in ("male", "female") and candidate.sex in ("male", "female"):
        level = Level.EXACT if query.sex == candidate.sex else Level.DIFFERENT
        fields.append(
            FieldScore(
                "sex",
                level,
                _w(w.sex_m[level], w.sex_u[level]),
                "same sex" if level is Level.EXACT else "different sex",
            )
        )
    qp, cp = postcode_key(query.postcode), postcode_key(candidate.postcode)
    if qp and cp:
        if qp == cp:
            level, reason = Level.EXACT, "same postcode"
        elif _district(qp) == _district(cp):
            level, reason = Level.SAME_DISTRICT, "same postcode district"
        else:
            level, reason = Level.DIFFERENT, "different postcode"
        fields.append(
            FieldScore("postcode", level, _w(w.postcode_m[level], w.postcode_u[level]), reason)
        )
    total = round(sum(f.weight for f in fields), 2)
    return Scored(candidate, total, tuple(fields))


def _best_name_fields(
    qf: str,
    cf: str,
    qg: str,
    cg: str,
    family_freq: Frequency,
    given_freq: Frequency,
    w: Weights,
) -> list[FieldScore]:
    """The names compared as given, or crosswise (family and given swapped): the better."""
    straight = _name_fields(qf, cf, qg, cg, family_freq, given_freq, w)
    if not (qf and qg and cf and cg) or (qf == cf and qg == cg):
        return straight
    crossed = _name_fields(qf, cg, qg, cf, family_freq, given_freq, w)
    if any(f.level in (Level.DIFFERENT, Level.UNKNOWN) for f in crossed):
        return straight
    penalty = math.log2(w.swapped_m)
    total = sum(f.weight for f in crossed) + penalty
    if total <= sum(f.weight for f in straight):
        return straight
    return [
        FieldScore(
            "names",
            Level.EXACT,
            total,
            "family and given names swapped (" + ", ".join(f.reason for f in crossed) + ")",
        )
    ]


def _name_fields(
    qf: str,
    cf: str,
    qg: str,
    cg: str,
    family_freq: Frequency,
    given_freq: Frequency,
    w: Weights,
) -> list[FieldScore]:
    out = []
    level = _name_level(qf, cf, given=False)
    if level is not Level.UNKNOWN:
        weight = name_weight(level, qf, w.family_m, w.family_u, family_freq, w.min_name_frequency)
        out.append(FieldScore("family_name", level, weight, f"family name {level.value}"))
    level = _name_level(qg, cg, given=True)
    weight = name_weight(level, qg, w.given_m, w.given_u, given_freq, w.min_name_frequency)
    reason = (
        "given name not known on one record (e.g. 'Baby')"
        if level is Level.UNKNOWN
        else f"given name {'a short form of the other' if level is Level.NICKNAME else level.value}"
    )
    out.append(FieldScore("given_name", level, weight, reason))
    return out


def _household_key(p: Person) -> str:
    return postcode_key(p.postcode) or letters(p.address)


def twin_warnings(candidates: Sequence[Person]) -> dict[int, tuple[int, ...]]:
    """Possible twins (or triplets) among the candidates, by position.

    For each candidate, the positions of others with the same family name, date of birth and
    address or postcode.
    """
    groups: dict[tuple[str, date | None, str], list[int]] = {}
    for i, c in enumerate(candidates):
        fam, home = letters(clean_family(c.family_name)), _household_key(c)
        if fam and home and c.date_of_birth:
            groups.setdefault((fam, c.date_of_birth, home), []).append(i)
    out: dict[int, tuple[int, ...]] = {}
    for members in groups.values():
        if len(members) > 1:
            for i in members:
                out[i] = tuple(j for j in members if j != i)
    return out


TWIN_WARNING = (
    "possible twin: another record has the same family name, date of birth and address; "
    "confirm which child this is"
)


def rank(
    query: Person,
    candidates: Iterable[Person],
    family_freq: Frequency = lambda _: 0.001,
    given_freq: Frequency = lambda _: 0.005,
    *,
    threshold: float = SHOW_THRESHOLD,
    limit: int = MAX_SHOWN,
    weights: Weights = DEFAULT_WEIGHTS,
    others: Sequence[Person] = (),
) -> list[Scored]:
    """Score every candidate and return those at or above ``threshold``, best first.

    Candidates that may be twins of another candidate, or of one of ``others`` (records not
    scored, e.g. the child whose possible matches these are), carry :data:`TWIN_WARNING`.
    """
    pool = list(candidates)
    scored = []
    quick = _QuickScorer(query, family_freq, given_freq, weights)
    for c in pool:
        # The quick total is the same sum without the reasons; most candidates stop here.
        if quick.total(c) < threshold - 0.01:
            continue
        s = score(query, c, family_freq, given_freq, weights)
        if s.score >= threshold:
            scored.append(s)
    if scored:
        # Twins: only the shown candidates' dates of birth need looking at.
        dates = {s.person.date_of_birth for s in scored}
        same_date = [c for c in (*pool, *others) if c.date_of_birth in dates]
        twins = twin_warnings(same_date)
        flagged = {id(same_date[i]) for i in twins}
        scored = [
            Scored(s.person, s.score, s.fields, (TWIN_WARNING,)) if id(s.person) in flagged else s
            for s in scored
        ]
    scored.sort(key=lambda s: (-s.score, s.person.ref or 0))
    return scored[:limit]


class _QuickScorer:
    """The total of :func:`score` for one query, without building reasons (a fast filter)."""

    def __init__(
        self, query: Person, family_freq: Frequency, given_freq: Frequency, w: Weights
    ) -> None:
        self.qf = letters(clean_family(query.family_name))
        self.qg = "" if unknown_given(query.given_name) else letters(query.given_name)
        self.fw = {
            level: name_weight(
                level, self.qf, w.family_m, w.family_u, family_freq, w.min_name_frequency
            )
            for level in (
                Level.EXACT,
                Level.SOUNDS_ALIKE,
                Level.ONE_EDIT,
                Level.PREFIX,
                Level.DIFFERENT,
            )
            if self.qf
        }
        self.fw[Level.UNKNOWN] = 0.0
        self.gw = {
            level: name_weight(
                level, self.qg, w.given_m, w.given_u, given_freq, w.min_name_frequency
            )
            for level in (
                Level.EXACT, Level.NICKNAME, Level.SOUNDS_ALIKE, Level.ONE_EDIT, Level.PREFIX,
                Level.DIFFERENT,
            )
            if self.qg
        }  # fmt: skip
        self.gw[Level.UNKNOWN] = 0.0
        self.penalty = math.log2(w.swapped_m)
        self.dob = query.date_of_birth
        self.dob_w = {level: _w(w.dob_m[level], w.dob_u[level]) for level in w.dob_m}
        self.sex = query.sex if query.sex in ("male", "female") else None
        self.sex_w = {level: _w(w.sex_m[level], w.sex_u[level]) for level in w.sex_m}
        self.pc = postcode_key(query.postcode)
        self.pc_w = {level: _w(w.postcode_m[level], w.postcode_u[level]) for level in w.postcode_m}

    def _names(self, cf: str, cg: str) -> float:
        qf, qg = self.qf, self.qg
        lf = _name_level(qf, cf, given=False) if qf and cf else Level.UNKNOWN
        lg = _name_level(qg, cg, given=True) if qg and cg else Level.UNKNOWN
        straight = self.fw.get(lf, 0.0) + self.gw.get(lg, 0.0)
        if not (qf and qg and cf and cg) or (qf == cf and qg == cg):
            return straight
        xf = _name_level(qf, cg, given=False)
        xg = _name_level(qg, cf, given=True)
        if xf is Level.DIFFERENT or xg is Level.DIFFERENT:
            return straight
        crossed = self.fw[xf] + self.gw[xg] + self.penalty
        return crossed if crossed > straight else straight

    def total(self, c: Person) -> float:
        """The candidate's score (before rounding)."""
        cf = letters(clean_family(c.family_name))
        cg = "" if unknown_given(c.given_name) else letters(c.given_name)
        total = self._names(cf, cg)
        if self.dob and c.date_of_birth:
            total += self.dob_w[dob_level(self.dob, c.date_of_birth)]
        if self.sex and c.sex in ("male", "female"):
            total += self.sex_w[Level.EXACT if c.sex == self.sex else Level.DIFFERENT]
        cp = postcode_key(c.postcode)
        if self.pc and cp:
            if self.pc == cp:
                total += self.pc_w[Level.EXACT]
            elif _district(self.pc) == _district(cp):
                total += self.pc_w[Level.SAME_DISTRICT]
            else:
                total += self.pc_w[Level.DIFFERENT]
        return total
