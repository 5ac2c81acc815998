"""Plain views of store results for output: JSON-able dicts and text lines (NHS CUI style).

Used by the command line; a desktop view can reuse the JSON shapes. Dates display as
``06-Jan-2025`` and names as ``FAMILY, Given``; JSON carries ISO dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from triage_app.domain.case_actions import action_people, people_text
from triage_app.domain.display import age_display, display_name, nhs_date, nhs_datetime
from triage_app.domain.nhs_number import display as nhs_display
from triage_app.domain.records import (
    CaseSummary,
    ChildHistory,
    ChildRecord,
    MatchCandidate,
    PresentationRecord,
)


def _one_line(text: str | None) -> str:
    """Text on one line for a text listing (line breaks shown escaped); ``-`` when empty."""
    if not text:
        return "-"
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def child_json(c: ChildRecord) -> dict[str, Any]:
    """A child as JSON."""
    return {
        "id": c.id,
        "nhs_number": c.nhs_number,
        "family_name": c.family_name,
        "given_name": c.given_name,
        "date_of_birth": c.date_of_birth.isoformat(),
        "sex": c.sex,
        "postcode": c.postcode,
        "cp_plan": c.cp_plan,
    }


def presentation_json(p: PresentationRecord) -> dict[str, Any]:
    """A presentation as JSON."""
    return {
        "id": p.id,
        "child_id": p.child_id,
        "seen_at": p.seen_at.isoformat(timespec="minutes"),
        "setting": p.setting,
        "organisation": p.organisation,
        "complaint": p.complaint,
        "findings": [f.to_json() for f in p.findings],
        "explanation": p.explanation,
        "outcome": p.outcome,
        "nim_at_time": p.nim_at_time,
        "source": p.source,
        "source_id": p.source_id,
        "review": p.review,
    }


def history_json(h: ChildHistory) -> dict[str, Any]:
    """A child's history as JSON (``triage-history/1``), presentations newest first."""
    return {
        "schema": "triage-history/1",
        "child": child_json(h.child),
        "household": [
            {
                "relation": m.relation.value,
                "child": child_json(m.related_child) if m.related_child else None,
                "person_name": m.person_name,
            }
            for m in h.household
        ],
        "flags": [{"id": f.id, "text": f.text} for f in h.flags],
        "linked_records": [child_json(c) for c in h.linked],
        "presentations": [
            {
                "relation": e.relation,
                "child_id": e.child.id,
                "record": _record_label(h, e.child),
                "urgency": e.urgency,
            }
            | presentation_json(e.presentation)
            for e in h.entries
        ],
        "possible_matches": [match_json(m) for m in h.possible_matches],
        "note": h.unconfirmed_note,
    }


def _record_label(h: ChildHistory, record: ChildRecord) -> str:
    """Which record a presentation came from: this record, or a linked one (by id)."""
    if record.id == h.child.id:
        return f"record {record.id} (this record)"
    if any(c.id == record.id for c in h.linked):
        return f"record {record.id} (linked: the same child)"
    return f"record {record.id}"


def match_json(m: MatchCandidate) -> dict[str, Any]:
    """A possible match as JSON: the child, ``score``, ``reasons``, warnings and injuries."""
    return {
        "score": m.score,
        "probable": m.probable,
        "reasons": list(m.reasons),
        "warnings": list(m.warnings),
        "injuries": list(m.injuries),
        "child": child_json(m.child),
    }


def history_lines(h: ChildHistory, now: datetime) -> list[str]:
    """A child's history as text lines."""
    c = h.child
    lines = [
        f"{display_name(c.family_name, c.given_name)}   NHS No. {nhs_display(c.nhs_number) or '-'}"
        f"   Born {nhs_date(c.date_of_birth)} ({age_display(c.date_of_birth, now.date())})"
    ]
    for m in h.household:
        label = m.relation.value.replace("_", " ")
        if m.related_child is not None:
            r = m.related_child
            plan = (
                f", {r.cp_plan} child protection plan" if r.cp_plan in ("current", "past") else ""
            )
            name = display_name(r.family_name, r.given_name)
            who = f"{name} (born {nhs_date(r.date_of_birth)}{plan})"
        else:
            who = m.person_name or "-"
        lines.append(f"Household: {label}: {who}")
    for linked in h.linked:
        lines.append(
            f"Linked record (the same child): record {linked.id}  "
            f"{display_name(linked.family_name, linked.given_name)}  "
            f"NHS No. {nhs_display(linked.nhs_number) or '-'}"
        )
    lines.append("Flags:" if h.flags else "Flags: none")
    lines += [f"  ! {f.id}: {f.text}" for f in h.flags]
    lines.append(f"Presentations, newest first ({len(h.entries)}):")
    for e in h.entries:
        p = e.presentation
        whose = "this child"
        if e.relation == "self" and e.child.id != c.id:
            whose = f"this child [linked record {e.child.id}]"
        elif e.relation != "self":
            name = display_name(e.child.family_name, e.child.given_name)
            whose = f"{e.relation.replace('_', ' ')} {name}"
        findings = ", ".join(f"{f.kind}@{f.site}" for f in p.findings) or "no findings"
        lines.append(
            f"  {nhs_datetime(p.seen_at)}  {whose}  {p.setting or '-'}  {p.organisation or '-'}"
            f"  {findings}  complaint: {_one_line(p.complaint)}  outcome: {_one_line(p.outcome)}"
            + (f"  urgency: {e.urgency}" if e.urgency else "")
            + (f"  [imported from {p.source}]" if p.source != "local" else "")
            + (f"  ! {p.review}" if p.review else "")
        )
    if h.possible_matches:
        lines.append("Possible earlier records (unconfirmed; link or reject each):")
        lines += _match_lines(h.possible_matches)
    return lines


