"""The window's "other records of this child" panel and Find-a-child's postcode, on the real
services and a temporary store."""

from datetime import date, datetime

import pytest

from tests.ui.child_records import unnumbered_and_numbered
from triage_app.domain.records import ChildRecord as StoredChild
from triage_app.services import children, history
from triage_app.services.context import open_store
from triage_app.ui.find_child import FindChild
from triage_app.ui.service_adapters import StoreServices, child_view
from triage_app.ui.service_links import ServiceRecordLinks
from triage_app.ui.widgets.record_links import RecordLinksPanel

NOW = datetime(2025, 9, 3, 10, 0)


def _store(tmp_path, role):
    return open_store(
        f"sqlite:///{tmp_path / 'store.sqlite3'}", user="lead", clock=lambda: NOW, role=role
    )


@pytest.fixture
def two_records(tmp_path):
    ctx = _store(tmp_path, "safeguarding_lead")
    earlier, numbered = unnumbered_and_numbered(ctx, "9990000018")
    yield ctx, earlier, numbered
    ctx.close()


def test_a_lead_links_a_possible_earlier_record_from_the_panel(qtbot, two_records):
    ctx, earlier, numbered = two_records
    panel = RecordLinksPanel(ServiceRecordLinks(ctx), child_view(numbered))
    qtbot.addWidget(panel)
    text = panel.list.item(0).text()
    assert f"Record {earlier.id}" in text and "unconfirmed" in text
    assert "bleeding@mouth" in text
    panel.list.setCurrentRow(0)
    panel.link_button.click()
    assert panel.message.text() == "Type the reason first."
    panel.reason_edit.setText("same baby: GP record traced")
    with qtbot.waitSignal(panel.changed, timeout=1000):
        panel.link_button.click()
    assert panel.message.text() == f"Record {earlier.id} linked."
    assert not panel.link_button.isEnabled()
    assert f"record {earlier.id}" in panel.linked_label.text()
    assert [c.id for c in history.history_by_child_id(ctx, numbered.id).linked] == [earlier.id]


def test_a_clinician_is_told_only_a_lead_can_link(qtbot, two_records, tmp_path):
    ctx, earlier, numbered = two_records
    clinician = _store(tmp_path, "clinician")
    panel = RecordLinksPanel(ServiceRecordLinks(clinician), child_view(numbered))
    qtbot.addWidget(panel)
    panel.list.setCurrentRow(0)
    panel.reason_edit.setText("looks the same")
    panel.reject_button.click()
    assert "Only a safeguarding lead" in panel.message.text()  # beside the buttons
    assert panel.list.count() == 1  # still offered: the list as the record holds it
    assert panel.reason_edit.text() == "looks the same" and panel.list.currentRow() == 0
    clinician.close()


def test_find_a_child_passes_the_postcode_to_the_search(qtbot, tmp_path):
    ctx = _store(tmp_path, None)
    for postcode in ("XX1 1AA", "XX9 9ZZ"):
        children.record_child(
            ctx, StoredChild(date(2025, 7, 20), "Okafor", "Tobi", postcode=postcode)
        )
    finder = FindChild(StoreServices(ctx, tmp_path, None))
    qtbot.addWidget(finder)
    finder.ui.family_name_edit.setText("Okafor")
    finder.ui.given_name_edit.setText("Tobi")
    finder.date_of_birth.set_value(date(2025, 7, 20))
    finder.postcode_edit.setText("xx9 9zz")
    finder.search()
    assert finder.matches[0].child.family_name == "Okafor"
    assert "same postcode" in finder.matches[0].reasons
    ctx.close()


class _FakeLinks:
    def __init__(self, possible):
        self.possible, self.asked = possible, []

    def possible_records(self, child_id):
        self.asked.append(child_id)
        return list(self.possible)

    def linked_records(self, child_id):
        return []

    def link(self, child_id, other_id, reason):
        self.possible = []

    def reject(self, child_id, other_id, reason):
        self.possible = []


def test_opening_a_child_with_a_possible_earlier_record_offers_it(qtbot, engine, store):
    import dataclasses

    from tests.ui.fakes import FakePrompter
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.seams import ImmediateExecutor
    from triage_app.ui.viewmodels import ChildView as UiChild
    from triage_app.ui.viewmodels import PossibleRecord

    services = store.services()  # the real record; only the links port is scripted here
    child = services.children.add_child(
        StoredChild(date(2025, 7, 20), "EXAMPLE", "AF", "9990000018")
    )
    other = UiChild("3", date(2025, 7, 20), None, "Af", "Example")
    links = _FakeLinks([PossibleRecord(other, 22.1, ("date of birth exact",), ("10-Aug-2025",))])
    window = MainWindow(store.clock, ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(window)
    window.attach(dataclasses.replace(services, links=links))
    window.start_assessment(child)
    dialog = window.record_links_dialog
    assert dialog.isVisible() and links.asked[0] == child.id
    assert "Record 3" in dialog.panel.list.item(0).text()
    dialog.close()

    links.possible = []
    window.record_links_dialog = None
    window.start_assessment(child)
    assert window.record_links_dialog is None  # nothing to offer: no dialog
