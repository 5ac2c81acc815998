"""Repositories: rows in, domain records out. No ORM object leaves this package.

Each repository works inside the session (and so the transaction) its caller opened; it never
commits. Updates name the version the caller read: a different stored version raises
:class:`~triage_app.domain.records.ConflictError` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from triage_app.domain.compliance import facts_from_decision
from triage_app.domain.records import (
    CHILD_RELATIONS,
    AssessmentRecord,
    ChildRecord,
    ConflictError,
    FindingRecord,
    HouseholdMember,
    NotFoundError,
    PresentationRecord,
    Relation,
    UserRecord,
)
from triage_app.store.driver_select import DriverSelect, Rows
from triage_app.store.orm import Assessment, Child, HouseholdLink, Presentation, User
from triage_app.store.search import match_columns, name_key

CHILD_FIELDS = (
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "gp_practice",
    "cp_plan",
    "looked_after",
    "pregnancy_due_date",
    "health_visitor",
    "interpreter_needed",
    "interpreter_language",
)


def child_record(row: Child) -> ChildRecord:
    """Map a child row to its record."""
    return ChildRecord(
        **{f: getattr(row, f) for f in CHILD_FIELDS}, id=row.id, version=row.row_version
    )


def presentation_record(row: Presentation) -> PresentationRecord:
    """Map a presentation row to its record."""
    return PresentationRecord(
        child_id=row.child_id,
        seen_at=row.seen_at,
        setting=row.setting,
        organisation=row.organisation,
        complaint=row.complaint,
        findings=tuple(FindingRecord.from_json(f) for f in row.findings or ()),
        explanation=row.explanation,
        outcome=row.outcome,
        mobility=row.mobility,
        nim_at_time=row.nim_at_time,
        source=row.source,
        source_id=row.source_id,
        id=row.id,
        version=row.row_version,
        review=row.review,
    )


# Read paths select columns (SQLAlchemy Core) rather than ORM entities: a history lookup
# reads dozens of rows to turn them into records at once, and the identity map, the unit of
# work and statement building cost many times more than the query itself. The statements
# are built once (bound parameters); building one costs more than running it.
_CHILD = Child.__table__.c
_CHILD_COLUMNS = [*(_CHILD[f] for f in CHILD_FIELDS), _CHILD.id, _CHILD.row_version]
_PRESENTATION = Presentation.__table__.c
_PRESENTATION_FIELDS = (
    "child_id", "seen_at", "setting", "organisation", "complaint", "findings", "explanation",
    "outcome", "mobility", "nim_at_time", "source", "source_id", "id", "row_version", "review",
)  # fmt: skip
_LINK = HouseholdLink.__table__.c
_ASSESSMENT = Assessment.__table__.c

_CHILD_BY_NHS = DriverSelect(select(*_CHILD_COLUMNS).where(_CHILD.nhs_number == bindparam("nhs")))
_CHILD_BY_ID = DriverSelect(select(*_CHILD_COLUMNS).where(_CHILD.id == bindparam("id")))
# One query for the household: each link with the other child's columns (never N+1).
_HOUSEHOLD = DriverSelect(
    select(
        _LINK.id,
        _LINK.child_id,
        _LINK.related_child_id,
        _LINK.relation,
        _LINK.person_name,
        _LINK.notes,
        _LINK.relationship,
        _LINK.date_of_birth,
        _LINK.contact,
        _LINK.lives_with_child,
        *_CHILD_COLUMNS,
    )  # fmt: skip
    .select_from(HouseholdLink.__table__)
    .outerjoin(
        Child.__table__,
        _CHILD.id
        == case((_LINK.child_id == bindparam("cid"), _LINK.related_child_id), else_=_LINK.child_id),
    )
    .where(or_(_LINK.child_id == bindparam("cid"), _LINK.related_child_id == bindparam("cid")))
    .order_by(_LINK.id)
)
_PRESENTATIONS = select(*(_PRESENTATION[f] for f in _PRESENTATION_FIELDS)).where(
    _PRESENTATION.child_id.in_(bindparam("ids", expanding=True))
)
_NEWEST_FIRST = (_PRESENTATION.seen_at.desc(), _PRESENTATION.id.desc())
_PRESENTATIONS_ALL = DriverSelect(_PRESENTATIONS.order_by(*_NEWEST_FIRST))
_PRESENTATIONS_BEFORE = DriverSelect(
    _PRESENTATIONS.where(_PRESENTATION.seen_at < bindparam("before")).order_by(*_NEWEST_FIRST)
)
_URGENCIES = DriverSelect(
    select(_ASSESSMENT.presentation_id, _ASSESSMENT.urgency)
    .where(_ASSESSMENT.presentation_id.in_(bindparam("ids", expanding=True)))
    .order_by(_ASSESSMENT.id)
)


def _read(session: Session, statement: DriverSelect, params: dict[str, Any]) -> Rows:
    """Run a read in the session's transaction, after flushing pending ORM changes.

    On SQLite it runs on the driver's cursor (``store.driver_select``); the values are those
    Core gives.
    """
    return statement.rows(session, params)


def _child_from_columns(r: Sequence[Any]) -> ChildRecord:
    """A child record from a row of ``_CHILD_COLUMNS`` (in that order)."""
    n = len(CHILD_FIELDS)
    return ChildRecord(**dict(zip(CHILD_FIELDS, r[:n], strict=True)), id=r[n], version=r[n + 1])


def _presentation_from_columns(r: Sequence[Any]) -> PresentationRecord:
    """A presentation record from a row of ``_PRESENTATION_FIELDS`` (as presentation_record)."""
    (child_id, seen_at, setting, organisation, complaint, findings, explanation, outcome,
     mobility, nim_at_time, source, source_id, pid, version, review) = r  # fmt: skip
    return PresentationRecord(
        child_id=child_id,
        seen_at=seen_at,
        setting=setting,
        organisation=organisation,
        complaint=complaint,
        findings=tuple(FindingRecord.from_json(f) for f in findings or ()),
        explanation=explanation,
        outcome=outcome,
        mobility=mobility,
        nim_at_time=nim_at_time,
        source=source,
        source_id=source_id,
        id=pid,
        version=version,
        review=review,
    )


def flush_or_conflict(session: Session, entity: str, entity_id: int, expected: int) -> None:
    """Flush; a row changed by another transaction meanwhile becomes a ConflictError."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(entity, entity_id, expected, None) from exc


