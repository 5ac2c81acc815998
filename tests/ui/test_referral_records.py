"""Sealed versions in the case view and the in-app preview: view, print, save, addendum.

On the real services (a copy of the demonstration store): every view, print and save is an
event of the record's own audit trail.
"""

import os
import stat

import pytest

from PySide6.QtGui import QColor

from tests.ui.fakes import FakePrompter
from tests.ui.real_store import BROOKS_NHS
from triage_app.services import audit_log
from triage_app.ui.case_view import CaseView


def last_event(services):
    e = audit_log.events(services.cases.ctx)[-1]
    return e.action, e.entity, e.after or ""


def brooks_case(services):
    return next(c.case_id for c in services.cases.open_cases() if c.child.nhs_number == BROOKS_NHS)


class FakePrinter:
    """The Printer seam: records what it was asked to print; answers from a script."""

    def __init__(self, accept: bool | str = True) -> None:
        self.accept = accept
        self.printed: list[tuple[str, bytes]] = []

    def print_pdf(self, title: str, pdf: bytes) -> bool | str:
        self.printed.append((title, pdf))
        return self.accept


@pytest.fixture
def sealed(qtbot, tmp_path, demo_services, clock):
    services = demo_services
    prompter = FakePrompter(save_path=str(tmp_path / "chosen.pdf"))
    view = CaseView(services.cases, clock, prompter=prompter, records=services.records)
    qtbot.addWidget(view)
    case_id = brooks_case(services)
    view.show_case(case_id)
    view.referral.seal_button.click()
    return view, services, case_id, prompter


def test_sealing_lists_the_version_and_offers_preview_save_and_addendum(sealed):
    view, record, case_id, _ = sealed
    panel = view.referral
    assert panel.versions_list.count() == 1
    assert panel.versions_list.item(0).text().startswith("\u2611 Version 1 (NIM-")
    assert not panel.seal_button.isEnabled()
    for button in (panel.preview_button, panel.export_button, panel.addendum_button):
        assert button.isEnabled()
    assert last_event(record)[:2] == ("view", "referral_record")  # listing is a view


def test_an_addendum_needs_a_reason_and_shows_version_2(sealed):
    view, record, case_id, _ = sealed
    panel = view.referral
    panel.addendum_button.click()
    assert "Type the reason for the addendum" in panel.message_label.text()  # beside it
    assert len(record.records.sealed_versions(case_id)) == 1  # nothing sealed without a reason
    panel.reason_edit.setText("Follow-up skeletal survey reported")
    panel.addendum_button.click()
    assert panel.message_label.text().startswith("\u2714 Addendum sealed: Version 2")
    assert panel.versions_list.count() == 2
    assert "Version 2" in panel.versions_list.item(1).text()
    assert "addendum: Follow-up skeletal survey reported" in panel.versions_list.item(1).text()
    assert panel.chosen().version == 2  # the latest is chosen
    assert panel.reason_edit.text() == ""
    v1, v2 = record.records.sealed_versions(case_id)
    assert v2.supersedes_uid == v1.record_uid


def test_save_as_writes_the_sealed_bytes_of_the_chosen_version_and_is_audited(sealed, tmp_path):
    view, record, case_id, prompter = sealed
    view.referral.reason_edit.setText("Correction of the time of the call")
    view.referral.addendum_button.click()
    view.referral.versions_list.setCurrentRow(0)  # version 1, not the latest
    view.referral.export_button.click()
    first = record.records.sealed_versions(case_id)[0]
    assert (tmp_path / "chosen.pdf").read_bytes() == record.records.sealed_pdf(case_id, 1)
    assert stat.S_IMODE(os.stat(tmp_path / "chosen.pdf").st_mode) == 0o600  # owner only
    assert prompter.calls[-1][0] == "ask_save_path"
    assert prompter.calls[-1][2] == first.record_uid.replace("/", "-") + ".pdf"
    exports = [e for e in audit_log.events(record.cases.ctx) if e.action == "export"]
    assert "chosen.pdf" in exports[-1].after and first.record_uid in exports[-1].after
    assert "Saved" in view.referral.message_label.text()


def test_cancelling_save_as_writes_and_audits_nothing(sealed, tmp_path):
    view, record, case_id, prompter = sealed
    prompter.save_path = None
    before = len(audit_log.events(record.cases.ctx))
    view.referral.export_button.click()
    assert len(audit_log.events(record.cases.ctx)) == before
    assert not (tmp_path / "chosen.pdf").exists()


def test_preview_is_requested_for_the_chosen_version(qtbot, sealed):
    view, record, case_id, _ = sealed
    with qtbot.waitSignal(view.preview_requested) as signal:
        view.referral.preview_button.click()
    assert signal.args[0] == case_id
    assert signal.args[1].version == 1


def preview_for(qtbot, record, case_id, printer=None, prompter=None):
    from triage_app.ui.record_preview import RecordPreview

    page = RecordPreview(record.records, prompter or FakePrompter(), printer or FakePrinter())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    version = record.records.sealed_versions(case_id)[-1]
    assert page.show_version(case_id, version)
    return page, version


def inked(image) -> bool:
    """True when the image has dark pixels (the page's text has been drawn)."""
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            if QColor(image.pixel(x, y)).lightness() < 100:
                return True
    return False


