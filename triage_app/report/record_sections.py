"""The first part of the referral record: who, where, what was found and what was said.

Section numbers follow the minimum dataset (clinical-research.md, model section E). Every user
or database string goes through :func:`~triage_app.report.text.para` (escaped, shaped, fonts
chosen per character); only our own fixed wording is written as markup.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from triage_app.domain.display import (
    display_name,
    nhs_date,
    nhs_datetime,
)
from triage_app.domain.referral import FindingEntry, Person, ReferralRecord
from triage_app.domain.vocab import TEN4_LETTER
from triage_app.report import labels
from triage_app.report.bodymap import body_map, derived_marks
from triage_app.report.fonts import SANS
from triage_app.report.longtext import set_section
from triage_app.report.styles import FRAME_WIDTH, NHS_BLUE, styles
from triage_app.report.tables import data_table, kv_table
from triage_app.report.text import chunks, markup, para


def heading(text: str) -> Paragraph:
    """Return a section heading (fixed wording); it also names the section's notes."""
    set_section(text)
    return Paragraph(text, styles().h2)


def child_name(record: ReferralRecord) -> str:
    """Return the child's name as ``FAMILY, Given`` (NHS CUI)."""
    return display_name(record.child.family_name, record.child.given_name)


def _people(people: tuple[Person, ...], what: str) -> Flowable:
    notes = any((p.notes or "").strip() for p in people)  # a column only when someone has one
    rows = [
        (
            p.name,
            p.relationship,
            nhs_date(p.date_of_birth) if p.date_of_birth else None,
            p.contact,
            labels.yes_no(p.lives_with_child),
            *([p.notes] if notes else []),
        )
        for p in people
    ]
    header: tuple[str, ...] = ("Name", "Relationship", "Born", "Contact", "Lives with the child")
    widths: tuple[float, ...] = (30, 20, 16, 26, 14)
    if notes:
        header, widths = (*header, "Notes"), (*widths, 22)
    return data_table(header, rows, widths, f"No {what} recorded.", what.capitalize())


def family_section(record: ReferralRecord) -> list[Flowable]:
    """Section 1: people with parental responsibility, adults and children in the household."""
    s = styles()
    kids = [
        (
            h.name,
            nhs_date(h.date_of_birth),
            labels.CP_PLAN.get(h.cp_plan, "Not Known") if h.cp_plan else "Not Known",
            labels.yes_no(h.looked_after),
        )
        for h in record.household_children
    ]
    pregnant = record.assessment.history.mother_pregnant
    return [
        heading("1. Child and family"),
        kv_table(
            [
                ("Interpreter", record.child.interpreter or "Not Known"),
                ("Pregnancy in the household", labels.yes_no(pregnant)),
            ]
        ),
        Paragraph("People with parental responsibility", s.h3),
        _people(record.parental_responsibility, "people with parental responsibility"),
        Paragraph("Adults in the household", s.h3),
        _people(record.household_adults, "adults in the household"),
        Paragraph("Other children in the household", s.h3),
        data_table(
            ("Name", "Born", "Child protection plan", "Looked after"),
            kids,
            (40, 20, 40, 20),
            "No other children in the household recorded.",
            "Other children in the household",
        ),
    ]


def referral_section(record: ReferralRecord) -> list[Flowable]:
    """Section 2: the referring clinician, how the concern arose, where the child is now."""
    s, r = styles(), record.referrer
    rows: list[tuple[str, str | None]] = [
        ("Referring clinician", r.name),
        ("Professional role", r.role),
        (
            "Organisation",
            r.organisation + (f" (ODS {r.ods_code})" if r.ods_code else "")
            if r.organisation
            else None,
        ),
        ("Call-back number", r.contact),
        ("Setting", labels.setting(record.setting)),
        (
            "Seen",
            "Remote report (phone, message, photo or video)"
            if record.assessment.report_mode == "remote"
            else "In person",
        ),
        ("Contact date and time", nhs_datetime(record.contact_at)),
    ]
    if record.examined_at:
        rows.append(("Examined", nhs_datetime(record.examined_at)))
    loc = record.location
    where: list[Flowable] = [Paragraph("Where the child is now", s.h3)]
    if loc is None:
        where.append(Paragraph("<b>Not recorded.</b> Ask the referrer.", s.body))
    else:
        where.append(para(loc.line(), s.bold, field="location"))
        if loc.recorded_at:
            by = f" by {markup(loc.recorded_by)}" if loc.recorded_by else ""
            where.append(Paragraph(f"Recorded {nhs_datetime(loc.recorded_at)}{by}.", s.small))
    return [
        heading("2. Referring clinician, how the concern arose, where the child is now"),
        kv_table(rows),
        Paragraph("How the concern arose", s.h3),
        para(record.concern, s.body, field="how the concern arose"),
        KeepTogether(where),
    ]


