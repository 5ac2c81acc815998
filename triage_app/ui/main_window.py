"""The main window: patient banner on top, then one screen at a time; the screen lock.

The window is shown before the record is opened (``attach`` comes a moment later), so the
first paint does not wait for the database or the protocol engine. Once someone is signed in,
the window locks after a spell without input, or at once on "Hide screen" (Ctrl+Shift+L):
the lock screen replaces the banner and every page until the user's password is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from triage_app.domain.display import display_name, nhs_datetime
from triage_app.ui.dashboard import Dashboard
from triage_app.ui.forms.ui_main_window import Ui_MainWindow
from triage_app.ui.import_dialog import open_import_dialog
from triage_app.ui.seams import Clock, ElapsedClock, Executor, Printer, Prompter, QtPrompter
from triage_app.ui.widgets.patient_banner import PatientBanner

# Only for type checking: the window is shown before the domain model and ports are loaded.
if TYPE_CHECKING:
    from triage_app.domain.model import Assessment, Decision
    from triage_app.ui.lock_screen import IdleWatch, LockScreen, LockSettings
    from triage_app.ui.ports import RecordOpener, UiServices
    from triage_app.ui.viewmodels import ChildView

    Decide = Callable[[Assessment], Decision]
else:
    Decide = Callable


TITLE = "triage-app: injuries in babies who are not independently mobile"
GEOMETRY_SETTING = "window/geometry"

# A focus ring that is easy to see on every field, text area, list and drop-down: NHS blue,
# 2 px (contrast 5.5:1 on white; WCAG 2.2 focus appearance). Buttons keep the style's own.
FOCUS_RING = """
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus,
QAbstractSpinBox:focus, QListView:focus, QTableView:focus, QTreeView:focus {
    border: 2px solid #005eb8;
}
"""

# Keys of the assessment wizard (bound there), listed in the menu and the shortcuts sheet.
SHORTCUTS_IN_WIZARD = (
    ("Next step", "Ctrl+PgDown"),
    ("Previous step", "Ctrl+PgUp"),
    ("Go to the body map", "Ctrl+M"),
)
# The body map's own keys (when it has the focus).
SHORTCUTS_ON_BODY_MAP = (
    ("Move between regions", "Arrow keys"),
    ("Add a finding at the region", "Enter or Space"),
    ("Front, back, face view", "Tab to the view buttons"),
)


def load_engine() -> Decide:
    """Load the protocol engine (profiles and guidance) and return its ``decide``."""
    from triage_app.domain.engine import Engine

    return Engine.load().decide


class MainWindow(QMainWindow):
    """Dashboard home, find a child, the assessment wizard, the case view, first start."""

    def __init__(
        self,
        clock: Clock,
        executor: Executor,
        prompter: Prompter | None = None,
        engine_loader: Callable[[], Decide] = load_engine,
        parent: QWidget | None = None,
        *,
        lock_settings: LockSettings | None = None,
        idle_clock: Clock | None = None,
        printer: Printer | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle(TITLE)
        self.setStyleSheet(FOCUS_RING)
        # The content (banner and pages) and, when locked, the lock screen in its place.
        self.root_stack = QStackedWidget(self)
        self.root_stack.setAccessibleName("Window")
        self.root_stack.addWidget(self.takeCentralWidget())
        self.setCentralWidget(self.root_stack)
        self.lock_screen: LockScreen | None = None
        self._focus_before_lock: QWidget | None = None
        self._opener: Any = None
        self.printer = printer
        self.preview: Any = None
        # The idle lock starts once someone is signed in (nothing to hide before that).
        self.lock_settings = lock_settings
        self._idle_clock = idle_clock
        self.idle: IdleWatch | None = None
        self.clock, self.executor = clock, executor
        self.prompter = prompter or QtPrompter(self)
        self._engine_loader = engine_loader
        self._decide: Decide | None = None
        self.services: UiServices | None = None
        self.user = ""
        self.banner = PatientBanner(self.ui.banner_host)
        host = QVBoxLayout(self.ui.banner_host)
        host.setContentsMargins(0, 0, 0, 0)
        host.addWidget(self.banner)
        self.dashboard = Dashboard(None, clock, self)
        self.ui.pages_stack.addWidget(self.dashboard)
        self.find_child: Any = None
        self.assessment: Any = None
        self.case_view: Any = None
        self.first_run: Any = None
        self.sign_in: Any = None
        self.dashboard.new_assessment_requested.connect(self.new_assessment)
        self.dashboard.case_opened.connect(self.open_case)
        self.dashboard.draft_resume_requested.connect(self.resume_draft)
        self.dashboard.draft_discard_requested.connect(self.discard_draft)
        self._menus()
        self.dashboard.refresh()

    # Size and place ----------------------------------------------------------------------
    def restore_size(self) -> None:
        """Open at the size last used, or at a size that fits the screen (at most 1440x900).

        The stored geometry is used only when it still fits the screen now (a laptop that
        was on a large monitor yesterday).
        """
        from PySide6.QtCore import QSettings

        screen = self.screen().availableGeometry()
        stored = QSettings().value(GEOMETRY_SETTING)
        if stored is not None and self.restoreGeometry(stored):
            frame = self.frameGeometry()
            if screen.contains(frame.topLeft()) and frame.width() <= screen.width():
                return
        width = min(1440, max(self.minimumWidth(), int(screen.width() * 0.9)))
        height = min(900, max(self.minimumHeight(), int(screen.height() * 0.9)))
        self.resize(min(width, screen.width()), min(height, screen.height()))
        self.move(
            screen.x() + (screen.width() - self.width()) // 2,
            screen.y() + (screen.height() - self.height()) // 2,
        )

    def remember_size(self) -> None:
        """Keep the window's size and place for next time (QSettings)."""
        from PySide6.QtCore import QSettings

        QSettings().setValue(GEOMETRY_SETTING, self.saveGeometry())

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts: every key of the window, the wizard and the body map."""
        rows = [(a.text().replace("&", ""), a.shortcut().toString()) for a in self._all_keys()]
        rows += list(SHORTCUTS_IN_WIZARD) + list(SHORTCUTS_ON_BODY_MAP)
        rows.append(("Any button or field with an underlined letter", "Alt + that letter"))
        text = "\n".join(f"{keys}:  {what}" for what, keys in rows)
        self.prompter.info("Keyboard shortcuts", text)

    def _open_menu_bar(self) -> None:
        first = self.menuBar().actions()[0]
        self.menuBar().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.menuBar().setActiveAction(first)

    def _all_keys(self) -> list[QAction]:
        return [a for a in self.actions() if not a.shortcut().isEmpty()]

    def _menus(self) -> None:
        menu = self.menuBar().addMenu("Record")  # no Alt letter: the screens own them (F10)
        self.record_actions: list[QAction] = []  # off while the screen is locked
        for text, keys, slot in (
            ("&New assessment", "Ctrl+N", self.new_assessment),
            ("Open &cases", "Ctrl+1", self.leave_to_dashboard),
            ("&Import presentations\u2026", "Ctrl+Shift+I", lambda: open_import_dialog(self)),
            ("Other &records of this child", "Ctrl+Shift+R", self.show_record_links),
            ("&Hide screen (lock)", "Ctrl+Shift+L", self.lock),
            ("&Quit", "Ctrl+Q", self.close),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.addAction(action)
            if slot not in (self.close, self.lock):
                self.record_actions.append(action)
            if slot == self.lock:
                self.hide_action = action
                action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
                action.setIconText("Hide screen (Ctrl+Shift+L)")
                action.setToolTip("Hide the screen now; your password unlocks it (Ctrl+Shift+L)")
        # The wizard's own keys, listed where people look for them (they act in the wizard).
        steps = self.menuBar().addMenu("Assessment")
        for text, keys in SHORTCUTS_IN_WIZARD:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # listed, not bound
            action.setEnabled(False)
            steps.addAction(action)
        help_menu = self.menuBar().addMenu("Help")
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.addAction(self.shortcuts_action)
        # The menu titles carry no Alt letter (each screen's controls own them): F10 opens
        # the menu bar, as in most desktops.
        self.menu_action = QAction("Open the menu bar", self)
        self.menu_action.setShortcut(QKeySequence("F10"))
        self.menu_action.triggered.connect(self._open_menu_bar)
        self.addAction(self.menu_action)
        self.toolbar = QToolBar("Screen", self)
        self.toolbar.setObjectName("screen_toolbar")
        self.toolbar.setAccessibleName("Screen")
        self.toolbar.setMovable(False)
        self.toolbar.addAction(self.hide_action)
        self.hide_action.setEnabled(False)  # nothing to hide until someone is signed in
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    # Opening the record -------------------------------------------------------------------
    def open_with(self, opener: RecordOpener) -> None:
        """First start (create the first account), sign in, or open the record as it is."""
        self._opener = opener
        state = opener.state()
        early = self.sign_in is not None and not self.sign_in.ready
        if early and state == "sign_in":
            self.sign_in.set_ready()  # shown before the store loaded: what was typed stays
            return
        if early:  # the files' guess was wrong (e.g. a folder changed meanwhile)
            self.ui.pages_stack.removeWidget(self.sign_in)
            self.sign_in.deleteLater()
            self.sign_in = None
        if state == "fresh":
            from triage_app.ui.first_run import FirstRun

            self.first_run = FirstRun(opener.create_first_user, self.executor, self)
            self.first_run.finished.connect(lambda _n: self.attach(self.first_run.services))
            self._show_page(self.first_run)
            self.first_run.ui.user_name_edit.setFocus()
        elif state == "sign_in":
            from triage_app.ui.sign_in import SignIn

            self.sign_in = SignIn(opener, self.executor, self)
            self.sign_in.signed_in.connect(self.attach)
            self._show_page(self.sign_in)
            self.sign_in.ui.user_edit.setFocus()
        else:
            self.attach(opener.open())

    def show_sign_in_early(self, opener: RecordOpener) -> None:
        """Show the sign-in screen while the record's store loads (Sign in waits for it).

        :meth:`open_with` is called once the store has loaded; it enables Sign in, or shows
        the screen the store's state needs instead.
        """
        from triage_app.ui.sign_in import SignIn

        self._opener = opener
        self.sign_in = SignIn(opener, self.executor, self, ready=False)
        self.sign_in.signed_in.connect(self.attach)
        self._show_page(self.sign_in)
        self.sign_in.ui.user_edit.setFocus()

    def _show_page(self, page: QWidget) -> None:
        self.banner.clear()
        self.ui.pages_stack.addWidget(page)
        self.ui.pages_stack.setCurrentWidget(page)

    def attach(self, services: UiServices) -> None:
        """The record is open: show the dashboard and offer to resume a draft."""
        if services.records is None or services.session is None:
            from triage_app.ui.service_records import complete  # a real record: SQL is loaded

            services = complete(services, self._opener)
        self.services = services
        users = services.users.users()
        self.user = users[0].username if users else ""
        role = f" ({users[0].role.replace('_', ' ')})" if users and users[0].role else ""
        self.statusBar().showMessage(f"Signed in as {self.user}{role}")
        self.show_dashboard()
        from triage_app.ui.audit_view import install_audit  # safeguarding leads only

        install_audit(self, services)
        self.hide_action.setEnabled(True)  # the screen can be hidden while the offer is up
        self._watch_idle()
        self.offer_resume()

    def _drafts(self) -> list[Any]:
        assert self.services is not None
        return [d for d in self.services.drafts.drafts() if "child" in d.data]

    def offer_resume(self) -> bool:
        """After a crash or a restart, offer the newest unfinished assessment.

        Nothing is deleted here: "No" leaves every draft listed on the dashboard, where each
        is resumed or discarded on purpose. Returns True when one was resumed.
        """
        drafts = self._drafts()
        if not drafts:
            return False
        newest = drafts[0]
        child = newest.data["child"]
        name = display_name(child.get("family_name"), child.get("given_name"))
        others = len(drafts) - 1
        more = (
            f" {others} more {'is' if others == 1 else 'are'} listed on the dashboard."
            if others
            else ""
        )
        if self.prompter.confirm(
            "Resume the unfinished assessment",
            f"An unfinished assessment for {name} was saved at "
            f"{nhs_datetime(newest.saved_at)}. Resume it now?{more}",
        ):
            self._resume(newest)
            return True
        return False

    def resume_draft(self, key: str) -> None:
        """Resume one unfinished assessment (from the dashboard's list)."""
        assert self.services is not None
        draft = self.services.drafts.load(key)
        if draft is not None and "child" in draft.data:
            self._resume(draft)

    def discard_draft(self, key: str) -> None:
        """Discard one unfinished assessment, on purpose (asks first; it cannot be recovered)."""
        assert self.services is not None
        draft = self.services.drafts.load(key)
        if draft is None:
            return
        child = draft.data.get("child", {})
        name = display_name(child.get("family_name"), child.get("given_name"))
        if self.prompter.confirm(
            "Discard the unfinished assessment",
            f"Discard the unfinished assessment for {name} (saved "
            f"{nhs_datetime(draft.saved_at)})? It was never finalised and cannot be recovered.",
        ):
            self.services.drafts.discard(key)
            if self.assessment is not None and self.assessment.draft_key == key:
                self.assessment.child = None
        self.dashboard.set_drafts(self._drafts())

    def _resume(self, draft: Any) -> None:
        self._ensure_assessment()
        if self.assessment.child is not None:
            self.assessment.save_draft()  # the one on screen stays in its own slot
        from triage_app.ui.assessment_view import child_from_json

        record = child_from_json(draft.data["child"])
        history = self._history(record)
        self.assessment.resume(dict(draft.data), history)
        self.banner.show_child(record, self.clock.now().date())
        self.ui.pages_stack.setCurrentWidget(self.assessment)
        self.assessment.focus_step()

    def _assessment_on_screen(self) -> bool:
        return (
            self.assessment is not None
            and self.assessment.child is not None
            and self.ui.pages_stack.currentWidget() is self.assessment
        )

    def may_leave_assessment(self, doing: str) -> bool:
        """Ask before leaving an assessment that is not finalised; save its draft either way.

        Args:
            doing: what the user asked for, in words ("open the cases", "quit").
        """
        if not self._assessment_on_screen():
            return True
        self.assessment.save_draft()
        name = display_name(self.assessment.child.family_name, self.assessment.child.given_name)
        return self.prompter.confirm(
            "The assessment is not finalised",
            f"The assessment for {name} is not finalised, so it is not in the record yet. "
            f"It is kept as an unfinished assessment on the dashboard. {doing.capitalize()} "
            "anyway?",
        )

    def leave_to_dashboard(self) -> None:
        """Ctrl+1: the dashboard, after asking when an assessment is not finalised."""
        if self.may_leave_assessment("open the cases"):
            self.show_dashboard()

    # Screens ----------------------------------------------------------------------------
    def show_dashboard(self) -> None:
        """Home: the case dashboard (a multi-patient screen, so no banner)."""
        if self.services is None and (self.sign_in or self.first_run):
            return  # not signed in yet: stay on the sign-in or first-start screen
        self.banner.clear()
        if self.services is not None:
            self.dashboard.set_cases_port(self.services.cases)
            self.dashboard.set_drafts(self._drafts())
        self.ui.pages_stack.setCurrentWidget(self.dashboard)
        self.dashboard.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def new_assessment(self) -> None:
        """Start with finding the child (after asking when an assessment is not finalised)."""
        if self.services is None or not self.may_leave_assessment("start another assessment"):
            return
        if self.find_child is None:
            from triage_app.ui.find_child import FindChild

            self.find_child = FindChild(
                self.services.children, self, today=lambda: self.clock.now().date()
            )
            self.find_child.child_chosen.connect(self.start_assessment)
            self.find_child.cancelled.connect(self.show_dashboard)
            self.ui.pages_stack.addWidget(self.find_child)
        self.banner.clear()
        self.find_child.reset()
        self.ui.pages_stack.setCurrentWidget(self.find_child)
        self.find_child.ui.nhs_number_edit.setFocus()

    def _ensure_assessment(self) -> None:
        if self.assessment is not None:
            return
        from triage_app.ui.assessment_view import AssessmentView

        assert self.services is not None
        if self._decide is None:
            self._decide = self._engine_loader()
        self.assessment = AssessmentView(
            self._decide, self.services.recorder, self.services.drafts, self.clock, self.prompter
        )
        self.assessment.finalised.connect(self.open_case)
        self.assessment.closed.connect(self.show_dashboard)
        self.ui.pages_stack.addWidget(self.assessment)

    def start_assessment(self, child: ChildView) -> None:
        """Open the banner and the wizard for a child, with their history beside it.

        A child with an unfinished assessment gets it back, or it is discarded on purpose:
        one draft per child, never silently overwritten.
        """
        assert self.services is not None
        self._ensure_assessment()
        from triage_app.ui.assessment_view import child_to_json
        from triage_app.ui.drafts import draft_key

        key = draft_key(child_to_json(child))
        existing = self.services.drafts.load(key)
        if existing is not None and "child" in existing.data:
            name = display_name(child.family_name, child.given_name)
            if self.prompter.confirm(
                "Unfinished assessment for this child",
                f"{name} has an unfinished assessment saved at "
                f"{nhs_datetime(existing.saved_at)}. Resume it?",
            ):
                self._resume(existing)
                return
            if not self.prompter.confirm(
                "Discard the unfinished assessment",
                f"Discard the unfinished assessment for {name} and start a new one? The "
                "unfinished one cannot be recovered.",
            ):
                return  # stay on Find a child: nothing changed
            self.services.drafts.discard(key)
        if self.assessment.child is not None:
            self.assessment.save_draft()  # another child's stays in its own slot
        now = self.clock.now()
        self.banner.show_child(child, now.date())
        self.current_child = child
        history = self._history(child)
        self.assessment.start(child, history, self.user)
        self.ui.pages_stack.setCurrentWidget(self.assessment)
        self.assessment.focus_step()
        self._offer_possible_records(child)

    def _offer_possible_records(self, child: ChildView) -> None:
        """Opening a stored child offers any records that may be theirs (unconfirmed)."""
        from triage_app.ui.ports import Refused
        from triage_app.ui.viewmodels import NEW_CHILD_ID

        links = self.services.links if self.services is not None else None
        if links is None or child.id == NEW_CHILD_ID:
            return
        try:
            possible = links.possible_records(child.id)
        except Refused:
            return
        if possible:
            self.show_record_links()
        elif not child.nhs_number:
            self.statusBar().showMessage(
                "This record has no NHS number: add it in Record > Other records of this "
                "child (Ctrl+Shift+R)."
            )

    def show_record_links(self) -> None:
        """Records that may be the open child's: link or reject them (issue 18)."""
        from triage_app.ui.viewmodels import NEW_CHILD_ID
        from triage_app.ui.widgets.record_links import RecordLinksDialog

        child = getattr(self, "current_child", None)
        links = self.services.links if self.services is not None else None
        if child is None or child.id == NEW_CHILD_ID or links is None:
            self.prompter.info("Other records", "Open a stored child first.")
            return
        self.record_links_dialog = RecordLinksDialog(links, child, self)
        self.record_links_dialog.panel.number_added.connect(self._number_added)
        self.record_links_dialog.show()
        if not child.nhs_number:
            self.record_links_dialog.panel.number_edit.setFocus()

    def _number_added(self, child: ChildView) -> None:
        """The open record gained its NHS number: the banner shows it at once."""
        current = getattr(self, "current_child", None)
        if current is not None and current.id == child.id:
            self.current_child = child
            self.banner.show_child(child, self.clock.now().date())

    def _history(self, child: ChildView) -> Any:
        """The child's earlier presentations (none for a child not stored yet)."""
        from triage_app.ui.viewmodels import NEW_CHILD_ID, PriorHistory

        assert self.services is not None
        if child.id == NEW_CHILD_ID:
            return PriorHistory()
        return self.services.history.history(child.id, self.clock.now())

    def open_case(self, case_id: str) -> None:
        """Show one case with its child's banner (an empty id: no case was opened)."""
        assert self.services is not None
        if not case_id:
            self.show_dashboard()
            self.statusBar().showMessage(
                "Assessment recorded. The protocol required no case for it, so none was opened."
            )
            return
        if self.case_view is None:
            from triage_app.ui.case_view import CaseView

            self.case_view = CaseView(
                self.services.cases,
                self.clock,
                executor=self.executor,
                prompter=self.prompter,
                records=self.services.records,
            )
            self.case_view.back_requested.connect(self.show_dashboard)
            self.case_view.preview_requested.connect(self.open_preview)
            # A small screen scrolls the case rather than squashing its tables.
            self.case_scroll = QScrollArea(self)
            self.case_scroll.setWidgetResizable(True)
            self.case_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.case_scroll.setWidget(self.case_view)
            self.ui.pages_stack.addWidget(self.case_scroll)
        self.case_view.user = self.user
        self.case_view.show_case(case_id)
        self.banner.show_child(self.case_view.case.child, self.clock.now().date())
        self.ui.pages_stack.setCurrentWidget(self.case_scroll)
        # The required actions first: the focus fell to "Reason for closing" after finalising
        # (found under Xvfb), where a stray key types a closing reason.
        self.case_view.checklist.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_preview(self, case_id: str, version: Any) -> None:
        """Show one sealed version of the case's record (QtPdf loads now, not at start-up)."""
        assert self.services is not None and self.services.records is not None
        if self.preview is None:
            from triage_app.ui.record_preview import RecordPreview

            self.preview = RecordPreview(self.services.records, self.prompter, self.printer, self)
            self.preview.back_requested.connect(self._back_to_case)
            self.ui.pages_stack.addWidget(self.preview)
        self.ui.pages_stack.setCurrentWidget(self.preview)  # the child's banner stays on top
        self.preview.show_version(case_id, version)
        self.preview.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _back_to_case(self) -> None:
        if self.case_view is not None and self.case_view.case is not None:
            self.open_case(self.case_view.case.case_id)

    # The screen lock ---------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        """True while the lock screen covers the window."""
        return self.lock_screen is not None and self.root_stack.currentWidget() is self.lock_screen

    def _watch_idle(self) -> None:
        """Start (or restart) the idle lock's count from now."""
        if self.idle is None:
            from triage_app.ui.lock_screen import IdleWatch, LockSettings

            settings = self.lock_settings or LockSettings()
            self.idle = IdleWatch(self._idle_clock or ElapsedClock(), settings, self)
            self.idle.idle.connect(self.lock)
        self.idle.arm()

    def lock(self) -> None:
        """Hide everything behind the lock screen (only once someone is signed in)."""
        if self.services is None or self.locked:
            return
        if self.idle is not None:
            self.idle.disarm()
        if self.assessment is not None and self.assessment.child is not None:
            self.assessment.save_draft()  # kept as it is, and saved in case the laptop dies
        if self.services.session is not None:
            self.services.session.release()  # no database connection kept while locked
        focus = QApplication.focusWidget()
        self._focus_before_lock = focus if focus and self.isAncestorOf(focus) else None
        if self.lock_screen is None:
            from triage_app.ui.lock_screen import LockScreen

            self.lock_screen = LockScreen(self.user, self)
            self.lock_screen.unlock_requested.connect(self.unlock_with)
            self.root_stack.addWidget(self.lock_screen)
        self.lock_screen.set_user(self.user)
        self.root_stack.setCurrentWidget(self.lock_screen)
        from triage_app.ui.lock_screen import DialogVeil

        self._veil = DialogVeil()
        self._veil.cover(self)
        for action in self.record_actions:
            action.setEnabled(False)
        self.hide_action.setEnabled(False)
        self.setWindowTitle("triage-app: screen locked")
        self.lock_screen.reset()

    def unlock_with(self, password: str) -> None:
        """Check the password through the record; unlock on success, say why otherwise."""
        assert self.services is not None and self.lock_screen is not None
        session, user, screen = self.services.session, self.user, self.lock_screen
        screen.busy(True)

        def check(control: Any) -> None:
            from triage_app.ui.ports import Refused

            if session is None or not user:  # fail closed: nothing to check means no unlock
                raise Refused(
                    "This record cannot check passwords here. Quit (your draft is saved) "
                    "and sign in again."
                )
            session.unlock(user, password)

        def failed(exc: BaseException) -> None:
            from triage_app.ui.ports import Refused

            screen.refused(str(exc) if isinstance(exc, Refused) else "the password was not checked")

        self.executor.submit(check, lambda _r: self._unlocked(), failed)

    def _unlocked(self) -> None:
        """Bring back exactly what was on screen, with the cursor where it was."""
        assert self.lock_screen is not None
        self.lock_screen.reset()
        veil = getattr(self, "_veil", None)
        if veil is not None:
            veil.lift()
        self.root_stack.setCurrentIndex(0)
        for action in self.record_actions:
            action.setEnabled(True)
        self.hide_action.setEnabled(True)
        self.setWindowTitle(TITLE)
        if self._focus_before_lock is not None:
            self._focus_before_lock.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_before_lock = None
        self._watch_idle()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the draft of an assessment in progress and ask before quitting."""
        if not self.locked and not self.may_leave_assessment("quit"):
            event.ignore()
            return
        if self.assessment is not None and self.assessment.child is not None:
            self.assessment.save_draft()
        self.remember_size()
        super().closeEvent(event)
