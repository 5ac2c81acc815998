"""Table helpers: label/value grids and data tables with repeated header rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from triage_app.report.fonts import SANS, runs
from triage_app.report.longtext import fit, row_label
from triage_app.report.styles import BANNER, DARK, FRAME_WIDTH, GREY, PALE, RULE, styles
from triage_app.report.text import clean, has_rtl, para

Cell = str | Flowable | None
_CELL_SIZE = 8
_PAD = 3
_KV_PAD = 6  # ReportLab's default cell padding, which kv_table keeps


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


def kv_table(rows: Sequence[tuple[str, Cell]], columns: int = 2, name: str = "") -> Table:
    """Return a grid of label/value pairs, ``columns`` pairs per row.

    A value too long for a cell shows its start and points to its note, printed in full
    after the section (:mod:`triage_app.report.longtext`); ``name`` heads that note.
    """
    data = []
    pair = FRAME_WIDTH / columns
    widths = [pair * 0.34, pair * 0.66] * columns
    inner = widths[1] - 2 * _KV_PAD
    for i in range(0, len(rows), columns):
        line: list[Flowable | list[Flowable] | str] = []
        for key, value in rows[i : i + columns]:
            long = None
            if isinstance(value, str):
                where = f"{name + ', ' if name else ''}{key}"
                long = fit(clean(value), inner, styles().cell, where, field=key)
            line.extend([label(key), long or cell(value)])
        line.extend([""] * (2 * columns - len(line)))
        data.append(line)
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


def _fast_cell(
    value: Cell, width: float, where: str | Callable[[], str] = "", field: str = ""
) -> tuple[Flowable | list[Flowable] | str, bool]:
    """Return ``(cell, missing)``; a short one-font, one-line value stays a plain string.

    Plain strings in a table cell are drawn as they are, never parsed as markup, and cost a
    fraction of a ``Paragraph``: the long timeline stays fast (benchmarks/bench_report.py).
    Anything that needs wrapping, a second font or right-to-left shaping becomes a paragraph;
    a text too tall for a cell, its start and a pointer to the note that prints it in full.
    """
    if isinstance(value, Flowable):
        return value, False
    if value is None or not value.strip():
        if pdfmetrics.stringWidth("Not recorded", SANS, 7) <= width - 2 * _PAD:
            return "Not recorded", True
        return cell(None), False
    text = clean(value)
    long = fit(text, width - 2 * _PAD, styles().cell, where, field=field)
    if long is not None:
        return long, False
    if "\n" in text or has_rtl(text):
        return cell(text), False
    font_runs = runs(text)
    one_font = font_runs == [(SANS, text)]  # no second font, no placeholder
    if one_font and pdfmetrics.stringWidth(text, SANS, _CELL_SIZE) <= width - 2 * _PAD:
        return text, False
    return cell(text), False


def _where(name: str, r: int, first: Cell, column: str) -> Callable[[], str]:
    """Return a function naming a cell for its note: table, row (and its first value), column."""
    return lambda: f"{name + ', ' if name else ''}row {r}{row_label(first)}, {column}"


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    empty_message: str = "None recorded.",
    name: str = "",
) -> Flowable:
    """Return a table whose header row repeats on every page it runs onto.

    A cell text too long for a cell shows its start and points to its note, printed in full
    after the section (:mod:`triage_app.report.longtext`); ``name`` names the table there.
    """
    if not rows:
        return Paragraph(empty_message, styles().body)
    scale = FRAME_WIDTH / sum(widths)
    col_widths = [w * scale for w in widths]
    head = [Paragraph(h, styles().cell_bold) for h in header]
    body = []
    missing_cmds: list[tuple[str, tuple[int, int], tuple[int, int], Color | float]] = []
    for r, row in enumerate(rows, start=1):
        line = []
        for c, value in enumerate(row):
            content, missing = _fast_cell(
                value, col_widths[c], _where(name, r, row[0] if c else None, header[c]), header[c]
            )
            if missing:
                missing_cmds.append(("TEXTCOLOR", (c, r), (c, r), GREY))
                missing_cmds.append(("FONTSIZE", (c, r), (c, r), 7))
            line.append(content)
        body.append(line)
    t = Table([head, *body], colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("FONTSIZE", (0, 0), (-1, -1), _CELL_SIZE),
                ("LEADING", (0, 0), (-1, -1), 10),
                ("TEXTCOLOR", (0, 0), (-1, -1), DARK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BANNER),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, DARK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
                *missing_cmds,
            ]
        )
    )
    return t