def test_preview_shows_the_page_count_renders_the_pages_and_is_audited(qtbot, sealed):
    view, record, case_id, _ = sealed
    page, version = preview_for(qtbot, record, case_id)
    pages = page.page_count()
    assert pages >= 2
    assert page.pages_label.text() == f"Page 1 of {pages}"
    action, entity, after = last_event(record)
    assert (action, entity) == ("view", "referral_record") and version.record_uid in after
    assert version.record_uid in page.title_label.text()
    # QPdfView renders in the background: wait for the page to be drawn before grabbing.
    qtbot.waitUntil(lambda: inked(page.view.grab().toImage()), timeout=5000)


def test_print_goes_through_the_printer_seam_and_is_audited(qtbot, sealed):
    view, record, case_id, _ = sealed
    printer = FakePrinter()
    page, version = preview_for(qtbot, record, case_id, printer)
    page.print_button.click()
    assert last_event(record)[:2] == ("print", "referral_record")
    pdf = record.records.sealed_pdf(case_id, version.version)
    assert printer.printed == [(version.record_uid, pdf)]
    assert "Sent" in page.message_label.text()


def test_print_to_file_writes_the_sealed_vector_pdf_owner_only(qtbot, sealed, tmp_path):
    view, record, case_id, _ = sealed
    target = tmp_path / "printed.pdf"
    printer = FakePrinter(accept=str(target))  # the dialog's "Print to file"
    page, version = preview_for(qtbot, record, case_id, printer)
    page.print_button.click()
    assert last_event(record)[:2] == ("export", "referral_record")
    pdf = record.records.sealed_pdf(case_id, version.version)
    assert target.read_bytes() == pdf  # the sealed file itself: vector text, not a raster
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "Saved" in page.message_label.text()


def test_print_and_save_offer_a_writable_folder_and_a_file_name_without_slashes(qtbot):
    from PySide6.QtPrintSupport import QPrinter

    from triage_app.ui.record_preview import prepare_printer
    from triage_app.ui.seams import default_folder, save_dialog

    printer = QPrinter()
    prepare_printer(printer, "NIM-2026-000004/v1")
    assert printer.docName() == "NIM-2026-000004-v1"
    if printer.outputFileName():  # no printer installed: print to file is the choice
        folder, name = os.path.split(printer.outputFileName())
        assert name == "NIM-2026-000004-v1.pdf" and os.access(folder, os.W_OK)
    dialog = save_dialog(None, "Save", "NIM-2026-000004-v1.pdf")
    qtbot.addWidget(dialog)
    assert dialog.directory().absolutePath() == os.path.realpath(default_folder()) or (
        dialog.directory().absolutePath() == default_folder()
    )
    assert dialog.locale().name() == "en_GB"


def test_the_save_dialog_lists_file_dates_in_nhs_format(qtbot, tmp_path):
    import re

    from PySide6.QtWidgets import QFileDialog

    from triage_app.ui.seams import save_dialog

    (tmp_path / "earlier.pdf").write_bytes(b"%PDF-1.4")
    dialog = save_dialog(None, "Save", str(tmp_path / "new.pdf"))
    qtbot.addWidget(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    model = dialog.proxyModel()

    def date_shown():
        root = model.mapFromSource(model.sourceModel().index(str(tmp_path)))
        rows = [model.index(r, 0, root) for r in range(model.rowCount(root))]
        found = [i for i in rows if i.data() == "earlier.pdf"]
        return found and model.index(found[0].row(), 3, root).data()

    qtbot.waitUntil(lambda: bool(date_shown()), timeout=5000)
    assert re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d", date_shown())


def test_a_cancelled_print_is_not_audited(qtbot, sealed):
    view, record, case_id, _ = sealed
    page, version = preview_for(qtbot, record, case_id, FakePrinter(accept=False))
    before = len(audit_log.events(record.cases.ctx))
    page.print_button.click()
    assert len(audit_log.events(record.cases.ctx)) == before
    assert "cancelled" in page.message_label.text()


def test_save_as_from_the_preview_writes_the_sealed_bytes(qtbot, sealed, tmp_path):
    view, record, case_id, _ = sealed
    prompter = FakePrompter(save_path=str(tmp_path / "from-preview.pdf"))
    page, version = preview_for(qtbot, record, case_id, prompter=prompter)
    page.save_button.click()
    action, _entity, after = last_event(record)
    assert action == "export" and "from-preview.pdf" in after
    pdf = record.records.sealed_pdf(case_id, version.version)
    assert (tmp_path / "from-preview.pdf").read_bytes() == pdf


def test_the_real_print_path_draws_every_page(qtbot, sealed, tmp_path):
    """The pages QtPdf renders reach a printer (a PDF printer here: no dialog)."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    from triage_app.ui.record_preview import load_pdf, print_pages

    view, record, case_id, _ = sealed
    document = QPdfDocument()
    buffer = load_pdf(document, record.records.sealed_pdf(case_id, 1))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pages(printer, document, 0, 1)
    again = QPdfDocument()
    kept = load_pdf(again, (tmp_path / "printed.pdf").read_bytes())
    assert again.pageCount() == 2  # pages 1 to 2 were asked for
    del buffer, kept


def test_the_main_window_opens_the_preview_with_the_banner_and_comes_back(
    qtbot, engine, demo_store
):
    from tests.ui.real_store import signed_in_window

    window = signed_in_window(qtbot, engine, demo_store, printer=FakePrinter())
    case_id = brooks_case(window.services)
    window.open_case(case_id)
    window.case_view.referral.seal_button.click()
    window.case_view.referral.preview_button.click()
    assert window.ui.pages_stack.currentWidget() is window.preview
    assert window.preview.page_count() >= 2
    assert not window.banner.isHidden()  # the preview is about this child
    window.preview.back_button.click()
    assert window.ui.pages_stack.currentWidget() is window.case_scroll