def mobility_section(record: ReferralRecord) -> list[Flowable]:
    """Section 3: NIM classification, milestone answers with who gave them, the profile."""
    s, d = styles(), record.decision
    rows = [
        (
            labels.MILESTONE.get(m.milestone, labels.humanise(m.milestone)),
            labels.yes_no(m.answer),
            m.given_by,
        )
        for m in record.milestones
    ]
    basis = "; ".join(labels.NIM_BASIS.get(b, labels.humanise(b)) for b in d.nim.basis)
    status = "Not independently mobile" if d.nim.status else "Independently mobile"
    return [
        KeepTogether(
            [
                heading("3. Mobility: not independently mobile (NIM) classification"),
                Paragraph(f"<b>{status}</b>: {basis}. Age at contact {d.age_display}.", s.body),
                Spacer(1, 3),
                data_table(("Milestone", "Answer", "Who gave the answer"), rows, (40, 15, 45)),
            ]
        ),
        Spacer(1, 3),
        Paragraph(
            f"Local protocol profile <b>{para_text(record.profile_id)}</b> version "
            f"<b>{para_text(record.profile_version)}</b> "
            f"({labels.humanise(record.profile_status).lower()}): "
            f"{para_text(record.profile_name)}.",
            s.body,
        ),
    ]


def para_text(value: str | None) -> str:
    """Return a short user value as escaped, font-safe inline markup."""
    return markup(value) if value else "Not recorded"


def findings_section(record: ReferralRecord) -> list[Flowable]:
    """Section 4: findings numbered as on the body map, and the body map."""
    s = styles()
    rows = []
    for e in record.findings:
        f = e.finding
        site = labels.humanise(f.site)
        letter = TEN4_LETTER.get(f.site)
        if letter:
            site += f" (TEN-4-FACESp {letter})"
        size = f"{f.size_mm:g} mm" if f.size_mm is not None else None
        if f.count is not None:
            size = f"{size or 'size not recorded'}, {f.count} in all"
        rows.append(
            (
                Paragraph(f"<b>{e.number}</b>", s.cell),
                labels.humanise(f.kind),
                site,
                labels.humanise(f.side) if f.side else "Side not recorded",
                size,
                e.colour or f.description,
                labels.yes_no(f.patterned),
                e.photo_reference,
            )
        )
    header = (
        "No.",
        "Finding",
        "Site",
        "Side",
        "Size, count",
        "Colour / description",
        "Pattern",
        "Photo ref.",
    )
    unplaced = [str(e.number) for e in record.findings if not e.marks and f_unplaced(e)]
    legend = []
    if any(e.marks for e in record.findings):
        legend.append("Solid circles: the position the clinician marked.")
    if any(not e.marks and not f_unplaced(e) for e in record.findings):
        legend.append(
            "Dashed circles: no position was marked, so the finding is placed at the usual "
            "position of its recorded site and side."
        )
    legend.append("R and L are the child's right and left.")
    notes = " ".join(legend)
    if unplaced:
        notes += f" Not on the drawing (site 'other'): finding {', '.join(unplaced)}."
    return [
        heading("4. Findings and body map"),
        data_table(header, rows, (6, 22, 25, 12, 15, 34, 11, 14), "No findings recorded."),
        Spacer(1, 5),
        KeepTogether([body_map(record.findings), Paragraph(notes, s.small)]),
    ]


def f_unplaced(entry: FindingEntry) -> bool:
    """Return True when a finding has no drawn mark and no usual position (site 'other')."""
    return not derived_marks(entry.finding.site, entry.finding.side)


