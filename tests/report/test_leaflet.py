"""The parent and carer leaflet: profile wording, long date, verified contacts only."""

from datetime import date

import pytest

from tests.report.pdfutil import font_names, pdf_text, squash
from triage_app.domain.profile import ProfileRegistry
from triage_app.report.leaflet import build_leaflet_pdf


@pytest.fixture(scope="module")
def profile():
    return ProfileRegistry.load().get("nyscp")


def test_leaflet_prints_title_paragraphs_and_long_date(profile):
    pdf = build_leaflet_pdf(profile, child_name="Zofia Łukasik", on_date=date(2025, 1, 6))
    text = pdf_text(pdf)
    flat = squash(text)
    assert squash(profile.leaflet_title) in flat
    for paragraph in profile.leaflet_paragraphs:
        assert squash(paragraph) in flat
    assert "06 January 2025" in text
    assert "06-Jan-2025" not in text
    assert "Zofia Łukasik" in text
    assert any("DejaVuSans" in n for n in font_names(pdf))


def test_leaflet_lists_only_verified_phone_numbers(profile):
    text = pdf_text(build_leaflet_pdf(profile, on_date=date(2025, 1, 6)))
    assert "Who to contact" in text
    assert "North Yorkshire Children's Social Care" in text
    # The out-of-hours entry awaits sign-off, so parents are not given it as a contact.
    assert "Emergency Duty Team" not in text
    assert "999" in text


def test_leaflet_escapes_the_child_name(profile):
    text = pdf_text(build_leaflet_pdf(profile, child_name="<b>Ava</b>", on_date=date(2025, 1, 6)))
    assert "<b>Ava</b>" in text


def test_leaflet_without_a_verified_number_still_says_what_to_do():
    hips = ProfileRegistry.load().get("hips")
    text = pdf_text(build_leaflet_pdf(hips, on_date=date(2025, 1, 6)))
    assert "call 999" in text
    assert "Ask the person who gave you this leaflet" in text
