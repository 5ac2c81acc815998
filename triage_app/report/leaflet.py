"""The parent and carer leaflet: plain language from the local profile, long date format.

Patient-facing text uses the long date form ``06 January 2025`` (NHS CUI D+Ta-0011), not the
clinical ``06-Jan-2025``. The wording comes from the profile (``[parent_leaflet]``), so each
partnership's designated professional signs it off with the rest of the protocol.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from triage_app.domain.display import long_date
from triage_app.domain.profile import Profile
from triage_app.report.fonts import SANS, fonts
from triage_app.report.styles import BANNER, FRAME_WIDTH, GREY, MARGIN_X, NHS_BLUE, styles
from triage_app.report.text import markup, para


def _footer(profile: Profile) -> Callable[[Canvas, BaseDocTemplate], None]:
    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(SANS, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(
            MARGIN_X, 28, f"Leaflet from profile {profile.id} {profile.version}  -  page {doc.page}"
        )
        canvas.restoreState()

    return on_page


def build_leaflet_pdf(
    profile: Profile, child_name: str | None = None, on_date: date | None = None
) -> bytes:
    """Return the parent and carer leaflet as PDF bytes (A4).

    Args:
        profile: The local profile: title, paragraphs, leaflet link and contacts.
        child_name: Optional; printed as "For the parents or carers of ...".
        on_date: The date the leaflet is given, printed in long form (``06 January 2025``).

    Raises:
        UncoveredCharacterError: a character has no glyph in any bundled font.
    """
    fonts()
    s = styles()
    story: list[Flowable] = [
        Paragraph(markup(profile.leaflet_title, bold=True, field="leaflet title"), s.leaflet_title)
    ]
    if child_name:
        story.append(
            Paragraph(
                f"For the parents or carers of {markup(child_name, field='child name')}",
                s.leaflet,
            )
        )
    if on_date:
        story.append(Paragraph(f"Given on {long_date(on_date)}", s.leaflet))
    story.append(Spacer(1, 6))
    for i, text in enumerate(profile.leaflet_paragraphs):
        story.append(para(text, s.leaflet, field=f"leaflet paragraph {i + 1}"))
    contacts = [
        c
        for key in ("csc_front_door", "out_of_hours")
        if (c := profile.contact(key)) is not None and c.phone and c.verified
    ]
    if contacts:
        story.append(Spacer(1, 6))
        story.append(Paragraph("<b>Who to contact</b>", s.leaflet))
        rows = [
            [
                para(c.name, s.leaflet, field="contact name"),
                para((c.phone or "") + (f" ({c.hours})" if c.hours else ""), s.leaflet),
            ]
            for c in contacts
        ]
        t = Table(rows, colWidths=[(FRAME_WIDTH - 20) / 2] * 2)
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("BACKGROUND", (0, 0), (-1, -1), BANNER),
                    ("LINEBEFORE", (0, 0), (0, -1), 4, NHS_BLUE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story.append(t)
    else:
        story.append(
            Paragraph("Ask the person who gave you this leaflet for the number to call.", s.leaflet)
        )
    story.append(Spacer(1, 6))
    story.append(Paragraph("If a child is in immediate danger, call 999.", s.leaflet))
    if profile.leaflet_url:
        story.append(para(f"More information: {profile.leaflet_url}", s.leaflet))
    story.append(Spacer(1, 8))
    story.append(para(profile.partnership_name, s.small, field="partnership name"))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        leftMargin=MARGIN_X + 10,
        rightMargin=MARGIN_X + 10,
        title=profile.leaflet_title,
        author=profile.partnership_name,
        invariant=1,
        initialFontName=SANS,
    )
    doc.build(story, onFirstPage=_footer(profile), onLaterPages=_footer(profile))
    return buffer.getvalue()
