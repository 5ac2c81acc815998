"""Render a :class:`~triage_app.domain.referral.ReferralRecord` as a print-ready A4 PDF.

Every page carries the marking ``OFFICIAL-SENSITIVE`` (top and bottom), a running patient
banner (name, born, NHS No.), the record id and version, the time generated, the record's
content SHA-256 and ``Page X of Y``.

About the hash: a PDF cannot contain the SHA-256 of its own bytes (writing the hash changes
the bytes). So the footer prints :func:`~triage_app.domain.referral.content_sha256`, the hash
of the record's canonical data, which ties the paper to the stored record; and whoever seals
the record stores :func:`~triage_app.domain.referral.sha256_hex` of the returned bytes beside
them, which proves the file unaltered. See ``docs/referral-record.md``.

The PDF is built in ReportLab's invariant mode (fixed creation date and document id), so the
same record always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from triage_app.domain import nhs_number
from triage_app.domain.display import nhs_date, nhs_datetime
from triage_app.domain.profile import Profile
from triage_app.domain.referral import ReferralRecord, content_sha256
from triage_app.report import record_banner as banner
from triage_app.report import record_followup as follow
from triage_app.report import record_sections as sec
from triage_app.report.fonts import SANS, fonts
from triage_app.report.longtext import FullTexts, collecting
from triage_app.report.styles import (
    ALERT,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    styles,
)
from triage_app.report.text import markup

MARKING = "OFFICIAL-SENSITIVE"
_BANNER_NAME = 100  # characters of the child's name the running banner can hold


class _NumberedCanvas(Canvas):
    """A canvas that writes ``Page X of Y`` once the number of pages is known."""

    if TYPE_CHECKING:  # ReportLab internals used below, which types-reportlab leaves out
        _pageNumber: int  # noqa: N815 - ReportLab's name

        def _startPage(self) -> None: ...  # noqa: N802 - ReportLab's name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        """Hold the page until the total is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Stamp every held page with its number and the total, then write the file."""
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(SANS, 8)
            self.setFillColor(GREY)
            self.drawRightString(
                PAGE_WIDTH - MARGIN_X, 13 * mm, f"Page {self._pageNumber} of {total}"
            )
            super().showPage()
        super().save()


def _short(value: str, limit: int = 60) -> str:
    """Return an identifier short enough for the footer; section 15 prints it in full."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 25] + "\u2026 (in full in section 15)"


def _decorate(record: ReferralRecord, digest: str) -> Callable[[Canvas, Any], None]:
    s = styles()
    name = sec.child_name(record)
    if len(name) > _BANNER_NAME:  # the full name is in the patient banner on page 1
        name = name[: _BANNER_NAME - 40].rstrip() + "\u2026 (full name on page 1)"
    name = markup(name, bold=True, field="child name")
    nhs = nhs_number.display(record.child.nhs_number) or "Not Known"
    banner = (
        f"<b>{name}</b> &nbsp; Born <b>{nhs_date(record.child.date_of_birth)}</b> &nbsp; "
        f"NHS No. <b>{nhs}</b>"
    )
    version = f"v{record.version}" + (
        f" (supersedes {_short(record.supersedes)})" if record.supersedes else ""
    )
    app = f"triage-app {markup(record.app_version)}" if record.app_version else "triage-app"
    record_id = markup(_short(record.record_id), field="record id")
    sealer = f" &nbsp; Sealed by {markup(_short(record.sealed_by))}" if record.sealed_by else ""
    footer = (
        f"Record <b>{record_id}</b> {markup(version)} &nbsp; "
        f"Generated {nhs_datetime(record.generated_at)}{sealer} &nbsp; {app}<br/>"
        f"Content SHA-256 {digest}"
    )

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        width = PAGE_WIDTH - 2 * MARGIN_X
        for y in (PAGE_HEIGHT - 10 * mm, 6 * mm):
            p = Paragraph(f'<font color="#{ALERT.hexval()[2:]}">{MARKING}</font>', s.marking)
            p.wrapOn(canvas, width, 10 * mm)
            p.drawOn(canvas, MARGIN_X, y)
        if doc.page > 1:
            p = Paragraph(banner, s.body)
            _, h = p.wrapOn(canvas, width, 20 * mm)
            p.drawOn(canvas, MARGIN_X, PAGE_HEIGHT - 17 * mm - h + 8)
        canvas.setStrokeColor(RULE)
        canvas.line(
            MARGIN_X,
            PAGE_HEIGHT - MARGIN_TOP + 4 * mm,
            PAGE_WIDTH - MARGIN_X,
            PAGE_HEIGHT - MARGIN_TOP + 4 * mm,
        )
        canvas.line(MARGIN_X, MARGIN_BOTTOM - 4 * mm, PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM - 4 * mm)
        p = Paragraph(footer, s.small)
        _, h = p.wrapOn(canvas, width * 0.82, 15 * mm)
        # Hang the footer from just below the rule, however many lines it wraps to, so a long
        # addendum footer never runs into the rule (it stays above the marking at 6 mm).
        p.drawOn(canvas, MARGIN_X, max(MARGIN_BOTTOM - 5 * mm - h, 9.5 * mm))
        canvas.restoreState()

    return on_page


def referral_story(record: ReferralRecord, digest: str) -> list[Any]:
    """Return the flowables of the record, section by section (model section E order)."""
    s = styles()
    with collecting() as notes:
        return _story(record, digest, s, notes)


def _story(record: ReferralRecord, digest: str, s: Any, notes: FullTexts) -> list[Any]:
    story: list[Any] = [
        Paragraph("Referral record: injury in a child who is not independently mobile", s.title),
        Paragraph(
            "Handover to children's social care and the paediatric team. "
            f"Generated {nhs_datetime(record.generated_at)}.",
            s.subtitle,
        ),
        Spacer(1, 6),
        banner.patient_banner(record),
        Spacer(1, 6),
        banner.requirement_box(record),
        *notes.flush(),  # the banner's long values, in full
    ]
    for part in (
        sec.family_section,
        sec.referral_section,
        sec.mobility_section,
        sec.findings_section,
        sec.explanation_section,
        sec.exception_section,
        sec.clinical_section,
        sec.cp_is_section,
        follow.timeline_section,
        follow.actions_section,
        follow.investigations_section,
        follow.strategy_section,
        follow.contacts_section,
        follow.handover_section,
    ):
        story.extend(part(record))
        story.extend(notes.flush())
    story.extend(follow.integrity_section(record, digest))
    story.extend(notes.flush())
    return story


def build_referral_pdf(record: ReferralRecord, profile: Profile | None = None) -> bytes:
    """Render the referral record and return the PDF bytes (A4).

    Args:
        record: The record to print. Its contacts come from the profile used at assessment.
        profile: Optional; when given, its contacts replace the record's (e.g. to reprint
            with the current profile). Sealed records should be printed without it.

    Returns:
        The PDF. Store ``sha256_hex(pdf)`` beside it when sealing; the footer of every page
        carries :func:`~triage_app.domain.referral.content_sha256` of ``record``.

    Raises:
        UncoveredCharacterError: a character in the record has no glyph in any bundled font.
    """
    fonts()
    if profile is not None:
        from dataclasses import replace

        record = replace(record, contacts=tuple(profile.contacts.values()))
    digest = content_sha256(record)
    story = referral_story(record, digest)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"Referral record {record.record_id}",
        author="triage-app",
        subject=MARKING,
        creator=f"triage-app {record.app_version}".strip(),
        invariant=1,
        initialFontName=SANS,
    )
    on_page = _decorate(record, digest)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
