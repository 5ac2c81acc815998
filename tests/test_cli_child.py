"""Joining one child's records, as a user would: the Child AF pattern replayed through import,
`child link` and `assess --lookup`; `child show/unlink/reject/nhs-number`; re-imports that now
carry the NHS number."""

import json
from pathlib import Path

import pytest

from triage_app import cli

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "source,source_id,nhs_number,family_name,given_name,date_of_birth,sex,postcode,"
    "seen_at,setting,organisation,complaint,findings,outcome"
)
AF_NHS = "9990000018"
GP_ROW = (
    "gp-export,G1,{nhs},EXAMPLE,Af,2025-07-20,female,XX1 1AA,2025-08-10T09:30,gp,"
    "Example Surgery,bleeding from the mouth,bleeding@mouth,advice given"
)
ED_ROW = (
    "ed-export,E1,999 000 0018,Example,AF,2025-07-20,female,XX1 1AA,2025-08-24T11:20,ed,"
    "Example ED,red patch in the eye,subconjunctival_haemorrhage@subconjunctiva@left,discharged"
)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(app_home, monkeypatch, capsys, home_from_template):
    """An encrypted store; commands sign in as a safeguarding lead (``lead``)."""
    monkeypatch.setenv("TRIAGE_USER", "admin")
    monkeypatch.setenv("TRIAGE_PASSWORD", "admin-password")

    def init_with_lead_and_clinician(m):
        assert cli.main(["init", "--user", "admin"]) == 0
        for name, role in (("lead", "safeguarding_lead"), ("clin", "clinician")):
            m.setenv("TRIAGE_NEW_PASSWORD", f"{name}-password")
            assert cli.main(["user", "add", name, "--role", role]) == 0

    home_from_template("admin+lead+clin", init_with_lead_and_clinician)
    monkeypatch.setenv("TRIAGE_USER", "lead")
    monkeypatch.setenv("TRIAGE_PASSWORD", "lead-password")
    capsys.readouterr()
    return monkeypatch


def _import(capsys, tmp_path, name, *rows):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "presentations", str(path))
    assert code == 0, err
    return out


def _third_presentation(tmp_path):
    """Child AF's third presentation (the purple mark) without any history typed in."""
    case = json.loads((ROOT / "examples/child-af-3-purple-mark.json").read_text())
    case["history"]["prior_presentations"] = []
    path = tmp_path / "third.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def _record_ids(capsys):
    code, out, _ = run(capsys, "history", "--nhs-number", AF_NHS, "--json")
    assert code == 0
    return json.loads(out)


def test_child_af_replayed_through_import_link_and_lookup(capsys, store, tmp_path):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    _import(capsys, tmp_path, "ed.csv", ED_ROW)
    third = _third_presentation(tmp_path)

    # Before any link: the mouth bleed is offered as a possible earlier record, unconfirmed.
    history = _record_ids(capsys)
    ed_id = history["child"]["id"]
    [possible] = history["possible_matches"]
    gp_id = possible["child"]["id"]
    assert possible["child"]["nhs_number"] is None and possible["score"] >= 13
    assert possible["reasons"] and "bleeding@mouth" in possible["injuries"][0]
    assert history["note"] == "possible earlier injury, unconfirmed"
    code, out, err = run(capsys, "assess", str(third), "--lookup")
    decision = json.loads(out)
    [flag] = [f for f in decision["flags"] if f["id"] == "prior_injury_presentation"]
    assert "mouth" not in flag["text"]  # not yet linked: only the haemorrhage counts
    assert any(n.startswith("possible earlier injury, unconfirmed") for n in decision["notices"])

    # A safeguarding lead links the records.
    code, out, err = run(
        capsys, "child", "link", str(gp_id), "--to", str(ed_id), "--reason", "same baby: GP traced"
    )
    assert code == 0, err

    code, out, err = run(capsys, "assess", str(third), "--lookup")
    assert code == 0, err
    decision = json.loads(out)
    [flag] = [f for f in decision["flags"] if f["id"] == "prior_injury_presentation"]
    assert "10-Aug-2025" in flag["text"] and "mouth" in flag["text"]
    assert "24-Aug-2025" in flag["text"]
    assert "share_cumulative_history" in {a["id"] for a in decision["actions"]}
    assert not any(n.startswith("possible earlier injury") for n in decision["notices"])
    assert f"followed links to record(s) {gp_id}" in err

    history = _record_ids(capsys)
    assert history["possible_matches"] == [] and history["note"] is None
    records = {p["source_id"]: p["record"] for p in history["presentations"]}
    assert records["G1"] == f"record {gp_id} (linked: the same child)"
    assert records["E1"] == f"record {ed_id} (this record)"


