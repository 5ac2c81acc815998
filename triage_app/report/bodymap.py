"""Body-map drawing: front, back and face outlines (vector), with numbered finding marks.

Each finding's number on the drawing is its number in the findings table. A finding drawn by
the user carries :class:`~triage_app.domain.referral.BodyMapMark` coordinates and is shown as a
solid circle. A finding recorded only by site is placed at that site's usual position and
shown as a dashed circle, so the reader can tell a drawn position from a derived one. ``R``
and ``L`` give the child's right and left on each view (NHS CUI: orientation explicit).
"""

from __future__ import annotations

from typing import TypedDict

from reportlab.graphics.shapes import Circle, Drawing, Ellipse, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.units import mm

from triage_app.domain.referral import BodyMapMark, FindingEntry
from triage_app.domain.vocab import Side, Site
from triage_app.report.fonts import SANS_BOLD
from triage_app.report.styles import ALERT, GREY, RULE

# Usual position of each site: (view, x on the child's RIGHT as the viewer sees it, y), with
# (0, 0) the top left of the view. x == 0.5 is the midline.
SITE_POSITIONS: dict[Site, tuple[str, float, float]] = {
    Site.SCALP: ("back", 0.5, 0.06),
    Site.FOREHEAD: ("face", 0.5, 0.2),
    Site.EYELID: ("face", 0.35, 0.36),
    Site.SUBCONJUNCTIVA: ("face", 0.35, 0.44),
    Site.EAR: ("face", 0.1, 0.5),
    Site.CHEEK: ("face", 0.28, 0.6),
    Site.ANGLE_OF_JAW: ("face", 0.2, 0.74),
    Site.NOSE: ("face", 0.5, 0.54),
    Site.LIP: ("face", 0.5, 0.73),
    Site.MOUTH: ("face", 0.5, 0.77),
    Site.FRENULUM: ("face", 0.5, 0.69),
    Site.CHIN: ("face", 0.5, 0.9),
    Site.NECK: ("front", 0.5, 0.205),
    Site.CHEST: ("front", 0.42, 0.3),
    Site.ABDOMEN: ("front", 0.5, 0.44),
    Site.GENITALIA: ("front", 0.5, 0.56),
    Site.HIP: ("front", 0.37, 0.53),
    Site.UPPER_ARM: ("front", 0.26, 0.33),
    Site.FOREARM: ("front", 0.19, 0.46),
    Site.HAND: ("front", 0.15, 0.585),
    Site.THIGH: ("front", 0.42, 0.66),
    Site.LOWER_LEG: ("front", 0.42, 0.8),
    Site.FOOT: ("front", 0.42, 0.925),
    Site.BACK: ("back", 0.58, 0.36),
    Site.BUTTOCK: ("back", 0.58, 0.52),
}
# On the back view the child's right is on the viewer's right.
_BACK_MIRRORED = {Site.SCALP, Site.BACK, Site.BUTTOCK}

PANEL_W = 60 * mm
HEIGHT = 72 * mm
_BODY_BOX = (10 * mm, 6 * mm, 40 * mm, 60 * mm)  # x, y, w, h inside a panel
_FACE_BOX = (5 * mm, 8 * mm, 50 * mm, 56 * mm)
_VIEW_ORDER = ("front", "back", "face")


def derived_marks(site: Site, side: Side | None) -> tuple[BodyMapMark, ...]:
    """Return the usual mark position(s) for a site and side; none for ``other``."""
    if site not in SITE_POSITIONS:
        return ()
    view, x_right, y = SITE_POSITIONS[site]
    if x_right == 0.5 or side == Side.MIDLINE:
        return (BodyMapMark(view, 0.5, y),)
    x_left = 1.0 - x_right
    if side == Side.BILATERAL:
        return (BodyMapMark(view, x_right, y), BodyMapMark(view, x_left, y))
    return (BodyMapMark(view, x_left if side == Side.LEFT else x_right, y),)


class _Outline(TypedDict):
    """The pen and fill shared by the outline shapes."""

    strokeColor: Color
    strokeWidth: float
    fillColor: Color


def _point(
    box: tuple[float, float, float, float], ox: float, x: float, y: float
) -> tuple[float, float]:
    bx, by, bw, bh = box
    return ox + bx + x * bw, by + (1.0 - y) * bh


def _body(d: Drawing, ox: float, back: bool) -> None:
    def pts(*xy: float) -> list[float]:
        out: list[float] = []
        for i in range(0, len(xy), 2):
            out.extend(_point(_BODY_BOX, ox, xy[i], xy[i + 1]))
        return out

    style: _Outline = {"strokeColor": GREY, "strokeWidth": 0.8, "fillColor": colors.white}
    for side in (0, 1):

        def m(x: float, side: int = side) -> float:
            return x if side == 0 else 1.0 - x

        d.add(
            Polygon(
                pts(
                    m(0.34),
                    0.23,
                    m(0.2),
                    0.38,
                    m(0.11),
                    0.56,
                    m(0.19),
                    0.58,
                    m(0.26),
                    0.44,
                    m(0.34),
                    0.34,
                ),
                **style,
            )
        )
        d.add(Polygon(pts(m(0.36), 0.54, m(0.35), 0.88, m(0.47), 0.88, m(0.5), 0.58), **style))
        hx, hy = _point(_BODY_BOX, ox, m(0.15), 0.6)
        d.add(Circle(hx, hy, 0.04 * _BODY_BOX[2], **style))
        fx, fy = _point(_BODY_BOX, ox, m(0.42), 0.92)
        d.add(Ellipse(fx, fy, 0.08 * _BODY_BOX[2], 0.025 * _BODY_BOX[3], **style))
    x0, y0 = _point(_BODY_BOX, ox, 0.32, 0.58)
    x1, y1 = _point(_BODY_BOX, ox, 0.68, 0.22)
    # types-reportlab annotates Rect(**kw) without Unpack[...]: a stub gap, hence the ignores.
    d.add(Rect(x0, y0, x1 - x0, y1 - y0, rx=6, ry=6, **style))  # type: ignore[arg-type]
    nx, ny = _point(_BODY_BOX, ox, 0.45, 0.23)
    d.add(Rect(nx, ny, 0.1 * _BODY_BOX[2], 0.04 * _BODY_BOX[3], **style))  # type: ignore[arg-type]
    cx, cy = _point(_BODY_BOX, ox, 0.5, 0.11)
    d.add(Ellipse(cx, cy, 0.14 * _BODY_BOX[2], 0.09 * _BODY_BOX[3], **style))
    if back:
        sx0, sy0 = _point(_BODY_BOX, ox, 0.5, 0.25)
        sx1, sy1 = _point(_BODY_BOX, ox, 0.5, 0.5)
        d.add(Line(sx0, sy0, sx1, sy1, strokeColor=RULE, strokeDashArray=[2, 2]))


