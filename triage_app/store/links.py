"""Same-child links and rejected matches between child records (table ``child_link``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from triage_app.domain.records import ChildLinkRecord, NotFoundError
from triage_app.store.driver_select import DriverSelect
from triage_app.store.orm import Child, ChildLink

SAME, NOT_SAME = "same_child", "not_same"

_LINK = ChildLink.__table__.c
# Built once: every history lookup runs it, and building it costs more than running it.
_SAME_CHILD_EDGES = DriverSelect(
    select(_LINK.child_id, _LINK.other_child_id).where(
        or_(
            _LINK.child_id.in_(bindparam("frontier", expanding=True)),
            _LINK.other_child_id.in_(bindparam("frontier", expanding=True)),
        ),
        _LINK.kind == SAME,
        _LINK.ended_at.is_(None),
    )
)
# The child's active rejections ("not the same child"), as (child, other child) pairs.
_REJECTED = DriverSelect(
    select(_LINK.child_id, _LINK.other_child_id).where(
        or_(_LINK.child_id == bindparam("child"), _LINK.other_child_id == bindparam("child")),
        _LINK.kind == NOT_SAME,
        _LINK.ended_at.is_(None),
    )
)

_ACTIVE = (
    select(ChildLink)
    .where(
        or_(
            ChildLink.child_id == bindparam("child"), ChildLink.other_child_id == bindparam("child")
        ),
        ChildLink.ended_at.is_(None),
    )
    .order_by(ChildLink.id)
)


def _record(row: ChildLink) -> ChildLinkRecord:
    return ChildLinkRecord(
        child_id=row.child_id,
        other_child_id=row.other_child_id,
        kind=row.kind,
        reason=row.reason,
        created_at=row.created_at,
        created_by=row.created_by,
        ended_at=row.ended_at,
        ended_by=row.ended_by,
        end_reason=row.end_reason,
        id=row.id,
    )


def same_child_group(
    child_id: int, edges: Callable[[list[int]], Iterable[tuple[int, int]]]
) -> list[int]:
    """The child first, then every record linked to it as the same child, directly or not.

    ``edges(frontier)`` gives the active same-child links touching any of ``frontier``; the
    group grows one step of links at a time (the repository's read and the history read's
    both walk it here).
    """
    group, frontier, seen = [child_id], [child_id], {child_id}
    while frontier:
        rows = edges(frontier)
        frontier = []
        for a, b in rows:
            for cid in (a, b):
                if cid not in seen:
                    seen.add(cid)
                    group.append(cid)
                    frontier.append(cid)
    return group


class ChildLinkRepository:
    """Links between child records; a link is ended, never deleted."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self, a: int, b: int, kind: str, reason: str, user: str, now: datetime
    ) -> ChildLinkRecord:
        """Store a link or a rejection between two children (in either order)."""
        for cid in (a, b):
            if self.s.get(Child, cid) is None:
                raise NotFoundError(f"no child with id {cid}")
        low, high = sorted((a, b))
        row = ChildLink(
            child_id=low,
            other_child_id=high,
            kind=kind,
            reason=reason,
            created_at=now,
            created_by=user,
        )
        self.s.add(row)
        self.s.flush()
        return _record(row)

    def active(self, child_id: int) -> list[ChildLinkRecord]:
        """The child's links and rejections that have not been ended, oldest first."""
        rows = self.s.scalars(_ACTIVE, {"child": child_id})
        return [_record(r) for r in rows]

    def all_for(self, child_id: int) -> list[ChildLinkRecord]:
        """Every link and rejection of the child, ended or not, oldest first."""
        rows = self.s.scalars(
            select(ChildLink)
            .where(or_(ChildLink.child_id == child_id, ChildLink.other_child_id == child_id))
            .order_by(ChildLink.id)
        )
        return [_record(r) for r in rows]

    def between(self, a: int, b: int, kind: str) -> ChildLinkRecord | None:
        """The active link of this kind between two children, or ``None``."""
        low, high = sorted((a, b))
        row = self.s.scalar(
            select(ChildLink).where(
                ChildLink.child_id == low,
                ChildLink.other_child_id == high,
                ChildLink.kind == kind,
                ChildLink.ended_at.is_(None),
            )
        )
        return _record(row) if row else None

    def end(self, link_id: int, reason: str, user: str, now: datetime) -> ChildLinkRecord:
        """End a link (who, when and why are kept)."""
        row = self.s.get(ChildLink, link_id)
        if row is None:
            raise NotFoundError(f"no link with id {link_id}")
        row.ended_at, row.ended_by, row.end_reason = now, user, reason
        self.s.flush()
        return _record(row)

    def same_child_group(self, child_id: int) -> list[int]:
        """Every record linked to this one as the same child, directly or through others.

        The linked records form one group; the child itself comes first.
        """
        return same_child_group(
            child_id, lambda frontier: _SAME_CHILD_EDGES.rows(self.s, {"frontier": frontier})
        )

    def rejected(self, child_id: int) -> set[int]:
        """Children a person has said are not this child (active rejections)."""
        return {b if a == child_id else a for a, b in _REJECTED.rows(self.s, {"child": child_id})}
