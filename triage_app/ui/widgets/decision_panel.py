"""The live decision panel: urgency banner (colour plus words), actions, flags.

Shown beside every assessment step and refreshed whenever an input changes. The words always
carry the meaning; colour and the symbol only repeat it.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from triage_app.domain.display import nhs_datetime
from triage_app.domain.errors import Problem
from triage_app.domain.model import Decision
from triage_app.domain.vocab import Urgency, urgency_rank
from triage_app.ui.labels import ACTION, NIM_BASIS, URGENCY, URGENCY_COLOURS, notice_words

_SYMBOL = {5: "\u26a0", 4: "\u26a0", 3: "\u25b2", 2: "\u25cf", 1: "\u25cb", 0: "\u2714"}


class DecisionPanel(QWidget):
    """What the protocol requires for the inputs so far."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decision_panel")
        self.banner = QLabel(self)
        self.banner.setObjectName("urgency_banner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Urgency")
        self.banner.setMargin(8)
        self.details = QTextBrowser(self)
        self.details.setObjectName("decision_details")
        self.details.setAccessibleName("What the protocol requires")
        self.details.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Decision (updates as you type)", self)
        heading.setAccessibleName("Decision heading")
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.details, 1)
        self.decision: Decision | None = None
        self.show_problems([Problem("", "Enter the child's details to see the decision.")])

    def show_decision(
        self, decision: Decision, findings: int | None = None, done: Collection[str] = ()
    ) -> None:
        """Show a decision: banner, NIM status, actions with due times and rules, flags.

        Args:
            decision: the engine's decision.
            findings: how many findings are recorded; with none yet and nothing required,
                the banner says so in neutral colours instead of a green "no action".
            done: the actions already recorded as done (shown done, never "due now").
        """
        self.decision = decision
        urgency = decision.urgency
        symbol = _SYMBOL[urgency_rank(urgency)]
        if findings == 0 and urgency == Urgency.NONE:
            self.banner.setText(
                "\u25cb NO FINDINGS RECORDED YET: the decision appears as findings are added"
            )
            self.banner.setStyleSheet(
                "background: #e8edee; color: #212b32; font-weight: bold; "
                "border: 2px dashed #4c6272;"
            )
        else:
            self._banner(f"{symbol} {URGENCY[urgency]}", urgency)
        parts = [_nim_html(decision), _findings_html(decision)]
        if decision.actions:
            parts.append("<h3>Actions</h3><ol>")
            for a in decision.actions:
                due = f"due {escape(a.due)}"
                if a.due_at is not None:
                    due += f" ({nhs_datetime(a.due_at)})"
                if a.id in done:
                    due = "\u2611 DONE"
                name = escape(ACTION.get(a.id, a.id))
                parts.append(
                    f"<li><b>{name}</b>: {due}. <i>Rule {escape(a.rule)}</i><br>"
                    f"{escape(a.text)}</li>"
                )
            parts.append("</ol>")
        if decision.flags:
            parts.append("<h3>Flags (information, never a score)</h3><ul>")
            parts.extend(f"<li>\u2691 {escape(f.text)}</li>" for f in decision.flags)
            parts.append("</ul>")
        if decision.notices:
            parts.append("<h3>Why</h3><ul>")
            parts.extend(f"<li>{escape(notice_words(n))}</li>" for n in decision.notices)
            parts.append("</ul>")
        if decision.profile_status != "approved":
            parts.append(
                f"<p><i>Protocol profile {escape(decision.profile_id)} "
                f"{escape(decision.profile_version)}: awaiting sign-off by the designated "
                "professional.</i></p>"
            )
        # Typing re-runs the decision: keep the reader's place instead of jumping to the top.
        bar = self.details.verticalScrollBar()
        place = bar.value()
        self.details.setHtml("".join(parts))
        bar.setValue(min(place, bar.maximum()))

    def show_problems(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        """Show why no decision can be made yet (missing or impossible inputs)."""
        self.decision = None
        self.banner.setText("\u270e Decision not yet available: inputs need attention")
        self.banner.setStyleSheet(
            "background: #ffffff; color: #212b32; border: 2px dashed #4c6272;"
        )
        items = "".join(f"<li>{escape(problem_words(p))}</li>" for p in problems)
        self.details.setHtml(f"<ul>{items}</ul>")

    def urgency_text(self) -> str:
        """Return the banner's words."""
        return self.banner.text()

    def _banner(self, text: str, urgency: Urgency) -> None:
        background, colour = URGENCY_COLOURS[urgency]
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"background: {background}; color: {colour}; font-weight: bold; "
            f"border: 2px solid #212b32;"
        )


_FIELD_WORDS = {
    "assessed_at": "Assessed at",
    "child": "Child",
    "date_of_birth": "date of birth",
    "explanation": "Explanation",
    "given_at": "given at",
    "findings": "Finding",
    "exception": "exception",
    "documented_on": "documented on",
    "household_children": "Household child",
    "history": "",
    "size_mm": "size",
}


def problem_words(problem: Problem) -> str:
    """Say where a problem is in words, for clinicians rather than JSON paths.

    ``history.household_children[0].date_of_birth`` becomes
    ``Household child 1, date of birth``.
    """
    parts = []
    for segment in problem.path.split("."):
        name, _, index = segment.partition("[")
        words = _FIELD_WORDS.get(name, name.replace("_", " "))
        if index:
            words = f"{words} {int(index.rstrip(']')) + 1}"
        if words:
            parts.append(words)
    where = ", ".join(parts)
    return f"{where}: {problem.reason}" if where else problem.reason


def _findings_html(decision: Decision) -> str:
    if not decision.findings:
        return ""
    rows = []
    for f in decision.findings:
        if f.exception == "accepted":
            state = "documented exception accepted: not counted"
        elif f.triggers_protocol:
            state = "counts for the protocol"
        elif f.qualifying:
            state = "qualifying finding"
        else:
            state = "does not qualify"
        if f.exception == "not_accepted":
            state += "; exception claimed but NOT accepted"
        ten4 = f", TEN-4-FACESp {f.ten4facesp}" if f.ten4facesp else ""
        why = f" ({escape('; '.join(f.reasons))})" if f.reasons else ""
        rows.append(f"<li>Finding {f.index + 1}: {escape(state)}{ten4}{why}</li>")
    return "<h3>Findings</h3><ul>" + "".join(rows) + "</ul>"


def _nim_html(decision: Decision) -> str:
    reasons = "; ".join(NIM_BASIS.get(b, b) for b in decision.nim.basis)
    status = "Not independently mobile" if decision.nim.status else "Independently mobile"
    return f"<p><b>{status}</b> (age {escape(decision.age_display)}): {escape(reasons)}.</p>"
