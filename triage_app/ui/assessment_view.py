"""The new-assessment wizard: seven steps, the live decision panel and the timeline.

The case is kept as ``triage-assess/1`` JSON (the engine's contract) plus ``extra`` for what
the contract does not carry. Every change re-runs the engine (pure and fast) and saves the
draft a moment later, so a crash loses at most the last half-second of typing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.model import Assessment, Child, Decision, History
from triage_app.domain.parse import assessment_to_json, parse_assessment
from triage_app.domain.vocab import Sex
from triage_app.ui.drafts import draft_key
from triage_app.ui.ports import AssessmentRecorder, DraftStore, Refused
from triage_app.ui.seams import Clock, Prompter
from triage_app.ui.viewmodels import ChildView, PriorHistory
from triage_app.ui.widgets.decision_panel import DecisionPanel
from triage_app.ui.widgets.family_step import FamilyStep
from triage_app.ui.widgets.findings_step import FindingsStep
from triage_app.ui.widgets.referrer_step import ReferrerStep, location_problem
from triage_app.ui.widgets.step import AssessmentStep
from triage_app.ui.widgets.steps_outcome import ActionsStep, ReviewStep, record_from_json
from triage_app.ui.widgets.steps_simple import (
    ContextStep,
    ExplanationStep,
    MobilityStep,
    SettingStep,
)
from triage_app.ui.widgets.timeline import HistoryTimeline

DRAFT_DELAY_MS = 400


def child_to_json(child: ChildView) -> dict[str, Any]:
    """Return a child record as draft JSON."""
    return {
        "id": child.id,
        "date_of_birth": child.date_of_birth.isoformat(),
        "nhs_number": child.nhs_number,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "sex": child.sex.value if child.sex else None,
        "postcode": child.postcode,
    }


def child_from_json(raw: dict[str, Any]) -> ChildView:
    """Read a child record from draft JSON."""
    return ChildView(
        raw["id"],
        date.fromisoformat(raw["date_of_birth"]),
        raw.get("nhs_number"),
        raw.get("given_name"),
        raw.get("family_name"),
        Sex(raw["sex"]) if raw.get("sex") else None,
        raw.get("postcode"),
    )


def new_case_json(child: ChildView, history: PriorHistory, clock: Clock) -> dict[str, Any]:
    """Return a fresh case for a child: identity, the time, and what the record knows."""
    seed = Assessment(
        assessed_at=clock.now(),
        child=Child(
            child.date_of_birth, child.nhs_number, child.given_name, child.family_name, child.sex
        ),
        history=History(
            household_children=history.household_children,
            prior_presentations=history.prior_presentations,
            child_cp_plan=history.child_cp_plan,
        ),
    )
    data = assessment_to_json(seed)
    data["mobility"] = {k: None for k in data["mobility"]}  # unknown until asked
    return data


class AssessmentView(QWidget):
    """Step-by-step, keyboard-first assessment with the decision beside every step."""

    finalised = Signal(str)  # case id
    closed = Signal()

    def __init__(
        self,
        decide: Callable[[Assessment], Decision],
        recorder: AssessmentRecorder,
        drafts: DraftStore,
        clock: Clock,
        prompter: Prompter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._decide, self._recorder, self._drafts = decide, recorder, drafts
        self._clock, self._prompter = clock, prompter
        self.child: ChildView | None = None
        self.draft_key = ""  # this assessment's draft slot (one per child)
        self.user = ""
        self.data: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.decision: Decision | None = None
        self._loading = False
        # Optional: ``default_referrer() -> dict`` and ``family(child_id) -> dict`` (the store's
        # adapter has them; the window sets this) to prefill the referrer and family steps.
        self.handover: Any = getattr(recorder, "handover_details", None)
        self.family_step = FamilyStep(self)
        self.referrer_step = ReferrerStep(self)
        self.actions_step = ActionsStep(clock.now, self)
        self.review = ReviewStep(self)
        self.steps: list[AssessmentStep] = [
            SettingStep(self),
            MobilityStep(self),
            FindingsStep(prompter, self),
            ExplanationStep(self),
            ContextStep(self),
            self.family_step,
            self.referrer_step,
            self.actions_step,
            self.review,
        ]
        self._build()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(DRAFT_DELAY_MS)
        self._save_timer.timeout.connect(self.save_draft)

    def _build(self) -> None:
        self.nav = QListWidget(self)
        self.nav.setObjectName("steps_nav")
        self.nav.setAccessibleName("Assessment steps")
        self.stack = QStackedWidget(self)
        for i, step in enumerate(self.steps):
            self.nav.addItem(f"{i + 1}. {step.title}")
            self.stack.addWidget(step)
            step.changed.connect(self._on_step_changed)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 12)
        self.back_button = QPushButton("\u2190 &Back", self)
        self.back_button.setAccessibleName("Previous step")
        self.next_button = QPushButton("&Next \u2192", self)
        self.next_button.setAccessibleName("Next step")
        self.close_button = QPushButton("Save draft and &close", self)
        self.close_button.setAccessibleName("Save draft and close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        centre = QWidget(self)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.stack, 1)
        cl.addLayout(buttons)
        self.panel = DecisionPanel(self)
        self.timeline = HistoryTimeline(self)
        side = QSplitter(self)
        side.setOrientation(side.orientation().Vertical)
        side.addWidget(self.panel)
        side.addWidget(self.timeline)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        split = QSplitter(self)
        split.addWidget(self.nav)
        split.addWidget(centre)
        split.addWidget(side)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setChildrenCollapsible(False)
        em = self.fontMetrics().averageCharWidth()
        # A small laptop (1024 px) keeps a readable decision panel and a usable step.
        side.setMinimumWidth(40 * em)
        centre.setMinimumWidth(70 * em)
        split.setSizes([self.nav.width(), 90 * em, 60 * em])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)
        self.back_button.clicked.connect(lambda: self._step_by(-1))
        self.next_button.clicked.connect(lambda: self._step_by(+1))
        self.close_button.clicked.connect(self._on_close_clicked)
        self.review.finalise_requested.connect(self.finalise)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.next_button.click)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.back_button.click)
        # "Go to the body map" from any step (found under Xvfb: only on the findings step).
        QShortcut(QKeySequence("Ctrl+M"), self, self.go_to_body_map)

    # Starting ---------------------------------------------------------------------------
    def start(self, child: ChildView, history: PriorHistory, user: str) -> None:
        """Begin a new assessment for a child."""
        self._prefill(child)
        self._open(child, new_case_json(child, history, self._clock), {}, 0, user)
        self.timeline.set_items(history.items)
        # What came from the record (not typed): the service adds it again when storing.
        h = self.data["history"]
        self.extra["from_record"] = {
            "household_children": copy.deepcopy(h["household_children"]),
            "prior_presentations": copy.deepcopy(h["prior_presentations"]),
        }
        self.save_draft()

    def _prefill(self, child: ChildView) -> None:
        """The account's referrer profile and the family stored with the child (if any)."""
        self.referrer_step.default, self.family_step.stored = {}, {}
        if self.handover is None:
            return
        try:
            self.referrer_step.default = self.handover.default_referrer()
            self.family_step.stored = self.handover.family(child.id)
        except Exception:  # a prefill that fails leaves the fields to type
            return

    def resume(self, draft: dict[str, Any], history: PriorHistory | None = None) -> None:
        """Carry on with a saved draft."""
        child = child_from_json(draft["child"])
        self._prefill(child)
        self._open(child, draft["assessment"], draft.get("extra", {}), draft.get("step", 0),
                   draft.get("user", ""))  # fmt: skip
        self.timeline.set_items(history.items if history else [])

    def _open(self, child: ChildView, data: dict, extra: dict, step: int, user: str) -> None:
        self.child, self.user = child, user
        self.draft_key = draft_key(child_to_json(child))
        self.data, self.extra = copy.deepcopy(data), copy.deepcopy(extra)
        self.actions_step.user = user
        self._loading = True
        for s in self.steps:
            s.load(self.data, self.extra)
        self._loading = False
        self._recompute()
        self.go_to(step)

    # Navigation -------------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        """Show a step (clamped to the first and last)."""
        index = max(0, min(index, len(self.steps) - 1))
        self.nav.setCurrentRow(index)

    def go_to_body_map(self) -> None:
        """Show the findings step with the cursor on the body map (Ctrl+M)."""
        findings = next(s for s in self.steps if isinstance(s, FindingsStep))
        self.go_to(self.steps.index(findings))
        findings.body_map.setFocus()

    def _step_by(self, delta: int) -> None:
        """Back or Next: change step and put the cursor in its first field."""
        self.go_to(self.stack.currentIndex() + delta)
        self.focus_step()

    def focus_step(self) -> None:
        """Put the cursor in the first field of the step on screen."""
        step = self.steps[self.stack.currentIndex()]
        w = step.nextInFocusChain()
        while w is not step and not (
            step.isAncestorOf(w) and w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            w = w.nextInFocusChain()
        if w is not step:
            w.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_nav_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(self.steps) - 1)
        self.steps[row].show_decision(self.decision)
        self._schedule_save()

    # Changes ----------------------------------------------------------------------------
    def _on_step_changed(self) -> None:
        if self._loading:
            return
        step = self.sender()
        if isinstance(step, AssessmentStep):
            step.store(self.data, self.extra)
        self._recompute()
        self._schedule_save()

    def _recompute(self) -> None:
        try:
            assessment = parse_assessment(self.data)
        except InputError as exc:
            self.decision = None
            self.panel.show_problems(exc.problems)
        else:
            try:
                self.decision = self._decide(assessment)
            except Exception as exc:  # shown, never a crash mid-assessment
                self.decision = None
                self.panel.show_problems([Problem("", f"the engine failed: {exc}")])
        for s in self.steps:
            s.show_decision(self.decision)
        if self.decision is not None:  # after the steps: the actions they did show done
            done = set(self.extra.get("actions", {}))
            self.panel.show_decision(self.decision, len(self.data.get("findings", [])), done)
        self.review.load(self.data, self.extra)

    # Drafts -----------------------------------------------------------------------------
    def _schedule_save(self) -> None:
        if self.child is not None:
            self._save_timer.start()

    def draft_json(self) -> dict[str, Any]:
        """Return what the draft store keeps for this assessment."""
        assert self.child is not None
        return {
            "child": child_to_json(self.child),
            "step": self.stack.currentIndex(),
            "assessment": self.data,
            "extra": self.extra,
            "user": self.user,
        }

    def save_draft(self) -> None:
        """Save the draft now (also called by the timer a moment after each change)."""
        self._save_timer.stop()
        if self.child is not None:
            self._drafts.save(self.draft_json(), self.draft_key)

    def _on_close_clicked(self) -> None:
        self.save_draft()
        self.closed.emit()

    # Finalising -------------------------------------------------------------------------
    def finalise(self) -> str | None:
        """Store the assessment and open its case; return the case id (None if not done)."""
        if self.child is None or self.decision is None:
            return None
        where = location_problem(self.extra)
        if where is not None:  # said beside the location fields, where it is put right
            self.go_to(self.steps.index(self.referrer_step))
            self.referrer_step.problem_label.setText(where)
            self.referrer_step.place_combo.setFocus()
            return None
        if not self._prompter.confirm(
            "Finalise the assessment",
            "Finalise this assessment? It becomes part of the record and cannot be edited; "
            "later information is added to the case.",
        ):
            return None
        assessment = parse_assessment(self.data)
        records = tuple(
            record_from_json(action_id, raw)
            for action_id, raw in self.extra.get("actions", {}).items()
        )
        extra = {k: v for k, v in self.extra.items() if k != "actions"}
        self.save_draft()  # whatever happens next (a refusal, a crash), the draft is kept
        try:
            case_id = self._recorder.finalise(
                self.child.id, assessment, self.decision, records, self.user, extra
            )
        except Refused as exc:
            self.save_draft()  # nothing is lost: the draft stays until it is stored
            self.review.say(
                f"\u2716 NOT STORED: {exc} The assessment is kept as an unfinished one.",
                refused=True,
            )
            return None
        self._drafts.discard(self.draft_key)
        self.child = None
        self.finalised.emit(case_id)
        return case_id
