"""Sealing never fails on valid Unicode: real-world names and explanations all seal.

Text copied from other systems brings bidirectional isolates and overrides; families write in
Arabic, Hebrew, Devanagari; messages carry emoji and joiners. Each of these seals through the
services, the left-to-right parts print verbatim (checked with ``pdftotext``, the tool a
receiving office would use), characters without a glyph show their code point, and the store
and the FHIR document keep the text exactly as entered.
"""

import shutil
import subprocess

import pytest
from fhir.resources.R4B.bundle import Bundle

from triage_app.services import cases, handover, referrals
from triage_app.services.assessments import record_assessment

ARABIC = "\u0633\u0642\u0637 \u0627\u0644\u0637\u0641\u0644 \u0645\u0646 \u0627\u0644\u0633\u0631\u064a\u0631"
HEBREW = "\u05d4\u05d9\u05dc\u05d3 \u05e0\u05e4\u05dc \u05de\u05d4\u05de\u05d9\u05d8\u05d4"

# (case, family name, explanation, left-to-right parts that must print verbatim)
CASES = [
    (
        "unusual whitespace",
        "Anne\u00a0Marie\u0085",
        "fell\u2028off the\u00a0bed",
        ["ANNE MARIE", "fell off the bed"],
    ),
    (
        "isolates",
        "Smith \u2066Jones\u2069",
        "Mother \u2067" + ARABIC + "\u2069 said so",
        ["SMITH JONES", "Mother", "said so"],
    ),
    (
        "first-strong isolate",
        "\u2068Karim\u2069 Haddad",
        "\u2068He rolled\u2069 off the sofa",
        ["KARIM HADDAD", "He rolled off the sofa"],
    ),
    (
        "overrides",
        "\u202eKhan\u202c",
        "\u202dfell off\u202c the \u202abed\u202c",
        ["KHAN", "fell off the bed"],
    ),
    ("arabic sentence", ARABIC, ARABIC, []),
    ("hebrew sentence", HEBREW, HEBREW + ".", []),
    (
        "mixed rtl and ltr",
        "Cohen " + HEBREW,
        "Father said " + ARABIC + " at 10:30 (in Arabic)",
        ["Father said", "at 10:30 (in Arabic)"],
    ),
    (
        "emoji",
        "Brown \U0001f476\U0001f3fd",
        "Sent a photo \U0001f4f7 of the bruise \U0001f468\u200d\U0001f469\u200d\U0001f467",
        ["BROWN [U+1F476 U+1F3FD]", "Sent a photo", "of the bruise"],
    ),
    (
        "devanagari",
        "Sharma \u0936\u0930\u094d\u092e\u093e",
        "\u092c\u091a\u094d\u091a\u093e \u0917\u093f\u0930 \u0917\u092f\u093e, said grandmother",
        ["SHARMA", "said grandmother"],
    ),
    (
        "combining marks",
        "Zo\u0065\u0308 Nguye\u0302\u0303n",
        "Z\u0337a\u0336l\u0338go t\u0301e\u0300x\u0302t, then rested",
        ["then rested"],
    ),
    (
        "zero-width joiners",
        "Ali\u200dson\u200c Reid",
        "knocked\u200d the\u200c cot\u2060 side",
        ["ALISON REID", "knocked the cot side"],
    ),
]


def pdftotext(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(
    ("label", "family", "explanation", "ltr_parts"), CASES, ids=[c[0] for c in CASES]
)
def test_every_real_world_text_seals_and_its_left_to_right_parts_print_verbatim(
    ctx, make, label, family, explanation, ltr_parts, db_url
):
    if not db_url.startswith("sqlite"):
        pytest.skip("the text path is the same on every database")
    data = make.case_json(explanation={"text": explanation, "given_by": "mother"})
    data["child"]["family_name"] = family
    rec = record_assessment(ctx, data, complaint=f"{label}: {explanation}")
    c = cases.open_case(ctx, rec.child.id, presentation_id=rec.presentation.id)
    handover.record_location(ctx, c.id, "home", "home address on record", "mother")

    sealed = referrals.finalise_case(ctx, c.id)

    text = " ".join(pdftotext(sealed.pdf).split())
    for part in ltr_parts:
        assert part in text, (label, part)
    bundle = Bundle.model_validate_json(sealed.fhir_json)
    # The FHIR document keeps the text verbatim (FHIR strings allow no whitespace but space,
    # tab and line breaks: a no-break space or line separator is a space there).
    assert fhir_form(explanation) in sealed.fhir_json
    patient = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Patient")
    assert patient.name[0].family == fhir_form(family)


def fhir_form(text: str) -> str:
    return "".join(" " if c.isspace() and c not in " \r\n\t" else c for c in text)
