"""Table helpers: label/value grids and data tables with repeated header rows."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from triage_app.report.fonts import SANS
from triage_app.report.styles import BANNER, DARK, FRAME_WIDTH, PALE, RULE, styles
from triage_app.report.text import para

Cell = str | Flowable | None


def cell(value: Cell, bold: bool = False, empty: str = "Not recorded") -> Flowable:
    """Return a table cell: user text escaped via :func:`para`; flowables pass through."""
    if isinstance(value, Flowable):
        return value
    s = styles()
    if value is None or (isinstance(value, str) and not value.strip()):
        return Paragraph(empty, s.missing)
    return para(value, s.cell_bold if bold else s.cell)


def label(text: str) -> Paragraph:
    """Return a grey label (our own fixed wording, never user text)."""
    return Paragraph(text, styles().label)


def kv_table(rows: Sequence[tuple[str, Cell]], columns: int = 2) -> Table:
    """Return a grid of label/value pairs, ``columns`` pairs per row."""
    data = []
    for i in range(0, len(rows), columns):
        line: list[Flowable | str] = []
        for key, value in rows[i : i + columns]:
            line.extend([label(key), cell(value)])
        line.extend([""] * (2 * columns - len(line)))
        data.append(line)
    pair = FRAME_WIDTH / columns
    widths = [pair * 0.34, pair * 0.66] * columns
    t = Table(data, colWidths=widths, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, PALE),
            ]
        )
    )
    return t


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    empty_message: str = "None recorded.",
) -> Flowable:
    """Return a table whose header row repeats on every page it runs onto."""
    if not rows:
        return Paragraph(empty_message, styles().body)
    scale = FRAME_WIDTH / sum(widths)
    head = [Paragraph(h, styles().cell_bold) for h in header]
    body = [[cell(v) for v in row] for row in rows]
    t = Table([head, *body], colWidths=[w * scale for w in widths], repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BANNER),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, DARK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t
