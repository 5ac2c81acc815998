"""The adapters over the real services, without the window."""

from datetime import date, datetime

import pytest

from triage_app.domain.records import ChildRecord
from triage_app.ui.drafts import FileDraftStore
from triage_app.ui.ports import Refused

PASSWORD = "a long passphrase"


@pytest.fixture
def services(tmp_path):
    from triage_app.ui.service_adapters import StoreOpener

    services = StoreOpener(tmp_path / "data").create_first_user("Dr First", PASSWORD)
    yield services
    services.cases.ctx.close()


def test_first_start_then_sign_in(tmp_path, services):
    from triage_app.ui.service_adapters import StoreOpener

    assert [(u.username, u.role) for u in services.users.users()] == [("Dr First", "administrator")]
    opener = StoreOpener(tmp_path / "data")
    assert opener.state() == "sign_in"
    with pytest.raises(Refused, match="wrong password"):
        opener.sign_in("Dr First", "not the password")
    again = opener.sign_in("Dr First", PASSWORD)
    assert again.cases.ctx.user == "Dr First"
    again.cases.ctx.close()


def test_a_fresh_folder_asks_for_the_first_account(tmp_path):
    from triage_app.ui.service_adapters import StoreOpener

    assert StoreOpener(tmp_path / "empty").state() == "fresh"


def test_drafts_live_in_the_data_folder_encrypted(tmp_path, services):
    assert not isinstance(services.drafts, FileDraftStore)
    services.drafts.save({"child": {"family_name": "Draftname"}})
    assert services.drafts.path.parent == (tmp_path / "data").resolve()
    assert b"Draftname" not in services.drafts.path.read_bytes()
    assert services.drafts.load().data == {"child": {"family_name": "Draftname"}}


def test_children_are_added_found_and_never_duplicated(services):
    child = services.children.add_child(
        ChildRecord(date(2025, 7, 20), "Example", "Ava", "9434765919")
    )
    assert child.nhs_number == "9434765919"
    assert [m.child.id for m in services.children.find_by_nhs_number("9434765919")] == [child.id]
    matches = services.children.find_by_name("Example", "Ava", date(2025, 7, 20))
    assert matches and matches[0].reasons
    with pytest.raises(Refused, match="already stored"):
        services.children.add_child(ChildRecord(date(2025, 7, 20), "Example", "Ava", "9434765919"))
    with pytest.raises(Refused, match="date of birth"):
        services.children.find_by_name("Example", "Ava", None)


def test_history_of_a_new_child_without_an_nhs_number_is_empty(services):
    child = services.children.add_child(ChildRecord(date(2025, 8, 1), "Baby", "Nonhs"))
    assert services.history.history(child.id, datetime(2025, 9, 1, 9, 0)).items == ()


def test_a_new_child_without_an_nhs_number_is_stored_once_with_the_assessment(services, engine):
    from triage_app.domain.parse import parse_assessment
    from triage_app.ui.viewmodels import NEW_CHILD_ID

    data = {
        "schema": "triage-assess/1",
        "assessed_at": "2025-09-03T10:40",
        "setting": "gp",
        "child": {"family_name": "Nonhs", "given_name": "Baby", "date_of_birth": "2025-08-01"},
        "findings": [{"kind": "bruise", "site": "ear", "side": "left"}],
    }
    assessment = parse_assessment(data)
    case_id = services.recorder.finalise(
        NEW_CHILD_ID, assessment, engine.decide(assessment), (), "Dr First", {}
    )
    assert case_id
    matches = services.children.find_by_name("Nonhs", "Baby", date(2025, 8, 1))
    assert len(matches) == 1
    assert services.cases.case_detail(case_id).child.id == matches[0].child.id
