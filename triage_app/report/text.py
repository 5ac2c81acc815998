"""Safe text for ReportLab: escaping, font runs, Arabic shaping and right-to-left lines.

ReportLab's ``Paragraph`` reads its text as markup: an unescaped ``<img src=...>`` in a
carer's explanation would embed a local file, ``<a href=...>`` would add a live link, and an
unclosed ``<b>`` would stop the build (tech-notes.md). So every user or database string
passes through :func:`markup` (or :func:`para`), which escapes it with
:func:`xml.sax.saxutils.escape` *before* any tag of ours is added around it.

Text is normalised for display only; the stored text stays verbatim (and is in full in the FHIR
document). Explicit bidirectional controls (embeddings and overrides U+202A to U+202E, isolates
U+2066 to U+2069, the marks U+200E, U+200F and U+061C) are not applied: copied in from other
systems, they would make ReportLab fail ("RLI not allowed here") or reorder Latin letters so
that a name reads differently on paper from what was stored. Each printed line follows the
direction of its own letters instead (Unicode's implicit algorithm).

Arabic is shaped (``arabic-reshaper``) and put in visual order (``python-bidi``) one printed
line at a time: :class:`BidiParagraph` breaks the *logical* text into lines that fit the
width first, then reorders each line, so a wrapped right-to-left explanation still reads from
its first line down.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

import arabic_reshaper

# The pure-Python algorithm, not python-bidi's default Rust one: only this one applies rule L4
# (mirroring), without which "(mother)" in right-to-left text prints as ")mother(".
from bidi.algorithm import get_display
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from triage_app.report.fonts import CJK, SANS_BOLD, runs, text_width

NOT_RECORDED = "Not recorded"

BIDI_CONTROLS = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
)
"""Explicit bidirectional formatting characters, dropped for display (see the module doc)."""


def _is_rtl_char(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def has_rtl(text: str) -> bool:
    """Return True when ``text`` contains right-to-left letters (Arabic, Hebrew ...)."""
    return not text.isascii() and any(_is_rtl_char(c) for c in set(text))


def has_cjk(text: str) -> bool:
    """Return True when ``text`` contains CJK ideographs, kana or Hangul."""
    return not text.isascii() and any(
        0x2E80 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF or 0xF900 <= ord(c) <= 0xFAFF
        for c in set(text)
    )


def base_is_rtl(text: str) -> bool:
    """Return True when the first strong character of ``text`` is right-to-left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def clean(text: str) -> str:
    """Normalise for display: NFC, line breaks kept, other spaces plain, controls dropped.

    Unusual spaces (tab, no-break, ideographic, line separator) become U+0020, which every
    font has; other control codes are dropped (they have no glyph and no meaning on paper),
    and so are the explicit bidirectional controls (:data:`BIDI_CONTROLS`). Only what is
    printed changes: the stored text is never rewritten.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if all(c == "\n" or (c.isprintable() and not c.isspace()) or c == " " for c in set(text)):
        return text  # nothing to change (the usual case; long texts need not be walked)
    return "".join(
        " " if c.isspace() and c != "\n" else c
        for c in text
        if c.isspace() or (unicodedata.category(c) != "Cc" and c not in BIDI_CONTROLS)
    )


def _drop_format_chars(text: str) -> str:
    # Bidi marks and joiners (category Cf) steer shaping and ordering but have no glyph.
    if text.isascii() or all(unicodedata.category(c) != "Cf" for c in set(text)):
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _line_markup(line: str, bold: bool, field: str | None) -> str:
    parts = []
    for font, run in runs(_drop_format_chars(line), bold, field):
        escaped = escape(run)
        parts.append(f'<font name="{CJK}">{escaped}</font>' if font == CJK else escaped)
    return "".join(parts)


def visual_line(line: str, rtl_base: bool | None = None) -> str:
    """Return one line shaped and in visual (left-to-right drawing) order."""
    line = "".join(c for c in line if c not in BIDI_CONTROLS)
    if not has_rtl(line):
        return line
    base = rtl_base if rtl_base is not None else base_is_rtl(line)
    shaped: str = get_display(arabic_reshaper.reshape(line), base_dir="R" if base else "L")
    return shaped


def markup(text: str | None, *, bold: bool = False, field: str | None = None) -> str:
    """Return ReportLab markup that prints ``text`` literally, in the right fonts.

    Use this for short values embedded in our own markup (one line each). Longer text that
    may contain right-to-left script belongs in :func:`para`. A character no bundled font
    has prints as a placeholder with its code point (:func:`~triage_app.report.fonts.runs`).
    """
    if text is None:
        return ""
    lines = clean(text).split("\n")
    return "<br/>".join(_line_markup(visual_line(line), bold, field) for line in lines)


def _display(line: str, base: str) -> str:
    """``line`` in display order; a character the bidi tables do not know still appears.

    python-bidi stops with an AssertionError on a code point this Python's Unicode tables give
    no bidi class (one assigned after them, e.g. CJK Extension I): each such character is
    reordered as a stand-in from the private use area (class L) and put back afterwards.
    """
    unknown = {ch for ch in line if not unicodedata.bidirectional(ch)}
    if not unknown:
        return str(get_display(line, base_dir=base))
    free = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in line)
    stand_in = {ch: next(free) for ch in unknown}
    back = {v: k for k, v in stand_in.items()}
    shown = get_display("".join(stand_in.get(ch, ch) for ch in line), base_dir=base)
    return "".join(back.get(ch, ch) for ch in str(shown))


class BidiParagraph(Flowable):
    """A paragraph of user text with right-to-left script, wrapped in logical order."""

    def __init__(self, text: str, style: ParagraphStyle, field: str | None = None) -> None:
        super().__init__()
        self.text = clean(text)
        self.style = style
        self.field = field
        self.rtl = base_is_rtl(self.text)
        self.bold = style.fontName == SANS_BOLD
        self._para: Paragraph | None = None
        # Note any placeholder now, while the story is built (layout comes after the notes).
        for line in self.text.split("\n"):
            runs(_drop_format_chars(arabic_reshaper.reshape(line)), self.bold, field)

    def _width(self, text: str) -> float:
        return text_width(_drop_format_chars(text), self.style.fontSize, self.bold)

    def _fit_word(self, word: str, width: float) -> list[str]:
        """Return ``word`` in logical-order pieces no wider than ``width`` (long words only)."""
        if len(word) < 8 or self._width(word) <= width:
            return [word]
        pieces = []
        while word:
            n = max(1, min(len(word), int(len(word) * width / max(self._width(word), 1))))
            while n > 1 and self._width(word[:n]) > width:
                n = max(1, n * 9 // 10)
            while n < len(word) and self._width(word[: n + 1]) <= width:
                n += 1
            pieces.append(word[:n])
            word = word[n:]
        return pieces

    def _lines(self, width: float) -> list[str]:
        size = self.style.fontSize
        out = []
        for logical in self.text.split("\n"):
            words = [
                piece
                for word in arabic_reshaper.reshape(logical).split(" ")
                for piece in self._fit_word(word, width)
            ]
            current: list[str] = []
            for word in words:
                trial = " ".join([*current, word])
                if current and text_width(_drop_format_chars(trial), size, self.bold) > width:
                    out.append(" ".join(current))
                    current = [word]
                else:
                    current.append(word)
            out.append(" ".join(current))
        base = "R" if self.rtl else "L"
        return [_display(line, base) for line in out]

    def _build(self, width: float) -> Paragraph:
        lines = self._lines(width)
        body = "<br/>".join(_line_markup(v, self.bold, self.field) for v in lines)
        style = self.style
        # A one-line value lines up with its neighbours; a wrapped right-to-left paragraph is
        # right-aligned, as it reads.
        if self.rtl and len(lines) > 1:
            style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        return Paragraph(body, style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Break the text for ``availWidth`` and return the size it needs."""
        indents = self.style.leftIndent + self.style.rightIndent
        self._para = self._build(availWidth - indents - 1)
        return self._para.wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """Split across a page break like a normal paragraph."""
        self.wrap(availWidth, availHeight)
        assert self._para is not None
        return self._para.split(availWidth, availHeight)

    def draw(self) -> None:
        """Draw the wrapped paragraph."""
        assert self._para is not None
        self._para.drawOn(self.canv, 0, 0)


