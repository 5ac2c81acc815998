"""Mapped imports: each shipped sample through its mapping, field by field; preview stores
nothing; rejects name the source column; a cancel stores nothing; the review flag is stored."""

from __future__ import annotations

import csv
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from triage_app.domain.import_mapping import FIELDS, load_mapping
from triage_app.domain.resources import resource
from triage_app.services import audit_log, history
from triage_app.services.import_mapped import (
    ImportCancelled,
    import_mapped,
    shipped_mappings,
)
from triage_app.services.import_rows import COLUMNS
from triage_app.store.orm import Child, Presentation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "imports"


def sample(tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.csv"
    shutil.copy(EXAMPLES / f"{name}.csv", target)
    return target


def mapping(name: str):
    return load_mapping(resource("import-maps", f"{name}.toml"))


def stored(ctx) -> dict[str, dict]:
    """Every stored presentation by source_id, with its child's fields."""
    out = {}
    with ctx.session_factory.begin() as s:
        rows = s.execute(select(Presentation, Child).join(Child, Child.id == Presentation.child_id))
        for p, c in rows:
            out[p.source_id] = {
                "source": p.source,
                "nhs_number": c.nhs_number,
                "family_name": c.family_name,
                "given_name": c.given_name,
                "date_of_birth": c.date_of_birth.isoformat(),
                "sex": c.sex,
                "postcode": c.postcode,
                "seen_at": p.seen_at.isoformat(timespec="minutes"),
                "setting": p.setting,
                "organisation": p.organisation,
                "complaint": p.complaint,
                "findings": p.findings,
                "outcome": p.outcome,
                "review": p.review,
            }
    return out


def counts(ctx) -> tuple[int, int]:
    with ctx.session_factory.begin() as s:
        return (
            s.scalar(select(func.count()).select_from(Child)),
            s.scalar(select(func.count()).select_from(Presentation)),
        )


def test_the_mapped_fields_are_the_import_columns():
    assert tuple(FIELDS) == tuple(COLUMNS)


def test_three_mappings_are_shipped_each_with_a_sample():
    names = [n for n, _ in shipped_mappings()]
    assert names == ["ecds-ed.toml", "gp-report.toml", "health-visiting.toml"]
    for name in names:
        assert (EXAMPLES / name.replace(".toml", ".csv")).is_file()


ED = {
    "ED-24001": {
        "source": "ed-ecds", "nhs_number": "9990000018", "family_name": "Example",
        "given_name": "Ava", "date_of_birth": "2025-07-20", "sex": "female",
        "postcode": "XX1 1AA", "seen_at": "2025-08-14T09:30", "setting": "ed",
        "organisation": "Synthetic General Hospital ED", "complaint": "diagnosis: Contusion",
        "findings": [{"kind": "bruise", "site": "other"}], "outcome": "Discharged home",
        "review": None,
    },
    "ED-24002": {
        "source": "ed-ecds", "nhs_number": "9990000026", "family_name": "Sample",
        "given_name": "Noah", "date_of_birth": "2025-06-03", "sex": "male",
        "postcode": "XX2 2BB", "seen_at": "2025-08-21T23:05", "setting": "ed",
        "organisation": "Synthetic General Hospital ED",
        "complaint": "Parent noticed red eye after bath; chief complaint: Red eye; "
        "diagnosis: Subconjunctival haemorrhage; injury site: Conjunctiva",
        "findings": [], "outcome": "Referred to paediatrics",
        "review": "possible injury: review (red eye, subconjunctival, haemorrhage)",
    },
    "ED-24003": {
        "source": "ed-ecds", "nhs_number": "9990000034", "family_name": "Test",
        "given_name": "Isla", "date_of_birth": "2025-05-11", "sex": "female",
        "postcode": "XX3 3CC", "seen_at": "2025-08-02T14:40", "setting": "ed",
        "organisation": "Synthetic General Hospital ED",
        "complaint": "diagnosis: Contusion; injury site: Conjunctiva",
        "findings": [{"kind": "bruise", "site": "subconjunctiva"}], "outcome": "Admitted",
        "review": None,
    },
    "ED-24004": {
        "source": "ed-ecds", "nhs_number": None, "family_name": "Unknown",
        "given_name": "Baby", "date_of_birth": "2025-06-28", "sex": "not_known",
        "postcode": None, "seen_at": "2025-08-30T02:15", "setting": "ed",
        "organisation": "Synthetic General Hospital ED",
        "complaint": "Fall from changing table, per carer; diagnosis: Head injury",
        "findings": [], "outcome": "Discharged home",
        "review": "possible injury: review (fall, injury)",
    },
    "ED-24005": {
        "source": "ed-ecds", "nhs_number": "9990000042", "family_name": "Example",
        "given_name": "Leo", "date_of_birth": "2025-07-01", "sex": "male",
        "postcode": "XX4 4DD", "seen_at": "2025-08-25T11:20", "setting": "ed",
        "organisation": "Synthetic General Hospital ED",
        "complaint": "chief complaint: Fever; diagnosis: Viral illness", "findings": [],
        "outcome": "Discharged home", "review": None,
    },
    "ED-24006": {
        "source": "ed-ecds", "nhs_number": "9990000050", "family_name": "Sample",
        "given_name": "Mia", "date_of_birth": "2025-06-15", "sex": "other",
        "postcode": "XX5 5EE", "seen_at": "2025-08-27T18:45", "setting": "ed",
        "organisation": "Synthetic General Hospital ED",
        "complaint": 'chief complaint: Bleeding from the mouth, "a little"', "findings": [],
        "outcome": "Referred to paediatrics", "review": "possible injury: review (bleeding)",
    },
}  # fmt: skip

GP = {
    "GP-7001": {
        "source": "gp-report", "nhs_number": "9990000069", "family_name": "Example",
        "given_name": "Ava", "date_of_birth": "2025-07-20", "sex": "female",
        "postcode": "XX1 1AA", "seen_at": "2025-08-05T09:05", "setting": "gp",
        "organisation": "Synthetic Surgery",
        "complaint": "small bruise on left cheek seen at 2-week check; coded entry: Contusion",
        "findings": [{"kind": "bruise", "site": "other"}], "outcome": "Advice given",
        "review": "possible injury: review (bruise)",
    },
    "GP-7002": {
        "source": "gp-report", "nhs_number": "9990000077", "family_name": "Sample",
        "given_name": "Noah", "date_of_birth": "2025-06-03", "sex": "male",
        "postcode": "XX2 2BB", "seen_at": "2025-08-12T16:40", "setting": "gp",
        "organisation": "Synthetic Surgery",
        "complaint": "mum reports blood in mouth after feed; no cause seen; "
        "coded entry: Bleeding from mouth",
        "findings": [], "outcome": "Safety-netting advice",
        "review": "possible injury: review (blood, bleeding)",
    },
    "GP-7003": {
        "source": "gp-report", "nhs_number": "9990000085", "family_name": "Test",
        "given_name": "Isla", "date_of_birth": "2025-05-11", "sex": "female",
        "postcode": "XX3 3CC", "seen_at": "2025-08-19T11:15", "setting": "gp",
        "organisation": "Synthetic Surgery",
        "complaint": "coded entry 306238000 (not in the mapping): Referral to social services",
        "findings": [], "outcome": "Referred", "review": None,
    },
    "GP-7004": {
        "source": "gp-report", "nhs_number": None, "family_name": "Example",
        "given_name": "Baby", "date_of_birth": "2025-06-28", "sex": "not_known",
        "postcode": None, "seen_at": "2025-08-01T08:30", "setting": "gp",
        "organisation": "Synthetic Surgery", "complaint": "coded entry: Nappy rash",
        "findings": [], "outcome": "Cream prescribed", "review": None,
    },
    "GP-7005": {
        "source": "gp-report", "nhs_number": "9990000093", "family_name": "Example",
        "given_name": "Leo", "date_of_birth": "2025-07-01", "sex": "male",
        "postcode": "XX4 4DD", "seen_at": "2025-08-26T10:00", "setting": "gp",
        "organisation": "Synthetic Surgery",
        "complaint": "Small mark on back, parent unsure how it happened", "findings": [],
        "outcome": "Discussed with safeguarding lead",
        "review": "possible injury: review (mark)",
    },
}  # fmt: skip

HV = {
    "HV-3101": {
        "source": "hv-extract", "nhs_number": "9990000107", "family_name": "Example",
        "given_name": "Ava", "date_of_birth": "2025-07-20", "sex": "female",
        "postcode": "XX1 1AA", "seen_at": "2025-07-28T10:30", "setting": "health_visitor",
        "organisation": "Synthetic HV Team North",
        "complaint": "New birth visit. Feeding well, weight gain good.", "findings": [],
        "outcome": "Routine 6-8 week review", "review": None,
    },
    "HV-3102": {
        "source": "hv-extract", "nhs_number": "9990000115", "family_name": "Sample",
        "given_name": "Noah", "date_of_birth": "2025-06-03", "sex": "male",
        "postcode": "XX2 2BB", "seen_at": "2025-08-13T14:00", "setting": "health_visitor",
        "organisation": "Synthetic HV Team North",
        "complaint": "Mother says baby fell from bed yesterday; swelling on forehead",
        "findings": [], "outcome": "Same-day GP review arranged",
        "review": "possible injury: review (fell, swelling)",
    },
    "HV-3103": {
        "source": "hv-extract", "nhs_number": "9990000123", "family_name": "Test",
        "given_name": "Isla", "date_of_birth": "2025-05-11", "sex": "female",
        "postcode": "XX3 3CC", "seen_at": "2025-08-20T09:45", "setting": "health_visitor",
        "organisation": "Synthetic HV Team North",
        "complaint": "Weighed at clinic; concern: Contusion",
        "findings": [{"kind": "bruise", "site": "other"}],
        "outcome": "Discussed with safeguarding lead", "review": None,
    },
    "HV-3104": {
        "source": "hv-extract", "nhs_number": None, "family_name": "Example",
        "given_name": "Baby", "date_of_birth": "2025-06-28", "sex": "not_known",
        "postcode": None, "seen_at": "2025-08-22T15:10", "setting": "health_visitor",
        "organisation": "Synthetic HV Team North",
        "complaint": "Parent phoned: red eye since this morning, no discharge", "findings": [],
        "outcome": "Advised to attend GP today", "review": "possible injury: review (red eye)",
    },
    "HV-3105": {
        "source": "hv-extract", "nhs_number": "9990005001", "family_name": "Example",
        "given_name": "Leo", "date_of_birth": "2025-07-01", "sex": "male",
        "postcode": "XX4 4DD", "seen_at": "2025-08-29T11:00", "setting": "early_years",
        "organisation": "Synthetic Early Years Team", "complaint": "Settling in well",
        "findings": [], "outcome": "None", "review": None,
    },
}  # fmt: skip

SAMPLES = [
    ("ecds-ed", ED, 2, 3),
    ("gp-report", GP, 1, 3),
    ("health-visiting", HV, 1, 2),
]


@pytest.mark.parametrize(("name", "expected", "mapped", "flagged"), SAMPLES)
def test_each_sample_imports_cleanly_through_its_mapping_field_by_field(
    ctx, tmp_path, name, expected, mapped, flagged
):
    path = sample(tmp_path, name)
    summary = import_mapped(ctx, path, mapping(name))
    assert (summary.read, summary.imported, summary.duplicates, summary.rejected) == (
        len(expected), len(expected), 0, 0,
    )  # fmt: skip
    assert (summary.mapped, summary.flagged) == (mapped, flagged)
    assert summary.rejects_file is None and not (tmp_path / f"{name}.rejects.csv").exists()
    got = stored(ctx)
    assert set(got) == set(expected)
    for source_id, fields in expected.items():
        assert got[source_id] == fields, source_id
    # Some rows have no NHS number: each makes a child record of its own, never a guess.
    assert any(f["nhs_number"] is None for f in expected.values())


@pytest.mark.parametrize(("name", "expected", "mapped", "flagged"), SAMPLES)
def test_a_preview_reports_everything_and_stores_nothing(
    ctx, tmp_path, name, expected, mapped, flagged
):
    path = sample(tmp_path, name)
    before = counts(ctx)
    preview = import_mapped(ctx, path, mapping(name), dry_run=True)
    assert counts(ctx) == before  # nothing stored
    assert not list(tmp_path.glob("*.rejects.csv*"))  # and no rejects file written
    assert preview.dry_run and preview.imported == len(expected)
    assert (preview.mapped, preview.flagged, preview.rejected) == (mapped, flagged, 0)
    assert len(preview.first_imported) == min(5, len(expected))
    assert len(preview.first_flagged) == min(5, flagged)
    text = "\n".join(preview.lines())
    assert "Preview (nothing stored)" in text and f"would import {len(expected)}" in text
    # The real import then does exactly what the preview said.
    done = import_mapped(ctx, path, mapping(name))
    assert (done.imported, done.mapped, done.flagged) == (
        preview.imported, preview.mapped, preview.flagged,
    )  # fmt: skip
    assert done.first_imported == preview.first_imported


def test_the_preview_shows_no_name_nhs_number_or_date_of_birth(ctx, tmp_path):
    preview = import_mapped(ctx, sample(tmp_path, "ecds-ed"), mapping("ecds-ed"), dry_run=True)
    text = "\n".join(preview.lines())
    for secret in ("Example", "Ava", "9990000018", "999 000 0018", "20/07/2025", "2025-07-20"):
        assert secret not in text


def test_reimporting_a_sample_imports_nothing_new_and_keeps_the_flags(ctx, tmp_path):
    path = sample(tmp_path, "gp-report")
    import_mapped(ctx, path, mapping("gp-report"))
    again = import_mapped(ctx, path, mapping("gp-report"))
    assert (again.imported, again.duplicates, again.flagged, again.mapped) == (0, 5, 0, 0)
    assert stored(ctx)["GP-7002"]["review"] == "possible injury: review (blood, bleeding)"


def test_the_import_is_audited_with_the_mapping_and_its_version(ctx, tmp_path):
    import_mapped(ctx, sample(tmp_path, "health-visiting"), mapping("health-visiting"))
    events = [e for e in audit_log.events(ctx) if e.action == "import"]
    assert len(events) == 1
    after = json.loads(events[0].after)
    assert after["mapping"] == "health-visiting" and after["mapping_version"] == "1.0"
    assert (
        after["imported"] == 5 and after["flagged"] == 2 and after["file"] == "health-visiting.csv"
    )


def test_a_flagged_row_shows_in_the_childs_history_and_has_no_finding(ctx, tmp_path):
    import_mapped(ctx, sample(tmp_path, "health-visiting"), mapping("health-visiting"))
    found = history.history_by_nhs_number(ctx, "9990000115")
    (entry,) = found.entries
    p = entry.presentation
    assert p.review == "possible injury: review (fell, swelling)" and p.findings == ()
    assert p.complaint == "Mother says baby fell from bed yesterday; swelling on forehead"


def write_extract(path: Path, rows: list[list[str]]) -> Path:
    with (EXAMPLES / "gp-report.csv").open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def gp_row(n: int, **kw: str) -> list[str]:
    values = {
        "Record ID": f"R{n}", "NHS Number": "9990000018", "Surname": "Example",
        "Forenames": "Ava", "Date of Birth": "20/07/2025", "Gender": "Female",
        "Postcode": "XX1 1AA", "Event Date": f"{10 + n % 15:02d}/08/2025 09:30",
        "Organisation": "Synthetic Surgery", "SNOMED Code": "", "Term": "",
        "Associated Text": "", "Outcome": "",
    }  # fmt: skip
    values.update(kw)
    return list(values.values())


def test_rejected_rows_go_unchanged_to_the_rejects_file_naming_the_source_column(ctx, tmp_path):
    bad_rows = [
        gp_row(1),
        gp_row(2, **{"Date of Birth": "31/02/2025"}),
        gp_row(3, **{"Event Date": "2025-08-14T09:30"}),
        gp_row(4, Gender="F"),
        gp_row(5, **{"NHS Number": "9990000019"}),
        gp_row(6, **{"Event Date": "01/07/2025 09:00"}),  # before the date of birth
        gp_row(7, **{"Record ID": ""}),
    ]
    path = write_extract(tmp_path / "gp.csv", bad_rows)
    summary = import_mapped(ctx, path, mapping("gp-report"))
    assert (summary.read, summary.imported, summary.rejected) == (7, 1, 6)
    with (tmp_path / "gp.rejects.csv").open(newline="", encoding="utf-8") as f:
        rejects = list(csv.reader(f))
    assert rejects[0][-2:] == ["line", "reason"]
    by_line = {int(r[-2]): r for r in rejects[1:]}
    assert by_line[3][:-2] == bad_rows[1]  # the source row, unchanged
    assert by_line[3][-1] == "Date of Birth: '31/02/2025' is not a date DD/MM/YYYY"
    assert by_line[4][-1] == "Event Date: '2025-08-14T09:30' is not a DD/MM/YYYY HH:MM"
    assert by_line[5][-1].startswith("Gender: 'F' is not in the mapping's values.sex")
    assert by_line[6][-1].startswith("NHS Number (nhs_number): fails the Modulus 11")
    assert by_line[7][-1] == "Event Date (seen_at): before the date of birth"
    assert by_line[8][-1] == "Record ID (source_id): required"
    assert summary.first_rejected[0].startswith("line 3: Date of Birth")
    if os.name == "posix":
        assert (tmp_path / "gp.rejects.csv").stat().st_mode & 0o777 == 0o600  # names patients


def test_a_missing_column_stops_the_import_with_nothing_stored(ctx, tmp_path):
    from triage_app.domain.errors import InputError

    path = tmp_path / "x.csv"
    path.write_text("Record ID,Surname\nR1,Example\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_mapped(ctx, path, mapping("gp-report"))
    assert "missing column 'NHS Number' (mapping key columns.nhs_number)" in str(caught.value)
    assert counts(ctx) == (0, 0)


def test_a_cancel_after_the_first_batch_stores_nothing(ctx, tmp_path):
    path = write_extract(
        tmp_path / "gp.csv", [gp_row(n, **{"Record ID": f"R{n}"}) for n in range(30)]
    )
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    with pytest.raises(ImportCancelled):
        import_mapped(
            ctx, path, mapping("gp-report"), batch_size=10, progress=progress,
            cancelled=lambda: len(seen) >= 2,
        )  # fmt: skip
    assert seen == [(0, 30), (10, 30)]
    assert counts(ctx) == (0, 0)
    assert not list(tmp_path.glob("*.rejects.csv*"))


def test_a_cancel_just_before_the_commit_stores_nothing(ctx, tmp_path):
    path = sample(tmp_path, "ecds-ed")
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) >= 2  # after the only batch, at the last check

    with pytest.raises(ImportCancelled):
        import_mapped(ctx, path, mapping("ecds-ed"), cancelled=cancelled)
    assert counts(ctx) == (0, 0)


def test_a_row_that_gains_a_review_flag_and_a_finding_keeps_both(ctx, tmp_path):
    path = write_extract(
        tmp_path / "gp.csv",
        [gp_row(1, **{"SNOMED Code": "125667009", "Term": "Contusion",
                      "Associated Text": "bruise on the ear"})],
    )  # fmt: skip
    summary = import_mapped(ctx, path, mapping("gp-report"))
    assert (summary.mapped, summary.flagged) == (1, 1)
    row = stored(ctx)["R1"]
    assert row["findings"] == [{"kind": "bruise", "site": "other"}]
    # The words are kept (the site they give awaits a person); the code's term too.
    assert row["complaint"] == "bruise on the ear; coded entry: Contusion"
    assert json.dumps(row["findings"]).count("ear") == 0


def test_the_clock_decides_what_is_in_the_future(ctx, tmp_path, clock):
    clock.now = datetime(2025, 8, 20, 12, 0)
    path = write_extract(tmp_path / "gp.csv", [gp_row(1, **{"Event Date": "21/08/2025 09:00"})])
    summary = import_mapped(ctx, path, mapping("gp-report"))
    assert summary.rejected == 1
    assert summary.first_rejected == ("line 2: Event Date (seen_at): in the future",)