def user_record(row: User) -> UserRecord:
    """Map a user row to its record (with the professional profile)."""
    return UserRecord(
        row.username,
        row.display_name,
        row.role,
        row.id,
        professional_role=row.professional_role,
        organisation=row.organisation,
        phone=row.phone,
    )


class UserRepository:
    """Users of the app."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def ensure(self, username: str, now: datetime) -> tuple[UserRecord, bool]:
        """Return the user, creating it on first use; the flag says whether it was created."""
        row = self.s.scalar(select(User).where(User.username == username))
        created = row is None
        if row is None:
            row = User(username=username, created_at=now)
            self.s.add(row)
            self.s.flush()
        return user_record(row), created


class ChildRepository:
    """Children and their household links."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, child: ChildRecord, user: str, now: datetime) -> ChildRecord:
        """Store a new child and return it with its id and version."""
        row = Child(
            **{f: getattr(child, f) for f in CHILD_FIELDS},
            name_key=name_key(child.family_name),
            **match_columns(child.family_name, child.given_name),
            created_at=now,
            created_by=user,
        )
        self.s.add(row)
        self.s.flush()
        return child_record(row)

    def get(self, child_id: int) -> ChildRecord:
        """Return a child by id, or raise NotFoundError."""
        row = _read(self.s, _CHILD_BY_ID, {"id": child_id}).first()
        if row is None:
            raise NotFoundError(f"no child with id {child_id}")
        return _child_from_columns(row)

    def by_nhs_number(self, nhs_number: str) -> ChildRecord | None:
        """Return the child with this NHS number (ten digits), or ``None``."""
        row = _read(self.s, _CHILD_BY_NHS, {"nhs": nhs_number}).first()
        return _child_from_columns(row) if row else None

    def update(self, child: ChildRecord, user: str, now: datetime) -> ChildRecord:
        """Save changed details; ``child.version`` must be the version that was read."""
        if child.id is None:
            raise NotFoundError("cannot update a child that was never stored")
        row = self.s.get(Child, child.id)
        if row is None:
            raise NotFoundError(f"no child with id {child.id}")
        changes = {f: getattr(child, f) for f in CHILD_FIELDS}
        if row.row_version != child.version:
            raise ConflictError("child", child.id, child.version, row.row_version, changes)
        for name, value in changes.items():
            setattr(row, name, value)
        row.name_key = name_key(child.family_name)
        for column, value in match_columns(child.family_name, child.given_name).items():
            setattr(row, column, value)
        row.modified_at, row.modified_by = now, user
        flush_or_conflict(self.s, "child", child.id, child.version)
        return child_record(row)

    def candidates(self, dob: date, key: str | None, near: Sequence[date]) -> list[ChildRecord]:
        """Children born on ``dob``, plus those with the same name key born on a ``near`` date."""
        clauses = [Child.date_of_birth == dob]
        if key and near:
            clauses.append((Child.name_key == key) & Child.date_of_birth.in_(list(near)))
        # Columns, not ORM objects: hundreds of candidates per date of birth are read, scored
        # and dropped; identity-map objects would cost more than the query.
        columns = [getattr(Child, f) for f in CHILD_FIELDS]
        rows = self.s.execute(
            select(*columns, Child.id, Child.row_version).where(or_(*clauses)).limit(5_000)
        ).all()
        return [
            ChildRecord(**dict(zip(CHILD_FIELDS, r[:-2], strict=True)), id=r[-2], version=r[-1])
            for r in rows
        ]

    def link(
        self,
        child_id: int,
        relation: Relation,
        user: str,
        now: datetime,
        *,
        related_child_id: int | None = None,
        person_name: str | None = None,
        notes: str | None = None,
        relationship: str | None = None,
        date_of_birth: date | None = None,
        contact: str | None = None,
        lives_with_child: bool | None = None,
    ) -> HouseholdMember:
        """Link a household member to a child: another child by id, or an adult by name."""
        relation = Relation(relation)
        if relation in CHILD_RELATIONS and related_child_id is None:
            raise ValueError(f"a {relation.value} link needs the other child's record")
        if related_child_id is None and not (person_name or "").strip():
            raise ValueError(f"a {relation.value} link needs the person's name")
        if related_child_id == child_id:
            raise ValueError("a child cannot be linked to themselves")
        for cid in (child_id, related_child_id):
            if cid is not None and self.s.get(Child, cid) is None:
                raise NotFoundError(f"no child with id {cid}")
        row = HouseholdLink(
            child_id=child_id,
            relation=relation.value,
            related_child_id=related_child_id,
            person_name=person_name,
            notes=notes,
            created_at=now,
            created_by=user,
            relationship=relationship,
            date_of_birth=date_of_birth,
            contact=contact,
            lives_with_child=lives_with_child,
        )
        self.s.add(row)
        self.s.flush()
        related = self.get(related_child_id) if related_child_id is not None else None
        return _member(row, related)

    def household(self, child_id: int) -> list[HouseholdMember]:
        """Return the child's household; child-to-child links count from either end."""
        return household_members(_read(self.s, _HOUSEHOLD, {"cid": child_id}), child_id)


