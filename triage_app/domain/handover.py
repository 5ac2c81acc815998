"""Rules for the referral record a nurse can hand over as it is (pure functions, no I/O).

- Professional roles: who the referring clinician is, in words a receiving social worker
  reads (never the app's permission role).
- Where the child is now and with whom (:class:`ChildLocation`): a required choice at
  finalising and before sealing; ``triage-app case location`` records it.
- CP-IS from an emergency department or ambulance: sealing needs a result, or "not
  available" with a reason (:func:`cp_is_seal_problem`).
- Explanations across presentations: listed for the reader to judge, never scored
  (:func:`explanation_changes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

PROFESSIONAL_ROLES: dict[str, str] = {
    "gp": "GP",
    "ed_doctor": "ED doctor",
    "ed_nurse": "ED nurse",
    "health_visitor": "Health visitor",
    "midwife": "Midwife",
    "safeguarding_nurse": "Safeguarding nurse",
    "paediatrician": "Paediatrician",
    "other": "Other",
}
"""Professional role ids and how they print, in the order the forms offer them."""


def professional_role_label(role: str | None) -> str | None:
    """Return how a professional role prints (free text from "other" prints as given)."""
    if not role:
        return None
    return PROFESSIONAL_ROLES.get(role, role)


def professional_role_problem(role: str | None) -> str | None:
    """Return why ``role`` is not a professional role id, or ``None`` when it is."""
    if role in PROFESSIONAL_ROLES:
        return None
    return "professional role must be one of: " + ", ".join(PROFESSIONAL_ROLES)


@dataclass(frozen=True)
class ReferrerDetails:
    """The referring clinician: full name, professional role, organisation, call-back number."""

    name: str | None = None
    professional_role: str | None = None
    organisation: str | None = None
    phone: str | None = None

    def missing(self) -> list[str]:
        """Return the parts not given (a referral needs all four to be called back)."""
        return [
            what
            for what, value in (
                ("full name", self.name),
                ("professional role", self.professional_role),
                ("organisation", self.organisation),
                ("call-back number", self.phone),
            )
            if not (value or "").strip()
        ]


PLACES: dict[str, str] = {
    "admitted": "Admitted",
    "emergency_department": "In the emergency department",
    "home": "At home",
    "other": "Other",
}
"""Where the child can be now (ids of ``case location --where``) and how each prints."""


@dataclass(frozen=True)
class ChildLocation:
    """Where the child is now and with whom, as recorded on the case."""

    place: str
    detail: str
    with_whom: str | None = None
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    id: int | None = None

    def line(self) -> str:
        """``Admitted: Ward 7 (children's ward), with mother`` (how the record prints it)."""
        text = f"{PLACES.get(self.place, self.place)}: {self.detail}"
        return text + (f", with {self.with_whom}" if self.with_whom else "")


def location_problems(
    place: str | None, detail: str | None, with_whom: str | None, *, words: bool = False
) -> list[str]:
    """Return what is wrong with a location (empty when it can be recorded).

    The detail names the ward, the department, the address or what "other" means. At home the
    named carer is required: "at home" alone does not tell social care who is with the child.
    ``words``: the same problems for a screen (the places in words, no command-line options).
    """
    problems = []
    if place not in PLACES:
        if words:
            choices = [text.lower() for text in PLACES.values()]
            problems.append(f"choose where ({', '.join(choices[:-1])} or {choices[-1]})")
        else:
            problems.append("where must be one of: " + ", ".join(PLACES))
    if not (detail or "").strip():
        what = {
            "admitted": "the ward",
            "emergency_department": "the department (hospital)",
            "home": "the address or 'home address on record'",
        }.get(place or "", "where the child is")
        problems.append(f"the detail is required: give {what}")
    if place == "home" and not (with_whom or "").strip():
        option = "" if words else " (--with NAME)"
        problems.append(f"at home needs the named carer the child is with{option}")
    return problems


CP_IS_SETTINGS = frozenset({"ed", "ambulance", "urgent_care"})
"""Settings where CP-IS is visible (unscheduled care), so a referral from them needs a result."""

CP_IS_RESULTS = frozenset({"cpp", "lac", "ucpp", "none"})


def cp_is_seal_problem(setting: str | None, status: str, check_note: str | None) -> str | None:
    """Return why a record cannot be sealed for its CP-IS state, or ``None``.

    Args:
        setting: Where the child was seen (a ``Setting`` value).
        status: The CP-IS state given in the assessment (a ``CpIs`` value).
        check_note: The note of the CP-IS check recorded on the case afterwards: its result,
            or why CP-IS was not available.
    """
    if (check_note or "").strip():
        return None
    if status == "unavailable":
        return (
            "CP-IS: 'not available' needs a reason: record \u201cCheck CP-IS\u201d as done in "
            "the case's actions with a note saying why it could not be checked (on the command "
            "line: case action ID check_cp_is --done --note TEXT)"
        )
    if setting in CP_IS_SETTINGS and status not in CP_IS_RESULTS and status != "unavailable":
        return (
            "CP-IS: a referral from an emergency department, urgent care or ambulance needs a "
            "CP-IS result, or 'not available' with a reason: record \u201cCheck CP-IS\u201d as "
            "done in the case's actions first, with the result as its note (on the command "
            "line: case action ID check_cp_is --done --note TEXT)"
        )
    return None


@dataclass(frozen=True)
class StatedExplanation:
    """An explanation as given at one presentation."""

    on: date
    text: str
    current: bool = False


def _key(text: str) -> str:
    return " ".join("".join(c for c in text.casefold() if c.isalnum() or c.isspace()).split())


def explanation_changes(explanations: Sequence[StatedExplanation]) -> str | None:
    """Return a note when the explanations given at different presentations differ.

    The note says how many different explanations were given over what span, for the reader
    to judge; it never weighs them. ``None`` when fewer than two presentations have one, or
    they all read the same (ignoring case, spaces and punctuation).
    """
    given = sorted((e for e in explanations if e.text.strip()), key=lambda e: e.on)
    if len(given) < 2:
        return None
    distinct = {_key(e.text) for e in given}
    if len(distinct) < 2:
        return None
    days = (given[-1].on - given[0].on).days
    span = f"{days} days" if days < 21 else f"{days // 7} weeks"
    return (
        f"{len(distinct)} different explanations were recorded at {len(given)} presentations "
        f"over {span} (each is in the table of earlier presentations and in section 5). "
        "Noted for the reader to judge; the app does not score or interpret them."
    )