def test_link_needs_a_safeguarding_lead_and_a_reason(capsys, store, tmp_path):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    _import(capsys, tmp_path, "ed.csv", ED_ROW)
    ed_id = _record_ids(capsys)["child"]["id"]
    gp_id = _record_ids(capsys)["possible_matches"][0]["child"]["id"]
    code, _, err = run(capsys, "child", "link", str(gp_id), "--to", str(ed_id), "--reason", " ")
    assert code == 2 and "--reason" in err
    store.setenv("TRIAGE_USER", "clin")
    store.setenv("TRIAGE_PASSWORD", "clin-password")
    code, _, err = run(capsys, "child", "link", str(gp_id), "--to", str(ed_id), "--reason", "x")
    assert code == 1 and "safeguarding_lead" in err
    code, out, _ = run(capsys, "child", "show", str(ed_id), "--json")
    assert json.loads(out)["links"] == []


def test_unlink_and_reject_are_remembered(capsys, store, tmp_path):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    _import(capsys, tmp_path, "ed.csv", ED_ROW)
    ed_id = _record_ids(capsys)["child"]["id"]
    gp_id = _record_ids(capsys)["possible_matches"][0]["child"]["id"]
    assert run(capsys, "child", "link", str(ed_id), "--to", str(gp_id), "--reason", "same")[0] == 0
    code, out, err = run(
        capsys, "child", "unlink", str(ed_id), "--from", str(gp_id), "--reason", "twin, not same"
    )
    assert code == 0, err
    shown = json.loads(run(capsys, "child", "show", str(ed_id), "--json")[1])
    [link] = shown["links"]
    assert link["end_reason"] == "twin, not same" and link["ended_by"] == "lead"
    assert [m["child"]["id"] for m in shown["possible_matches"]] == [gp_id]  # offered again

    code, out, err = run(
        capsys, "child", "reject", str(ed_id), "--match", str(gp_id), "--reason", "different baby"
    )
    assert code == 0, err
    assert _record_ids(capsys)["possible_matches"] == []  # never offered again
    code, out, _ = run(capsys, "child", "show", str(gp_id))
    assert "NOT the same child as record" in out and "No possible earlier records." in out


def test_a_reimport_now_carrying_the_number_attaches_instead_of_being_skipped(
    capsys, store, tmp_path
):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    code, _, _ = run(capsys, "history", "--nhs-number", AF_NHS)
    assert code == 1  # nobody has the number yet
    out = _import(capsys, tmp_path, "gp-traced.csv", GP_ROW.format(nhs=AF_NHS))
    assert "attached 1" in out
    history = _record_ids(capsys)
    assert [p["source_id"] for p in history["presentations"]] == ["G1"]


def test_a_reimport_whose_number_another_record_has_links_them(capsys, store, tmp_path):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    _import(capsys, tmp_path, "ed.csv", ED_ROW)
    out = _import(capsys, tmp_path, "gp-traced.csv", GP_ROW.format(nhs=AF_NHS))
    assert "attached 1" in out
    history = _record_ids(capsys)
    assert sorted(p["source_id"] for p in history["presentations"]) == ["E1", "G1"]
    [linked] = history["linked_records"]
    shown = json.loads(run(capsys, "child", "show", str(linked["id"]), "--json")[1])
    assert "re-import" in shown["links"][0]["reason"]


def test_adding_an_nhs_number(capsys, store, tmp_path):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    _import(capsys, tmp_path, "ed.csv", ED_ROW)
    ed_id = _record_ids(capsys)["child"]["id"]
    gp_id = _record_ids(capsys)["possible_matches"][0]["child"]["id"]
    code, _, err = run(capsys, "child", "nhs-number", str(gp_id), AF_NHS)
    assert code == 2 and f"child link {gp_id} --to {ed_id}" in err  # the link route
    code, out, err = run(capsys, "child", "nhs-number", str(gp_id), "999 000 0026")
    assert code == 0 and "999 000 0026" in out
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0


def test_at_the_ed_an_unnumbered_earlier_record_is_offered_though_no_record_has_the_number(
    capsys, store, tmp_path
):
    _import(capsys, tmp_path, "gp.csv", GP_ROW.format(nhs=""))
    case = json.loads((ROOT / "examples/child-af-2-subconjunctival-haemorrhage.json").read_text())
    case["history"]["prior_presentations"] = []
    path = tmp_path / "ed.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, err = run(capsys, "assess", str(path), "--lookup")
    assert code == 0 and "no stored record for this NHS number" in err
    [note] = [n for n in json.loads(out)["notices"] if n.startswith("possible earlier injury")]
    assert "bleeding@mouth" in note and "child show" in note