def matches_json(matches: list[MatchCandidate]) -> dict[str, Any]:
    """Probable matches as JSON (``triage-matches/1``)."""
    return {
        "schema": "triage-matches/1",
        "note": "probable matches only: confirm identity before using a record",
        "matches": [match_json(m) for m in matches],
    }


def matches_lines(matches: list[MatchCandidate]) -> list[str]:
    """Probable matches as text lines."""
    if not matches:
        return ["No probable matches."]
    return [
        "Probable matches (never merged automatically; confirm identity):",
        *_match_lines(matches),
    ]


def _match_lines(matches: Sequence[MatchCandidate]) -> list[str]:
    lines = []
    for m in matches:
        c = m.child
        lines.append(
            f"  {m.score:5.1f}  {display_name(c.family_name, c.given_name)}  "
            f"born {nhs_date(c.date_of_birth)}  NHS No. {nhs_display(c.nhs_number) or '-'}  "
            f"{c.postcode or '-'}  [record {c.id}]  because: {'; '.join(m.reasons)}"
        )
        lines += [f"        earlier: {line}" for line in m.injuries]
    return lines


def cases_json(summaries: list[CaseSummary]) -> dict[str, Any]:
    """The case list as JSON (``triage-cases/1``)."""
    return {
        "schema": "triage-cases/1",
        "cases": [
            {
                "id": s.case.id,
                "child": {
                    "id": s.child.id,
                    "name": display_name(s.child.family_name, s.child.given_name),
                    "nhs_number": s.child.nhs_number,
                },
                "status": s.case.status,
                "sealed": s.case.sealed,
                "opened_at": s.case.opened_at.isoformat(timespec="minutes"),
                "closed_at": _iso(s.case.closed_at),
                "close_outcome": s.case.close_outcome,
                "due": [due_json(d) for d in s.due],
                "version": s.case.version,
            }
            for s in summaries
        ],
    }


def due_json(d: Any) -> dict[str, Any]:
    """One item of case rule C7's list as JSON (``id``; ``what`` is the older name)."""
    out: dict[str, Any] = {
        "id": d.what,
        "what": d.what,
        "label": d.label,
        "due_at": _minutes(d.due_at),
        "overdue": d.overdue,
    }
    if d.due_from is not None:
        out["due_from"] = d.due_from.isoformat()
    return out