def household_members(rows: Sequence[Sequence[Any]], child_id: int) -> list[HouseholdMember]:
    """The household from the rows of ``_HOUSEHOLD`` for ``child_id`` (each child once)."""
    members: list[HouseholdMember] = []
    seen: set[int] = set()
    for row in rows:
        (link_id, a, b, relation, person_name, notes, relationship, dob, contact,
         lives_with_child) = row[:10]  # fmt: skip
        other = b if a == child_id else a
        if other is not None:
            if other in seen:
                continue
            seen.add(other)
            if row[10 + len(CHILD_FIELDS)] is None:
                raise NotFoundError(f"no child with id {other}")
            related = _child_from_columns(row[10:])
            members.append(HouseholdMember(Relation(relation), related, None, notes, link_id))
        else:
            members.append(
                HouseholdMember(
                    Relation(relation),
                    None,
                    person_name,
                    notes,
                    link_id,
                    relationship=relationship,
                    date_of_birth=dob,
                    contact=contact,
                    lives_with_child=lives_with_child,
                )
            )
    return members


def _member(row: HouseholdLink, related: ChildRecord | None) -> HouseholdMember:
    return HouseholdMember(
        Relation(row.relation),
        related,
        row.person_name if related is None else None,
        row.notes,
        row.id,
        relationship=row.relationship,
        date_of_birth=row.date_of_birth,
        contact=row.contact,
        lives_with_child=row.lives_with_child,
    )


