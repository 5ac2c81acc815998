"""Use-cases for the referral record's handover details.

- The account's professional profile (full name, professional role, organisation, call-back
  number): the default referrer of every assessment the account records.
- The referrer of one presentation as confirmed in the wizard (a student seeing the child
  with a supervisor changes it), with the positions clicked on the body map.
- The child's family: people with parental responsibility and carers (name, relationship,
  born, contact, whether they live with the child), address, GP, health visitor, interpreter;
  stored with the child and offered again at the next assessment.
- Where the child is now and with whom (``triage-app case location``).

Each use-case is one transaction with its audit event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain.access import AccessDeniedError, Permission, allowed
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.handover import (
    ChildLocation,
    ReferrerDetails,
    location_problems,
    professional_role_problem,
)
from triage_app.domain.records import ChildRecord, HouseholdMember, Relation, UserRecord
from triage_app.services.children import (
    check_pregnancy_due_date,
    child_audit,
    store_pregnancy_due_date,
    validate_child,
)
from triage_app.services.context import StoreContext
from triage_app.store.case_repository import CaseRepository
from triage_app.store.handover_repository import (
    CaseLocationRepository,
    FamilyRepository,
    PresentationReferrerRepository,
    ProfileRepository,
)
from triage_app.store.repositories import ChildRepository, PresentationRepository


def profile_problems(profile: ReferrerDetails) -> list[Problem]:
    """Return what is missing or wrong in a professional profile."""
    problems = [
        Problem(what.replace(" ", "_").replace("-", "_"), "is required")
        for what in profile.missing()
    ]
    if profile.professional_role:
        reason = professional_role_problem(profile.professional_role)
        if reason:
            problems.append(Problem("professional_role", reason))
    return problems


def get_profile(ctx: StoreContext, username: str | None = None) -> UserRecord | None:
    """The account's record with its professional profile (the signed-in user by default)."""
    with ctx.transaction() as s:
        return ProfileRepository(s).get(username or ctx.user)


def set_profile(
    ctx: StoreContext, profile: ReferrerDetails, username: str | None = None
) -> UserRecord:
    """Save an account's professional profile (your own; anyone's for an administrator).

    Raises:
        InputError: a part is missing, or the role is not one of the professional roles.
        AccessDeniedError: changing another account's profile without the accounts permission.
        NotFoundError: no such account.
    """
    username = username or ctx.user
    if username != ctx.user and not allowed(ctx.role, Permission.MANAGE_USERS):
        raise AccessDeniedError(ctx.user, ctx.role, Permission.MANAGE_USERS)
    problems = profile_problems(profile)
    if problems:
        raise InputError(problems)
    profile = ReferrerDetails(*(v.strip() if v else v for v in dataclasses.astuple(profile)))
    with ctx.transaction() as s:
        saved = ProfileRepository(s).set(username, profile)
        ctx.audit(s, "update", "user_profile", username, after=dataclasses.asdict(profile))
        return saved


def default_referrer(ctx: StoreContext) -> ReferrerDetails:
    """The signed-in account's profile, to prefill the wizard's referrer confirmation."""
    return _referrer_of(ctx, get_profile(ctx))


def _referrer_of(ctx: StoreContext, user: UserRecord | None) -> ReferrerDetails:
    if user is None:
        return ReferrerDetails(name=ctx.user)
    return ReferrerDetails(
        user.display_name or user.username, user.professional_role, user.organisation, user.phone
    )


def record_referrer(
    ctx: StoreContext,
    presentation_id: int,
    referrer: ReferrerDetails,
    marks: Sequence[dict[str, Any] | None] | None = None,
) -> None:
    """Store who referred at a presentation (confirmed in the wizard) and the body-map marks.

    Raises:
        InputError: the professional role is not one of the list.
        NotFoundError: no such presentation.
    """
    problems = referrer_problems(referrer)
    if problems:
        raise InputError(problems)
    with ctx.transaction() as s:
        store_referrer(ctx, s, presentation_id, referrer, marks)


def referrer_problems(referrer: ReferrerDetails | None) -> list[Problem]:
    """What is wrong with a referrer confirmed in the wizard (empty when it can be stored)."""
    if referrer is not None and referrer.professional_role:
        reason = professional_role_problem(referrer.professional_role)
        if reason:
            return [Problem("referrer.professional_role", reason)]
    return []


