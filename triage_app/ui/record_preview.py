"""In-app preview of a sealed referral record, with Print and Save as.

QtPdf (the ``pyside6-pdf`` wheel) is imported here only, and this module only when a preview
is opened, so start-up does not pay for it. The PDF shown is the sealed bytes read through
the record (an audited view); printing goes through the :class:`~triage_app.ui.seams.Printer`
seam and is audited once the printer took it; saving writes the sealed bytes (audited).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QPagedPaintDevice, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from triage_app.ui.ports import Refused, SealedRecords
from triage_app.ui.seams import Printer, Prompter
from triage_app.ui.viewmodels import SealedVersion
from triage_app.ui.widgets.referral_panel import save_sealed_copy

PRINT_DPI = 300  # enough for text and body-map drawings; keeps each page image small
ZOOMS = (
    ("Whole page", QPdfView.ZoomMode.FitInView),
    ("Page width", QPdfView.ZoomMode.FitToWidth),
)


def load_pdf(document: QPdfDocument, pdf: bytes) -> QBuffer:
    """Load ``pdf`` into ``document``; return the buffer (keep it alive while it is shown)."""
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


class QtPdfPrinter:
    """A :class:`~triage_app.ui.seams.Printer`: the system print dialog, pages drawn by QtPdf."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

    def print_pdf(self, title: str, pdf: bytes) -> bool | str:
        """Show the print dialog; print the chosen pages.

        Returns:
            True when the pages went to a printer, False when cancelled, or the chosen path
            when the user picked "Print to file": the caller then writes the sealed PDF
            itself there (vector, owner-only, audited) instead of a rasterised copy.
        """
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        document = QPdfDocument()
        load_pdf(document, pdf)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, title)
        printer.setFromTo(1, document.pageCount())
        dialog = QPrintDialog(printer, self._parent)
        dialog.setWindowTitle(f"Print {title}")
        dialog.setMinMax(1, document.pageCount())
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            return printer.outputFileName()
        first = max(printer.fromPage(), 1) - 1
        last = (printer.toPage() or document.pageCount()) - 1
        return print_pages(printer, document, first, last)


def prepare_printer(printer: Any, title: str) -> None:
    """Name the job after the record and, with no printer installed, offer a file that works.

    The record id holds a "/" (``NIM-2026-000004/v1``), which Qt would turn into a folder
    that does not exist: the job name is made safe, and when the only choice is "Print to
    file" its default is ``<Documents>/NIM-2026-000004-v1.pdf``.
    """
    import os

    from PySide6.QtPrintSupport import QPrinterInfo

    from triage_app.ui.seams import default_folder, safe_file_name

    name = safe_file_name(title)
    printer.setDocName(name)
    if not QPrinterInfo.availablePrinterNames():
        printer.setOutputFileName(os.path.join(default_folder(), f"{name}.pdf"))


def print_pages(printer: QPagedPaintDevice, document: QPdfDocument, first: int, last: int) -> bool:
    """Draw pages ``first`` to ``last`` (0-based) of ``document`` on ``printer``, one a sheet.

    Each page is rendered by QtPdf at up to 300 dpi and fitted to the printable area.
    Returns False when the printer could not be started.
    """
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for page in range(first, min(last, document.pageCount() - 1) + 1):
            if page > first:
                printer.newPage()
            points = document.pagePointSize(page)
            dpi = min(printer.logicalDpiX(), PRINT_DPI)
            size = QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72))
            image = document.render(page, size)
            target = painter.viewport()
            target.setSize(size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio))
            painter.drawImage(target, image)
    finally:
        painter.end()
    return True


