"""Find a child: by NHS number (formatted 3-3-4 while typing) or by name and date of birth.

Probable matches are listed with the reasons they matched. A child who is not found can be
added (a date of birth is required; the NHS number, when given, must be valid).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidgetItem, QWidget

from triage_app.domain import nhs_number
from triage_app.domain.display import age_display, display_name, display_sex, nhs_date
from triage_app.domain.vocab import Sex
from triage_app.ui.forms.ui_find_child import Ui_FindChild
from triage_app.ui.ports import ChildDirectory, Refused
from triage_app.ui.viewmodels import NEW_CHILD_ID, ChildMatch, ChildView
from triage_app.ui.widgets.date_field import DateField

SEXES = (None, Sex.FEMALE, Sex.MALE, Sex.OTHER)


def format_nhs_typing(text: str, cursor: int) -> tuple[str, int]:
    """Keep only digits (at most 10), group them 3-3-4, and keep the cursor after its digit.

    Other characters (punctuation, dashes, slashes, letters) are discarded silently
    (NHS CUI NUM-0010).
    """
    digits_before = sum(ch.isdigit() for ch in text[:cursor])
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())[:10]
    groups = [digits[:3], digits[3:6], digits[6:]]
    formatted = " ".join(g for g in groups if g)
    position = digits_before + (digits_before > 3) + (digits_before > 6)
    return formatted, min(position, len(formatted))


def match_text(match: ChildMatch, today: date | None = None) -> str:
    """Return one result: name, born (age), sex, postcode, NHS number, and why it matched.

    Age, sex and postcode are there to tell similar children apart (wrong-child risk).
    """
    c = match.child
    nhs = nhs_number.display(c.nhs_number) or "Not Known"
    age = f" ({age_display(c.date_of_birth, today)})" if today else ""
    sex = display_sex(c.sex.value if c.sex else None)
    postcode = c.postcode or "Not Known"
    n = len(match.reasons)
    return (
        f"{display_name(c.family_name, c.given_name)}   Born {nhs_date(c.date_of_birth)}{age}   "
        f"Sex {sex}   Postcode {postcode}   NHS No. {nhs}\n"
        f"    Matched ({n} reason{'s' if n != 1 else ''}): {'; '.join(match.reasons)}"
    )


class FindChild(QWidget):
    """Search the record for a child, or add a new one."""

    child_chosen = Signal(object)  # ChildView
    cancelled = Signal()

    def __init__(
        self,
        children: ChildDirectory | None,
        parent: QWidget | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_FindChild()
        self.ui.setupUi(self)
        self._children = children
        self._today = today or date.today
        self.matches: list[ChildMatch] = []
        self._query_shown: tuple = ()  # the query the listed results answer
        u = self.ui
        # The message answers Search and New child: show it right under those buttons.
        layout = u.find_layout
        layout.removeWidget(u.message_label)
        layout.insertWidget(layout.indexOf(u.search_buttons_layout) + 1, u.message_label)
        u.message_label.setWordWrap(True)
        self.date_of_birth = DateField(u.date_of_birth_edit)
        # Postcode (issue 18): improves the ranking of a name search; added here, not in the
        # .ui form, to keep the generated form untouched.
        self.postcode_edit = QLineEdit(self)
        self.postcode_edit.setObjectName("postcode_edit")
        self.postcode_edit.setAccessibleName("Postcode")
        self.postcode_edit.setMaxLength(10)
        self.postcode_edit.returnPressed.connect(self.search)
        row, _ = u.search_form.getWidgetPosition(u.date_of_birth_edit)
        u.search_form.insertRow(row + 1, "Postcode (optional)", self.postcode_edit)
        QWidget.setTabOrder(u.date_of_birth_edit, self.postcode_edit)
        QWidget.setTabOrder(self.postcode_edit, u.sex_combo)
        # Fields as wide as what goes in them, not as the screen (easier to scan).
        em = self.fontMetrics().averageCharWidth()
        for field in (
            u.nhs_number_edit,
            u.family_name_edit,
            u.given_name_edit,
            u.date_of_birth_edit,
            u.sex_combo,
            self.postcode_edit,
        ):
            field.setMaximumWidth(48 * em)
        u.nhs_number_edit.textEdited.connect(self._on_nhs_number_edited)
        # Enter searches from every field; any change of the query clears the old results.
        for edit in (u.nhs_number_edit, u.family_name_edit, u.given_name_edit):
            edit.returnPressed.connect(self.search)
            edit.textChanged.connect(self._on_query_changed)
        u.date_of_birth_edit.returnPressed.connect(self.search)
        u.date_of_birth_edit.textChanged.connect(self._on_query_changed)
        u.search_button.clicked.connect(self.search)
        u.new_child_button.clicked.connect(self._on_new_child_clicked)
        u.open_button.clicked.connect(self._on_open_clicked)
        u.cancel_button.clicked.connect(self.cancelled)
        u.matches_list.itemActivated.connect(lambda _item: self._on_open_clicked())
        self.reset()

    def set_children_port(self, children: ChildDirectory) -> None:
        """Attach the child directory."""
        self._children = children

    def reset(self) -> None:
        """Clear the form for a new search."""
        u = self.ui
        for edit in (u.nhs_number_edit, u.family_name_edit, u.given_name_edit, self.postcode_edit):
            edit.clear()
        u.date_of_birth_edit.clear()
        u.sex_combo.setCurrentIndex(0)
        self._clear_results()
        u.nhs_number_message_label.setText("Ten digits; spaces are added for you.")
        u.message_label.setText("")
        u.nhs_number_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def query(self) -> tuple:
        """What the search is for, as typed (normalised: the date as a date)."""
        u = self.ui
        return (
            self.nhs_digits(),
            u.family_name_edit.text().strip().lower(),
            u.given_name_edit.text().strip().lower(),
            self.date_of_birth.value() or u.date_of_birth_edit.text().strip(),
        )

    def _clear_results(self) -> None:
        u = self.ui
        u.matches_list.clear()
        u.open_button.setEnabled(False)
        self.matches = []
        self._query_shown = ()

    def _on_query_changed(self, *_args: object) -> None:
        """The results answer another query: clear them (never open a stale match)."""
        if self._query_shown and self.query() != self._query_shown:
            self._clear_results()
            self.ui.message_label.setText("The search details changed: press Enter to search.")

    def _on_nhs_number_edited(self, text: str) -> None:
        edit = self.ui.nhs_number_edit
        formatted, cursor = format_nhs_typing(text, edit.cursorPosition())
        if formatted != text:
            edit.setText(formatted)
            edit.setCursorPosition(cursor)
        digits = formatted.replace(" ", "")
        label = self.ui.nhs_number_message_label
        if len(digits) < 10:
            label.setText(f"{len(digits)} of 10 digits.")
        else:
            problem = nhs_number.problem(digits)
            label.setText(
                f"\u26a0 Not valid: {problem}." if problem else "\u2714 Valid NHS number."
            )

    def nhs_digits(self) -> str:
        """Return the digits typed in the NHS number field."""
        return self.ui.nhs_number_edit.text().replace(" ", "")

    def search(self) -> None:
        """Search by NHS number when one is typed, otherwise by name and date of birth."""
        if self._children is None:
            return
        u = self.ui
        self._clear_results()  # a failed search never leaves an older match selectable
        digits = self.nhs_digits()
        if digits:
            problem = nhs_number.problem(digits)
            if problem:
                u.message_label.setText(f"\u26a0 The NHS number {problem}. Check it and try again.")
                return
            matches = self._lookup(lambda c: c.find_by_nhs_number(digits))
        else:
            family = u.family_name_edit.text().strip()
            given = u.given_name_edit.text().strip()
            dob = self.date_of_birth.value()
            if not family and not given:
                u.message_label.setText("Type an NHS number, or a name and date of birth.")
                return
            postcode = self.postcode_edit.text().strip() or None
            if postcode:
                matches = self._lookup(lambda c: c.find_by_name(family, given, dob, postcode))
            else:
                matches = self._lookup(lambda c: c.find_by_name(family, given, dob))
        if matches is not None:
            self._show_matches(matches)

    def _lookup(
        self, call: Callable[[ChildDirectory], list[ChildMatch]]
    ) -> list[ChildMatch] | None:
        """Run a search; a refusal (e.g. no date of birth) is shown, not raised."""
        assert self._children is not None
        try:
            return call(self._children)
        except Refused as exc:
            self.ui.message_label.setText(f"\u26a0 {exc}")
            return None

    def _show_matches(self, matches: list[ChildMatch]) -> None:
        u = self.ui
        self.matches = list(matches)
        self._query_shown = self.query()
        u.matches_list.clear()
        today = self._today()
        for m in self.matches:
            u.matches_list.addItem(QListWidgetItem(match_text(m, today)))
        if self.matches:
            u.matches_list.setCurrentRow(0)
            n = len(self.matches)
            u.message_label.setText(
                f"{n} probable match{'es' if n != 1 else ''}. Check the age, sex, postcode "
                "and NHS number before opening."
            )
        else:
            u.message_label.setText("No match in the local record. Add the child as new.")
        u.open_button.setEnabled(bool(self.matches))

    def _on_open_clicked(self) -> None:
        row = self.ui.matches_list.currentRow()
        if 0 <= row < len(self.matches):
            self.child_chosen.emit(self.matches[row].child)

    def _on_new_child_clicked(self) -> None:
        if self._children is None:
            return
        u = self.ui
        dob = self.date_of_birth.value()
        digits = self.nhs_digits()
        if dob is None:
            u.message_label.setText("\u26a0 A date of birth is needed to add a child.")
            u.date_of_birth_edit.setFocus()
            return
        if digits:
            problem = nhs_number.problem(digits)
            if problem:
                u.message_label.setText(f"\u26a0 The NHS number {problem}.")
                return
            existing = self._lookup(lambda c: c.find_by_nhs_number(digits))
            if existing is None:
                return
            if existing:
                self._show_matches(existing)
                u.message_label.setText(
                    "A child with this NHS number is already in the record: open them instead."
                )
                return
        # Stored with the assessment when it is finalised (see NEW_CHILD_ID).
        child = ChildView(
            NEW_CHILD_ID,
            dob,
            digits or None,
            u.given_name_edit.text().strip() or None,
            u.family_name_edit.text().strip() or None,
            SEXES[u.sex_combo.currentIndex()] or Sex.NOT_KNOWN,
        )
        self.child_chosen.emit(child)
