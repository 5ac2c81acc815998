"""The top of the referral record: the patient banner and the box of what the protocol requires.

Every user string goes through :func:`~triage_app.report.text.para` (escaped, shaped, fonts
chosen per character); a value too long for its cell shows its start and is printed in full
after the box (:mod:`triage_app.report.longtext`).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from triage_app.domain import nhs_number
from triage_app.domain.display import age_display, display_sex, nhs_date
from triage_app.domain.referral import ReferralRecord
from triage_app.report import labels
from triage_app.report.fonts import SANS
from triage_app.report.longtext import fit
from triage_app.report.record_sections import child_name
from triage_app.report.styles import ALERT, BANNER, FRAME_WIDTH, NHS_BLUE, styles
from triage_app.report.tables import label
from triage_app.report.text import clean, para

# What a table cell holds: text, a flowable, or flowables stacked in the cell.
_Cell = str | Flowable | list[Flowable]


def patient_banner(record: ReferralRecord) -> Table:
    """Return the patient banner: name, born (age), sex, NHS No., address, GP.

    The field is the child's recorded sex, labelled "Sex" as in the window's banner (NHS
    display rules: "Sex" and "Current Gender" are different fields; only sex is recorded).
    """
    c = record.child
    on = (record.examined_at or record.contact_at or record.generated_at).date()
    nhs = nhs_number.display(c.nhs_number) or "Not Known"
    if c.nhs_number and c.nhs_number_verified is not None:
        nhs += " (verified)" if c.nhs_number_verified else " (not verified)"
    address = ", ".join(p for p in (c.address, c.postcode) if p) or None
    cells: list[list[_Cell]] = [
        [_name_cell(record), "", ""],
        [
            _pair("Born", f"{nhs_date(c.date_of_birth)} ({age_display(c.date_of_birth, on)})"),
            _pair("Sex", display_sex(c.sex)),
            _pair("NHS No.", nhs),
        ],
        [
            _pair("Address", address, "child address"),
            _pair("GP practice", c.gp_practice, "GP practice"),
            _pair("Health visitor", c.health_visitor_team, "health visitor team"),
        ],
    ]
    t = Table(cells, colWidths=[FRAME_WIDTH * 0.42, FRAME_WIDTH * 0.26, FRAME_WIDTH * 0.32])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, -1), BANNER),
                ("LINEBEFORE", (0, 0), (0, -1), 4, NHS_BLUE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return t


def _name_cell(record: ReferralRecord) -> Flowable | list[Flowable]:
    name = child_name(record)
    where = "Patient banner, child's name"
    return fit(clean(name), FRAME_WIDTH - 13, styles().banner_name, where, "child name") or para(
        name, styles().banner_name, field="child name"
    )


def _pair(name: str, value: str | None, field: str | None = None) -> Table:
    s = styles()
    value_cell = (
        fit(clean(value), FRAME_WIDTH * 0.26 - 13, s.bold, f"Patient banner, {name}", name)
        if value
        else None
    )
    t = Table([[label(name)], [value_cell or para(value, s.bold, field=field, empty="Not Known")]])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _warning(text: str) -> Flowable | list[Flowable]:
    s, line = styles(), f"Warning: {text}"
    where = "What the protocol requires, warning"
    return fit(clean(line), FRAME_WIDTH - 13, s.bold, where, "profile warning") or para(
        line, s.bold, field="profile warning"
    )


def requirement_box(record: ReferralRecord) -> Table:
    """Return the box stating what the protocol requires (never a judgement on the cause)."""
    s, d = styles(), record.decision
    title, text = labels.URGENCY[d.urgency]
    nim = "Not independently mobile" if d.nim.status else "Independently mobile"
    basis = "; ".join(labels.NIM_BASIS.get(b, labels.humanise(b)) for b in d.nim.basis)
    rows: list[list[Flowable | list[Flowable]]] = [
        [Paragraph(f"<b>{title}</b>", s.bold)],
        [Paragraph(text, s.body)],
        [Paragraph(f"<b>{nim}</b> ({basis}).", s.body)],
        *[[_warning(w)] for w in d.warnings],
        [
            Paragraph(
                "This record sets out what the local protocol requires. It is not a diagnosis "
                "and does not say how any injury was caused.",
                s.small,
            )
        ],
    ]
    t = Table(rows, colWidths=[FRAME_WIDTH])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("BOX", (0, 0), (-1, -1), 1.2, ALERT),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t
