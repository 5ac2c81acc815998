"""Use-cases: say that two child records are the same child (or are not), and undo it.

A link is made by a safeguarding lead, with a reason; it is audited and reversible (unlink,
with a reason); rows are never deleted. History, ``assess --lookup``, the flags and the
referral record follow links: every presentation keeps the record it came from.

A rejection ("not the same child") is remembered: that pair is never offered again as a
possible match (until the rejection is itself withdrawn).

Also here: adding an NHS number to a record that has none (audited; refused when another
record has the number, with the link route offered instead).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from triage_app.domain import nhs_number
from triage_app.domain.access import Permission
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import (
    ChildLinkRecord,
    ChildRecord,
    MatchCandidate,
    NotFoundError,
)
from triage_app.services.children import child_audit
from triage_app.services.context import StoreContext
from triage_app.services.matching import possible_matches
from triage_app.services.permissions import require
from triage_app.store.links import NOT_SAME, SAME, ChildLinkRepository
from triage_app.store.repositories import ChildRepository


@dataclass(frozen=True)
class ChildOverview:
    """A child record with its links, linked records and possible matches (``child show``)."""

    child: ChildRecord
    links: tuple[ChildLinkRecord, ...]
    linked: tuple[ChildRecord, ...]
    possible_matches: tuple[MatchCandidate, ...]


class NumberHeldError(InputError):
    """Another record has the NHS number: nothing was changed; link the records instead.

    Attributes:
        child_id: The record the number was to be added to.
        holder_id: The record that has the number.
    """

    def __init__(self, child_id: int, holder_id: int) -> None:
        self.child_id, self.holder_id = child_id, holder_id
        super().__init__(
            [
                Problem(
                    "nhs_number",
                    f"record {holder_id} already has this NHS number; if it is the same "
                    f"child, link the records (triage-app child link {child_id} --to "
                    f"{holder_id} --reason ...)",
                )
            ]
        )


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InputError([Problem("--reason", f"say why the records {what}")])
    return text


def link_children(ctx: StoreContext, child_id: int, other_id: int, reason: str) -> ChildLinkRecord:
    """Link two records as the same child (safeguarding lead; audited).

    Raises:
        AccessDeniedError: the user is not a safeguarding lead.
        InputError: no reason; the same record twice; already linked; or both records carry
            different NHS numbers (two numbered records are two children).
        NotFoundError: either record is not stored.
    """
    require(ctx, Permission.LINK_RECORDS)
    text = _reason(reason, "are the same child")
    if child_id == other_id:
        raise InputError([Problem("--to", "a record cannot be linked to itself")])
    with ctx.transaction() as s:
        children, links = ChildRepository(s), ChildLinkRepository(s)
        a, b = children.get(child_id), children.get(other_id)
        if a.nhs_number and b.nhs_number and a.nhs_number != b.nhs_number:
            raise InputError(
                [
                    Problem(
                        "--to",
                        "both records carry different NHS numbers: they are two children "
                        "(correct the wrong number first)",
                    )
                ]
            )
        if other_id in links.same_child_group(child_id):
            raise InputError([Problem("--to", "these records are already linked")])
        rejected = links.between(child_id, other_id, NOT_SAME)
        if rejected is not None and rejected.id is not None:
            links.end(rejected.id, f"linked instead: {text}", ctx.user, ctx.clock())
        link = links.add(child_id, other_id, SAME, text, ctx.user, ctx.clock())
        ctx.audit(s, "create", "child_link", link.id, after=_link_audit(link))
        return link


def unlink_children(
    ctx: StoreContext, child_id: int, other_id: int, reason: str
) -> ChildLinkRecord:
    """End the same-child link between two records (safeguarding lead; audited).

    Raises:
        AccessDeniedError: the user is not a safeguarding lead.
        InputError: no reason, or the two records are not directly linked.
    """
    require(ctx, Permission.LINK_RECORDS)
    text = _reason(reason, "are not the same child")
    with ctx.transaction() as s:
        links = ChildLinkRepository(s)
        link = links.between(child_id, other_id, SAME)
        if link is None or link.id is None:
            raise InputError([Problem("--from", "these records are not linked to each other")])
        ended = links.end(link.id, text, ctx.user, ctx.clock())
        ctx.audit(s, "update", "child_link", ended.id, _link_audit(link), after=_link_audit(ended))
        return ended


def reject_match(ctx: StoreContext, child_id: int, other_id: int, reason: str) -> ChildLinkRecord:
    """Record that a possible match is not the same child: it is never offered again.

    Raises:
        AccessDeniedError: the user is not a safeguarding lead.
        InputError: no reason, or the records are linked (unlink them instead).
    """
    require(ctx, Permission.LINK_RECORDS)
    text = _reason(reason, "are not the same child")
    with ctx.transaction() as s:
        links = ChildLinkRepository(s)
        if links.between(child_id, other_id, SAME) is not None:
            raise InputError([Problem("--from", "these records are linked: unlink them instead")])
        existing = links.between(child_id, other_id, NOT_SAME)
        if existing is not None:
            return existing
        link = links.add(child_id, other_id, NOT_SAME, text, ctx.user, ctx.clock())
        ctx.audit(s, "create", "child_link", link.id, after=_link_audit(link))
        return link


def show_child(ctx: StoreContext, child_id: int) -> ChildOverview:
    """A child's record, links (ended ones too), linked records and possible matches."""
    with ctx.transaction() as s:
        children, links = ChildRepository(s), ChildLinkRepository(s)
        child = children.get(child_id)
        group = links.same_child_group(child_id)
        overview = ChildOverview(
            child,
            tuple(links.all_for(child_id)),
            tuple(children.get(cid) for cid in group[1:]),
            tuple(possible_matches(s, child)),
        )
        ctx.audit(
            s,
            "view",
            "child",
            child_id,
            after={
                "linked": group[1:],
                "possible_matches": [m.child.id for m in overview.possible_matches],
            },
        )
        return overview


def add_nhs_number(ctx: StoreContext, child_id: int, number: str) -> ChildRecord:
    """Add an NHS number to a record that has none (audited).

    Raises:
        NumberHeldError: another record has this number (an InputError: nothing changed;
            link the two records instead: ``child link``).
        InputError: the number is not valid, or the record already has a number.
        NotFoundError: no such record.
    """
    reason = nhs_number.problem(number)
    if reason:
        raise InputError([Problem("nhs_number", reason)])
    number = nhs_number.normalise(number)
    with ctx.transaction() as s:
        children = ChildRepository(s)
        child = children.get(child_id)
        if child.nhs_number == number:
            return child
        if child.nhs_number:
            raise InputError([Problem("nhs_number", "this record already has an NHS number")])
        holder = children.by_nhs_number(number)
        if holder is not None and holder.id is not None:
            raise NumberHeldError(child_id, holder.id)
        stored = children.update(
            dataclasses.replace(child, nhs_number=number), ctx.user, ctx.clock()
        )
        ctx.audit(s, "update", "child", child_id, child_audit(child), child_audit(stored))
        return stored


def _link_audit(link: ChildLinkRecord) -> dict[str, object]:
    return {
        "child_id": link.child_id,
        "other_child_id": link.other_child_id,
        "kind": link.kind,
        "reason": link.reason,
        "ended": link.ended_at.isoformat() if link.ended_at else None,
        "end_reason": link.end_reason,
    }


__all__ = [
    "ChildOverview",
    "NotFoundError",
    "NumberHeldError",
    "add_nhs_number",
    "link_children",
    "reject_match",
    "show_child",
    "unlink_children",
]
