"""Paragraph styles, colours and page geometry shared by the referral record and the leaflet."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from triage_app.report.fonts import SANS, SANS_BOLD, fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 30 * mm  # room for the marking and the running patient banner
MARGIN_BOTTOM = 24 * mm  # room for the footer (record id, time, hash, page X of Y)
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

NHS_BLUE = colors.HexColor("#005EB8")
DARK = colors.HexColor("#212B32")
GREY = colors.HexColor("#4C6272")
PALE = colors.HexColor("#E8EDEE")
BANNER = colors.HexColor("#F0F4F5")
RULE = colors.HexColor("#AEB7BD")
ALERT = colors.HexColor("#8A1538")


class Styles:
    """The paragraph styles; built once fonts are registered."""

    def __init__(self) -> None:
        fonts()
        self.body = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=11.6, textColor=DARK)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.6, leading=9.6)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8, leading=10)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=SANS_BOLD)
        self.label = ParagraphStyle("label", parent=self.small, textColor=GREY)
        self.missing = ParagraphStyle("missing", parent=self.cell, fontSize=7, textColor=GREY)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=SANS_BOLD)
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=SANS_BOLD, fontSize=14, leading=18
        )
        self.subtitle = ParagraphStyle("subtitle", parent=self.body, textColor=GREY)
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=SANS_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=4,
            textColor=NHS_BLUE,
            keepWithNext=1,
        )
        self.h3 = ParagraphStyle(
            "h3", parent=self.body, fontName=SANS_BOLD, spaceBefore=5, spaceAfter=2, keepWithNext=1
        )
        self.banner_name = ParagraphStyle(
            "banner_name", parent=self.body, fontName=SANS_BOLD, fontSize=14, leading=18
        )
        self.marking = ParagraphStyle(
            "marking", parent=self.body, fontName=SANS_BOLD, fontSize=9, alignment=TA_CENTER
        )
        self.verbatim = ParagraphStyle(
            "verbatim", parent=self.body, fontSize=10, leading=13.5, leftIndent=4, rightIndent=4
        )
        self.leaflet = ParagraphStyle(
            "leaflet", parent=self.body, fontSize=12, leading=17, spaceAfter=8
        )
        self.leaflet_title = ParagraphStyle(
            "leaflet_title", parent=self.title, fontSize=20, leading=25, spaceAfter=10
        )


_styles: Styles | None = None


def styles() -> Styles:
    """Return the shared styles (fonts are registered on first use)."""
    global _styles
    if _styles is None:
        _styles = Styles()
    return _styles
