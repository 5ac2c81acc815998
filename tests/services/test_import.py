"""Importing presentations from CSV: validated, all-or-nothing, verbatim, re-runnable."""

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.services.import_csv import counts, read_rejects, row, write
from triage_app.domain.errors import InputError
from triage_app.services import audit_log, history
from triage_app.services.importing import COLUMNS, import_presentations, parse_findings
from triage_app.store.orm import Child, Presentation

BAD = [
    ({"nhs_number": "9990000019"}, "nhs_number: fails the Modulus 11 check digit"),
    ({"date_of_birth": "20/07/2025"}, "date_of_birth: must be a date YYYY-MM-DD"),
    ({"seen_at": "2025-02-30T09:00"}, "seen_at: must be a local date and time"),
    ({"seen_at": "2025-07-01T09:00"}, "seen_at: before the date of birth"),
    ({"seen_at": "2030-01-01T09:00"}, "seen_at: in the future"),
    ({"findings": "bruise@elbow"}, "findings: finding 'bruise@elbow' is not kind@site"),
    ({"setting": "hospital"}, "setting: must be one of"),
    ({"sex": "F"}, "sex: must be one of"),
    ({"source_id": ""}, "source_id: required"),
    ({"family_name": "", "given_name": ""}, "a family name or a given name is required"),
    ({"complaint": "nul\x00byte"}, "complaint: contains a NUL character"),
]


def test_good_rows_are_imported_and_each_bad_row_is_rejected_with_line_and_reason(
    ctx, make, tmp_path
):
    rows = (
        [row(make, 0)]
        + [row(make, i + 1, **bad) for i, (bad, _) in enumerate(BAD)]
        + [row(make, 99)]
    )
    src = write(tmp_path / "visits.csv", rows)
    summary = import_presentations(ctx, src)
    assert (summary.read, summary.imported, summary.duplicates, summary.rejected) == (
        len(rows),
        2,
        0,
        len(BAD),
    )
    rejects = read_rejects(tmp_path / "visits.rejects.csv")
    assert rejects[0] == [*COLUMNS, "neutralised", "line", "reason"]
    for (_bad, reason), (original, out) in zip(
        BAD, zip(rows[1:-1], rejects[1:], strict=True), strict=True
    ):
        assert out[: len(COLUMNS)] == [original[c] for c in COLUMNS]  # unchanged
        assert reason in out[-1]
    assert [r[-2] for r in rejects[1:]] == [str(n) for n in range(3, 3 + len(BAD))]
    assert summary.rejects_file == str(tmp_path / "visits.rejects.csv")


def test_reimporting_the_same_file_imports_nothing_new(ctx, make, tmp_path):
    src = write(tmp_path / "v.csv", [row(make, i) for i in range(20)])
    first = import_presentations(ctx, src)
    before = counts(ctx)
    again = import_presentations(ctx, src)
    assert (first.imported, again.imported, again.duplicates) == (20, 0, 20)
    assert counts(ctx) == before == (5, 20)  # five NHS numbers, so five children


def test_a_crash_mid_import_leaves_the_database_as_it_was(ctx, make, tmp_path):
    import_presentations(ctx, write(tmp_path / "first.csv", [row(make, 0)]))
    before = counts(ctx)
    events_before = len(audit_log.events(ctx))
    src = write(
        tmp_path / "big.csv",
        [row(make, i, source_id=f"B{i}") for i in range(50)] + [row(make, 51, nhs_number="123")],
    )

    def crash(done):
        if done >= 20:
            raise MemoryError("simulated crash after two batches were inserted")

    with pytest.raises(MemoryError):
        import_presentations(ctx, src, batch_size=10, after_batch=crash)
    assert counts(ctx) == before
    trail = audit_log.events(ctx)
    if ctx.engine.dialect.name == "sqlite":  # batches were committed, then rolled back
        assert len(trail) == events_before + 1
        assert trail[-1].entity == "import_job" and "rolled_back" in trail[-1].after
    else:  # one transaction: nothing written at all
        assert len(trail) == events_before
    assert not (tmp_path / "big.rejects.csv").exists()
    assert not list(tmp_path.glob("*.partial"))


