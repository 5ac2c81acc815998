"""The Audit screen on a real temporary record: a safeguarding lead sees every metric, its run
chart and failing cases, opens a case from there and saves the exports; nobody else sees it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.ui.fakes import FakePrompter
from triage_app.domain.access import Role
from triage_app.domain.compliance import METRIC_IDS
from triage_app.ui.audit_view import AuditView, StoreAudit
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor

PASSWORD = "a long passphrase"


class NowClock:
    def now(self) -> datetime:
        return datetime.now().replace(second=0, microsecond=0)


@pytest.fixture
def record(tmp_path):
    """An encrypted record with the demo data, its administrator and a safeguarding lead."""
    from triage_app.services import auth, demo, permissions
    from triage_app.ui.service_adapters import StoreOpener

    opener = StoreOpener(tmp_path / "data")
    admin = opener.create_first_user("Admin", PASSWORD).cases.ctx
    demo.load(admin)
    permissions.add_account(
        admin, auth.Credentials("Lead", PASSWORD), Role.SAFEGUARDING_LEAD, opener.location.keyring
    )
    admin.close()
    return tmp_path / "data"


def _window(qtbot, engine, data, user):
    from triage_app.ui.service_adapters import StoreOpener

    window = MainWindow(NowClock(), ImmediateExecutor(), FakePrompter(), lambda: engine.decide)
    qtbot.addWidget(window)
    window.resize(1200, 820)
    window.show()
    window.open_with(StoreOpener(data))
    window.sign_in.ui.user_edit.setText(user)
    window.sign_in.ui.sign_in_password_edit.setText(PASSWORD)
    window.sign_in.ui.sign_in_button.click()
    assert window.ui.pages_stack.currentWidget() is window.dashboard
    return window


def _menu_titles(window):
    return [a.text() for a in window.menuBar().actions()]


def test_a_lead_opens_the_audit_drills_into_a_failing_metric_and_opens_the_case(
    qtbot, engine, record, tmp_path
):
    window = _window(qtbot, engine, record, "Lead")
    assert "Audit" in _menu_titles(window)
    audit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Audit")
    audit_menu.actions()[0].trigger()
    view = window.audit_view[0]
    assert window.ui.pages_stack.currentWidget() is view
    assert view.table.rowCount() == len(METRIC_IDS)
    selected = view.selected_metric()
    assert selected is not None and selected.failing_overall  # the first metric below target
    assert "below target" in view.message.text()
    assert selected.definition.rule in view.rule_label.text()
    assert view.failing.rowCount() == len(selected.counts.failing) > 0
    # Drill into the first metric whose failures include a case (not only presentations).
    index = next(
        i
        for i, m in enumerate(view.report.metrics)
        if any(f.case_id is not None for f in m.counts.failing)
    )
    view.table.selectRow(index)
    selected = view.selected_metric()
    assert view.chart.result is selected
    row = next(i for i, f in enumerate(selected.counts.failing) if f.case_id is not None)
    case_id = selected.counts.failing[row].case_id
    shown = {view.failing.item(row, c).text() for c in range(5)}
    assert str(case_id) in shown and "Ashby" not in " ".join(shown)
    view.resize(1200, 760)
    view.grab().save(str(tmp_path / "audit.png"))
    view._open_failing(row)
    assert window.ui.pages_stack.currentWidget() is window.case_scroll
    assert window.case_view.case is not None and window.case_view.case.case_id == str(case_id)


def test_exports_from_the_screen_carry_no_names(qtbot, engine, record, tmp_path):
    window = _window(qtbot, engine, record, "Lead")
    view = AuditView(StoreAudit(window.services.cases.ctx), ImmediateExecutor(), date.today())
    qtbot.addWidget(view)
    view.refresh()
    view.save_path_for = lambda kind: str(tmp_path / f"audit.{kind}")
    view.suppress_box.setChecked(True)
    view.csv_button.click()
    assert "Saved the audit CSV" in view.message.text()
    view.pdf_button.click()
    text = (tmp_path / "audit.csv").read_text()
    assert "<5" in text and "Ashby" not in text and "999" not in text
    assert (tmp_path / "audit.pdf").read_bytes().startswith(b"%PDF")


def test_an_administrator_gets_no_audit_menu_and_the_service_refuses_them(qtbot, engine, record):
    window = _window(qtbot, engine, record, "Admin")
    assert "Audit" not in _menu_titles(window)
    view = AuditView(StoreAudit(window.services.cases.ctx), ImmediateExecutor(), date.today())
    qtbot.addWidget(view)
    view.refresh()
    assert view.message.text() == "Only a safeguarding lead can see the audit."
    assert view.table.rowCount() == 0 and not view.pdf_button.isEnabled()
