"""Sealed versions in the case view and the in-app preview: view, print, save, addendum.

Every view, print and save is audited by the record (here the in-memory record's audit list;
the real record's audit trail is covered by tests/ui/test_service_records.py).
"""

from datetime import datetime

import pytest

from PySide6.QtGui import QColor

from tests.ui.fakes import FakePrompter, FixedClock, sample_record
from triage_app.ui.case_view import CaseView
from triage_app.ui.seams import ImmediateExecutor

NOW = datetime(2025, 9, 5, 9, 0)


class FakePrinter:
    """The Printer seam: records what it was asked to print; answers from a script."""

    def __init__(self, accept: bool = True) -> None:
        self.accept = accept
        self.printed: list[tuple[str, bytes]] = []

    def print_pdf(self, title: str, pdf: bytes) -> bool:
        self.printed.append((title, pdf))
        return self.accept


@pytest.fixture
def sealed(qtbot, tmp_path):
    record = sample_record(NOW)
    prompter = FakePrompter(save_path=str(tmp_path / "chosen.pdf"))
    view = CaseView(record, FixedClock(NOW), prompter=prompter, records=record)
    qtbot.addWidget(view)
    case_id = record.open_cases()[0].case_id
    view.show_case(case_id)
    view.referral.seal_button.click()
    return view, record, case_id, prompter


def test_sealing_lists_the_version_and_offers_preview_save_and_addendum(sealed):
    view, record, case_id, _ = sealed
    panel = view.referral
    assert panel.versions_list.count() == 1
    assert panel.versions_list.item(0).text().startswith("\u2611 Version 1 (MEM-")
    assert not panel.seal_button.isEnabled()
    for button in (panel.preview_button, panel.export_button, panel.addendum_button):
        assert button.isEnabled()
    assert ("view", f"case {case_id}", "1 versions") in record.audit  # listing is a view


def test_an_addendum_needs_a_reason_and_shows_version_2(sealed):
    view, record, case_id, _ = sealed
    panel = view.referral
    panel.addendum_button.click()
    assert "Type the reason for the addendum" in view.message_label.text()
    assert len(record.sealed[case_id]) == 1  # nothing sealed without a reason
    panel.reason_edit.setText("Follow-up skeletal survey reported")
    panel.addendum_button.click()
    assert view.message_label.text().startswith("\u2714 Addendum sealed: Version 2")
    assert panel.versions_list.count() == 2
    assert "Version 2" in panel.versions_list.item(1).text()
    assert "addendum: Follow-up skeletal survey reported" in panel.versions_list.item(1).text()
    assert panel.chosen().version == 2  # the latest is chosen
    assert panel.reason_edit.text() == ""
    v2 = record.sealed[case_id][1].view
    assert v2.supersedes_uid == record.sealed[case_id][0].view.record_uid


def test_save_as_writes_the_sealed_bytes_of_the_chosen_version_and_is_audited(sealed, tmp_path):
    view, record, case_id, prompter = sealed
    view.referral.reason_edit.setText("Correction of the time of the call")
    view.referral.addendum_button.click()
    view.referral.versions_list.setCurrentRow(0)  # version 1, not the latest
    view.referral.export_button.click()
    first = record.sealed[case_id][0]
    assert (tmp_path / "chosen.pdf").read_bytes() == first.pdf
    assert prompter.calls[-1][0] == "ask_save_path"
    assert prompter.calls[-1][2] == first.view.record_uid.replace("/", "-") + ".pdf"
    assert record.audit[-1] == ("export", first.view.record_uid, "chosen.pdf")
    assert "Saved" in view.message_label.text()


def test_cancelling_save_as_writes_and_audits_nothing(sealed, tmp_path):
    view, record, case_id, prompter = sealed
    prompter.save_path = None
    before = list(record.audit)
    view.referral.export_button.click()
    assert record.audit == before
    assert not (tmp_path / "chosen.pdf").exists()


