"""Steps 6 and 7: the decision's actions (recorded as they are done) and review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from triage_app.domain.display import nhs_datetime
from triage_app.domain.model import Decision
from triage_app.domain.wizard_actions import WIZARD_DONE, wizard_done, wizard_note
from triage_app.ui.labels import ACTION, CP_IS, URGENCY
from triage_app.ui.viewmodels import ActionRecord, RequiredAction
from triage_app.ui.widgets.actions_checklist import ActionsChecklist, with_call_countdown
from triage_app.ui.widgets.case_panels import REFUSED_STYLE
from triage_app.ui.widgets.findings_step import describe
from triage_app.ui.widgets.step import AssessmentStep


def record_to_json(record: ActionRecord) -> dict[str, Any]:
    """Return an action record as draft JSON."""
    return {
        "done_at": record.done_at.strftime("%Y-%m-%dT%H:%M"),
        "by": record.by,
        "details": dict(record.details),
    }


def record_from_json(action_id: str, raw: dict[str, Any]) -> ActionRecord:
    """Read an action record from draft JSON."""
    return ActionRecord(
        action_id, datetime.fromisoformat(raw["done_at"]), raw.get("by", ""), raw.get("details", {})
    )


def case_actions(decision: Decision, records: dict[str, Any]) -> list[RequiredAction]:
    """Combine the decision's actions with what was recorded in this assessment."""
    return [
        RequiredAction(
            a.id,
            a.text,
            a.due,
            a.rule,
            a.due_at,
            record_from_json(a.id, records[a.id]) if a.id in records else None,
        )
        for a in decision.actions
    ]


