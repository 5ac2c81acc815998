"""The referrer of a presentation, where the child is now, the adults of a child's family.

Repositories return domain records (:mod:`triage_app.domain.handover`,
:mod:`triage_app.domain.records`), never rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from triage_app.domain.handover import ChildLocation, ReferrerDetails
from triage_app.domain.records import HouseholdMember, NotFoundError, Relation, UserRecord
from triage_app.store.orm import (
    CaseLocationRow,
    HouseholdLink,
    PresentationReferrer,
    User,
)
from triage_app.store.repositories import ChildRepository, user_record

ADULT_RELATIONS = (Relation.PARENTAL_RESPONSIBILITY.value, Relation.CARER.value)


class PresentationReferrerRepository:
    """Who referred at each presentation (as confirmed in the wizard) and the body-map marks."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def set(
        self,
        presentation_id: int,
        referrer: ReferrerDetails,
        marks: Sequence[dict[str, Any] | None] | None,
        user: str,
        now: datetime,
    ) -> None:
        """Store (or replace) the referrer and marks of a presentation."""
        row = self.s.scalar(
            select(PresentationReferrer).where(
                PresentationReferrer.presentation_id == presentation_id
            )
        )
        if row is None:
            row = PresentationReferrer(presentation_id=presentation_id, created_at=now)
            self.s.add(row)
        row.name, row.professional_role = referrer.name, referrer.professional_role
        row.organisation, row.phone = referrer.organisation, referrer.phone
        row.marks = list(marks) if marks is not None else None
        row.created_by = user
        self.s.flush()

    def for_presentations(
        self, ids: Iterable[int]
    ) -> dict[int, tuple[ReferrerDetails, list[dict[str, Any] | None] | None]]:
        """Return ``{presentation_id: (referrer, marks)}`` for those that have one."""
        wanted = list(ids)
        if not wanted:
            return {}
        rows = self.s.scalars(
            select(PresentationReferrer).where(PresentationReferrer.presentation_id.in_(wanted))
        ).all()
        return {
            r.presentation_id: (
                ReferrerDetails(r.name, r.professional_role, r.organisation, r.phone),
                r.marks,
            )
            for r in rows
        }


class CaseLocationRepository:
    """Where the child of a case is; the latest row is current, earlier ones the history."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, case_id: int, location: ChildLocation, user: str, now: datetime) -> ChildLocation:
        """Record where the child is now."""
        row = CaseLocationRow(
            case_id=case_id,
            place=location.place,
            detail=location.detail,
            with_whom=location.with_whom,
            recorded_at=now,
            recorded_by=user,
        )
        self.s.add(row)
        self.s.flush()
        return _location(row)

    def history(self, case_id: int) -> list[ChildLocation]:
        """Every location recorded for the case, oldest first."""
        rows = self.s.scalars(
            select(CaseLocationRow)
            .where(CaseLocationRow.case_id == case_id)
            .order_by(CaseLocationRow.id)
        ).all()
        return [_location(r) for r in rows]

    def current(self, case_id: int) -> ChildLocation | None:
        """The latest location recorded for the case, or ``None``."""
        found = self.history(case_id)
        return found[-1] if found else None


def _location(row: CaseLocationRow) -> ChildLocation:
    return ChildLocation(
        row.place, row.detail, row.with_whom, row.recorded_at, row.recorded_by, row.id
    )


class FamilyRepository:
    """The adults of a child's family: people with parental responsibility and carers."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def adults(self, child_id: int) -> list[HouseholdMember]:
        """The adults linked to the child, in the order they were recorded."""
        return [
            m
            for m in ChildRepository(self.s).household(child_id)
            if m.related_child is None and m.relation.value in ADULT_RELATIONS
        ]

    def replace_adults(
        self, child_id: int, adults: Sequence[HouseholdMember], user: str, now: datetime
    ) -> list[HouseholdMember]:
        """Make ``adults`` the child's adults (those not listed are unlinked)."""
        self.s.execute(
            delete(HouseholdLink).where(
                HouseholdLink.child_id == child_id,
                HouseholdLink.related_child_id.is_(None),
                HouseholdLink.relation.in_(ADULT_RELATIONS),
            )
        )
        children = ChildRepository(self.s)
        for a in adults:
            children.link(
                child_id,
                a.relation,
                user,
                now,
                person_name=a.person_name,
                notes=a.notes,
                relationship=a.relationship,
                date_of_birth=a.date_of_birth,
                contact=a.contact,
                lives_with_child=a.lives_with_child,
            )
        return self.adults(child_id)


class ProfileRepository:
    """The professional profile of an account."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, username: str) -> UserRecord | None:
        """The account, or ``None``."""
        row = self.s.scalar(select(User).where(User.username == username))
        return user_record(row) if row else None

    def set(self, username: str, profile: ReferrerDetails) -> UserRecord:
        """Save the account's full name, professional role, organisation and phone."""
        row = self.s.scalar(select(User).where(User.username == username))
        if row is None:
            raise NotFoundError(f"no account {username!r}")
        row.display_name = profile.name
        row.professional_role = profile.professional_role
        row.organisation = profile.organisation
        row.phone = profile.phone
        self.s.flush()
        return user_record(row)