def _minutes(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def case_json(details: Any) -> dict[str, Any]:
    """``case show --json`` (case contract).

    The case, its investigations with their survey stage, meetings, the supervision in force
    with its history, and C7's due items.
    """
    from triage_app.domain import cases as rules

    c = details.case
    sup = details.supervision

    def investigation(i: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": i.id,
            "kind": i.kind,
            "status": i.status,
            "requested_at": _minutes(i.requested_at),
            "due_from": _iso(i.due_from),
            "due_to": _iso(i.due_to),
            "performed_on": _iso(i.performed_on),
            "result": i.result,
            "reported_at": _minutes(i.reported_at),
        }
        stage = rules.stage(c, i)
        if stage is not None:
            out["stage"] = stage
        for name in ("label", "early_reason", "not_required_reason", "decided_by"):
            if getattr(i, name) is not None:
                out[name] = getattr(i, name)
        return out

    def decision(h: Any) -> dict[str, Any]:
        return {
            "decision": h.decision,
            "decided_at": _minutes(h.decided_at),
            "decided_by": h.decided_by,
            "conditions": h.conditions,
            "relax_conditions": h.relax_conditions,
            "reason": h.reason,
            "meeting_id": h.meeting_id,
        }

    return {
        "schema": "triage-case/1",
        "id": c.id,
        "child_id": c.child_id,
        "status": c.status,
        "urgency": details.urgency,
        "opened_at": _minutes(c.opened_at),
        "opened_by": c.opened_by,
        "presentations": list(c.presentation_ids),
        "decision_presentation_id": c.presentation_id,
        "separate_reason": c.separate_reason,
        "sealed": c.sealed,
        "actions": [
            {
                "id": a.kind,
                "at": _minutes(a.at),
                "by": p.by,
                "handler": p.handler,  # the person spoken to: a phone call only, else null
                "waived": a.waived,
                "reason": a.reason,
                "reference": a.reference,
                "note": p.note,
            }
            for a, p in ((a, action_people(a)) for a in c.actions)
        ],
        "investigations": [investigation(i) for i in c.investigations],
        "meetings": [
            {
                "id": m.id,
                "held_at": _minutes(m.held_at),
                "attendees": [
                    {"name": a.name, "role": a.role, "agency": a.agency} for a in m.attendees
                ],
                "agreed_by": None if m.attendees else m.agreed_by,
                "outcome": m.outcome,
                "supervision": m.supervision,
                "conditions": m.conditions,
                "relax_conditions": m.relax_conditions,
                "review_on": _iso(m.review_on),
                "reason": m.reason,
            }
            for m in c.meetings
        ],
        "supervision": {
            "in_force": sup.in_force,
            "decision": sup.decision,
            "conditions": sup.conditions,
            "relax_conditions": sup.relax_conditions,
            "decided_at": _minutes(sup.decided_at),
            "decided_by": sup.decided_by,
            "meeting_id": sup.meeting_id,
            "history": [decision(h) for h in sup.history],
        },
        "due": [due_json(d) for d in details.due],
        "close_outcome": c.close_outcome,
        "close_reason": c.close_reason,
        "closed_at": _minutes(c.closed_at),
        "version": c.version,
    }


def case_lines(details: Any) -> list[str]:
    """``case show``: the case as text lines."""
    from triage_app.domain import cases as rules

    c, sup = details.case, details.supervision
    name = display_name(details.child.family_name, details.child.given_name)
    lines = [f"case {c.id}: {name}, {c.status}" + (f" ({c.close_outcome})" if c.closed_at else "")]
    lines.append(f"opened {nhs_datetime(c.opened_at)} by {c.opened_by}")
    for i in c.investigations:
        stage = rules.stage(c, i)
        what = rules.kind_name(i.kind, i.label)
        line = f"investigation: {what} {i.status}"
        if stage:
            line += f" (stage {stage})"
        if i.due_from or i.due_to:
            line += f"; window {_iso(i.due_from)} to {_iso(i.due_to)}"
        if i.result:
            line += f"; performed {_iso(i.performed_on)}: {i.result}"
        if i.early_reason:
            line += f"; early: {i.early_reason} (decided by {i.decided_by})"
        if i.not_required_reason:
            line += f"; not required: {i.not_required_reason} (decided by {i.decided_by})"
        lines.append(line)
    for m in c.meetings:
        line = f"meeting {nhs_datetime(m.held_at)}: {m.outcome} [{m.who()}]"
        if m.supervision:
            line += f"; supervision {m.supervision}"
        lines.append(line)
    if sup.in_force:
        lines.append(
            f"supervision IN FORCE: {sup.conditions}; conditions for relaxing: "
            f"{sup.relax_conditions}; decided {nhs_datetime(sup.decided_at)} by {sup.decided_by}"
        )
    elif sup.decision == "relax":
        lines.append(f"supervision relaxed {nhs_datetime(sup.decided_at)} by {sup.decided_by}")
    else:
        lines.append("supervision: no decision recorded")
    for a in rules.effective_actions(c):  # an undone action was never done (C6)
        if a.kind in rules.CASE_EVENTS:
            continue
        what = f"waived ({a.reason})" if a.waived else "done"
        line = f"action: {a.kind} {what} {nhs_datetime(a.at)} {people_text(action_people(a))}"
        if a.reference:
            line += f"; reference {a.reference}"
        lines.append(line)
    if not details.due:
        lines.append("due: nothing")
    for d in details.due:
        when = nhs_datetime(d.due_at) if d.due_at else "no set time"
        lines.append(f"due: {'OVERDUE ' if d.overdue else ''}{d.what} {when}  {d.label}")
    return lines


def cases_lines(summaries: list[CaseSummary]) -> list[str]:
    """The case list as text lines."""
    if not summaries:
        return ["No open or recent cases."]
    lines = ["id    child                          status           sealed  due"]
    for s in summaries:
        due = (
            "; ".join(
                ("OVERDUE " if d.overdue else "")
                + f"{d.what.replace('_', ' ')} "
                + (nhs_datetime(d.due_at) if d.due_at else "(no set time)")
                for d in s.due
            )
            or "-"
        )
        name = display_name(s.child.family_name, s.child.given_name)
        lines.append(
            f"{s.case.id:<5} {name[:30]:<30} {s.case.status:<16} "
            f"{'yes' if s.case.sealed else 'no':<7} {due}"
        )
    return lines
