"""Long free text in table cells: the start in the cell, the whole text after the section.

A ReportLab table row cannot break across pages, so a cell holding a long text (free text may
run to 100,000 characters) makes the build fail with ``LayoutError``. Nothing may be cut
silently either. So while a document is built inside :func:`collecting`, a cell whose text
would be taller than :data:`MAX_CELL_HEIGHT` shows only its start and the line
"... continued in full below (note N)", and the text itself is kept as note N. After each
section the story takes :meth:`FullTexts.flush`: a "Text in full" block that prints every
note of that section word for word, in paragraphs of about 1,200 characters, which break
across pages like any paragraph.

Short values are never measured (a cheap worst-case bound on characters comes first), so a
normal record prints exactly as before and as fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from triage_app.report.fonts import SANS_BOLD, recording_placeholders
from triage_app.report.styles import NHS_BLUE, styles
from triage_app.report.text import chunks, markup, para

MAX_CELL_HEIGHT = 300.0
"""Tallest a cell of user text may be, in points (a page's frame is about 690)."""
SHOWN_HEIGHT = 80.0
"""About how much of a long text the cell keeps, in points (six to eight lines)."""
_MEASURE_LIMIT = 6_000  # longer texts are long without measuring them
_MAX_NEWLINES = 12  # more line breaks than this and a text is measured, however short

Make = Callable[[str], Flowable]


class FullTexts:
    """The notes of one document: long cell texts waiting to be printed in full."""

    def __init__(self, placeholders: set[int] | None = None) -> None:
        self.count = 0
        self.section = ""
        self.pending: list[tuple[int, str, str, str]] = []
        self.placeholders = placeholders if placeholders is not None else set()
        self._noted: set[int] = set()

    def placeholder_note(self) -> list[Flowable]:
        """Return a note for code points printed as placeholders since the last note."""
        new = sorted(self.placeholders - self._noted)
        if not new:
            return []
        self._noted.update(new)
        shown = ", ".join(f"U+{c:04X}" for c in new[:12]) + (", ..." if len(new) > 12 else "")
        return [
            Paragraph(
                "<b>Characters shown as [U+...]</b> (here "
                f"{shown}) have no glyph in this document's fonts; the code point stands in "
                "for each. The original text is kept word for word in the FHIR document sealed "
                "with this record and in the application's store.",
                _note_head(),
            )
        ]

    def add(self, title: str, text: str, field: str) -> int:
        """Keep ``text`` as the next note and return its number."""
        self.count += 1
        self.pending.append((self.count, title, text, field))
        return self.count

    def flush(self) -> list[Flowable]:
        """Return the "Text in full" block for the notes kept since the last flush."""
        if not self.pending:
            return self.placeholder_note()
        s = styles()
        out: list[Flowable] = [Paragraph("Text in full", s.h3)]
        for number, title, text, field in self.pending:
            out.append(
                Paragraph(
                    f"<b>Note {number}</b> ({title}; {len(text):,} characters), in full:",
                    _note_head(),
                )
            )
            out.extend(para(piece, _note_body(), field=field) for piece in chunks(text))
        self.pending = []
        return out + self.placeholder_note()


_active: ContextVar[FullTexts | None] = ContextVar("full_texts", default=None)


@contextmanager
def collecting() -> Iterator[FullTexts]:
    """Collect long cell texts while a document's story is built."""
    with recording_placeholders() as seen:
        notes = FullTexts(seen)
        token = _active.set(notes)
        try:
            yield notes
        finally:
            _active.reset(token)


def set_section(title: str) -> None:
    """Name the section being built (used in the titles of its notes)."""
    notes = _active.get()
    if notes is not None:
        notes.section = title


def _note_head() -> ParagraphStyle:
    return ParagraphStyle(
        "note_head", parent=styles().body, spaceBefore=4, spaceAfter=1, keepWithNext=1
    )


def _note_body() -> ParagraphStyle:
    return ParagraphStyle("note_body", parent=styles().body, leftIndent=8)


def _pointer(number: int) -> Paragraph:
    style = ParagraphStyle(
        "pointer", parent=styles().cell, fontName=SANS_BOLD, fontSize=7, textColor=NHS_BLUE
    )
    return Paragraph(f"\u2026 continued in full below (note {number})", style)


def may_be_long(text: str, inner_width: float, style: ParagraphStyle) -> bool:
    """Return True unless ``text`` surely fits in a cell (no glyph is wider than 1 em)."""
    per_line = max(1, int(inner_width // style.fontSize))
    lines = int(MAX_CELL_HEIGHT // style.leading)
    return len(text) > per_line * lines or text.count("\n") > _MAX_NEWLINES


def _height(flowable: Flowable, inner_width: float) -> float:
    return flowable.wrap(inner_width, 1e9)[1]


def _start(text: str, inner_width: float, style: ParagraphStyle, make: Make) -> Flowable:
    """Return a flowable of the first few lines' worth of ``text``."""
    size = max(8, int(inner_width / (style.fontSize * 0.5)) * 6)
    while True:
        piece = text[:size]
        lines = piece.split("\n")
        if len(lines) > 6:
            piece = "\n".join(lines[:6])
        cut = piece.rfind(" ")
        if len(piece) < len(text) and cut > len(piece) // 2:
            piece = piece[:cut]
        flowable = make(piece.rstrip())
        if size <= 8 or _height(flowable, inner_width) <= SHOWN_HEIGHT:
            return flowable
        size //= 2


def fit(
    text: str,
    inner_width: float,
    style: ParagraphStyle,
    where: str | Callable[[], str],
    field: str,
    make: Make | None = None,
) -> Flowable | list[Flowable] | None:
    """Return a cell for a text too tall for one, or ``None`` when ``text`` fits as it is.

    Args:
        text: The (cleaned) user text.
        inner_width: The cell's width less its padding, in points.
        style: The style the cell's text is set in.
        where: Where the cell is (section, table, row, column), for the note's title; our
            own wording, with any user text already escaped; or a function that returns it.
        field: The field's name for an error message (never user text).
        make: Builds the cell's flowable from a text; by default :func:`para` in ``style``.

    Returns:
        ``None`` when the text fits in a cell (or no document is being collected for);
        otherwise the text's start and a pointer to the note that prints it in full.
    """
    notes = _active.get()
    if notes is None or not may_be_long(text, inner_width, style):
        return None
    build = make or (lambda t: para(t, style, field=field))
    if len(text) <= _MEASURE_LIMIT and _height(build(text), inner_width) <= MAX_CELL_HEIGHT:
        return None
    where = where if isinstance(where, str) else where()
    title = f"section {escape(notes.section)}, {where}" if notes.section else where
    number = notes.add(title, text, field)
    return [_start(text, inner_width, style, build), _pointer(number)]


def row_label(value: object) -> str:
    """Return a short first-column value as escaped markup to name a row, else ``""``."""
    if isinstance(value, str) and value.strip() and len(value) <= 40 and "\n" not in value:
        try:
            return f" ({markup(value)})"
        except ValueError:
            return ""
    return ""
