"""`triage-app record ...` and `audit verify` over sealed records, run as a user would.
On SQLite always; on PostgreSQL too when TRIAGE_TEST_PG_URL is set."""

import hashlib
import importlib.util
import io
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader
from sqlalchemy import text

from triage_app import cli

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("store_fixtures", ROOT / "tests/store/conftest.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)


@pytest.fixture(params=_fx.BACKENDS)
def store(request, app_home):
    """Extra arguments selecting the database: none (TRIAGE_HOME's SQLite) or --database-url."""
    if request.param == "sqlite":
        return []
    _fx.reset_postgres(_fx.PG_URL)
    return ["--database-url", _fx.PG_URL]


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loaded(capsys, store):
    """The demo data; returns the store arguments and the case ids by family name."""
    code, out, _ = run(capsys, "demo", "load", *store)
    assert code == 0 and "demo loaded" in out
    code, out, _ = run(capsys, "cases", "--json", *store)
    ids = {c["child"]["name"].split(",")[0]: c["id"] for c in json.loads(out)["cases"]}
    return store, ids


def pdf_words(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def stored_pdf(store, case_id, version):
    from triage_app.bootstrap import open_record_store
    from triage_app.services import referrals

    ctx = open_record_store(database_url=store[1] if store else None)
    try:
        return referrals.get_record(ctx, case_id, version).pdf
    finally:
        ctx.close()


def test_cases_json_shows_sealed_from_the_database(capsys, loaded):
    store, _ = loaded
    code, out, _ = run(capsys, "cases", "--json", *store)
    sealed = {c["child"]["name"]: c["sealed"] for c in json.loads(out)["cases"]}
    assert sealed == {"ASHBY, Alfie": True, "BROOKS, Isla": False, "OKAFOR, Zara": False}


def test_finalise_then_finalise_again_is_refused_with_a_clear_message(capsys, loaded):
    store, ids = loaded
    code, out, err = run(capsys, "record", "finalise", ids["BROOKS"], *store)
    assert code == 0 and "sealed NIM-" in out and "version 1, original" in out
    code, out, err = run(capsys, "record", "finalise", ids["BROOKS"], *store)
    assert code == 1 and out == ""
    assert "is already finalised" in err and "add an addendum" in err
    assert "nothing was changed" in err
    code, out, _ = run(capsys, "record", "finalise", ids["ASHBY"], *store)  # sealed by the demo
    assert code == 1


def test_addendum_list_and_export_of_both_versions(capsys, loaded, tmp_path):
    store, ids = loaded
    af = ids["ASHBY"]
    code, out, err = run(
        capsys, "record", "addendum", af, "--reason", "Follow-up survey booked.", *store
    )
    assert code == 0 and "version 2, addendum to NIM-" in out and "/v1" in out
    code, out, _ = run(capsys, "record", "list", af, *store)
    assert code == 0 and "version 1, original" in out and "version 2, addendum" in out
    assert "reason: Follow-up survey booked." in out
    for version in (1, 2):
        pdf, fhir = tmp_path / f"v{version}.pdf", tmp_path / f"v{version}.json"
        code, out, err = run(
            capsys, "record", "export", af, "--version", version, "--pdf", pdf, "--fhir", fhir,
            *store,
        )  # fmt: skip
        assert code == 0, err
        data = pdf.read_bytes()
        assert data == stored_pdf(store, af, version)
        assert f"SHA-256 {hashlib.sha256(data).hexdigest()}" in out
        Bundle.model_validate_json(fhir.read_text(encoding="utf-8"))
        words = pdf_words(data)
        assert "ASHBY, Alfie" in words and "OFFICIAL-SENSITIVE" in words
        assert "Mark" in words and "Lower leg" in words  # the finding
    assert "Follow-up survey booked." in pdf_words((tmp_path / "v2.pdf").read_bytes())


def test_export_errors_say_what_and_where(capsys, loaded, tmp_path):
    store, ids = loaded
    code, _, err = run(capsys, "record", "export", ids["ASHBY"], *store)
    assert code == 2 and "give --pdf OUT.pdf and/or --fhir OUT.json" in err
    mine = tmp_path / "mine.pdf"
    mine.write_bytes(b"keep me")
    code, _, err = run(capsys, "record", "export", ids["ASHBY"], "--pdf", mine, *store)
    assert code == 2 and "mine.pdf: a file with this name exists" in err and "--force" in err
    assert mine.read_bytes() == b"keep me"
    code, _, err = run(
        capsys, "record", "export", ids["BROOKS"], "--pdf", tmp_path / "b.pdf", *store
    )
    assert code == 1 and f"case {ids['BROOKS']} has no sealed referral record" in err
    code, _, err = run(
        capsys, "record", "export", ids["ASHBY"], "--version", 3, "--pdf", tmp_path / "x.pdf",
        *store,
    )  # fmt: skip
    assert code == 1 and "no referral record version 3 (sealed: 1)" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "triage-home") == ["mine.pdf"]


def test_audit_verify_names_a_tampered_sealed_record(capsys, loaded):
    store, ids = loaded
    code, out, _ = run(capsys, "audit", "verify", *store)
    assert code == 0 and "sealed referral records intact: 1" in out
    from triage_app.bootstrap import open_record_store

    ctx = open_record_store(database_url=store[1] if store else None)
    with ctx.engine.begin() as conn:
        if ctx.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER referral_record_no_update"))
        else:
            conn.execute(
                text("ALTER TABLE referral_record DISABLE TRIGGER referral_record_no_change")
            )
        conn.execute(text("UPDATE referral_record SET pdf_sha256 = :h"), {"h": "a" * 64})
    ctx.close()
    code, out, _ = run(capsys, "audit", "verify", *store)
    assert code == 1
    assert "sealed referral record BROKEN: sealed referral record NIM-" in out
    assert f"(case {ids['ASHBY']}, version 1)" in out


def test_leaflet_is_written_where_asked(capsys, tmp_path):
    out_pdf = tmp_path / "leaflet.pdf"
    code, out, err = run(
        capsys, "record", "leaflet", "--profile", "nyscp", "--out", out_pdf, "--child-name", "Ava"
    )
    assert code == 0 and "wrote" in out
    assert "Ava" in pdf_words(out_pdf.read_bytes())
    code, _, err = run(capsys, "record", "leaflet", "--out", out_pdf)
    assert code == 2 and "exists" in err
    code, _, err = run(
        capsys, "record", "leaflet", "--profile", "nowhere", "--out", tmp_path / "x.pdf"
    )
    assert code == 2 and err.startswith("--profile:")
