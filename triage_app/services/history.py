"""The prior-presentation check: a child's stored history and household, at the point of care.

The Child AF review's central lesson was that each presentation was judged alone. These
use-cases put the child's earlier presentations, and those of the children they live with,
in front of the clinician (and into the engine's cumulative-risk rule R6).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain import nhs_number
from triage_app.domain.display import display_name
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.matching import Person as MatchQuery
from triage_app.domain.model import (
    Assessment,
    Child,
    Flag,
    History,
    HouseholdChild,
    PriorFinding,
    PriorPresentation,
)
from triage_app.domain.parse import parse_assessment
from triage_app.domain.records import (
    CHILD_RELATIONS,
    POSSIBLE_EARLIER_INJURY,
    ChildHistory,
    ChildRecord,
    HistoryEntry,
    MatchCandidate,
    PresentationRecord,
)
from triage_app.domain.vocab import CpPlan, FindingKind, Setting, Site
from triage_app.services.context import StoreContext
from triage_app.services.matching import possible_matches, rank, with_injuries
from triage_app.store import history_read
from triage_app.store.links import ChildLinkRepository
from triage_app.store.repositories import ChildRepository, PresentationRepository

# Shown by `history`, which checks no CP-IS: the flag belongs to a live assessment.
_HISTORY_HIDDEN_FLAGS = frozenset({"cp_is_not_checked"})


def prior_presentation(p: PresentationRecord) -> PriorPresentation:
    """Turn a stored presentation into the engine's prior-presentation input."""
    findings = []
    for f in p.findings:
        try:
            findings.append(PriorFinding(FindingKind(f.kind), Site(f.site), f.patterned))
        except ValueError:
            findings.append(PriorFinding(FindingKind.OTHER_INJURY, Site.OTHER, f.patterned))
    setting = p.setting if p.setting in {s.value for s in Setting} else None
    return PriorPresentation(
        date=p.seen_at.date(),
        setting=Setting(setting) if setting else None,
        findings=tuple(findings),
        outcome=p.outcome,
        complaint=p.complaint,
        # What the store recorded then (contract 1.1): NIM at that time (None = unknown,
        # which the sentinel rule counts as NIM) and the explanation given then.
        nim=p.nim_at_time,
        explanation=p.explanation,
    )


def child_cp_plan(c: ChildRecord) -> CpPlan | None:
    """The stored child's own child-protection plan, as the engine's ``child_cp_plan``."""
    return CpPlan(c.cp_plan) if c.cp_plan in {p.value for p in CpPlan} else None


def household_child(c: ChildRecord) -> HouseholdChild:
    """Turn a stored household child into the engine's household-child input."""
    plan = c.cp_plan if c.cp_plan in {p.value for p in CpPlan} else None
    return HouseholdChild(
        date_of_birth=c.date_of_birth,
        cp_plan=CpPlan(plan) if plan else None,
        looked_after=c.looked_after,
        name=display_name(c.family_name, c.given_name),
    )


def load_history(s: Session, child: ChildRecord, before: datetime | None) -> ChildHistory:
    """Read the child's household and every presentation of them and their household children.

    Records linked to the child as the same child (``child link``) are followed: their
    presentations count as the child's own (relation ``"self"``), each keeping the record it
    came from (``HistoryEntry.child``), and their household members join the child's.
    """
    assert child.id is not None
    children = ChildRepository(s)
    group = ChildLinkRepository(s).same_child_group(child.id)
    own = {child.id: child} | {cid: children.get(cid) for cid in group[1:]}
    household = tuple(
        m
        for cid in group
        for m in children.household(cid)
        if m.related_child is None or m.related_child.id not in own
    )
    others = {
        m.related_child.id: (m.related_child, m.relation.value)
        for m in household
        if m.related_child is not None and m.related_child.id is not None
    }
    presentations = PresentationRepository(s)
    rows = presentations.for_children([*own, *others], before=before)
    urgencies = presentations.urgencies([p.id for p in rows if p.id])
    entries = tuple(
        HistoryEntry(
            presentation=p,
            child=own[p.child_id] if p.child_id in own else others[p.child_id][0],
            relation="self" if p.child_id in own else others[p.child_id][1],
            urgency=urgencies.get(p.id or -1),
        )
        for p in rows
    )
    return ChildHistory(child, household, entries, linked=tuple(own[c] for c in group[1:]))