class RecordPreview(QWidget):
    """One sealed version on screen, with Print, Save as and Back to the case."""

    back_requested = Signal()

    def __init__(
        self,
        records: SealedRecords,
        prompter: Prompter,
        printer: Printer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._records, self._prompter = records, prompter
        self._printer = printer or QtPdfPrinter(self)
        self.case_id = ""
        self.version: SealedVersion | None = None
        self._pdf = b""
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("preview_title_label")
        self.title_label.setWordWrap(True)
        self.title_label.setAccessibleName("Sealed version shown")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.pages_label = QLabel(self)
        self.pages_label.setObjectName("preview_pages_label")
        self.pages_label.setAccessibleName("Pages")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("preview_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setAccessibleName("Sealed referral record")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(ZOOMS[0][1])  # a whole page at a glance, as it will print
        self.zoom_combo = QComboBox(self)
        self.zoom_combo.setObjectName("preview_zoom_combo")
        self.zoom_combo.setAccessibleName("Zoom")
        for text, _mode in ZOOMS:
            self.zoom_combo.addItem(text)
        self.back_button = QPushButton("&Back to the case", self)
        self.back_button.setAccessibleName("Back to the case")
        self.back_button.setObjectName("preview_back_button")
        self.print_button = QPushButton("&Print\u2026", self)
        self.print_button.setAccessibleName("Print this sealed version")
        self.print_button.setObjectName("preview_print_button")
        self.save_button = QPushButton("&Save as\u2026", self)
        self.save_button.setAccessibleName("Save this sealed version as a PDF")
        self.save_button.setObjectName("preview_save_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pages_label)
        buttons.addWidget(self.zoom_combo)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addWidget(self.view, 1)
        self.back_button.clicked.connect(self.back_requested)
        self.print_button.setToolTip("Print through the system print dialog (recorded)")
        self.save_button.setToolTip("Save the sealed PDF where you choose (recorded)")
        self.print_button.clicked.connect(self.print_version)
        self.save_button.clicked.connect(self.save_version)
        self.document.statusChanged.connect(self._on_status)
        order = (self.back_button, self.zoom_combo, self.print_button, self.save_button)
        for before, after in zip(order, (*order[1:], self.view), strict=True):
            QWidget.setTabOrder(before, after)
        self.zoom_combo.currentIndexChanged.connect(lambda i: self.view.setZoomMode(ZOOMS[i][1]))
        self.view.pageNavigator().currentPageChanged.connect(self._on_status)

    def show_version(self, case_id: str, version: SealedVersion) -> bool:
        """Read one sealed version (an audited view) and show it; False when refused."""
        self.case_id, self.version = case_id, version
        self.message_label.setText("")
        self.title_label.setText(
            f"{version.line()}. PDF SHA-256 {version.pdf_sha256[:16]}\u2026 (sealed: this "
            "is exactly what was sealed; it cannot be changed)"
        )
        try:
            self._pdf = self._records.sealed_pdf(case_id, version.version)
        except Refused as exc:
            self._pdf = b""
            self.document.close()
            self.pages_label.setText("")
            self.message_label.setText(f"\u2716 The sealed record cannot be shown: {exc}")
            self._enable(False)
            return False
        self.document.close()
        self._buffer = load_pdf(self.document, self._pdf)
        self._on_status()
        return True

    def page_count(self) -> int:
        """Return the number of pages of the version shown (0 until it has loaded)."""
        return self.document.pageCount()

    def _on_status(self, *_args: object) -> None:
        status = self.document.status()
        if status == QPdfDocument.Status.Ready:
            n = self.document.pageCount()
            page = self.view.pageNavigator().currentPage() + 1
            self.pages_label.setText(f"Page {min(page, n)} of {n}")
            self._enable(True)
        elif status == QPdfDocument.Status.Error:
            self.pages_label.setText("")
            self.message_label.setText("\u2716 The sealed PDF could not be read.")
            self._enable(False)

    def _enable(self, on: bool) -> None:
        self.print_button.setEnabled(on)
        self.save_button.setEnabled(on)

    def print_version(self) -> None:
        """Print through the system dialog; audited once the printer took it."""
        if self.version is None or not self._pdf:
            return
        sent = self._printer.print_pdf(self.version.record_uid, self._pdf)
        if not sent:
            self.message_label.setText("Not printed (cancelled).")
            return
        if isinstance(sent, str):  # "Print to file": the sealed PDF itself (vector, 0600)
            try:
                text = self._records.save_sealed_pdf(self.case_id, self.version.version, sent)
            except Refused as exc:
                self.message_label.setText(f"\u2716 NOT SAVED: {exc}")
                return
            self.message_label.setText(f"\u2714 {text}")
            return
        try:
            self._records.record_printed(self.case_id, self.version.version)
        except Refused as exc:
            self.message_label.setText(f"\u26a0 Printed, but the print was not recorded: {exc}")
            return
        self.message_label.setText(f"\u2714 Sent {self.version.record_uid} to the printer.")

    def save_version(self) -> None:
        """Save the sealed bytes where the user chooses (audited)."""
        if self.version is None:
            return
        text = save_sealed_copy(self._records, self._prompter, self.case_id, self.version)
        if text:
            self.message_label.setText(text)
