"""Use-cases: record, update and find children; link household members."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain import nhs_number
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ChildRecord, HouseholdMember, Relation
from triage_app.domain.vocab import CpPlan, Sex
from triage_app.services.context import StoreContext
from triage_app.store.repositories import ChildRepository


def child_audit(child: ChildRecord) -> dict[str, Any]:
    """The child as the audit trail stores it (the trail is protected, not a log file)."""
    data = dataclasses.asdict(child)
    data["date_of_birth"] = child.date_of_birth.isoformat()
    return data


def validate_child(child: ChildRecord, *, require_name: bool = True) -> ChildRecord:
    """Return the child with its NHS number normalised, or raise InputError naming each field.

    Args:
        child: the details to check.
        require_name: a family or given name is needed (not for a child first met in an
            assessment, where the contract makes names optional: shown as "Not Known").
    """
    problems: list[Problem] = []
    nhs = child.nhs_number
    if nhs is not None and not nhs.strip():
        nhs = None
    if nhs is not None:
        reason = nhs_number.problem(nhs)
        if reason:
            problems.append(Problem("nhs_number", reason))
        else:
            nhs = nhs_number.normalise(nhs)
    if child.sex is not None and child.sex not in {s.value for s in Sex}:
        problems.append(Problem("sex", f"must be one of: {', '.join(s.value for s in Sex)}"))
    if child.cp_plan is not None and child.cp_plan not in {c.value for c in CpPlan}:
        problems.append(Problem("cp_plan", f"must be one of: {', '.join(c.value for c in CpPlan)}"))
    no_name = not (child.family_name or "").strip() and not (child.given_name or "").strip()
    if require_name and no_name:
        problems.append(Problem("family_name", "a family name or a given name is required"))
    if problems:
        raise InputError(problems)
    return dataclasses.replace(child, nhs_number=nhs)


def record_child(ctx: StoreContext, child: ChildRecord) -> ChildRecord:
    """Store a new child. An NHS number already stored is refused (no duplicate records).

    Raises:
        InputError: invalid details, or the NHS number belongs to a stored child.
    """
    child = validate_child(child)
    with ctx.transaction() as s:
        repo = ChildRepository(s)
        if child.nhs_number and repo.by_nhs_number(child.nhs_number) is not None:
            raise InputError(
                [Problem("nhs_number", "a child with this NHS number is already stored")]
            )
        stored = repo.add(child, ctx.user, ctx.clock())
        ctx.audit(s, "create", "child", stored.id, after=child_audit(stored))
        return stored


def update_child(ctx: StoreContext, child: ChildRecord) -> ChildRecord:
    """Save changed details of a stored child (``child.version`` is the version read).

    Raises:
        ConflictError: someone else changed the child since it was read.
    """
    child = validate_child(child)
    with ctx.transaction() as s:
        repo = ChildRepository(s)
        assert child.id is not None
        before = repo.get(child.id)
        stored = repo.update(child, ctx.user, ctx.clock())
        ctx.audit(s, "update", "child", stored.id, child_audit(before), child_audit(stored))
        return stored


def check_pregnancy_due_date(ctx: StoreContext, due: date | None) -> None:
    """Refuse an expected date more than 10 months away or 1 month past (a typing slip).

    Raises:
        InputError: the date is out of that range.
    """
    today = ctx.clock().date()
    if due is not None and not (today - timedelta(days=31) <= due <= today + timedelta(days=305)):
        raise InputError(
            [Problem("pregnancy_due_date", "must be within 10 months from today (or 1 month past)")]
        )


def set_pregnancy_due_date(
    ctx: StoreContext, child_id: int, due: date | None, *, version: int | None = None
) -> ChildRecord:
    """Record (or clear, with ``None``) an expected pregnancy in the child's household.

    The expected date is shown with the pre-birth referral the decision requires (a tracked
    due item, case rule C7). ``version``: the child version read (default: the stored one).

    Raises:
        InputError: the date is more than 10 months away or 1 month past (a typing slip).
        ConflictError: someone else changed the child since ``version`` was read.
    """
    check_pregnancy_due_date(ctx, due)
    with ctx.transaction() as s:
        return store_pregnancy_due_date(ctx, s, child_id, due, version=version)


def store_pregnancy_due_date(
    ctx: StoreContext, s: Session, child_id: int, due: date | None, *, version: int | None = None
) -> ChildRecord:
    """Inside a transaction: record a checked expected date (see :func:`set_pregnancy_due_date`)."""
    repo = ChildRepository(s)
    before = repo.get(child_id)
    changed = dataclasses.replace(
        before,
        pregnancy_due_date=due,
        version=before.version if version is None else version,
    )
    stored = repo.update(changed, ctx.user, ctx.clock())
    ctx.audit(s, "update", "child", child_id, child_audit(before), child_audit(stored))
    return stored


def get_child(ctx: StoreContext, child_id: int) -> ChildRecord:
    """Return a stored child by id (a view: audited)."""
    with ctx.transaction() as s:
        child = ChildRepository(s).get(child_id)
        ctx.audit(s, "view", "child", child_id)
        return child


def find_by_nhs_number(ctx: StoreContext, number: str) -> ChildRecord | None:
    """Return the child with this NHS number (spaces allowed), or ``None`` (audited view)."""
    reason = nhs_number.problem(number)
    if reason:
        raise InputError([Problem("nhs_number", reason)])
    with ctx.transaction() as s:
        child = ChildRepository(s).by_nhs_number(nhs_number.normalise(number))
        ctx.audit(
            s, "view", "child", child.id if child else None, after={"found": child is not None}
        )
        return child


def link_household(
    ctx: StoreContext,
    child_id: int,
    relation: Relation | str,
    *,
    related_child_id: int | None = None,
    person_name: str | None = None,
    notes: str | None = None,
) -> HouseholdMember:
    """Link a sibling or other child (by record) or a carer or parent (by name) to a child."""
    with ctx.transaction() as s:
        member = ChildRepository(s).link(
            child_id,
            Relation(relation),
            ctx.user,
            ctx.clock(),
            related_child_id=related_child_id,
            person_name=person_name,
            notes=notes,
        )
        ctx.audit(
            s,
            "create",
            "household_link",
            member.id,
            after={
                "child_id": child_id,
                "relation": str(relation),
                "related_child_id": related_child_id,
                "person_name": person_name,
            },
        )
        return member
