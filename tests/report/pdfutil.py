"""Helpers to read rendered PDFs the way a reader (or a screen reader) would."""

import io
import re

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def squash(text: str) -> str:
    """Collapse all whitespace so that wrapped lines compare as one string."""
    return re.sub(r"\s+", "", text)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
    return names


def embedded_font_files(pdf: bytes) -> int:
    count = 0
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for t in targets:
                desc = t.get("/FontDescriptor")
                if desc is not None and any(
                    k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    count += 1
    return count


def annotations_and_images(pdf: bytes) -> tuple[int, int]:
    annots = images = 0
    for page in reader(pdf).pages:
        annots += len(page.get("/Annots") or [])
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        images += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return annots, images
