"""The sealed-records and screen-lock ports over the real services (temporary record).

Each preview, print and save is an audit event of the record; wrong unlock passwords are
kept and audited by the services, and five lock the account.
"""

import hashlib

import pytest

from triage_app.services import audit_log, permissions
from triage_app.ui.ports import Refused
from triage_app.ui.service_adapters import StoreOpener
from triage_app.ui.service_records import StoreSealedRecords, StoreSessionLock, complete

USER, PASSWORD = "Dr Records", "a long passphrase"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    opener = StoreOpener(folder)
    services = opener.create_first_user(USER, PASSWORD)
    services.demo.load_demo(lambda done, total: None, lambda: False)
    ui = complete(services, opener)
    sealed = next(s.case for s in permissions.visible_cases(services.cases.ctx) if s.case.sealed)
    yield ui, str(sealed.id)
    services.cases.ctx.close()


def last_event(ctx):
    return audit_log.events(ctx)[-1]


def test_complete_adds_both_ports(store):
    ui, _ = store
    assert isinstance(ui.records, StoreSealedRecords)
    assert isinstance(ui.session, StoreSessionLock)


def test_the_preview_reads_the_sealed_bytes_as_an_audited_view(store):
    ui, case_id = store
    ctx = ui.cases.ctx
    versions = ui.records.sealed_versions(case_id)
    assert [v.version for v in versions] == [1]
    assert (last_event(ctx).action, last_event(ctx).entity) == ("view", "referral_record")
    pdf = ui.records.sealed_pdf(case_id, 1)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == versions[0].pdf_sha256
    event = last_event(ctx)
    assert (event.action, event.entity) == ("view", "referral_record")
    assert versions[0].record_uid in event.after


def test_a_print_is_audited(store):
    ui, case_id = store
    ui.records.record_printed(case_id, 1)
    event = last_event(ui.cases.ctx)
    assert (event.action, event.entity) == ("print", "referral_record")


def test_save_as_writes_the_sealed_bytes_replacing_the_chosen_file_and_is_audited(store, tmp_path):
    ui, case_id = store
    target = tmp_path / "chosen.pdf"
    target.write_bytes(b"an older file the user chose to replace")
    text = ui.records.save_sealed_pdf(case_id, 1, str(target))
    assert "Saved" in text
    assert target.read_bytes() == ui.records.sealed_pdf(case_id, 1)
    exports = [e for e in audit_log.events(ui.cases.ctx) if e.action == "export"]
    assert exports and "chosen.pdf" in exports[-1].after
    with pytest.raises(Refused, match="does not exist"):
        ui.records.save_sealed_pdf(case_id, 1, str(tmp_path / "missing" / "x.pdf"))


def test_an_addendum_needs_a_reason_and_becomes_version_2(store):
    ui, case_id = store
    with pytest.raises(Refused, match="reason"):
        ui.records.add_addendum(case_id, "   ")
    text = ui.records.add_addendum(case_id, "Follow-up skeletal survey reported")
    assert "Version 2" in text
    versions = ui.records.sealed_versions(case_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].addendum_reason == "Follow-up skeletal survey reported"
    assert versions[1].supersedes_uid == versions[0].record_uid


def test_unlock_checks_the_password_through_the_services_and_audits_failures(store):
    ui, _ = store
    with pytest.raises(Refused, match="Wrong password"):
        ui.session.unlock(USER, "not the password")
    ui.session.unlock(USER, PASSWORD)  # the failure is written at this sign-in
    kinds = [e.entity for e in audit_log.events(ui.cases.ctx)[-3:]]
    assert "sign_in_failure" in kinds and kinds[-1] == "sign_in"


def test_five_wrong_passwords_lock_the_account(tmp_path):
    opener = StoreOpener(tmp_path)
    services = opener.create_first_user(USER, PASSWORD)
    try:
        lock = complete(services, opener).session
        for _ in range(4):
            with pytest.raises(Refused, match="Wrong password"):
                lock.unlock(USER, "guess")
        with pytest.raises(Refused, match="locked"):
            lock.unlock(USER, "guess")
        with pytest.raises(Refused, match="locked"):
            lock.unlock(USER, PASSWORD)
    finally:
        services.cases.ctx.close()