def with_stored_history(a: Assessment, history: ChildHistory) -> Assessment:
    """Return the assessment with stored presentations, household and the child's plan added.

    Stored presentations already given in the case (same date and findings) are not added
    twice; only presentations before ``assessed_at`` count as prior.
    """
    given = {_prior_key(p) for p in a.history.prior_presentations}
    added = [
        prior_presentation(e.presentation)
        for e in reversed(history.entries)
        if e.relation == "self" and e.presentation.seen_at < a.assessed_at
    ]
    priors = list(a.history.prior_presentations)
    for p in added:
        if _prior_key(p) not in given:
            priors.append(p)
            given.add(_prior_key(p))
    household = list(a.history.household_children) + [
        household_child(m.related_child)
        for m in history.household
        if m.related_child is not None and m.relation in CHILD_RELATIONS
    ]
    new_history = dataclasses.replace(
        a.history,
        prior_presentations=tuple(priors),
        household_children=tuple(household),
        # The case's own answer wins; otherwise the stored child's plan (contract 1.1).
        child_cp_plan=a.history.child_cp_plan or child_cp_plan(history.child),
    )
    return dataclasses.replace(a, history=new_history)


def _prior_key(p: PriorPresentation) -> tuple[Any, ...]:
    return (p.date, tuple(sorted((f.kind.value, f.site.value) for f in p.findings)))


def history_flags(ctx: StoreContext, history: ChildHistory, on: datetime) -> tuple[Flag, ...]:
    """The engine's cumulative-risk flags (rule R6) for the stored history, as of ``on``."""
    c = history.child
    latest = max((e.presentation.seen_at for e in history.entries), default=on)
    probe = Assessment(
        # Every stored presentation counts as prior, even one stamped after ``on``.
        assessed_at=max(on, latest + timedelta(minutes=1)),
        child=Child(date_of_birth=c.date_of_birth),
        history=History(),
    )
    decision = ctx.protocol.decide(with_stored_history(probe, history))
    return tuple(f for f in decision.flags if f.id not in _HISTORY_HIDDEN_FLAGS)


def history_by_nhs_number(ctx: StoreContext, number: str) -> ChildHistory | None:
    """The child's and household's presentations, newest first, with cumulative-risk flags.

    Returns ``None`` when no child has this NHS number. Audited as a view.

    The history is read in one read transaction on a plain connection
    (:mod:`triage_app.store.history_read`: the ORM session's own begin and commit cost more
    than the SELECTs); the possible matches and the audit event follow in the use-case's
    transaction, which fails the lookup if the view cannot be audited.

    Raises:
        InputError: the NHS number is not valid.
    """
    reason = nhs_number.problem(number)
    if reason:
        raise InputError([Problem("nhs_number", reason)])
    now = ctx.clock()
    read = history_read.history_by_nhs_number(ctx.engine, nhs_number.normalise(number))
    with ctx.transaction() as s:
        if read is None:
            ctx.audit(s, "view", "history", None, after={"found": False})
            return None
        history = _with_matches_audited(ctx, s, read)
    return dataclasses.replace(history, flags=history_flags(ctx, history, now))


def history_by_child_id(ctx: StoreContext, child_id: int) -> ChildHistory:
    """The stored child's and household's presentations, newest first, with the flags.

    For any stored child, with or without an NHS number (the child the user opened). The
    flags are the engine's cumulative-risk flags (rule R6) as of now. Audited as a view
    (read as :func:`history_by_nhs_number` reads).

    Raises:
        NotFoundError: there is no stored child with this id.
    """
    now = ctx.clock()
    read = history_read.history_by_child_id(ctx.engine, child_id)
    with ctx.transaction() as s:
        history = _with_matches_audited(ctx, s, read)
    return dataclasses.replace(history, flags=history_flags(ctx, history, now))


