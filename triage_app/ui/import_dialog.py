"""Import presentations from another system's extract: choose, preview, then import.

Opened from Record > Import presentations... The preview runs the whole import and rolls it
back (counts and the first rows of what would be imported, mapped, flagged and rejected); the
import runs with a progress bar, and Cancel stops it with nothing stored (the import is one
transaction). The dialog talks to a :class:`~triage_app.ui.ports.PresentationImporter`
(``service_import.StoreImporter`` over the services); it never reaches the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.ui.seams import Executor, TaskControl

if TYPE_CHECKING:
    from triage_app.ui.ports import ImportOutcome, PresentationImporter

OTHER = "Another mapping file\u2026"


class ImportDialog(QDialog):
    """Choose an extract and its mapping; preview; import with progress and cancel."""

    def __init__(
        self, importer: PresentationImporter, executor: Executor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.importer, self.executor = importer, executor
        self.setWindowTitle("Import presentations")
        self.setAccessibleName("Import presentations")
        self._task: TaskControl | None = None
        self._running = False
        self._cancel_asked = False
        self._previewed: tuple[str, str] | None = None
        self.result_summary: ImportOutcome | None = None

        self.file_edit = QLineEdit(self)
        self.file_edit.setAccessibleName("Extract file")
        self.file_edit.setPlaceholderText("the CSV extract")
        self.browse_button = QPushButton("&Choose file\u2026", self)
        self.browse_button.setAccessibleName("Choose the extract file")
        self.mapping_combo = QComboBox(self)
        self.mapping_combo.setAccessibleName("Mapping")
        for title, key in importer.mappings():
            self.mapping_combo.addItem(title, key)
        self.mapping_combo.addItem(OTHER, "")
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.setAccessibleName("Preview: nothing is stored")
        self.import_button = QPushButton("&Import", self)
        self.import_button.setAccessibleName("Import the previewed file")
        self.import_button.setEnabled(False)  # only after a preview of this file and mapping
        self.cancel_button = QPushButton("Ca&ncel import", self)
        self.cancel_button.setAccessibleName("Cancel: nothing is stored")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Choose the extract and its mapping, then Preview.", self)
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setAccessibleName("Preview and result")
        self.report.setReadOnly(True)

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Extract:", self))
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("Mapping:", self))
        row.addWidget(self.mapping_combo, 1)
        layout.addLayout(row)
        row = QHBoxLayout()
        for button in (self.preview_button, self.import_button, self.cancel_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        self.resize(760, 520)

        self.browse_button.clicked.connect(self._choose_file)
        self.mapping_combo.activated.connect(self._mapping_chosen)
        self.file_edit.textChanged.connect(self._choice_changed)
        self.mapping_combo.currentIndexChanged.connect(self._choice_changed)
        self.preview_button.clicked.connect(self.start_preview)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

    # choices -------------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Extract to import", "", "CSV (*.csv)")
        if path:
            self.file_edit.setText(path)

    def _mapping_chosen(self, index: int) -> None:
        if self.mapping_combo.itemData(index) != "":
            return
        path, _ = QFileDialog.getOpenFileName(self, "Mapping file", "", "Mapping (*.toml)")
        if path:
            self.set_mapping_file(path)

    def set_mapping_file(self, path: str) -> None:
        """Add a mapping file (not a shipped one) and select it."""
        self.mapping_combo.insertItem(self.mapping_combo.count() - 1, path, path)
        self.mapping_combo.setCurrentIndex(self.mapping_combo.count() - 2)

    def select_mapping(self, key: str) -> None:
        """Select a shipped mapping by its file name (``ecds-ed.toml``)."""
        self.mapping_combo.setCurrentIndex(self.mapping_combo.findData(key))

    def _choice(self) -> tuple[str, str]:
        return self.file_edit.text().strip(), str(self.mapping_combo.currentData() or "")

    def _choice_changed(self, *_: object) -> None:
        if not self._running:
            self.import_button.setEnabled(self._previewed == self._choice())

    # work ----------------------------------------------------------------------------------
    def start_preview(self) -> None:
        """Run the import and roll it back; show what it would do."""
        self._start(preview=True)

    def start_import(self) -> None:
        """Import the previewed file through the previewed mapping."""
        self._start(preview=False)

    def _start(self, preview: bool) -> None:
        path, mapping = self._choice()
        if not path or not mapping:
            self.status.setText("\u26a0 Choose the extract file and a mapping first.")
            return
        self._busy(True)
        self._cancel_asked = False
        self.progress.setRange(0, 0)  # busy until the first report
        self.status.setText("Previewing\u2026 nothing is stored." if preview else "Importing\u2026")
        importer = self.importer

        def work(control: TaskControl) -> ImportOutcome | None:
            def cancelled() -> bool:
                return self._cancel_asked or control.cancelled()

            call = importer.preview if preview else importer.run
            return call(path, mapping, control.progress, cancelled)

        self._running = True
        task = self.executor.submit(
            work,
            lambda summary: self._done(summary, preview, (path, mapping)),
            self._failed,
            self._progressed,
        )
        if self._running:  # a synchronous executor has already finished it
            self._task = task

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def cancel(self) -> None:
        """Stop the running preview or import at its next batch; nothing is stored."""
        self._cancel_asked = True
        if self._task is not None:
            self._task.cancel()
        self.status.setText("Cancelling\u2026")

    def _done(self, summary: ImportOutcome | None, preview: bool, choice: tuple[str, str]) -> None:
        self._task, self._running = None, False
        self._busy(False)
        if summary is None:
            self.progress.setValue(0)
            self.status.setText("Cancelled: nothing was stored.")
            self._previewed = None
            self.import_button.setEnabled(False)
            return
        self.result_summary = summary
        self.progress.setRange(0, max(summary.read, 1))
        self.progress.setValue(max(summary.read, 1))
        self.report.setPlainText("\n".join(summary.lines()))
        if preview:
            self._previewed = choice
            self.status.setText("Preview ready: nothing was stored. Import when it looks right.")
        else:
            self._previewed = None
            word = "with rejected rows" if summary.rejected else "done"
            self.status.setText(f"Import {word}: {summary.imported} presentations stored.")
        self.import_button.setEnabled(self._previewed == self._choice())

    def _failed(self, exc: BaseException) -> None:
        self._task, self._running = None, False
        self._busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._previewed = None
        self.import_button.setEnabled(False)
        from triage_app.ui.ports import Refused

        text = str(exc) if isinstance(exc, Refused) else "the import failed; nothing was stored"
        self.status.setText(f"\u26a0 {text.splitlines()[0]}")
        self.report.setPlainText(text)

    def _busy(self, busy: bool) -> None:
        for w in (self.preview_button, self.import_button, self.browse_button, self.mapping_combo,
                  self.file_edit, self.close_button):  # fmt: skip
            w.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.cancel_button.setFocus()


def open_import_dialog(window: Any) -> ImportDialog | None:
    """Open the import dialog over the window (Record > Import presentations...)."""
    services = getattr(window, "services", None)
    importer = getattr(services, "importer", None) if services is not None else None
    if importer is None:
        window.prompter.info("Import presentations", "Open the record first.")
        return None
    dialog = ImportDialog(importer, window.executor, window)
    window.import_dialog = dialog
    dialog.show()
    return dialog
