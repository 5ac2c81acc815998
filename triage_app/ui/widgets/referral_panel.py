"""The case view's referral record panel: seal, list the sealed versions, preview, save, add.

The panel only lays out and shows; :class:`~triage_app.ui.case_view.CaseView` wires it to the
ports. A sealed version never changes: a correction or a later result is an addendum (a new
version, with its reason), and every version stays listed, viewable and printable.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.ui.ports import Refused, SealedRecords
from triage_app.ui.seams import Prompter
from triage_app.ui.viewmodels import CaseDetail, SealedVersion


def _button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    return button


def save_sealed_copy(
    records: SealedRecords, prompter: Prompter, case_id: str, version: SealedVersion
) -> str | None:
    """Ask where to save one sealed version and write its sealed bytes there (audited).

    Returns:
        What happened, for the message line; ``None`` when the user cancelled.
    """
    from triage_app.ui.seams import safe_file_name

    uid = safe_file_name(version.record_uid)
    path = prompter.ask_save_path(f"Save {version.record_uid} as a PDF", f"{uid}.pdf")
    if not path:
        return None
    try:
        return "\u2714 " + records.save_sealed_pdf(case_id, version.version, path)
    except Refused as exc:
        return f"\u2716 NOT SAVED: {exc}"


class ReferralPanel(QGroupBox):
    """Seal the record; list its sealed versions; preview, save or add an addendum."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Referral record", parent)
        self.versions: list[SealedVersion] = []
        self.versions_label = QLabel(self)
        self.versions_label.setWordWrap(True)
        self.versions_label.setAccessibleName("Sealed versions of the referral record")
        self.versions_list = QListWidget(self)
        self.versions_list.setObjectName("sealed_versions_list")
        self.versions_list.setAccessibleName("Sealed versions: choose one to preview or save")
        self.versions_list.setWordWrap(True)
        self.seal_button = _button(self, "Seal the re&ferral record", "Seal the referral record")
        self.preview_button = _button(self, "&Preview\u2026", "Preview the chosen sealed version")
        self.export_button = _button(
            self, "E&xport (save as)\u2026", "Save the chosen sealed version as a PDF"
        )
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("addendum_reason_edit")
        self.reason_edit.setAccessibleName("Reason for the addendum")
        self.reason_edit.setPlaceholderText("What is corrected or added, and why")
        self.addendum_button = _button(self, "Add addendu&m", "Add an addendum")
        row = QHBoxLayout()
        row.addWidget(self.seal_button)
        row.addWidget(self.preview_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        addendum = QHBoxLayout()
        addendum.addWidget(self.reason_edit, 1)
        addendum.addWidget(self.addendum_button)
        form = QFormLayout()
        self.reason_label = QLabel("Reason for the addendum", self)  # Alt+M asks for it
        self.reason_label.setBuddy(self.reason_edit)
        form.addRow(self.reason_label, addendum)
        layout = QVBoxLayout(self)
        layout.addWidget(self.versions_label)
        layout.addWidget(self.versions_list)
        layout.addLayout(row)
        layout.addLayout(form)
        # Sealing, saving and addenda answer here, beside their buttons (not at the top).
        self.message_label = QLabel(self)
        self.message_label.setObjectName("referral_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Referral record message")
        layout.addWidget(self.message_label)
        self.versions_list.itemActivated.connect(lambda _item: self.preview_button.click())

    def show_case(self, case: CaseDetail, versions: list[SealedVersion] | None = None) -> None:
        """Show the case's sealed versions (``versions`` when the record lists them)."""
        self.versions = list(versions or [])
        self.versions_list.clear()
        for v in self.versions:
            item = QListWidgetItem(f"\u2611 {v.line()}")
            item.setToolTip(v.line())
            item.setData(Qt.ItemDataRole.UserRole, v.version)
            self.versions_list.addItem(item)
        if self.versions:
            self.versions_list.setCurrentRow(len(self.versions) - 1)  # the latest
            rows = min(len(self.versions), 4)  # tall enough for the versions, no more
            frame = 2 * self.versions_list.frameWidth() + 4
            # Two lines a version (a laptop wraps it): the height is set before the width is.
            line = self.versions_list.fontMetrics().lineSpacing()
            self.versions_list.setFixedHeight((2 * line + 4) * rows + frame)
        sealed = bool(case.referral_versions or self.versions)
        if not sealed:
            self.versions_label.setText(
                "Not sealed yet. Seal it when the actions so far are recorded: the PDF is the "
                "written referral to send to children's social care."
            )
        elif self.versions:
            n = len(self.versions)
            count = "1 sealed version" if n == 1 else f"{n} sealed versions (newest last)"
            self.versions_label.setText(
                f"{count}. A sealed version never changes: later results or corrections go "
                "in an addendum. Choose a version to preview, print or save it."
            )
        else:
            self.versions_label.setText("\n".join(f"\u2611 {v}" for v in case.referral_versions))
        self.versions_list.setVisible(bool(self.versions))
        self.seal_button.setEnabled(not sealed)
        self.export_button.setEnabled(sealed)
        self.preview_button.setEnabled(bool(self.versions))
        # An addendum adds to a sealed version: offered only once there is one.
        for w in (self.reason_label, self.reason_edit, self.addendum_button):
            w.setVisible(bool(self.versions))
        self.addendum_button.setEnabled(bool(self.versions))

    def chosen(self) -> SealedVersion | None:
        """Return the version chosen in the list (the latest by default), or ``None``."""
        row = self.versions_list.currentRow()
        if 0 <= row < len(self.versions):
            return self.versions[row]
        return self.versions[-1] if self.versions else None