def test_rows_for_one_new_nhs_number_make_one_child_and_a_dob_clash_is_rejected(
    ctx, make, tmp_path
):
    rows = [row(make, 0), row(make, 5), row(make, 10, date_of_birth="2025-07-21")]
    summary = import_presentations(ctx, write(tmp_path / "v.csv", rows))
    assert (summary.imported, summary.rejected, summary.children_created) == (2, 1, 1)
    assert "differs from the stored child" in read_rejects(tmp_path / "v.rejects.csv")[1][-1]


def test_rows_without_nhs_number_are_never_merged_by_name(ctx, make, tmp_path):
    rows = [row(make, i, nhs_number="") for i in range(3)]
    summary = import_presentations(ctx, write(tmp_path / "v.csv", rows))
    assert summary.children_created == 3


def test_repeated_source_id_in_one_file(ctx, make, tmp_path):
    rows = [row(make, 1), row(make, 1), row(make, 1, complaint="different")]
    summary = import_presentations(ctx, write(tmp_path / "v.csv", rows))
    assert (summary.imported, summary.duplicates, summary.rejected) == (1, 1, 1)
    assert "first on line 2" in read_rejects(tmp_path / "v.rejects.csv")[1][-1]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (COLUMNS[:-1], "missing columns: outcome"),
        ((*COLUMNS, "notes"), "unknown columns: notes"),
        ((*COLUMNS, "source"), "repeated columns: source"),
    ],
)
def test_a_wrong_header_imports_nothing(ctx, make, tmp_path, header, message):
    src = tmp_path / "v.csv"
    src.write_text(",".join(header) + "\n" + ",".join("x" for _ in header) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        import_presentations(ctx, src)
    assert counts(ctx) == (0, 0)


def test_line_numbers_count_physical_lines_and_bytes_are_kept(ctx, make, tmp_path):
    src = tmp_path / "v.csv"
    good = row(make, 0, complaint="line one\nline two")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
    w.writeheader()
    w.writerow(good)
    w.writerow(row(make, 1, organisation="BAD_BYTES"))
    w.writerow(row(make, 2, sex="?"))
    data = buf.getvalue().encode("utf-8").replace(b"BAD_BYTES", b"caf\xe9")  # Latin-1, not UTF-8
    src.write_bytes(data)
    summary = import_presentations(ctx, src)
    assert (summary.imported, summary.rejected) == (1, 2)
    raw = (tmp_path / "v.rejects.csv").read_bytes()
    assert b"caf\xe9" in raw  # the original bytes, unchanged
    text = raw.decode("utf-8", errors="surrogateescape")
    lines = [r[-2:] for r in csv.reader(io.StringIO(text, newline=""))][1:]
    assert lines[0][0] == "4" and "not valid UTF-8" in lines[0][1]
    assert lines[1][0] == "5"


def test_long_text_is_kept_and_a_field_over_the_limit_is_rejected(ctx, make, tmp_path):
    long = "é" * 60_000  # two such fields exceed the limit together, not one by one
    rows = [row(make, 0, complaint=long, outcome=long), row(make, 1, complaint="x" * 100_001)]
    summary = import_presentations(ctx, write(tmp_path / "v.csv", rows))
    assert (summary.imported, summary.rejected) == (1, 1)
    assert (
        "complaint: longer than 100000 characters"
        in read_rejects(tmp_path / "v.rejects.csv")[1][-1]
    )


def test_the_garbage_collector_is_restored_after_an_import(ctx, make, tmp_path):
    import gc

    src = write(tmp_path / "v.csv", [row(make, 0, nhs_number="123")])
    assert gc.isenabled()
    import_presentations(ctx, src)
    assert gc.isenabled()


def test_a_clean_reimport_removes_an_old_rejects_file(ctx, make, tmp_path):
    src = write(tmp_path / "v.csv", [row(make, 0, sex="?")])
    import_presentations(ctx, src)
    assert (tmp_path / "v.rejects.csv").exists()
    write(src, [row(make, 0)])
    assert import_presentations(ctx, src).rejects_file is None
    assert not (tmp_path / "v.rejects.csv").exists()


def test_import_is_audited_once_with_file_hash_and_counts(ctx, make, tmp_path):
    import_presentations(ctx, write(tmp_path / "v.csv", [row(make, 0), row(make, 1, sex="?")]))
    event = audit_log.events(ctx)[-1]
    after = json.loads(event.after)
    assert (event.action, event.entity) == ("import", "presentation")
    assert (after["file"], after["imported"], after["rejected"]) == ("v.csv", 1, 1)
    assert len(after["sha256"]) == 64


TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(complaint=TEXT, outcome=TEXT, organisation=TEXT, family=TEXT)
def test_text_is_kept_verbatim_whatever_it_contains(
    ctx, make, tmp_path, complaint, outcome, organisation, family
):
    if not family.strip():
        family = "x" + family
    tag = str(abs(hash((complaint, outcome, organisation, family))))
    src = write(
        tmp_path / f"{tag}.csv",
        [
            row(
                make,
                0,
                source_id=tag,
                nhs_number="",
                complaint=complaint,
                outcome=outcome,
                organisation=organisation,
                family_name=family,
            )
        ],
    )
    assert import_presentations(ctx, src).imported == 1
    with ctx.session_factory.begin() as s:
        p = s.scalar(select(Presentation).where(Presentation.source_id == tag))
        c = s.get(Child, p.child_id)
        assert (p.complaint, p.outcome, p.organisation, c.family_name) == (
            complaint,
            outcome,
            organisation,
            family,
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bruise@cheek;bleeding@mouth",
            [{"kind": "bruise", "site": "cheek"}, {"kind": "bleeding", "site": "mouth"}],
        ),
        ("bruise@cheek@left", [{"kind": "bruise", "site": "cheek", "side": "left"}]),
        ("mark", [{"kind": "mark", "site": "other"}]),
        ("", []),
        (" ; ", []),
    ],
)
def test_findings_format(text, expected):
    assert parse_findings(text) == expected