def store_referrer(
    ctx: StoreContext,
    s: Session,
    presentation_id: int,
    referrer: ReferrerDetails | None,
    marks: Sequence[dict[str, Any] | None] | None = None,
) -> None:
    """Inside a transaction: store a checked referrer (``None``: the account's profile)."""
    if referrer is None:
        referrer = _referrer_of(ctx, ProfileRepository(s).get(ctx.user))
    PresentationRepository(s).get(presentation_id)
    PresentationReferrerRepository(s).set(presentation_id, referrer, marks, ctx.user, ctx.clock())
    ctx.audit(
        s,
        "create",
        "presentation_referrer",
        presentation_id,
        after={**dataclasses.asdict(referrer), "marks": len(marks or ())},
    )


@dataclass(frozen=True)
class FamilyAdult:
    """A person with parental responsibility, or a carer, as captured in the wizard."""

    name: str
    relationship: str | None = None
    parental_responsibility: bool = True
    date_of_birth: date | None = None
    contact: str | None = None
    lives_with_child: bool | None = None


@dataclass(frozen=True)
class Family:
    """A child's family and care details as captured in the wizard."""

    adults: tuple[FamilyAdult, ...] = ()
    address: str | None = None
    postcode: str | None = None
    gp_practice: str | None = None
    health_visitor: str | None = None
    interpreter_needed: bool | None = None
    interpreter_language: str | None = None


def get_family(ctx: StoreContext, child_id: int) -> Family:
    """The family stored with the child (offered again at the next assessment)."""
    with ctx.transaction() as s:
        child = ChildRepository(s).get(child_id)
        adults = FamilyRepository(s).adults(child_id)
    return Family(
        adults=tuple(
            FamilyAdult(
                m.person_name or "",
                m.relationship,
                m.relation == Relation.PARENTAL_RESPONSIBILITY,
                m.date_of_birth,
                m.contact,
                m.lives_with_child,
            )
            for m in adults
        ),
        address=child.address,
        postcode=child.postcode,
        gp_practice=child.gp_practice,
        health_visitor=child.health_visitor,
        interpreter_needed=child.interpreter_needed,
        interpreter_language=child.interpreter_language,
    )


def save_family(ctx: StoreContext, child_id: int, family: Family) -> ChildRecord:
    """Store the family with the child: its details, and its adults replacing those before.

    Raises:
        InputError: an adult without a name.
        NotFoundError: no such child.
    """
    problems = family_problems(family)
    if problems:
        raise InputError(problems)
    with ctx.transaction() as s:
        return store_family(ctx, s, child_id, family)


def family_problems(family: Family | None) -> list[Problem]:
    """What is wrong with a family typed in the wizard (empty when it can be stored)."""
    return [
        Problem(f"family.adults[{i}].name", "is required")
        for i, a in enumerate(family.adults if family is not None else ())
        if not a.name.strip()
    ]


def store_family(ctx: StoreContext, s: Session, child_id: int, family: Family) -> ChildRecord:
    """Inside a transaction: store a checked family with the child (see :func:`save_family`)."""
    now = ctx.clock()
    children = ChildRepository(s)
    before = children.get(child_id)
    updated = dataclasses.replace(
        before,
        address=family.address,
        postcode=family.postcode,
        gp_practice=family.gp_practice,
        health_visitor=family.health_visitor,
        interpreter_needed=family.interpreter_needed,
        interpreter_language=family.interpreter_language,
    )
    child = children.update(validate_child(updated, require_name=False), ctx.user, now)
    if child != before:
        ctx.audit(s, "update", "child", child_id, child_audit(before), child_audit(child))
    adults = FamilyRepository(s).replace_adults(
        child_id,
        [
            HouseholdMember(
                Relation.PARENTAL_RESPONSIBILITY if a.parental_responsibility else Relation.CARER,
                person_name=a.name.strip(),
                relationship=a.relationship,
                date_of_birth=a.date_of_birth,
                contact=a.contact,
                lives_with_child=a.lives_with_child,
            )
            for a in family.adults
        ],
        ctx.user,
        now,
    )
    ctx.audit(
        s,
        "update",
        "household_adults",
        child_id,
        after={"adults": [m.person_name for m in adults]},
    )
    return child


