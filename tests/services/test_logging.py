"""Log lines carry ids, never a patient's name, NHS number or date of birth."""

import logging

from triage_app.services import cases, demo, history, matching
from triage_app.services.importing import import_presentations


def test_no_patient_identifiers_in_any_log_line(ctx, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    demo.load(ctx)
    history.history_by_nhs_number(ctx, demo.AF_NHS)
    matching.find_matches(ctx, "ASHBY, Alfie", ctx.clock().date())
    cases.list_cases(ctx)
    src = tmp_path / "v.csv"
    src.write_text(
        "source,source_id,nhs_number,family_name,given_name,date_of_birth,sex,postcode,seen_at,"
        "setting,organisation,complaint,findings,outcome\n"
        "emis,1,9990000077,Zebedee,Quentin,2025-01-02,male,XX5 5QQ,2025-02-03T10:00,gp,o,c,"
        "bruise@ear,o\n",
        encoding="utf-8",
    )
    import_presentations(ctx, src)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (
        "Ashby",
        "ASHBY",
        "Alfie",
        demo.AF_NHS,
        "999 000 0026",
        "Zebedee",
        "Quentin",
        "9990000077",
        "2025-01-02",
        "Kelly",
    ):
        assert secret not in text
