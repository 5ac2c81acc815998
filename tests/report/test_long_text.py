"""Every free-text field at 100,000 characters prints in full: nothing cut, no LayoutError.

A table row cannot break across pages, so a long value shows its start in its cell with
"continued in full below (note N)" and is printed whole in a "Text in full" block after its
section. Each field is tried with ordinary words and with one word of 100,000 characters (no
space to break at). The text is read back with pypdf; only the text inside the page frame is
joined (the running banner, footer and page numbers sit between pages), whitespace removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import pytest

from tests.report.pdfutil import reader, squash
from triage_app.domain.referral import ReferralRecord
from triage_app.report.referral_pdf import build_referral_pdf
from triage_app.report.samples import sample_record
from triage_app.report.styles import MARGIN_BOTTOM, MARGIN_TOP, PAGE_HEIGHT

SIZE = 100_000
Setter = Callable[[ReferralRecord, str], ReferralRecord]


def _at(items: tuple, i: int, **change: object) -> tuple:
    return (*items[:i], replace(items[i], **change), *items[i + 1 :])


def _child(**c: object) -> Setter:
    return lambda r, t: replace(r, child=replace(r.child, **{k: t for k in c}))


def _finding(field: str) -> Setter:
    def set_(r: ReferralRecord, t: str) -> ReferralRecord:
        f = r.findings[0]
        if field == "description":  # printed when no colour is recorded
            return replace(r, findings=_at(r.findings, 0, finding=replace(f.finding, **{field: t})))
        return replace(r, findings=_at(r.findings, 0, **{field: t}))

    return set_


def _exception(r: ReferralRecord, t: str) -> ReferralRecord:
    f = r.findings[2].finding
    claim = replace(f.exception, documented_by=t)
    return replace(r, findings=_at(r.findings, 2, finding=replace(f, exception=claim)))


def _explanation(field: str) -> Setter:
    def set_(r: ReferralRecord, t: str) -> ReferralRecord:
        ex = replace(r.assessment.explanation, **{field: t})
        return replace(r, assessment=replace(r.assessment, explanation=ex))

    return set_


def _in(attr: str, field: str, i: int = 0) -> Setter:
    return lambda r, t: replace(r, **{attr: _at(getattr(r, attr), i, **{field: t})})


def _of(attr: str, field: str) -> Setter:
    return lambda r, t: replace(r, **{attr: replace(getattr(r, attr), **{field: t})})


def _investigation_due(r: ReferralRecord, t: str) -> ReferralRecord:
    return replace(r, investigations=_at(r.investigations, 0, due_from=None, due_text=t))


FIELDS: dict[str, Setter] = {
    "child.given_name": _child(given_name=1),
    "child.family_name": _child(family_name=1),
    "child.address": _child(address=1),
    "child.postcode": _child(postcode=1),
    "child.gp_practice": _child(gp_practice=1),
    "child.health_visitor_team": _child(health_visitor_team=1),
    "parental_responsibility.name": _in("parental_responsibility", "name"),
    "parental_responsibility.relationship": _in("parental_responsibility", "relationship"),
    "parental_responsibility.contact": _in("parental_responsibility", "contact"),
    "parental_responsibility.notes": _in("parental_responsibility", "notes", 1),
    "household_adults.name": _in("household_adults", "name"),
    "household_adults.notes": _in("household_adults", "notes"),
    "household_children.name": _in("household_children", "name"),
    "referrer.name": _of("referrer", "name"),
    "referrer.role": _of("referrer", "role"),
    "referrer.organisation": _of("referrer", "organisation"),
    "referrer.contact": _of("referrer", "contact"),
    "referrer.ods_code": _of("referrer", "ods_code"),
    "milestones.given_by": _in("milestones", "given_by"),
    "findings.description": _finding("description"),
    "findings.colour": _finding("colour"),
    "findings.photo_reference": _finding("photo_reference"),
    "findings.exception.documented_by": _exception,
    "explanation.text": _explanation("text"),
    "explanation.given_by": _explanation("given_by"),
    "clinical_state": lambda r, t: replace(r, clinical_state=t),
    "cp_is.local_authority": _of("cp_is", "local_authority"),
    "cp_is.la_contact": _of("cp_is", "la_contact"),
    "cp_is.checked_by": _of("cp_is", "checked_by"),
    "cp_is.other_csc_involvement": _of("cp_is", "other_csc_involvement"),
    "timeline.subject": _in("timeline", "subject"),
    "timeline.age": _in("timeline", "age"),
    "timeline.complaint": _in("timeline", "complaint"),
    "timeline.findings": _in("timeline", "findings"),
    "timeline.outcome": _in("timeline", "outcome"),
    "actions_taken.person": _in("actions_taken", "person"),
    "actions_taken.reference": _in("actions_taken", "reference"),
    "actions_taken.details": _in("actions_taken", "details"),
    "investigations.name": _in("investigations", "name"),
    "investigations.due_text": _investigation_due,
    "investigations.notes": _in("investigations", "notes"),
    "strategy_meeting.outcome": _of("strategy_meeting", "outcome"),
    "strategy_meeting.supervision_conditions": _of("strategy_meeting", "supervision_conditions"),
    "strategy_meeting.agreed_by": lambda r, t: replace(
        r, strategy_meeting=replace(r.strategy_meeting, agreed_by=(t,))
    ),
    "contacts.name": _in("contacts", "name"),
    "contacts.hours": _in("contacts", "hours"),
    "record_id": lambda r, t: replace(r, record_id=t),
    "supersedes": lambda r, t: replace(r, version=2, supersedes=t, addendum_reason="Result"),
    "decision.warnings": lambda r, t: replace(r, decision=replace(r.decision, warnings=(t,))),
    "addendum_reason": lambda r, t: replace(
        r, version=2, supersedes="NIM-2025-000123 v1", addendum_reason=t
    ),
}


def words_text() -> str:
    """About 100,000 characters of distinct short words."""
    return " ".join(f"w{i}" for i in range(17_000))[:SIZE].rstrip("w ")


def one_word() -> str:
    """One word of 100,000 characters, no space in it, every stretch of it distinct."""
    return "".join(f"k{i:05d}" for i in range(SIZE // 6 + 1))[:SIZE]


TEXTS = {"words": words_text, "one word": one_word}


@cache
def base() -> ReferralRecord:
    return sample_record(prior=2)


@cache
def base_pages() -> int:
    return len(reader(build_referral_pdf(base())).pages)


@cache
def built(field: str, kind: str) -> bytes:
    return build_referral_pdf(FIELDS[field](base(), TEXTS[kind]()))


def frame_text(pdf: bytes) -> str:
    """Return the text drawn inside the page frame of every page, whitespace removed."""
    low, high = MARGIN_BOTTOM - 2, PAGE_HEIGHT - MARGIN_TOP + 2
    parts: list[str] = []

    def visit(text: str, cm: list, tm: list, font: object, size: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if low <= y <= high:
            parts.append(text)

    for page in reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return squash("".join(parts))


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(TEXTS))
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_field_of_100000_characters_prints_in_full(field: str, kind: str) -> None:
    text = TEXTS[kind]()
    assert len(text) >= SIZE - 5
    if field == "child.family_name":
        text = text.upper()  # printed FAMILY, Given (NHS CUI)
    pdf = built(field, kind)
    body = frame_text(pdf)
    assert squash(text) in body, f"{field} ({kind}) is not printed in full"
    assert len(reader(pdf).pages) > base_pages() + 10


@pytest.mark.parametrize("kind", list(TEXTS))
def test_the_cell_keeps_the_start_and_points_to_the_note(kind: str) -> None:
    pdf = built("findings.photo_reference", kind)
    body = frame_text(pdf)
    pointer = squash("continued in full below (note 1)")
    assert pointer in body
    assert squash("Text in full") in body
    assert squash("Note 1 (section 4. Findings and body map, row 1, Photo ref.;") in body
    # The start in the cell comes before the pointer; the note after the findings table.
    assert body.index(squash(TEXTS[kind]()[:30])) < body.index(pointer)
    assert body.index(pointer) < body.index(squash("Text in full"))
    assert body.index(squash("Text in full")) < body.index(squash("5. Explanation given"))


def test_several_long_fields_are_numbered_in_order_after_their_sections() -> None:
    record = base()
    for field in ("child.address", "findings.colour", "timeline.outcome", "clinical_state"):
        record = FIELDS[field](record, f"{field} " + "long text " * 600)
    body = frame_text(build_referral_pdf(record))
    notes = [int(n) for n in re.findall(r"Note(\d+)\(", body)]
    assert notes == [1, 2, 3, 4]
    for n in range(1, 5):
        assert squash(f"continued in full below (note {n})") in body


def test_short_texts_stay_in_their_cells(record_text) -> None:
    assert "continued in full below" not in record_text
    assert "Text in full" not in record_text


def test_a_moderately_long_value_still_prints_in_its_cell() -> None:
    note = "Mother says the partner visits most evenings. " * 8  # about 370 characters
    record = FIELDS["parental_responsibility.notes"](base(), note)
    body = frame_text(build_referral_pdf(record))
    assert squash(note) in body
    assert squash("continued in full below") not in body


def test_an_explanation_of_empty_lines_and_short_lines_splits_into_rows() -> None:
    text = "yes\n" * 5_000
    record = FIELDS["explanation.text"](base(), text)
    body = frame_text(build_referral_pdf(record))
    assert body.count("yes") >= 5_000


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", [" ".join(["محمد"] * 20_000), "محمد" * 25_000], ids=["words", "one word"]
)
def test_long_right_to_left_text_prints_in_full(text: str) -> None:
    pdf = build_referral_pdf(FIELDS["clinical_state"](base(), text))
    body = frame_text(pdf)
    # Shaped letters, in either reading order: every one of the 20,000 or 25,000 names.
    shaped = "\ufee3\ufea4\ufee4\ufeaa"
    assert body.count(shaped) + body.count(shaped[::-1]) >= text.count("محمد")
    assert len(reader(pdf).pages) > base_pages() + 10


def test_a_long_record_id_is_shortened_in_the_footer_and_printed_in_full_in_section_15() -> None:
    pdf = built("record_id", "words")
    first = reader(pdf).pages[0].extract_text()
    assert "(in full in section 15)" in first
    assert squash("Note 1 (section 15. Record integrity, Record id;") in frame_text(pdf)


def test_a_character_no_font_covers_in_a_long_field_prints_as_its_code_point() -> None:
    odd = FIELDS["actions_taken.details"](base(), "word " * 20_000 + "\U0001f9ea")
    text = squash(frame_text(build_referral_pdf(odd)))
    assert "[U+1F9EA]" in text and squash("original text is kept word for word") in text