def record_location(
    ctx: StoreContext, case_id: int, place: str, detail: str, with_whom: str | None = None
) -> ChildLocation:
    """Record where the case's child is now and with whom (the record prints the latest).

    Raises:
        InputError: an unknown place, no detail, or "home" without the named carer.
        NotFoundError: no such case.
        AccessDeniedError: the user's role may not record.
    """
    location = checked_location(ctx, ChildLocation(place, detail, with_whom))
    with ctx.transaction() as s:
        return store_location(ctx, s, case_id, location)


def checked_location(ctx: StoreContext, location: ChildLocation) -> ChildLocation:
    """The location, trimmed, once the user may record it and it is complete.

    Raises:
        InputError: an unknown place, no detail, or "home" without the named carer.
        AccessDeniedError: the user's role may not record.
    """
    if not allowed(ctx.role, Permission.RECORD):
        raise AccessDeniedError(ctx.user, ctx.role, Permission.RECORD)
    place, detail, with_whom = location.place, location.detail, location.with_whom
    problems = location_problems(place, detail, with_whom, words=True)  # the window sees these
    if problems:
        raise InputError([Problem("location", p) for p in problems])
    return ChildLocation(place, detail.strip(), (with_whom or "").strip() or None)


def store_location(
    ctx: StoreContext, s: Session, case_id: int, location: ChildLocation
) -> ChildLocation:
    """Inside a transaction: record a checked location on the case (audited)."""
    CaseRepository(s).get(case_id)
    saved = CaseLocationRepository(s).add(case_id, location, ctx.user, ctx.clock())
    ctx.audit(
        s,
        "create",
        "case_location",
        saved.id,
        after={"case_id": case_id, "place": location.place},
    )
    return saved


def current_location(ctx: StoreContext, case_id: int) -> ChildLocation | None:
    """Where the case's child is now (the latest location recorded), or ``None``."""
    with ctx.transaction() as s:
        return CaseLocationRepository(s).current(case_id)


@dataclass(frozen=True)
class HandoverDetails:
    """What the wizard confirms besides the assessment, stored in the assessment's transaction.

    Attributes:
        referrer: Who referred (``None``: the account's profile, stored when there are marks).
        marks: The positions clicked on the body map.
        family: The family typed in the wizard (``None``: the step was never shown).
        pregnant: The family step's pregnancy answer (``None``: not known or not asked).
        pregnancy_due: The expected date when ``pregnant`` is true.
        location: Where the child is now (stored on the case, when one is opened or joined).
    """

    referrer: ReferrerDetails | None = None
    marks: Sequence[dict[str, Any] | None] | None = None
    family: Family | None = None
    pregnant: bool | None = None
    pregnancy_due: date | None = None
    location: ChildLocation | None = None


def check_handover(ctx: StoreContext, details: HandoverDetails) -> HandoverDetails:
    """Check every part before anything is stored; return the details with the location trimmed.

    Raises:
        InputError: every problem found (referrer role, an adult without a name, an expected
            date out of range, an incomplete location).
        AccessDeniedError: a location given by a role that may not record.
    """
    problems = referrer_problems(details.referrer) + family_problems(details.family)
    try:
        check_pregnancy_due_date(ctx, details.pregnancy_due if details.pregnant else None)
    except InputError as exc:
        problems += exc.problems
    location = details.location
    if location is not None:
        try:
            location = checked_location(ctx, location)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return dataclasses.replace(details, location=location)


def store_handover(
    ctx: StoreContext,
    s: Session,
    details: HandoverDetails,
    *,
    presentation_id: int,
    child_id: int,
    case_id: int | None,
) -> None:
    """Inside the assessment's transaction: store checked details (:func:`check_handover`)."""
    if details.referrer is not None or details.marks:
        store_referrer(ctx, s, presentation_id, details.referrer, details.marks)
    if details.family is not None:
        store_family(ctx, s, child_id, details.family)
    stored_due = ChildRepository(s).get(child_id).pregnancy_due_date
    due = details.pregnancy_due
    if (details.pregnant is True and due is not None and due != stored_due) or (
        details.pregnant is False and stored_due is not None
    ):
        # Stored with the household and shown with the pre-birth referral (C7).
        store_pregnancy_due_date(ctx, s, child_id, due if details.pregnant else None)
    if case_id is not None and details.location is not None:
        store_location(ctx, s, case_id, details.location)