def para(
    text: str | None,
    style: ParagraphStyle,
    *,
    field: str | None = None,
    empty: str = NOT_RECORDED,
) -> Flowable:
    """Return a flowable that prints user text literally (escaped, shaped, in the right fonts).

    Args:
        text: The user or database string; ``None`` or blank prints ``empty``.
        style: The paragraph style.
        field: Field name for the error message if a character cannot be printed.
        empty: What to print when there is no value (NHS CUI: never a bare gap or ``?``).
    """
    if text is None or not text.strip():
        return Paragraph(escape(empty), style)
    if has_rtl(text):
        return BidiParagraph(text, style, field)
    if has_cjk(text):
        style = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
    return Paragraph(markup(text, bold=style.fontName == SANS_BOLD, field=field), style)


def chunks(text: str | None, size: int = 1200, lines: int = 40) -> list[str | None]:
    """Split long text into pieces of about ``size`` characters, at line breaks or spaces.

    A table cell cannot break across pages, so long free text (a verbatim explanation can run
    to pages) goes into one row per piece; the table then splits between rows. A piece also
    holds at most ``lines`` line breaks, so even a text of empty lines makes short rows.
    Nothing is dropped: joining the pieces gives back the text (whitespace at the cuts aside).
    """
    if text is None or (len(text) <= size and text.count("\n") <= lines):
        return [text]
    pieces: list[str | None] = []
    rest = text
    while len(rest) > size or rest.count("\n", 0, size) > lines:
        limit = size
        newline = -1
        for _ in range(lines + 1):
            newline = rest.find("\n", newline + 1, size)
            if newline < 0:
                break
        if newline >= 0:  # more than ``lines`` line breaks within ``size``: cut at the last
            limit = newline
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        cut = max(cut, 1)
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ")
    if rest:
        pieces.append(rest)
    return pieces
