"""The window's "Add NHS number" for a record without one (issue 18), on the real services and
a temporary store: checked as typed (Modulus 11), audited, refused when another record has the
number, with the "same child" link offered to a safeguarding lead (a clinician is told whom to
ask)."""

import dataclasses
import json
from datetime import date, datetime

import pytest
from sqlalchemy import text

from tests.ui.child_records import unnumbered_and_numbered
from triage_app.domain.records import ChildRecord as StoredChild
from triage_app.services import children, history
from triage_app.services.context import open_store
from triage_app.ui.service_common import child_view
from triage_app.ui.service_links import ServiceRecordLinks
from triage_app.ui.widgets.record_links import RecordLinksPanel

NOW = datetime(2025, 9, 3, 10, 0)
HELD = "9990000018"  # the numbered record's
FREE = "9990000026"  # no record has it


def _store(tmp_path, role):
    return open_store(
        f"sqlite:///{tmp_path / 'store.sqlite3'}", user=role, clock=lambda: NOW, role=role
    )


@pytest.fixture
def records(tmp_path):
    """An un-numbered GP record (a mouth bleed) and a numbered record of the same baby."""
    ctx = _store(tmp_path, "safeguarding_lead")
    unnumbered, numbered = unnumbered_and_numbered(ctx, HELD)
    yield ctx, unnumbered, numbered
    ctx.close()


def _panel(qtbot, ctx, child):
    panel = RecordLinksPanel(ServiceRecordLinks(ctx), child_view(child))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def _number_updates(ctx, child_id):
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT username, before, after FROM audit_event WHERE entity = 'child' "
                "AND action = 'update' AND entity_id = :id ORDER BY id"
            ),
            {"id": str(child_id)},
        ).all()
    return [(u, json.loads(b)["nhs_number"], json.loads(a)["nhs_number"]) for u, b, a in rows]


def test_a_number_is_added_formatted_as_typed_and_audited(qtbot, records, tmp_path):
    lead, unnumbered, _ = records
    clinician = _store(tmp_path, "clinician")  # anyone who records may add the number
    panel = _panel(qtbot, clinician, unnumbered)
    assert panel.number_box.isVisible()
    qtbot.keyClicks(panel.number_edit, "999-000-0026")
    assert panel.number_edit.text() == "999 000 0026"
    assert panel.number_message.text() == "\u2714 Valid NHS number."
    with qtbot.waitSignal(panel.number_added, timeout=1000) as added:
        panel.number_button.click()
    assert added.args[0].nhs_number == FREE and panel.child.nhs_number == FREE
    assert not panel.number_box.isVisible()
    assert "now has NHS No. 999 000 0026" in panel.message.text()
    assert children.find_by_nhs_number(lead, FREE).id == unnumbered.id
    assert _number_updates(lead, unnumbered.id) == [("clinician", None, FREE)]
    clinician.close()


def test_an_invalid_number_is_refused_before_the_record_is_asked(qtbot, records):
    ctx, unnumbered, _ = records
    panel = _panel(qtbot, ctx, unnumbered)
    qtbot.keyClicks(panel.number_edit, "9990000027")
    assert panel.number_message.text() == "\u26a0 Not valid: fails the Modulus 11 check digit."
    panel.number_button.click()
    assert "Nothing was changed" in panel.number_message.text()
    panel.number_edit.setText("999 000")
    panel.number_button.click()
    assert "Not valid" in panel.number_message.text()
    assert panel.number_box.isVisible() and panel.child.nhs_number is None
    assert children.get_child(ctx, unnumbered.id).nhs_number is None
    assert _number_updates(ctx, unnumbered.id) == []


def test_a_number_another_record_has_offers_a_lead_the_same_child_link(qtbot, records):
    ctx, unnumbered, numbered = records
    panel = _panel(qtbot, ctx, unnumbered)
    qtbot.keyClicks(panel.number_edit, HELD)
    panel.number_button.click()
    message = panel.number_message.text()
    assert f"Record {numbered.id} already has this NHS number" in message
    assert "link the two records instead" in message
    assert panel.link_holder_button.isVisible() and panel.holder_reason_edit.isVisible()
    assert children.get_child(ctx, unnumbered.id).nhs_number is None  # nothing changed
    assert _number_updates(ctx, unnumbered.id) == []
    panel.link_holder_button.click()
    assert panel.number_message.text() == "Type the reason first."
    panel.holder_reason_edit.setText("same baby: GP record traced by the ED")
    with qtbot.waitSignal(panel.changed, timeout=1000):
        panel.link_holder_button.click()
    assert f"Record {numbered.id} linked as the same child" in panel.number_message.text()
    assert not panel.link_holder_button.isVisible()
    assert f"record {numbered.id}" in panel.linked_label.text()
    found = history.history_by_child_id(ctx, numbered.id)
    assert [c.id for c in found.linked] == [unnumbered.id]


def test_a_clinician_is_told_to_ask_a_safeguarding_lead(qtbot, records, tmp_path):
    _, unnumbered, numbered = records
    clinician = _store(tmp_path, "clinician")
    panel = _panel(qtbot, clinician, unnumbered)
    panel.number_edit.setText("999 000 0018")
    panel.number_button.click()
    message = panel.number_message.text()
    assert f"Record {numbered.id} already has this NHS number" in message
    assert "ask a safeguarding lead to link" in message
    assert f"record {unnumbered.id} (this one) and record {numbered.id}" in message
    assert not panel.link_holder_button.isVisible()
    clinician.close()


def test_a_numbered_record_shows_no_add_number(qtbot, records):
    ctx, _, numbered = records
    panel = _panel(qtbot, ctx, numbered)
    assert not panel.number_box.isVisible()


def test_the_window_points_to_add_number_and_the_banner_shows_it(qtbot, engine, store):
    from tests.ui.fakes import FakePrompter
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ImmediateExecutor

    services = store.services()
    child = services.children.add_child(
        StoredChild(date(2026, 10, 20), family_name="Nonum", given_name="Baby")
    )
    window = MainWindow(store.clock, ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(window)
    window.attach(dataclasses.replace(services))
    window.start_assessment(child)
    assert "This record has no NHS number" in window.statusBar().currentMessage()
    assert "NHS No. Not Known" in window.banner.text()
    window.show_record_links()
    panel = window.record_links_dialog.panel
    panel.number_edit.setText("999 000 0034")
    panel.number_button.click()
    assert "NHS No. 999 000 0034" in window.banner.text()
    window.record_links_dialog.close()