def test_preview_is_requested_for_the_chosen_version(qtbot, sealed):
    view, record, case_id, _ = sealed
    with qtbot.waitSignal(view.preview_requested) as signal:
        view.referral.preview_button.click()
    assert signal.args[0] == case_id
    assert signal.args[1].version == 1


def preview_for(qtbot, record, case_id, printer=None, prompter=None):
    from triage_app.ui.record_preview import RecordPreview

    page = RecordPreview(record, prompter or FakePrompter(), printer or FakePrinter())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    version = record.sealed_versions(case_id)[-1]
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
    assert page.page_count() == 2
    assert page.pages_label.text() == "Page 1 of 2"
    assert record.audit[-1] == ("view", version.record_uid, "preview")
    assert version.record_uid in page.title_label.text()
    # QPdfView renders in the background: wait for the page to be drawn before grabbing.
    qtbot.waitUntil(lambda: inked(page.view.grab().toImage()), timeout=5000)


def test_print_goes_through_the_printer_seam_and_is_audited(qtbot, sealed):
    view, record, case_id, _ = sealed
    printer = FakePrinter()
    page, version = preview_for(qtbot, record, case_id, printer)
    page.print_button.click()
    assert printer.printed == [(version.record_uid, record.sealed[case_id][-1].pdf)]
    assert record.audit[-1] == ("print", version.record_uid, version.pdf_sha256)
    assert "Sent" in page.message_label.text()


def test_a_cancelled_print_is_not_audited(qtbot, sealed):
    view, record, case_id, _ = sealed
    page, version = preview_for(qtbot, record, case_id, FakePrinter(accept=False))
    before = list(record.audit)
    page.print_button.click()
    assert record.audit == before
    assert "cancelled" in page.message_label.text()


def test_save_as_from_the_preview_writes_the_sealed_bytes(qtbot, sealed, tmp_path):
    view, record, case_id, _ = sealed
    prompter = FakePrompter(save_path=str(tmp_path / "from-preview.pdf"))
    page, version = preview_for(qtbot, record, case_id, prompter=prompter)
    page.save_button.click()
    assert (tmp_path / "from-preview.pdf").read_bytes() == record.sealed[case_id][-1].pdf
    assert record.audit[-1] == ("export", version.record_uid, "from-preview.pdf")


def test_the_real_print_path_draws_every_page(qtbot, sealed, tmp_path):
    """The pages QtPdf renders reach a printer (a PDF printer here: no dialog)."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    from triage_app.ui.record_preview import load_pdf, print_pages

    view, record, case_id, _ = sealed
    document = QPdfDocument()
    buffer = load_pdf(document, record.sealed[case_id][-1].pdf)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pages(printer, document, 0, 1)
    again = QPdfDocument()
    kept = load_pdf(again, (tmp_path / "printed.pdf").read_bytes())
    assert again.pageCount() == 2
    del buffer, kept


def test_the_main_window_opens_the_preview_with_the_banner_and_comes_back(qtbot, engine):
    from triage_app.ui.main_window import MainWindow
    from triage_app.ui.memory_ports import MemoryOpener

    record = sample_record(NOW)
    record.create_user("Dr Jane Smith", "GP")
    window = MainWindow(
        FixedClock(NOW),
        ImmediateExecutor(),
        FakePrompter(),
        lambda: engine.decide,
        printer=FakePrinter(),
    )
    qtbot.addWidget(window)
    window.open_with(MemoryOpener(record))
    case_id = record.open_cases()[0].case_id
    window.open_case(case_id)
    window.case_view.referral.seal_button.click()
    window.case_view.referral.preview_button.click()
    assert window.ui.pages_stack.currentWidget() is window.preview
    assert window.preview.page_count() == 2
    assert not window.banner.isHidden()  # the preview is about this child
    window.preview.back_button.click()
    assert window.ui.pages_stack.currentWidget() is window.case_scroll
