"""The second part of the referral record: history, actions, follow-up, contacts, handover.

Section numbers follow the minimum dataset (clinical-research.md, model section E).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from triage_app.domain.display import nhs_date, nhs_datetime
from triage_app.domain.referral import ReferralRecord, action_status
from triage_app.report import labels
from triage_app.report.fonts import SANS
from triage_app.report.record_sections import heading
from triage_app.report.styles import DARK, FRAME_WIDTH, RULE, styles
from triage_app.report.tables import data_table, kv_table, label
from triage_app.report.text import para

_LONG_FLAG = 900


def flag_text(text: str) -> str:
    """Return a flag's text; a very long list of dates in it points to the timeline instead.

    The engine lists every earlier presentation in the flag. With hundreds of them that is a
    page of dates a reader cannot scan, and the same dates are in the timeline table below,
    so beyond a few hundred characters each bracketed list is replaced by its count, and an
    open list keeps its first four items (the current findings come first) and a count.
    """
    if len(text) <= _LONG_FLAG:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "(":
            depth, j = 0, i
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            inner = text[i + 1 : j]
            if depth == 0 and ";" in inner and len(inner) > 80:
                n_items = inner.count(";") + 1
                out.append(f"({n_items} items: dates and findings in the timeline below)")
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    text = "".join(out)
    items = text.split("; ")
    if len(text) > _LONG_FLAG and len(items) > 6:
        text = "; ".join(items[:4]) + f"; and {len(items) - 4} more: see the timeline below."
    return text


def timeline_section(record: ReferralRecord) -> list[Flowable]:
    """Section 9: cumulative-risk flags and the timeline of earlier presentations."""
    s = styles()
    out: list[Flowable] = [heading("9. Cumulative risk: flags and earlier presentations")]
    if record.decision.flags:
        for flag in record.decision.flags:
            out.append(para(f"\u2022 {flag_text(flag.text)}", s.body, field="flag"))
    else:
        out.append(Paragraph("No cumulative-risk flags.", s.body))
    out.append(
        Paragraph(
            "Flags are information for the referral. They never lower what the protocol "
            "requires and are not a score. In the table: F1 = injury, bleeding or mark at that "
            "presentation; F4 = at a TEN-4-FACESp site or patterned. ED = emergency department; "
            "HV = health visitor.",
            s.small,
        )
    )
    note = record.explanation_note()
    if note:
        out.append(Paragraph(f"<b>Explanations across presentations.</b> {note}", s.body))
    out.append(Spacer(1, 4))
    rows = [
        (
            f"{nhs_date(t.date)}\n{t.age}" if t.age else nhs_date(t.date),
            t.subject,
            "\n".join(p for p in (labels.short_setting(t.setting), t.seen_by) if p) or None,
            "\n".join(
                p for p in (t.complaint, f"Findings: {t.findings}" if t.findings else None) if p
            )
            or None,
            t.explanation,
            t.outcome,
            "; ".join(t.flags) or "None",
        )
        for t in record.timeline
    ]
    header = (
        "Date, age",
        "Who",
        "Setting, seen by",
        "What happened, findings",
        "Explanation given then",
        "Outcome",
        "Flags",
    )
    out.append(data_table(header, rows, (15, 13, 21, 27, 27, 20, 8), "No earlier presentations."))
    return out


def actions_section(record: ReferralRecord) -> list[Flowable]:
    """Section 10: what the protocol requires, and what was done, when and by whom."""
    s = styles()
    required = []
    for a in record.decision.actions:
        status = action_status(record, a.id).text
        if a.id == "written_referral":
            due = written_referral_due(record)
        else:
            due = a.due + (f" ({nhs_datetime(a.due_at)})" if a.due_at else "")
        required.append((due, a.text, status))
    taken = [
        (
            nhs_datetime(t.at) if t.at else None,
            labels.ACTION_TAKEN.get(t.id, labels.humanise(t.id)),
            t.person,
            t.reference,
            t.details,
        )
        for t in sorted(record.actions_taken, key=lambda t: (t.at is None, t.at))
    ]
    return [
        heading("10. Actions"),
        Paragraph("Required by the protocol", s.h3),
        data_table(
            ("Due", "Action", "Status"), required, (22, 58, 20), "None required.", "Required"
        ),
        Paragraph("Actions taken", s.h3),
        data_table(
            ("Date and time", "Action", "Person", "Reference", "Details (advice given, plan)"),
            taken,
            (17, 23, 18, 14, 28),
            "No actions recorded yet.",
            "Actions taken",
        ),
    ]


def written_referral_due(record: ReferralRecord) -> str:
    """The written-referral deadline, counted from the phone call (as in the case view)."""
    hours = record.written_referral_hours
    limit = f"within {hours} hr of the phone call" if hours else "immediately after the call"
    if record.written_referral_due and record.phone_called_at:
        return (
            f"{nhs_datetime(record.written_referral_due)} ({limit} at "
            f"{nhs_datetime(record.phone_called_at)})"
        )
    return f"{limit[0].upper()}{limit[1:]} (no call recorded yet)"


def investigations_section(record: ReferralRecord) -> list[Flowable]:
    """Section 11: investigations, done and pending, with due dates."""
    s = styles()
    rows = []
    for i in record.investigations:
        due: str | None
        if i.due_from and i.due_to:
            due = f"{nhs_date(i.due_from)} to {nhs_date(i.due_to)}"
        elif i.due_from:
            due = nhs_date(i.due_from)
        else:
            due = i.due_text
        rows.append((i.name, labels.humanise(i.status), due, i.notes))
    out: list[Flowable] = [
        heading("11. Investigations"),
        data_table(("Investigation", "Status", "Due", "Notes"), rows, (44, 12, 22, 22)),
    ]
    if any(i.status == "pending" for i in record.investigations):
        out.append(
            Paragraph(
                "<b>Results pending.</b> The case stays open until every pending result is "
                "reported; it cannot be closed as 'no injury found' before then. The follow-up "
                "skeletal survey is not complete until it has been reported.",
                s.body,
            )
        )
    return out


def strategy_section(record: ReferralRecord) -> list[Flowable]:
    """Section 12: strategy-discussion outcome and interim safety (supervision) conditions."""
    m = record.strategy_meeting
    if m is None:
        return [
            heading("12. Strategy discussion and interim safety arrangements"),
            Paragraph("Not yet held or not recorded.", styles().body),
        ]
    return [
        heading("12. Strategy discussion and interim safety arrangements"),
        kv_table(
            [
                ("Latest meeting held", nhs_datetime(m.held_at) if m.held_at else "Not recorded"),
                ("Outcome", m.outcome),
                ("Attended by", "; ".join(m.agreed_by) or None),
                ("Supervision in force", _in_force(m)),
                ("Supervision and safety conditions", m.supervision_conditions),
                ("Conditions for relaxing", m.relax_conditions),
                ("Decided", nhs_datetime(m.decided_at) if m.decided_at else None),
                ("Decided by", "; ".join(m.decided_by) or None),
                ("Earlier supervision decisions", " / ".join(m.supervision_history) or None),
            ],
            columns=1,
        ),
    ]


def _in_force(m: Any) -> str:
    """Whether supervision is in force, as the latest strategy-meeting decision says (C4)."""
    if m.supervision_in_force is None:
        return "No supervision decision recorded at a strategy meeting."
    if m.supervision_in_force:
        return f"Yes (decision: {m.supervision_decision})"
    return "No: relaxed at a strategy meeting"


def contacts_section(record: ReferralRecord) -> list[Flowable]:
    """Section 13: local contacts from the profile, with their sign-off state."""
    rows = [
        (
            c.name,
            c.phone,
            c.email,
            c.hours,
            "Yes" if c.verified else "Awaiting sign-off by the designated professional",
        )
        for c in record.contacts
    ]
    return [
        heading("13. Local contacts"),
        data_table(("Service", "Phone", "Email", "Hours", "Verified"), rows, (34, 16, 18, 18, 14)),
    ]


def handover_section(record: ReferralRecord) -> list[Flowable]:
    """Section 14: the handover block, to be completed by hand on paper."""
    s = styles()

    def blank() -> Table:
        t = Table([[""]], colWidths=[FRAME_WIDTH * 0.32], rowHeights=[8 * mm])
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.6, DARK),
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                ]
            )
        )
        return t

    rows = [
        [label("Handed over by"), blank(), label("Received by"), blank()],
        [label("Role"), blank(), label("Role and organisation"), blank()],
        [label("Date and time"), blank(), label("Date and time"), blank()],
        [label("Signature"), blank(), label("Signature"), blank()],
    ]
    grid = Table(rows, colWidths=[FRAME_WIDTH * 0.16, FRAME_WIDTH * 0.34] * 2)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("FONTNAME", (0, 0), (-1, -1), SANS),
            ]
        )
    )
    return [
        KeepTogether(
            [
                heading("14. Handover"),
                Paragraph(
                    "Complete by hand when this record is handed to children's social care or "
                    "the paediatric team.",
                    s.small,
                ),
                Spacer(1, 2),
                grid,
            ]
        )
    ]


def integrity_section(record: ReferralRecord, digest: str) -> list[Flowable]:
    """Section 15: record id, version, time generated and the content SHA-256."""
    s = styles()
    version = f"{record.version}"
    if record.supersedes:
        version += f" (addendum: supersedes {record.supersedes})"
    rows = [
        ("Record id", record.record_id),
        ("Version", version),
        ("Reason for addendum", record.addendum_reason) if record.supersedes else None,
        ("Generated", nhs_datetime(record.generated_at)),
        ("Sealed by", record.sealed_by) if record.sealed_by else None,
        ("Content SHA-256", digest),
    ]
    return [
        heading("15. Record integrity"),
        kv_table([r for r in rows if r], columns=1),
        Paragraph(
            "The content SHA-256 is the hash of this record's data in canonical form; it is "
            "printed on every page. The SHA-256 of this PDF file itself is stored with the "
            "sealed record in the application (a file cannot contain its own hash). Any change "
            "after sealing is made as an addendum with a new version that refers to this one.",
            s.small,
        ),
    ]