def explanation_section(record: ReferralRecord) -> list[Flowable]:
    """Section 5: the explanation verbatim, who gave it and when."""
    s, ex = styles(), record.explanation
    # One row per piece of the text, so a long verbatim account splits across pages.
    box = Table(
        [
            [para(piece, s.verbatim, field="explanation", empty="No explanation recorded.")]
            for piece in chunks(ex.text)
        ],
        colWidths=[FRAME_WIDTH],
        splitByRow=1,
    )
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("BOX", (0, 0), (-1, -1), 0.6, NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [
        heading("5. Explanation given (verbatim)"),
        box,
        Spacer(1, 3),
        kv_table(
            [
                ("Given by", ex.given_by),
                ("When", nhs_datetime(ex.given_at) if ex.given_at else "Not recorded"),
                ("Changed over time or between carers", _changed(record)),
                ("Delay in seeking care", labels.yes_no(ex.delay_in_presentation)),
            ]
        ),
        Paragraph(
            "The explanation is recorded word for word. Under the protocol it does not change "
            "what is required.",
            s.small,
        ),
        *_explanations_by_date(record),
    ]


def _explanations_by_date(record: ReferralRecord) -> list[Flowable]:
    """Every explanation this child's record holds, by date, when there is more than one."""
    earlier = [t for t in record.timeline if t.subject == "This child" and t.explanation]
    if not earlier:
        return []
    s, ex = styles(), record.explanation
    now = (ex.given_at or record.assessment.assessed_at).date()
    rows = [
        (nhs_date(now) + " (this presentation)", labels.setting(record.setting), ex.text),
        *(
            (nhs_date(t.date), labels.setting(t.setting) if t.setting else None, t.explanation)
            for t in sorted(earlier, key=lambda t: t.date, reverse=True)
        ),
    ]
    note = record.explanation_note()
    return [
        KeepTogether(
            [
                Paragraph("Explanations given at each presentation", s.h3),
                data_table(("Date", "Setting", "Explanation given (verbatim)"), rows, (22, 18, 60)),
                *([Paragraph(markup(note), s.small)] if note else []),
            ]
        )
    ]


def _changed(record: ReferralRecord) -> str:
    """The clinician's answer, and what the record itself shows, side by side."""
    given = record.explanation.changed_over_time
    answer = labels.yes_no(given) if given is not None else None
    shown = record.explanation_note()
    if shown is None:
        return answer or "Not recorded"
    what = "See section 9: explanations differ across presentations"
    return f"{answer} (clinician). {what}" if answer else f"Not recorded by the clinician. {what}"


def exception_section(record: ReferralRecord) -> list[Flowable]:
    """Section 6: exception claims and the evidence cited for them."""
    outcome = {"accepted": "Accepted (documented)", "not_accepted": "Not accepted", "none": "-"}
    rows = []
    for e in record.findings:
        ex = e.finding.exception
        if ex is None:
            continue
        result = e.result.exception if e.result else "none"
        rows.append(
            (
                str(e.number),
                labels.humanise(ex.type),
                ex.documented_by,
                nhs_date(ex.documented_on) if ex.documented_on else None,
                labels.yes_no(ex.matches_documentation),
                outcome.get(result, result),
            )
        )
    header = ("Finding", "Claimed as", "Documented by", "Documented on", "Matches", "Outcome")
    return [
        heading("6. Exception claims and evidence"),
        data_table(header, rows, (10, 20, 30, 16, 10, 22), "None claimed."),
    ]


def clinical_section(record: ReferralRecord) -> list[Flowable]:
    """Section 7: the child's clinical state and any emergency signs."""
    signs = ", ".join(labels.humanise(x) for x in record.assessment.emergency_signs)
    rows = [("Emergency signs", signs or "None recorded"), ("Notes", record.clinical_state)]
    return [heading("7. Clinical state"), kv_table(rows, columns=1)]


def _assessor(record: ReferralRecord, status: str) -> str | None:
    """Who recorded a CP-IS result given in the assessment: the referring clinician."""
    return record.referrer.name if status != "not_checked" else None


def _assessed_at(record: ReferralRecord, status: str) -> str:
    if status == "not_checked":
        return "Not recorded"
    return f"{nhs_datetime(record.assessment.assessed_at)} (with the assessment)"


def cp_is_section(record: ReferralRecord) -> list[Flowable]:
    """Section 8: the CP-IS result and other known social-care involvement."""
    c = record.cp_is
    dates = None
    if c.plan_start or c.plan_end:
        dates = f"{nhs_date(c.plan_start)} to {nhs_date(c.plan_end) if c.plan_end else 'now'}"
    return [
        heading("8. CP-IS (Child Protection Information Sharing)"),
        kv_table(
            [
                ("Result", labels.CP_IS.get(c.status, labels.humanise(c.status))),
                *([("Check recorded on the case", c.check_note)] if c.check_note else []),
                ("Plan dates", dates),
                ("Local authority", c.local_authority),
                ("Local authority contact", c.la_contact),
                ("Checked by", c.checked_by or _assessor(record, c.status)),
                (
                    "Checked at",
                    nhs_datetime(c.checked_at) if c.checked_at else _assessed_at(record, c.status),
                ),
                ("Other social-care involvement", c.other_csc_involvement),
            ]
        ),
    ]
