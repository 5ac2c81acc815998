"""The printed referral record: every section, NHS display conventions, every page's furniture."""

import re

import pytest

from tests.report.pdfutil import embedded_font_files, font_names, pages_text, squash
from triage_app.domain.referral import content_sha256, sha256_hex
from triage_app.report.referral_pdf import build_referral_pdf
from triage_app.report.samples import sample_record

SECTIONS = [
    "1. Child and family",
    "People with parental responsibility",
    "Adults in the household",
    "Other children in the household",
    "2. Referring clinician, how the concern arose, where the child is now",
    "3. Mobility: not independently mobile (NIM) classification",
    "4. Findings and body map",
    "5. Explanation given (verbatim)",
    "6. Exception claims and evidence",
    "7. Clinical state",
    "8. CP-IS (Child Protection Information Sharing)",
    "9. Cumulative risk: flags and earlier presentations",
    "10. Actions",
    "Required by the protocol",
    "Actions taken",
    "11. Investigations",
    "12. Strategy discussion and interim safety arrangements",
    "13. Local contacts",
    "14. Handover",
    "15. Record integrity",
]


def test_every_minimum_dataset_section_is_printed(record_text):
    flat = squash(record_text)
    missing = [s for s in SECTIONS if squash(s) not in flat]
    assert missing == []


def test_patient_banner_follows_nhs_display_conventions(record_pdf):
    first = pages_text(record_pdf)[0]
    assert "ŁUKASIK-Ó SÚILLEABHÁIN, Zofia Bríd" in first
    assert "20-Jul-2025 (6w 3d)" in first
    assert "999 000 0018" in first
    assert "NHS No." in first
    assert "Female" in first


def test_the_record_carries_the_dataset_values(record, record_text):
    flat = squash(record_text)
    for value in [
        "Dr Sam Carter",  # referrer
        "03-Sep-2025 10:40",  # contact time
        "03-Sep-2025 10:45",  # examination time
        "mother (reported)",  # who gave the milestone answer
        "nyscp",
        "2025.1",
        "She rolled off the sofa yesterday evening",  # explanation verbatim
        "Midwife A. Jones",  # exception evidence
        "Not accepted",
        "Checked: no flag",  # CP-IS
        "Past child protection plan",  # household child
        "MAST-2025-4411",  # CSC call reference
        "On-call paediatrician Dr Lee",
        "14-Sep-2025 to 17-Sep-2025",  # follow-up skeletal survey due window
        "Section 47 enquiry agreed",
        "J. Smith (social worker)",  # who agreed the supervision conditions
        "0300 131 2 131",  # local contact from the profile
        "Received by",
        "Signature",
    ]:
        assert squash(value) in flat, value


def test_findings_are_numbered_like_the_body_map_marks(record, record_pdf):
    text = pages_text(record_pdf)
    joined = "\n".join(text)
    # Body-map views and every finding number drawn inside the drawing.
    for view in ("Front", "Back", "Face"):
        assert view in joined
    numbers = {str(e.number) for e in record.findings}
    assert numbers == {"1", "2", "3", "4"}
    assert "Solid circles: the position the clinician marked" in squash(joined) or (
        squash("Solid circles: the position the clinician marked") in squash(joined)
    )


def test_every_page_has_marking_record_id_hash_and_page_x_of_y(record, record_pdf):
    pages = pages_text(record_pdf)
    digest = content_sha256(record)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, number
        assert f"Page {number} of {len(pages)}" in page
        assert "NIM-2025-000123" in page
        assert digest in squash(page)
        assert "Generated 03-Sep-2025 11:30" in page
    for page in pages[1:]:  # running banner after the first page
        assert "ŁUKASIK-Ó SÚILLEABHÁIN, Zofia Bríd" in page


def test_wording_states_requirements_never_likelihood_of_abuse(record_text):
    lowered = record_text.lower()
    assert "the protocol requires" in lowered
    assert "abuse is likely" not in lowered
    assert "likely abuse" not in lowered
    assert "non-accidental" not in lowered
    assert not re.search(r"\babuse\b", lowered)


def test_fonts_are_embedded(record_pdf):
    names = font_names(record_pdf)
    assert any("DejaVuSans" in n for n in names)
    assert not any("Helvetica" in n for n in names)
    assert embedded_font_files(record_pdf) >= 2


def test_same_record_gives_identical_bytes_and_hash_is_stable(record):
    first, second = build_referral_pdf(record), build_referral_pdf(record)
    assert first == second
    assert sha256_hex(first) == sha256_hex(second)
    assert first.startswith(b"%PDF-")


def test_addendum_prints_what_it_supersedes():
    from dataclasses import replace

    addendum = replace(
        sample_record(prior=2),
        version=2,
        supersedes="NIM-2025-000123 v1",
        addendum_reason="Skeletal survey result added",
    )
    flat = squash("\n".join(pages_text(build_referral_pdf(addendum))))
    assert squash("v2 (supersedes NIM-2025-000123 v1)") in flat
    assert squash("Skeletal survey result added") in flat


@pytest.fixture(scope="module")
def long_pdf():
    return build_referral_pdf(sample_record(prior=200))


def test_two_hundred_presentations_paginate_with_repeated_headers(long_pdf):
    pages = pages_text(long_pdf)
    assert len(pages) >= 8
    header = squash("Who Setting, seen by What happened, findings Explanation given then")
    with_header = [i for i, p in enumerate(pages) if header in squash(p)]
    # The timeline header repeats on every page the table runs onto.
    assert len(with_header) >= 5
    assert with_header == list(range(with_header[0], with_header[-1] + 1))
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert squash("11. Investigations") in squash("\n".join(pages))


def test_a_flag_listing_hundreds_of_dates_points_to_the_timeline(long_pdf):
    from triage_app.report.record_followup import flag_text

    short = "Earlier presentation (01-Aug-2025: bruise (cheek)). Consider together."
    assert flag_text(short) == short
    long = "Earlier (" + "; ".join(["01-Aug-2025: bruise (cheek)"] * 60) + "). Consider."
    assert flag_text(long) != long
    assert flag_text(long).startswith("Earlier (60 items: dates and findings in the timeline")
    open_list = "Finding at a site: " + "; ".join(
        f"bruise (ear) on {d % 28 + 1:02d}-Aug-2025" for d in range(60)
    )
    assert flag_text(open_list).endswith("; and 56 more: see the timeline below.")
    # The engine itself now names only the latest presentations and counts the rest, so the
    # 200-presentation record prints a short flag and leaves the dates to the timeline.
    assert squash("in all, the latest:") in squash("\n".join(pages_text(long_pdf)))


def test_profile_warnings_are_printed_in_the_requirement_box(record):
    from dataclasses import replace

    warning = "Profile nyscp 2025.1 was due for review on 01-Jul-2027."
    warned = replace(record, decision=replace(record.decision, warnings=(warning,)))
    first = pages_text(build_referral_pdf(warned))[0]
    assert squash(f"Warning: {warning}") in squash(first)


def test_the_banner_labels_the_recorded_sex_sex_and_never_gender(record, record_pdf):
    """One field, one label: the record's banner says "Sex" (as the window's does); FHIR
    carries the same recorded value in Patient.gender."""
    import json

    from triage_app.report.fhir import referral_bundle_json

    text = pages_text(record_pdf)
    assert "Sex Female" in " ".join(text[0].split())
    assert not any("Gender" in page for page in text)
    bundle = json.loads(referral_bundle_json(record))
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert record.child.sex == "female" and patient["gender"] == "female"