class ActionsStep(AssessmentStep):
    """Step 6: what the protocol requires now; record each action as it is done."""

    title = "Decision and actions"

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.user = ""
        self.records: dict[str, Any] = {}  # recorded by hand, and by the wizard's own steps
        self.decision: Decision | None = None
        self._data: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        intro = QLabel(
            "Record each action as you do it. The call to children's social care needs the "
            "time, the call handler, the reference and the advice given.",
            self,
        )
        intro.setWordWrap(True)
        self.checklist = ActionsChecklist(self)
        self.checklist.undo_allowed = True  # nothing is stored until the assessment is final
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.checklist, 1)
        self.checklist.recorded.connect(self._on_checklist_recorded)
        self.checklist.undone.connect(self._on_checklist_undone)

    def _on_checklist_recorded(self, record: ActionRecord) -> None:
        self.records[record.action_id] = record_to_json(record)
        self._refresh()
        self.changed.emit()

    def _on_checklist_undone(self, action_id: str) -> None:
        self.records.pop(action_id, None)
        self._refresh()
        self.changed.emit()

    def _auto_records(self) -> None:
        """Mark the actions the wizard's own steps did as done (and undo that if undone)."""
        required = {a.id for a in self.decision.actions} if self.decision else set()
        done = wizard_done(self._data) & required
        for action_id in WIZARD_DONE:
            auto = self.records.get(action_id, {}).get("details", {}).get("source") == "wizard"
            if action_id in done and action_id not in self.records:
                self.records[action_id] = {
                    "done_at": self._now().strftime("%Y-%m-%dT%H:%M"),
                    "by": self.user,
                    "details": {"source": "wizard", "note": wizard_note(action_id)},
                }
            elif auto and action_id not in done:
                del self.records[action_id]
        self._extra["actions"] = dict(self.records)

    def _refresh(self) -> None:
        if self.decision is None:
            self.checklist.set_actions([], self._now(), self.user)
            return
        self._auto_records()
        # In the wizard the deadlines come straight from the decision: restart the
        # written-referral countdown from the recorded call here.
        actions = with_call_countdown(case_actions(self.decision, self.records))
        self.checklist.set_actions(actions, self._now(), self.user)

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Show the recorded actions (the wizard's own steps count as done)."""
        self._data, self._extra = data, extra
        self.records = dict(extra.get("actions", {}))
        self._refresh()

    def store(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Write the recorded actions."""
        extra["actions"] = dict(self.records)

    def show_decision(self, decision: Decision | None) -> None:
        """List the decision's actions."""
        self.decision = decision
        self._refresh()


def handover_summary(extra: dict[str, Any]) -> list[str]:
    """The referrer, where the child is now and the family, as the review shows them."""
    from triage_app.domain.handover import PLACES, professional_role_label

    rows = []
    r = extra.get("referrer") or {}
    if any(r.values()):
        parts = [r.get("name"), professional_role_label(r.get("role")), r.get("organisation")]
        who = ", ".join(escape(p) for p in parts if p)
        phone = f" (call back on {escape(r['phone'])})" if r.get("phone") else ""
        rows.append(f"<p><b>Referring clinician</b> {who}{phone}</p>")
    loc = extra.get("location") or {}
    if loc.get("place"):
        with_whom = f", with {escape(loc['with_whom'])}" if loc.get("with_whom") else ""
        rows.append(
            f"<p><b>Where the child is now</b> {escape(PLACES.get(loc['place'], loc['place']))}: "
            f"{escape(loc.get('detail', ''))}{with_whom}</p>"
        )
    else:
        rows.append("<p><b>Where the child is now</b> not given yet (required)</p>")
    adults = (extra.get("family") or {}).get("adults", [])
    if adults:
        rows.append("<p><b>Parents and carers</b></p><ul>")
        for a in adults:
            relationship = escape(a.get("relationship") or "relationship not given")
            contact = escape(a.get("contact") or "no contact given")
            rows.append(f"<li>{escape(a.get('name', ''))} ({relationship}), {contact}</li>")
        rows.append("</ul>")
    return rows


class ReviewStep(AssessmentStep):
    """Step 7: everything on one page, then finalise."""

    title = "Review and finalise"
    finalise_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QTextBrowser(self)
        self.summary.setObjectName("review_summary")
        self.summary.setAccessibleName("Summary of the assessment")
        self.finalise_button = QPushButton("&Finalise and open the case", self)
        self.finalise_button.setObjectName("finalise_button")
        self.finalise_button.setAccessibleName("Finalise")
        # What "Finalise" answers (a refusal) is shown here, beside it, not in a dialog.
        self.message_label = QLabel(self)
        self.message_label.setObjectName("finalise_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Finalise message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.finalise_button)
        layout.addWidget(self.message_label)
        self.finalise_button.clicked.connect(self.finalise_requested)
        self._data: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._decision: Decision | None = None

    def load(self, data: dict[str, Any], extra: dict[str, Any]) -> None:
        """Keep the latest inputs for the summary (an older refusal no longer applies)."""
        self._data, self._extra = data, extra
        self.say("")
        self._render()

    def say(self, text: str, refused: bool = False) -> None:
        """Show what finalising answered beside the button (a refusal in dark red, bold)."""
        self.message_label.setStyleSheet(REFUSED_STYLE if refused else "")
        self.message_label.setText(text)

    def show_decision(self, decision: Decision | None) -> None:
        """Summarise with the latest decision; finalising needs one."""
        self._decision = decision
        self.finalise_button.setEnabled(decision is not None)
        self._render()

    def _render(self) -> None:
        d, x, dec = self._data, self._extra, self._decision
        rows = [f"<h3>{escape(URGENCY[dec.urgency]) if dec else 'No decision yet'}</h3>"]
        if x.get("concern"):
            rows.append(f"<p><b>How the concern arose</b><br>{escape(x['concern'])}</p>")
        findings = d.get("findings", [])
        rows.append("<p><b>Findings</b></p><ul>")
        rows += [f"<li>{escape(describe(i + 1, f))}</li>" for i, f in enumerate(findings)]
        rows.append("</ul>" if findings else "<li>None recorded</li></ul>")
        e = d.get("explanation", {})
        who = escape(e.get("given_by", "not recorded"))
        # No quotation marks of ours: the text is verbatim, often with the carer's own quotes.
        rows.append(
            f"<p><b>Explanation (verbatim, given by {who})</b></p>"
            f"<blockquote>{escape(e.get('text', 'Not recorded'))}</blockquote>"
        )
        rows += handover_summary(x)
        cp_is = d.get("history", {}).get("cp_is", "not_checked")
        rows.append(f"<p><b>CP-IS</b> {escape(CP_IS.get(cp_is, cp_is))}</p>")
        if dec is not None:
            done = x.get("actions", {})
            rows.append("<p><b>Actions</b></p><ul>")
            for a in dec.actions:
                state = (
                    f"done {nhs_datetime(datetime.fromisoformat(done[a.id]['done_at']))}"
                    if a.id in done
                    else f"outstanding (due {escape(a.due)})"
                )
                rows.append(f"<li>{escape(ACTION.get(a.id, a.id))}: {state}</li>")
            rows.append("</ul>")
        self.summary.setHtml("".join(rows))

    def summary_text(self) -> str:
        """Return the summary as plain text."""
        return self.summary.toPlainText()