def test_imported_presentations_show_in_history(ctx, make, tmp_path):
    import_presentations(ctx, write(tmp_path / "v.csv", [row(make, 0), row(make, 5)]))
    h = history.history_by_nhs_number(ctx, make.NHS[0])
    assert [e.presentation.source for e in h.entries] == ["emis", "emis"]
    assert {"prior_injury_presentation", "high_risk_site"} <= {f.id for f in h.flags}


FIELD = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "emis",
            "9990000093",
            "999 000 0093",
            "9990000094",
            "2025-07-20",
            "2025-02-30",
            "2025-08-14T09:30",
            "2025-08-14T09:30:15",
            "2025-08-14 09:30",
            "2030-01-01T00:00",
            "2025-06-01T00:00",
            "female",
            "F",
            "gp",
            "hospital",
            "bruise@cheek",
            "bruise@elbow",
            "mark",
            "x\x00y",
            "caf\udce9",
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({name: FIELD for name in COLUMNS}))
def test_fast_path_and_reference_check_agree_on_every_row(values):
    """The import's fast check accepts exactly the rows the full check finds no problem in."""
    from datetime import date

    from triage_app.services.import_rows import quick_row, validate_row

    today = date(2026, 1, 2)
    parsed, problems = validate_row(values, today)
    quick = quick_row(tuple(values[c] for c in COLUMNS), today)
    assert (quick is None) == (parsed is None), problems
    if quick is not None:
        assert quick == (parsed["nhs"], parsed["dob"], parsed["seen"], parsed["findings"])
