"""Bundled fonts, per-character font choice, and the error for a character no font has.

ReportLab's standard fonts print ``Ł``, Arabic and Chinese as black boxes, and ReportLab has
no automatic fallback (tech-notes.md, "ReportLab"). So every string is split into runs, each
set in the first bundled font that has a glyph for it:

- DejaVu Sans (regular and bold): Latin, Latin-extended, Greek, Cyrillic, Arabic.
- WenQuanYi Micro Hei: Chinese (and Japanese kana, Korean Hangul).

A character that none of them covers (an emoji, Devanagari, a private-use character) prints as
a visible placeholder with its code point, ``[U+1F476]``, never as a blank box or a gap, and
never stops a record from being sealed: the original text stays verbatim in the store and in
the FHIR document. While a document is built (:func:`recording_placeholders`), the code points
so replaced are collected, so the document can say that its placeholders stand for text kept
in full elsewhere. Fonts are read through
:func:`triage_app.domain.resources.resource`, so a checkout, a wheel and the frozen build load
the same files, and they are embedded (subset) in every PDF.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from triage_app.domain.resources import resource

SANS = "TriageSans"
SANS_BOLD = "TriageSans-Bold"
CJK = "TriageCJK"

_FILES = {
    SANS: ("DejaVuSans.ttf", 0),
    SANS_BOLD: ("DejaVuSans-Bold.ttf", 0),
    CJK: ("wqy-microhei.ttc", 0),
}
_lock = threading.Lock()
# ReportLab's font-mapping flags (bold, italic) are 0 or 1.
_OFF: Literal[0] = 0
_ON: Literal[1] = 1


class UncoveredCharacterError(ValueError):
    """A character has no glyph in any bundled font (raised only by :meth:`FontSet.check`).

    Documents never raise it any more: :func:`runs` prints a placeholder instead.

    The message names the character and the field, never the rest of the text (which may
    identify the patient), so it is safe to log.
    """

    def __init__(self, char: str, field: str | None = None) -> None:
        self.char = char
        self.field = field
        name = unicodedata.name(char, "unnamed character")
        where = f" in {field}" if field else ""
        super().__init__(
            f"Cannot print U+{ord(char):04X} ({name}){where}: no bundled font has this "
            "character. The document was not produced, so nothing prints as a blank box. "
            "Correct the text, or add a font that covers it to resources/fonts."
        )


@dataclass(frozen=True)
class FontSet:
    """The registered fonts and the characters each one covers."""

    coverage: dict[str, frozenset[int]]

    def font_for(self, char: str, bold: bool = False) -> str | None:
        """Return the font to set ``char`` in, or ``None`` when no bundled font has it."""
        primary = SANS_BOLD if bold else SANS
        code = ord(char)
        if code in self.coverage[primary]:
            return primary
        if code in self.coverage[CJK]:
            return CJK
        return None

    def check(self, text: str, field: str | None = None, bold: bool = False) -> None:
        """Raise :class:`UncoveredCharacterError` for the first character no font covers."""
        for char in text:
            if not char.isspace() and self.font_for(char, bold) is None:
                raise UncoveredCharacterError(char, field)


_fonts: FontSet | None = None


def fonts() -> FontSet:
    """Register the bundled fonts with ReportLab (once per process) and return them."""
    global _fonts
    if _fonts is not None:
        return _fonts
    with _lock:
        if _fonts is None:
            coverage = {}
            for name, (filename, index) in _FILES.items():
                data = resource("fonts", filename).read_bytes()
                font = TTFont(name, io.BytesIO(data), subfontIndex=index)
                pdfmetrics.registerFont(font)
                coverage[name] = frozenset(font.face.charToGlyph)
            # <b> inside our own markup switches DejaVu to its bold face; CJK has one face.
            for face, bold in ((SANS, _OFF), (SANS_BOLD, _ON)):
                addMapping(SANS, bold, 0, face)
                addMapping(SANS, bold, 1, face)
            for bold in (_OFF, _ON):
                for italic in (_OFF, _ON):
                    addMapping(CJK, bold, italic, CJK)
            _fonts = FontSet(coverage)
    return _fonts


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the printed width of plain ``text`` in points, font run by font run."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text, bold))


_placeholders: ContextVar[set[int] | None] = ContextVar("placeholders", default=None)


@contextmanager
def recording_placeholders() -> Iterator[set[int]]:
    """Collect the code points printed as placeholders while a document is built."""
    seen: set[int] = set()
    token = _placeholders.set(seen)
    try:
        yield seen
    finally:
        _placeholders.reset(token)


def placeholder(chars: str) -> str:
    """Return the visible stand-in for characters no bundled font has: ``[U+1F476 U+1F3FD]``."""
    return "[" + " ".join(f"U+{ord(c):04X}" for c in chars) + "]"


def runs(text: str, bold: bool = False, field: str | None = None) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font, run)`` pairs; spaces join the run they sit in.

    A character no bundled font has is replaced by :func:`placeholder` (consecutive ones share
    one bracket), set in the primary font, and its code point is noted for the document.
    ``field`` is kept for callers' signatures; nothing is raised.
    """
    fs = fonts()
    primary = SANS_BOLD if bold else SANS
    covered = fs.coverage[primary]
    if text and all(ord(c) in covered or c.isspace() for c in set(text)):
        return [(primary, text)]  # one font for all (the usual case; no walk of long texts)
    out: list[tuple[str, str]] = []
    current = primary
    buf: list[str] = []
    missing: list[str] = []
    seen = _placeholders.get()

    def flush_missing() -> None:
        nonlocal current
        if not missing:
            return
        if current != primary and buf:
            out.append((current, "".join(buf)))
            buf.clear()
        current = primary
        buf.append(placeholder("".join(missing)))
        if seen is not None:
            seen.update(ord(c) for c in missing)
        missing.clear()

    font: str | None
    for char in text:
        if char.isspace():
            flush_missing()
            font = current
        else:
            font = fs.font_for(char, bold)
            if font is None:
                missing.append(char)
                continue
            flush_missing()
        if font != current and buf:
            out.append((current, "".join(buf)))
            buf.clear()
        current = font
        buf.append(char)
    flush_missing()
    if buf:
        out.append((current, "".join(buf)))
    return out