def _with_matches_audited(ctx: StoreContext, s: Session, history: ChildHistory) -> ChildHistory:
    """Add the possible matches to a history read, and audit the view (ids only)."""
    child = history.child
    matches = possible_matches(s, child, history.linked)
    history = dataclasses.replace(history, possible_matches=tuple(matches))
    ctx.audit(
        s,
        "view",
        "history",
        child.id,
        after={
            "presentations": [e.presentation.id for e in history.entries],
            "linked": [c.id for c in history.linked],
            "possible_matches": [m.child.id for m in history.possible_matches],
        },
    )
    return history


def lookup_for_case(ctx: StoreContext, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """For ``assess --lookup``: add stored history (by the case's NHS number) to case JSON.

    Returns the (possibly) extended case and notes for the user. The case is returned
    unchanged when it has no valid NHS number, the child is not stored, or the stored date of
    birth differs from the case's (a different child, or a record to correct).
    """
    try:
        assessment = parse_assessment(data)
    except InputError:
        return data, []  # the engine reports the problems; nothing to look up
    number = assessment.child.nhs_number
    if not number:
        return data, ["lookup: the case has no NHS number; no stored history was added"]
    with ctx.transaction() as s:
        child = ChildRepository(s).by_nhs_number(number)
        if child is None:
            # No record has the number: records that may be this child by name and date of
            # birth (e.g. an un-numbered GP record) are still offered, unconfirmed.
            c = assessment.child
            query = MatchQuery(c.family_name, c.given_name, c.date_of_birth, c.sex)
            matches = with_injuries(s, rank(s, query))
            ctx.audit(
                s,
                "view",
                "history",
                None,
                after={
                    "found": False,
                    "for": "assess",
                    "possible_matches": [m.child.id for m in matches],
                },
            )
            return data, [
                "lookup: no stored record for this NHS number",
                *possible_match_notices(matches),
            ]
        if child.date_of_birth != assessment.child.date_of_birth:
            ctx.audit(s, "view", "history", child.id, after={"dob_mismatch": True})
            return data, [
                "lookup: the stored date of birth for this NHS number differs from the "
                "case's; stored history was NOT added (check the child's identity)"
            ]
        history = load_history(s, child, before=assessment.assessed_at)
        matches = possible_matches(s, child)
        ctx.audit(
            s,
            "view",
            "history",
            child.id,
            after={
                "for": "assess",
                "presentations": [e.presentation.id for e in history.entries],
                "linked": [c.id for c in history.linked],
                "possible_matches": [m.child.id for m in matches],
            },
        )
    extended = with_stored_history(assessment, history).to_json()
    out = dict(data)
    out["history"] = extended["history"]
    added = len(extended["history"]["prior_presentations"]) - len(
        assessment.history.prior_presentations
    )
    members = len(extended["history"]["household_children"]) - len(
        assessment.history.household_children
    )
    notes = [f"lookup: added {added} stored presentation(s) and {members} household child(ren)"]
    if history.linked:
        notes.append(
            "lookup: followed links to record(s) "
            + ", ".join(str(c.id) for c in history.linked)
            + " (the same child)"
        )
    notes += possible_match_notices(matches)
    return out, notes


def possible_match_notices(matches: Sequence[MatchCandidate]) -> list[str]:
    """One notice per possible match with stored injuries (no names are repeated).

    Each reads "possible earlier injury, unconfirmed" until someone links or rejects it.
    """
    return [
        f"{POSSIBLE_EARLIER_INJURY}: record {m.child.id} may be the same child (score "
        f"{m.score}; {'; '.join(m.reasons)}): {'; '.join(m.injuries)}. Link or reject it "
        f"(triage-app child show {m.child.id})."
        for m in matches
        if m.injuries
    ]
