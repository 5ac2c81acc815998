"""Plain views of store results for output: JSON-able dicts and text lines (NHS CUI style).

Used by the command line; a desktop view can reuse the JSON shapes. Dates display as
``06-Jan-2025`` and names as ``FAMILY, Given``; JSON carries ISO dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
        "presentations": [
            {"relation": e.relation, "child_id": e.child.id, "urgency": e.urgency}
            | presentation_json(e.presentation)
            for e in h.entries
        ],
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
    lines.append("Flags:" if h.flags else "Flags: none")
    lines += [f"  ! {f.id}: {f.text}" for f in h.flags]
    lines.append(f"Presentations, newest first ({len(h.entries)}):")
    for e in h.entries:
        p = e.presentation
        whose = "this child"
        if e.relation != "self":
            name = display_name(e.child.family_name, e.child.given_name)
            whose = f"{e.relation.replace('_', ' ')} {name}"
        findings = ", ".join(f"{f.kind}@{f.site}" for f in p.findings) or "no findings"
        lines.append(
            f"  {nhs_datetime(p.seen_at)}  {whose}  {p.setting or '-'}  {p.organisation or '-'}"
            f"  {findings}  complaint: {_one_line(p.complaint)}  outcome: {_one_line(p.outcome)}"
            + (f"  urgency: {e.urgency}" if e.urgency else "")
            + (f"  [imported from {p.source}]" if p.source != "local" else "")
        )
    return lines


def matches_json(matches: list[MatchCandidate]) -> dict[str, Any]:
    """Probable matches as JSON (``triage-matches/1``)."""
    return {
        "schema": "triage-matches/1",
        "note": "probable matches only: confirm identity before using a record",
        "matches": [
            {"score": m.score, "reasons": list(m.reasons), "child": child_json(m.child)}
            for m in matches
        ],
    }


def matches_lines(matches: list[MatchCandidate]) -> list[str]:
    """Probable matches as text lines."""
    if not matches:
        return ["No probable matches."]
    lines = ["Probable matches (never merged automatically; confirm identity):"]
    for m in matches:
        c = m.child
        lines.append(
            f"  {m.score:5.1f}  {display_name(c.family_name, c.given_name)}  "
            f"born {nhs_date(c.date_of_birth)}  NHS No. {nhs_display(c.nhs_number) or '-'}  "
            f"{c.postcode or '-'}  [record {c.id}]  because: {'; '.join(m.reasons)}"
        )
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
                "due": [
                    {
                        "what": d.what,
                        "due_at": d.due_at.isoformat(timespec="minutes"),
                        "overdue": d.overdue,
                    }
                    for d in s.due
                ],
                "version": s.case.version,
            }
            for s in summaries
        ],
    }


def cases_lines(summaries: list[CaseSummary]) -> list[str]:
    """The case list as text lines."""
    if not summaries:
        return ["No open or recent cases."]
    lines = ["id    child                          status           sealed  due"]
    for s in summaries:
        due = (
            "; ".join(
                ("OVERDUE " if d.overdue else "")
                + f"{d.what.replace('_', ' ')} {nhs_datetime(d.due_at)}"
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
