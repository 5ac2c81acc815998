"""Free text prints literally, and names in any script print (a character with no glyph as its code point, never blank)."""

import unicodedata
from dataclasses import replace

import pytest

from tests.report.pdfutil import annotations_and_images, font_names, pdf_text, squash
from triage_app.domain.referral import Referrer
from triage_app.report.leaflet import build_leaflet_pdf
from triage_app.report.referral_pdf import build_referral_pdf
from triage_app.report.samples import HOSTILE, sample_record
from triage_app.report.text import markup


@pytest.fixture(scope="module")
def hostile_pdf():
    return build_referral_pdf(sample_record(hostile=True, prior=3))


def test_markup_in_free_text_appears_literally(hostile_pdf):
    flat = squash(pdf_text(hostile_pdf))
    for fragment in (
        "<b>bold?</b>",
        '<a href="javascript:alert(1)">click</a>',
        '<img src="/etc/passwd"/>',
        "<i>unclosed & <font name=x> ]]> &amp; <para>",
    ):
        assert squash(fragment) in flat, fragment
    # The explanation box, the address and the referrer's organisation each carry it.
    assert flat.count(squash(HOSTILE)) >= 5


def test_markup_in_free_text_creates_no_link_and_embeds_no_file(hostile_pdf):
    annots, images = annotations_and_images(hostile_pdf)
    assert annots == 0
    assert images == 0
    assert b"/URI" not in hostile_pdf
    assert b"/JavaScript" not in hostile_pdf
    assert b"/Subtype /Image" not in hostile_pdf


def test_markup_escapes_before_adding_fonts():
    assert markup("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert markup("王 <i>") == '<font name="TriageCJK">王 </font>&lt;i&gt;'


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("latin", ["ŁUKASIK-Ó SÚILLEABHÁIN, Zofia Bríd"]),
        ("chinese", ["王", "小明"]),
    ],
)
def test_non_latin_names_are_extractable(names, expected):
    pdf = build_referral_pdf(sample_record(names=names, prior=1))
    text = pdf_text(pdf)
    for value in expected:
        assert value in text
    if names == "chinese":
        assert any("WenQuanYi" in n or "wqy" in n.lower() for n in font_names(pdf))


def test_arabic_name_is_shaped_and_right_to_left():
    pdf = build_referral_pdf(sample_record(names="arabic", prior=1))
    text = pdf_text(pdf)
    # Shaped: the PDF carries the joined (initial, medial, final) presentation forms of
    # "محمد", not the isolated letters; text extraction may give either reading order.
    shaped = "\ufee3\ufea4\ufee4\ufeaa"
    assert unicodedata.normalize("NFKC", shaped) == "محمد"
    assert shaped in text or shaped[::-1] in text
    assert "محمد" not in text
    assert any("DejaVuSans" in n for n in font_names(pdf))


def test_right_to_left_line_is_in_visual_order_with_mirrored_brackets():
    from triage_app.report.text import visual_line

    line = visual_line("محمد (mother)")
    # Drawn left to right: the Latin part first, brackets the right way round.
    assert line.startswith("(mother) ")
    assert unicodedata.normalize("NFKC", line[9:][::-1]) == "محمد"


def test_character_no_font_covers_prints_as_its_code_point_with_a_note():
    record = sample_record(prior=1)
    odd = replace(record, referrer=Referrer(name="Dr \U0001f9ea Klingon \U000f8d0a"))
    text = pdf_text(build_referral_pdf(odd))
    assert "Dr [U+1F9EA] Klingon [U+F8D0A]" in text
    flat = " ".join(text.split())
    assert "Characters shown as [U+...] (here U+1F9EA, U+F8D0A)" in flat
    assert "kept word for word in the FHIR document" in flat


def test_uncovered_character_in_a_right_to_left_field_also_prints_a_placeholder():
    record = sample_record(prior=1, names="arabic")
    odd = replace(record, clinical_state="محمد \U0001f9ea")
    assert "[U+1F9EA]" in pdf_text(build_referral_pdf(odd))


def test_leaflet_prints_an_uncovered_character_in_the_child_name_as_a_placeholder():
    from triage_app.domain.profile import ProfileRegistry

    pdf = build_leaflet_pdf(ProfileRegistry.load().get("nyscp"), child_name="Ava \U0001f9ea")
    assert "Ava [U+1F9EA]" in pdf_text(pdf)


def test_unusual_spaces_print_as_spaces_and_controls_are_dropped():
    from triage_app.report.text import clean

    assert clean("a\tb\u00a0c\u3000d\u2028e\x07f\r\ng") == "a b c d ef\ng"


@pytest.mark.parametrize("unknown", ["\U0002ebe1", "\U000e0080", "\U0010fffe"])
def test_a_code_point_without_a_bidi_class_in_a_right_to_left_field_still_seals(unknown):
    # found by the hostile-input property test: python-bidi stopped with an AssertionError on a
    # character newer than this Python's Unicode tables (CJK Extension I), so sealing failed
    assert unicodedata.bidirectional(unknown) == ""
    record = sample_record(prior=1, names="arabic")
    odd = replace(record, clinical_state="\u0870" + unknown + " محمد")
    text = pdf_text(build_referral_pdf(odd))
    assert f"U+{ord(unknown):X}" in text  # shown as its code point, with the note