def _face(d: Drawing, ox: float) -> None:
    def at(x: float, y: float) -> tuple[float, float]:
        return _point(_FACE_BOX, ox, x, y)

    w, h = _FACE_BOX[2], _FACE_BOX[3]
    style: _Outline = {"strokeColor": GREY, "strokeWidth": 0.8, "fillColor": colors.white}
    for x in (0.1, 0.9):
        ex, ey = at(x, 0.5)
        d.add(Ellipse(ex, ey, 0.07 * w, 0.1 * h, **style))
    cx, cy = at(0.5, 0.52)
    d.add(Ellipse(cx, cy, 0.37 * w, 0.45 * h, **style))
    for x in (0.35, 0.65):
        ex, ey = at(x, 0.41)
        d.add(Ellipse(ex, ey, 0.08 * w, 0.035 * h, **style))
        px, py = at(x, 0.41)
        d.add(Circle(px, py, 0.02 * w, strokeColor=GREY, fillColor=GREY))
        bx0, by0 = at(x - 0.08, 0.33)
        bx1, by1 = at(x + 0.08, 0.33)
        d.add(Line(bx0, by0, bx1, by1, strokeColor=GREY, strokeWidth=0.8))
    n0, n1 = at(0.5, 0.46), at(0.5, 0.57)
    d.add(Line(*n0, *n1, strokeColor=GREY, strokeWidth=0.8))
    d.add(Line(*at(0.46, 0.58), *at(0.54, 0.58), strokeColor=GREY, strokeWidth=0.8))
    d.add(Polygon([*at(0.4, 0.74), *at(0.5, 0.78), *at(0.6, 0.74), *at(0.5, 0.72)], **style))


def body_map(findings: tuple[FindingEntry, ...]) -> Drawing:
    """Return the three-view drawing with every finding's numbered mark(s)."""
    d = Drawing(3 * PANEL_W, HEIGHT, initialFontName=SANS_BOLD)
    for i, view in enumerate(_VIEW_ORDER):
        ox = i * PANEL_W
        # types-reportlab annotates Rect(**kw) without Unpack[...]: a stub gap, hence the ignore.
        d.add(Rect(ox + 1, 1, PANEL_W - 2, HEIGHT - 2, strokeColor=RULE, fillColor=None))  # type: ignore[arg-type]
        if view == "face":
            _face(d, ox)
        else:
            _body(d, ox, back=view == "back")
        title = {"front": "Front", "back": "Back", "face": "Face"}[view]
        d.add(
            String(
                ox + PANEL_W / 2,
                HEIGHT - 9,
                title,
                fontName=SANS_BOLD,
                fontSize=8,
                textAnchor="middle",
                fillColor=GREY,
            )
        )
        left, right = ("L", "R") if view == "back" else ("R", "L")
        for x, label in ((ox + 10, left), (ox + PANEL_W - 10, right)):
            d.add(
                String(
                    x,
                    HEIGHT / 2,
                    label,
                    fontName=SANS_BOLD,
                    fontSize=8,
                    textAnchor="middle",
                    fillColor=GREY,
                )
            )
    seen: dict[tuple[str, float, float], int] = {}
    for entry in findings:
        marks, drawn = entry.marks, True
        if not marks:
            marks, drawn = derived_marks(entry.finding.site, entry.finding.side), False
        for mark in marks:
            key = (mark.view, round(mark.x, 2), round(mark.y, 2))
            shift = seen.get(key, 0)
            seen[key] = shift + 1
            _mark(d, mark, entry.number, drawn, shift)
    return d


def _mark(d: Drawing, mark: BodyMapMark, number: int, drawn: bool, shift: int) -> None:
    ox = _VIEW_ORDER.index(mark.view) * PANEL_W
    box = _FACE_BOX if mark.view == "face" else _BODY_BOX
    x, y = _point(box, ox, mark.x, mark.y)
    x += 7.5 * shift  # several findings at one usual position sit side by side
    circle = Circle(x, y, 5.2, fillColor=colors.white, strokeColor=ALERT, strokeWidth=1.3)
    if not drawn:
        circle.strokeDashArray = [2, 1.5]  # derived position: dashed (drawn: ReportLab's solid)
    d.add(circle)
    d.add(
        String(
            x,
            y - 2.6,
            str(number),
            fontName=SANS_BOLD,
            fontSize=7.2 if number < 10 else 6,
            textAnchor="middle",
            fillColor=ALERT,
        )
    )
