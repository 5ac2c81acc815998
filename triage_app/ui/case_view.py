"""The case view: what is due, actions, investigations, strategy meetings, supervision, closure.

Every rule is the services' (case rules C1 to C8); a refusal is shown in words next to the
control that was used (and only there), naming the rule; the tables show what the record
holds and the refused typing stays in its form to correct. "Record as done" can be undone for
a few seconds: the undoing is a new audited event (C6), never a delete.
Opening another case clears every form first: no case ever shows another case's typing.
Closing a case and sealing its record ask for confirmation; a closed case is shown read only
and can be reopened with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import nhs_datetime
from triage_app.ui.labels import ACTION, URGENCY
from triage_app.ui.ports import CaseTracker, Refused, SealedRecords
from triage_app.ui.seams import Executor, ImmediateExecutor, Prompter
from triage_app.ui.viewmodels import ActionRecord, CaseDetail, SealedVersion
from triage_app.ui.widgets.actions_checklist import ActionsChecklist
from triage_app.ui.widgets.case_panels import (
    CLOSE_OUTCOMES,
    DuePanel,
    InvestigationsPanel,
    MeetingPanel,
    SupervisionPanel,
    message_label,
    say,
)
from triage_app.ui.widgets.location_panel import LocationPanel, supports_location
from triage_app.ui.widgets.referral_panel import ReferralPanel, save_sealed_copy

UNDO_SECONDS = 10  # how long "Undo" is offered after "Record as done"
UNDO_OFFER = " Recorded in error? Undo it now."
WIDE_EMS = 240  # from this width (in average characters) the case is shown in three columns


class CaseView(QWidget):
    """One case in full; every change goes through the case tracker port."""

    closed_case = Signal(str)
    back_requested = Signal()
    preview_requested = Signal(str, object)  # case id, SealedVersion

    def __init__(
        self,
        cases: CaseTracker | None,
        clock: Any,
        parent: QWidget | None = None,
        *,
        executor: Executor | None = None,
        prompter: Prompter | None = None,
        records: SealedRecords | None = None,
    ) -> None:
        super().__init__(parent)
        self._cases, self._clock = cases, clock
        self._records = records
        self._executor = executor or ImmediateExecutor()
        self._prompter = prompter
        self.user = ""
        self.case: CaseDetail | None = None
        self.header_label = QLabel(self)
        self.header_label.setObjectName("case_header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setAccessibleName("Case status")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("case_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.checklist = ActionsChecklist(self, field_letters=False)  # the letters are scarce
        actions_box = QGroupBox("Actions", self)
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.addWidget(self.checklist)
        self.actions_message = message_label(self, "Actions message")
        # "Record as done" can be taken back for a few seconds: a new audited event (C6).
        self.undo_button = QPushButton("&Undo", self)
        self.undo_button.setAccessibleName("Undo the action just recorded")
        self.undo_button.setToolTip(
            "Take back the action just recorded (kept in the case's history as undone)"
        )
        self.undo_button.hide()
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_SECONDS * 1000)
        self.undo_timer.timeout.connect(self._end_undo)
        self._undo_action: str | None = None
        answer = QHBoxLayout()
        answer.addWidget(self.actions_message, 1)
        answer.addWidget(self.undo_button)
        actions_layout.addLayout(answer)
        self.due = DuePanel(self)
        self.investigations = InvestigationsPanel(self)
        self.meeting = MeetingPanel(self)
        self.supervision = SupervisionPanel(self)
        self.referral = ReferralPanel(self)
        self.reopen_reason_edit = QLineEdit(self)
        self.reopen_reason_edit.setAccessibleName("Reason for reopening")
        self.reopen_reason_edit.setPlaceholderText("Reason for reopening the case")
        self.reopen_button = QPushButton("Re&open the case", self)
        self.reopen_button.setAccessibleName("Reopen the case")
        self.location = LocationPanel(self)
        self.location.setVisible(False)

        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setAccessibleName("Closure outcome")
        for code, text in CLOSE_OUTCOMES.items():
            self.outcome_combo.addItem(text, code)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName("Reason for closing")
        self.reason_edit.setPlaceholderText("Reason for closing")
        self.close_button = QPushButton("Close the cas&e", self)
        self.close_button.setAccessibleName("Close the case")
        self.back_button = QPushButton("Back to &cases", self)
        self.back_button.setAccessibleName("Back to cases")
        self.closure_label = QLabel(self)
        self.closure_label.setObjectName("closure_label")
        self.closure_label.setWordWrap(True)
        self.closure_label.setAccessibleName("Closure")

        # Two columns on a laptop (the view scrolls there); three on a wide screen, where the
        # strategy meeting and the supervision move to their own column so that a typical
        # case fits without scrolling (see _arrange).
        self._right = QVBoxLayout()
        self._right.addWidget(self.investigations, 1)
        self._right.addWidget(self.meeting, 0)
        self._right.addWidget(self.supervision, 0)
        self._third = QVBoxLayout()
        self._left = left = QVBoxLayout()
        left.addWidget(self.due, 0)  # case rule C7: the same list as the dashboard
        left.addWidget(self.referral, 0)
        left.addWidget(self.location, 0)
        left.addWidget(actions_box, 1)
        self._columns = columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(self._right, 1)
        columns.addLayout(self._third, 0)
        self.wide = False  # three columns
        closing = QHBoxLayout()
        closing.addWidget(self.back_button)
        closing.addStretch(1)
        closing.addWidget(self.outcome_combo)
        closing.addWidget(self.reason_edit, 1)
        closing.addWidget(self.close_button)
        reopening = QHBoxLayout()
        reopening.addStretch(1)
        reopening.addWidget(self.reopen_reason_edit, 1)
        reopening.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.message_label)
        layout.addLayout(columns, 1)
        layout.addLayout(closing)
        layout.addLayout(reopening)
        layout.addWidget(self.closure_label)

        i, m = self.investigations, self.meeting
        self.checklist.recorded.connect(self._on_checklist_recorded)
        i.request_button.clicked.connect(self._on_request_clicked)
        i.add_result_button.clicked.connect(self._on_add_result_clicked)
        i.not_required_button.clicked.connect(self._on_not_required_clicked)
        m.meeting_button.clicked.connect(self._on_meeting_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.referral.seal_button.clicked.connect(self._on_seal_clicked)
        self.referral.export_button.clicked.connect(self._on_export_clicked)
        self.referral.preview_button.clicked.connect(self._on_preview_clicked)
        self.referral.addendum_button.clicked.connect(self._on_addendum_clicked)
        self.referral.reason_edit.returnPressed.connect(self._on_addendum_clicked)
        self.back_button.clicked.connect(self.back_requested)
        self.location.record_button.clicked.connect(self._on_location_clicked)
        self.undo_button.clicked.connect(self._on_undo_clicked)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Three columns when the space shown is wide enough for them, two otherwise."""
        super().resizeEvent(event)
        parent = self.parentWidget()  # the scroll area's viewport: the width on screen
        self._arrange(parent.width() if parent is not None else event.size().width())

    def _arrange(self, width: int) -> None:
        """Lay the panels out in three columns on a wide view, two on a narrow one.

        Wide: what is due, the referral record and the actions; the investigations and where
        the child is; the strategy meetings and the supervision in force. Narrow: the
        location goes back under the referral record and the meetings and supervision under
        the investigations. The switch has some slack (a scroll bar coming or going must not
        flip it back).
        """
        em = self.fontMetrics().averageCharWidth()
        limit = WIDE_EMS * em - (40 if self.wide else 0)
        wide = width >= limit
        if wide == self.wide:
            return
        self.wide = wide
        for panel in (self.location, self.meeting, self.supervision):
            for column in (self._left, self._right, self._third):
                column.removeWidget(panel)
        if wide:
            self._right.addWidget(self.location, 0)
            self._third.addWidget(self.meeting, 0)
            self._third.addWidget(self.supervision, 1)
        else:
            self._left.insertWidget(2, self.location, 0)
            self._right.addWidget(self.meeting, 0)
            self._right.addWidget(self.supervision, 0)
        self._columns.setStretch(2, 1 if wide else 0)

    def set_cases_port(self, cases: CaseTracker, records: SealedRecords | None = None) -> None:
        """Attach the case tracker (and the sealed records, when the record has them)."""
        self._cases = cases
        self._records = records

    def show_case(self, case_id: str) -> None:
        """Load and show one case; another case's typing is cleared first (never carried over)."""
        assert self._cases is not None
        if self.case is None or self.case.case_id != case_id:
            self.clear_forms()
        self.closure_label.setText("")
        self.message_label.setText("")
        self._show(self._cases.case_detail(case_id))

    def clear_forms(self) -> None:
        """Empty every case-scoped field and message (before showing a different case)."""
        now = self._clock.now()
        self._end_undo()
        self.investigations.clear_form(now.date())
        self.meeting.clear_form(now)
        for edit in (self.reason_edit, self.reopen_reason_edit, self.referral.reason_edit):
            edit.clear()
        self.outcome_combo.setCurrentIndex(0)
        for label in self._message_labels():
            say(label, "")

    def _message_labels(self) -> tuple[QLabel, ...]:
        """Every message line of the view (each beside the controls it answers)."""
        return (
            self.message_label,
            self.actions_message,
            self.investigations.message_label,
            self.meeting.message_label,
            self.referral.message_label,
            self.location.message_label,
            self.closure_label,
        )

    def _say_only(self, label: QLabel, text: str, refused: bool = False) -> None:
        """Show one message beside its control; every older one elsewhere goes.

        The offer to undo the last record goes too: something else was done since.
        """
        self._end_undo()
        for other in self._message_labels():
            if other is not label:
                say(other, "")
        say(label, text, refused)

    def _reload_keeping_typing(self) -> None:
        """Show the case as stored now (after a refusal), with what was typed still there.

        The tables and lists show only what the record holds; the forms keep the refused
        typing beside the refusal, to correct (never shown as stored).
        """
        assert self._cases is not None and self.case is not None
        checklist, location = self.checklist.typed(), self.location.typed()
        self._show(self._cases.case_detail(self.case.case_id))
        self.checklist.restore(checklist)
        self.location.restore(location)

    def _show(self, case: CaseDetail) -> None:
        self.case = case
        now = self._clock.now()
        flags = "".join(f"\n\u2691 {f}" for f in case.flags)
        if case.is_open:
            status = f"Case OPEN ({(case.case_status or 'open').replace('_', ' ')})"
        else:
            outcome = CLOSE_OUTCOMES.get(case.close_outcome or "", case.close_outcome or "")
            when = nhs_datetime(case.closed_at) if case.closed_at else "date not recorded"
            status = (
                f"Case CLOSED {when} (read only): {outcome}. Reason: {case.close_reason}. "
                "Reopen it below with a reason to record anything more"
            )
        self.header_label.setText(
            f"{status}, opened {nhs_datetime(case.opened_at)}. "
            f"{URGENCY.get(case.urgency, 'Urgency not recorded')}.{flags}"
        )
        self.checklist.read_only = not case.is_open
        self.checklist.set_actions(list(case.actions), now, self.user)
        self.due.show_case(case, now)
        self.investigations.show_case(case, now.date())
        self.meeting.show_case(case)
        self.supervision.show_case(case)
        self.referral.show_case(case, self._sealed_versions(case))
        self.close_button.setEnabled(case.is_open)
        self.outcome_combo.setEnabled(case.is_open)
        self.reason_edit.setEnabled(case.is_open)
        self.reopen_button.setVisible(not case.is_open)
        self.reopen_reason_edit.setVisible(not case.is_open)
        self._show_location(case)

    def _show_location(self, case: CaseDetail) -> None:
        shown = supports_location(self._cases)
        self.location.setVisible(shown)
        if shown:
            line, when = self._cases.current_location(case.case_id)  # type: ignore[union-attr]
            self.location.show_location(line, when)

    def _on_location_clicked(self) -> None:
        place, detail, with_whom = self.location.chosen()
        self._run(
            lambda cases, cid: cases.record_location(cid, place, detail, with_whom),  # type: ignore[attr-defined]
            "Where the child is now: recorded.",
            self.location.message_label,
        )

    def _sealed_versions(self, case: CaseDetail) -> list[SealedVersion] | None:
        """The sealed versions (an audited listing), read only once the case has one."""
        if self._records is None or not case.referral_versions:
            return None
        try:
            return self._records.sealed_versions(case.case_id)
        except Refused as exc:
            say(
                self.referral.message_label,
                f"\u2716 The sealed versions cannot be listed: {exc}",
                refused=True,
            )
            return None

    def _run(
        self,
        change: Callable[[CaseTracker, str], None],
        done: str,
        where: QLabel | None = None,
    ) -> bool:
        """Make one change through the port, then reload and say what happened.

        A refusal (naming the rule) is shown next to the control used, and only there (an
        older message elsewhere goes); what was typed stays to correct, and everything the
        record holds is read again, so the view never shows a refused change as stored.
        """
        assert self._cases is not None and self.case is not None
        label = where or self.message_label
        self._end_undo()
        try:
            change(self._cases, self.case.case_id)
        except Refused as exc:
            self._reload_keeping_typing()
            self._say_only(label, f"\u2716 NOT SAVED: {exc}", refused=True)
            return False
        self._show(self._cases.case_detail(self.case.case_id))
        self._say_only(label, f"\u2714 {done}")
        return True

    def _on_checklist_recorded(self, record: ActionRecord) -> None:
        name = ACTION.get(record.action_id, record.action_id)
        if self._run(
            lambda c, cid: c.record_action(cid, record),
            f"{name}: recorded as done.{UNDO_OFFER}",
            self.actions_message,
        ) and hasattr(self._cases, "undo_action"):
            self._undo_action = record.action_id
            self.undo_button.show()
            self.undo_timer.start()

    def _end_undo(self) -> None:
        """The chance to undo the last record has passed (time, another change, another case)."""
        self.undo_timer.stop()
        if self._undo_action is not None and UNDO_OFFER in self.actions_message.text():
            say(self.actions_message, self.actions_message.text().replace(UNDO_OFFER, ""))
        self._undo_action = None
        self.undo_button.hide()

    def _on_undo_clicked(self) -> None:
        """Take back the action just recorded: a new audited event, never a delete (C6)."""
        action_id = self._undo_action
        if action_id is None:
            return
        name = ACTION.get(action_id, action_id)
        self._run(
            lambda c, cid: c.undo_action(cid, action_id),  # type: ignore[attr-defined]
            f"{name}: undone. It is due again; the record and its undoing stay in the "
            "case's history.",
            self.actions_message,
        )
        self.checklist.select(action_id)

    def _on_request_clicked(self) -> None:
        combo = self.investigations.request_combo
        investigation_id, name = combo.currentData(), combo.currentText()
        if investigation_id:
            now = self._clock.now()
            self._run(
                lambda c, cid: c.request_investigation(cid, investigation_id, now),
                f"{name} requested.",
                self.investigations.message_label,
            )

    def _on_add_result_clicked(self) -> None:
        panel = self.investigations
        investigation_id = panel.investigation_combo.currentData()
        result = panel.result_edit.text().strip()
        on = panel.result_date.value()
        if not investigation_id or not result or on is None:
            self._say_only(
                panel.message_label,
                "\u26a0 Choose the investigation, type its result and the date it was performed "
                "(e.g. 05-Sep-2025).",
                refused=True,
            )
            return
        early, by = panel.early_reason_edit.text().strip(), panel.decided_by_edit.text().strip()
        if self._run(
            lambda c, cid: c.add_result(cid, investigation_id, result, on, early, by),
            "Result recorded.",
            panel.message_label,
        ):
            panel.clear_form(self._clock.now().date())
            say(panel.message_label, "\u2714 Result recorded.")

    def _on_not_required_clicked(self) -> None:
        panel = self.investigations
        investigation_id = panel.investigation_combo.currentData()
        if not investigation_id:
            return
        reason = panel.not_required_reason_edit.text().strip()
        by = panel.decided_by_edit.text().strip()
        if self._run(
            lambda c, cid: c.mark_not_required(cid, investigation_id, reason, by),
            "Recorded as not required.",
            panel.message_label,
        ):
            panel.clear_form(self._clock.now().date())
            say(panel.message_label, "\u2714 Recorded as not required.")

    def _on_meeting_clicked(self) -> None:
        m = self.meeting
        form = m.form()
        if form is None:
            self._say_only(m.message_label, "\u26a0 Type when the meeting was held.", refused=True)
            return
        if self._run(
            lambda c, cid: c.record_strategy_meeting(cid, form),
            "Strategy meeting recorded.",
            m.message_label,
        ):
            m.clear_form(self._clock.now())
            say(m.message_label, "\u2714 Strategy meeting recorded.")

    def _on_seal_clicked(self) -> None:
        """Seal in the background (the PDF takes a moment); the window stays responsive."""
        assert self._cases is not None and self.case is not None
        cases, case_id = self._cases, self.case.case_id
        if self._prompter is not None and not self._prompter.confirm(
            "Seal the referral record",
            "Seal the referral record now? A sealed version never changes; later changes are "
            "handed over as an addendum.",
        ):
            return
        self.referral.seal_button.setEnabled(False)
        self._end_undo()
        where = self.referral.message_label
        self._say_only(where, "Sealing the referral record\u2026")

        def done(text: Any) -> None:
            self._show(cases.case_detail(case_id))
            self._say_only(where, f"\u2714 {text}")

        def failed(exc: BaseException) -> None:
            why = str(exc) if isinstance(exc, Refused) else "the record could not be sealed"
            self._reload_keeping_typing()
            self._say_only(where, f"\u2716 NOT SEALED: {why}", refused=True)

        self._executor.submit(lambda control: cases.seal_referral(case_id), done, failed)

    def _on_export_clicked(self) -> None:
        """Save the chosen sealed version (its sealed bytes) where the user says (audited)."""
        assert self._cases is not None and self.case is not None
        if self._prompter is None:
            return
        chosen = self.referral.chosen()
        where = self.referral.message_label
        if self._records is not None and chosen is not None:
            text = save_sealed_copy(self._records, self._prompter, self.case.case_id, chosen)
            if text:
                self._say_only(where, text, refused=text.startswith("\u2716"))
            return
        name = f"referral-case-{self.case.case_id}.pdf"
        path = self._prompter.ask_save_path("Export the sealed referral PDF", name)
        if not path:
            return
        try:
            text = self._cases.export_referral(self.case.case_id, path)
        except Refused as exc:
            self._say_only(where, f"\u2716 NOT EXPORTED: {exc}", refused=True)
            return
        self._say_only(where, f"\u2714 {text}")

    def _on_preview_clicked(self) -> None:
        """Ask the window to preview the chosen sealed version."""
        chosen = self.referral.chosen()
        if self.case is not None and chosen is not None:
            self.preview_requested.emit(self.case.case_id, chosen)

    def _on_addendum_clicked(self) -> None:
        """Seal an addendum in the background; a reason is required."""
        if self._records is None or self.case is None:
            return
        reason = self.referral.reason_edit.text().strip()
        where = self.referral.message_label
        if not reason:
            self._say_only(
                where,
                "\u26a0 Type the reason for the addendum: what is corrected or added, and why.",
                refused=True,
            )
            self.referral.reason_edit.setFocus()
            return
        records, case_id = self._records, self.case.case_id
        self.referral.addendum_button.setEnabled(False)
        self._end_undo()
        self._say_only(where, "Sealing the addendum\u2026")

        def done(text: Any) -> None:
            self.referral.reason_edit.clear()
            self._show(self._cases.case_detail(case_id))
            self._say_only(where, f"\u2714 {text}")

        def failed(exc: BaseException) -> None:
            why = str(exc) if isinstance(exc, Refused) else "the addendum could not be sealed"
            self._reload_keeping_typing()
            self._say_only(where, f"\u2716 NOT SEALED: {why}", refused=True)

        self._executor.submit(lambda control: records.add_addendum(case_id, reason), done, failed)

    def _on_close_clicked(self) -> None:
        if self.case is None or self._cases is None:
            return
        outcome = self.outcome_combo.currentData()
        if self._prompter is not None and not self._prompter.confirm(
            "Close the case",
            f"Close this case as \u201c{self.outcome_combo.currentText()}\u201d? A closed case "
            "leaves the open-case list (it stays in the closed cases and can be reopened).",
        ):
            return
        self._end_undo()
        refusal = self._cases.close_case(self.case.case_id, outcome, self.reason_edit.text())
        self._reload_keeping_typing()
        if refusal:
            self._say_only(self.closure_label, f"\u2716 CLOSURE REFUSED: {refusal}", refused=True)
            return
        self._say_only(self.closure_label, "\u2611 Case closed.")
        self.closed_case.emit(self.case.case_id)

    def _on_reopen_clicked(self) -> None:
        if self.case is None:
            return
        reason = self.reopen_reason_edit.text().strip()
        if self._run(
            lambda c, cid: c.reopen_case(cid, reason), "Case reopened.", self.closure_label
        ):
            self.reopen_reason_edit.clear()
            self.reason_edit.clear()
