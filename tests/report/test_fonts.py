"""Bundled fonts ship with their licences and are found through the resource root."""

from triage_app.domain.resources import resource
from triage_app.report.fonts import _FILES, CJK, SANS, fonts


def test_every_bundled_font_and_licence_is_a_resource():
    for filename, _ in _FILES.values():
        assert resource("fonts", filename).is_file(), filename
    for licence in ("LICENSE-DejaVu.txt", "LICENSE-WenQuanYi-MicroHei.txt"):
        assert resource("fonts", licence).is_file()


def test_coverage_names_the_font_for_each_script():
    fs = fonts()
    assert fs.font_for("Ł") == SANS
    assert fs.font_for("ú") == SANS
    assert fs.font_for("م") == SANS
    assert fs.font_for("\ufee3") == SANS  # Arabic presentation form (after shaping)
    assert fs.font_for("王") == CJK
    assert fs.font_for("\U0001f9ea") is None


def test_reprinting_with_a_profile_uses_its_contacts(record):
    from dataclasses import replace

    from tests.report.pdfutil import pdf_text
    from triage_app.domain.profile import Contact, ProfileRegistry
    from triage_app.report.referral_pdf import build_referral_pdf

    profile = ProfileRegistry.load().get("nyscp")
    changed = replace(
        profile,
        contacts={
            "csc_front_door": Contact(
                "csc_front_door", "New front door", "0300 000 0000", verified=True
            )
        },
    )
    text = pdf_text(build_referral_pdf(record, changed))
    assert "New front door" in text