class PresentationRepository:
    """Presentations and the assessments made on them."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, p: PresentationRecord, user: str, now: datetime) -> PresentationRecord:
        """Store a presentation and return it with its id."""
        row = Presentation(
            child_id=p.child_id,
            seen_at=p.seen_at,
            setting=p.setting,
            organisation=p.organisation,
            complaint=p.complaint,
            findings=[f.to_json() for f in p.findings],
            explanation=p.explanation,
            outcome=p.outcome,
            mobility=p.mobility,
            nim_at_time=p.nim_at_time,
            source=p.source,
            source_id=p.source_id,
            created_at=now,
            created_by=user,
        )
        self.s.add(row)
        self.s.flush()
        return presentation_record(row)

    def get(self, presentation_id: int) -> PresentationRecord:
        """Return a presentation by id, or raise NotFoundError."""
        row = self.s.get(Presentation, presentation_id)
        if row is None:
            raise NotFoundError(f"no presentation with id {presentation_id}")
        return presentation_record(row)

    def for_children(
        self, child_ids: Iterable[int], before: datetime | None = None
    ) -> list[PresentationRecord]:
        """Return the children's presentations, newest first (optionally before a time)."""
        ids = list(child_ids)
        if not ids:
            return []
        if before is None:
            rows = _read(self.s, _PRESENTATIONS_ALL, {"ids": ids})
        else:
            rows = _read(self.s, _PRESENTATIONS_BEFORE, {"ids": ids, "before": before})
        return [_presentation_from_columns(r) for r in rows]

    def add_assessment(self, a: AssessmentRecord, user: str, now: datetime) -> AssessmentRecord:
        """Store an assessment (input and decision JSON) for a presentation."""
        row = Assessment(
            presentation_id=a.presentation_id,
            assessed_at=a.assessed_at,
            profile_id=a.profile_id,
            profile_version=a.profile_version,
            urgency=a.urgency,
            input_json=a.input_json,
            decision_json=a.decision_json,
            created_at=now,
            created_by=user,
            **asdict(facts_from_decision(a.input_json, a.decision_json)),
        )
        self.s.add(row)
        self.s.flush()
        return _assessment_record(row)

    def urgencies(self, presentation_ids: Iterable[int]) -> dict[int, str]:
        """Return the urgency of the latest assessment of each presentation that has one."""
        ids = list(presentation_ids)
        if not ids:
            return {}
        return {pid: u for pid, u in _read(self.s, _URGENCIES, {"ids": ids})}

    def assessments(self, presentation_ids: Iterable[int]) -> dict[int, AssessmentRecord]:
        """Return the latest assessment of each presentation that has one."""
        ids = list(presentation_ids)
        if not ids:
            return {}
        rows = self.s.scalars(
            select(Assessment).where(Assessment.presentation_id.in_(ids)).order_by(Assessment.id)
        )
        return {r.presentation_id: _assessment_record(r) for r in rows}


def _assessment_record(row: Assessment) -> AssessmentRecord:
    data: dict[str, Any] = {
        "presentation_id": row.presentation_id,
        "assessed_at": row.assessed_at,
        "profile_id": row.profile_id,
        "profile_version": row.profile_version,
        "urgency": row.urgency,
        "input_json": row.input_json,
        "decision_json": row.decision_json,
        "id": row.id,
    }
    return AssessmentRecord(**data)
