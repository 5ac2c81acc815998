from datetime import date

import pytest

from triage_app.ui.find_child import FindChild, format_nhs_typing
from triage_app.ui.viewmodels import NEW_CHILD_ID


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("943", "943"),
        ("9434", "943 4"),
        ("9434765919", "943 476 5919"),
        ("943-476-5919", "943 476 5919"),
        ("943.476/5919x", "943 476 5919"),
        ("94347659190000", "943 476 5919"),
    ],
)
def test_nhs_number_is_grouped_3_3_4_and_other_characters_are_dropped(typed, shown):
    assert format_nhs_typing(typed, len(typed))[0] == shown


def test_cursor_stays_after_the_digit_it_followed():
    assert format_nhs_typing("9434765919", 4) == ("943 476 5919", 5)


@pytest.fixture
def finder(qtbot, record):
    w = FindChild(record)
    qtbot.addWidget(w)
    return w


def test_typing_formats_the_number_and_says_whether_it_is_valid(qtbot, finder):
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765919")
    assert finder.ui.nhs_number_edit.text() == "943 476 5919"
    assert "Valid" in finder.ui.nhs_number_message_label.text()
    finder.ui.nhs_number_edit.clear()
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765918")
    assert "Modulus 11" in finder.ui.nhs_number_message_label.text()


def test_search_by_nhs_number_lists_the_match_with_its_reason_and_opens_it(qtbot, finder):
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765919")
    finder.ui.search_button.click()
    text = finder.ui.matches_list.item(0).text()
    assert "EXAMPLE, Ava" in text and "Born 20-Jul-2025" in text and "943 476 5919" in text
    assert "NHS number matches" in text
    with qtbot.waitSignal(finder.child_chosen, timeout=1000) as signal:
        finder.ui.open_button.click()
    assert signal.args[0].given_name == "Ava"


def test_search_by_name_and_birth_date_gives_probable_matches_with_reasons(qtbot, finder):
    qtbot.keyClicks(finder.ui.family_name_edit, "example")
    finder.ui.date_of_birth_edit.setText("20-Jul-2025")
    finder.ui.search_button.click()
    assert "family name matches; date of birth matches" in finder.ui.matches_list.item(0).text()


def test_a_new_child_needs_a_date_of_birth(qtbot, finder, record):
    qtbot.keyClicks(finder.ui.family_name_edit, "Newborn")
    finder.ui.new_child_button.click()
    assert "date of birth is needed" in finder.ui.message_label.text()
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "30/08/2025")
    with qtbot.waitSignal(finder.child_chosen, timeout=1000) as signal:
        finder.ui.new_child_button.click()
    child = signal.args[0]
    assert (child.family_name, child.date_of_birth) == ("Newborn", date(2025, 8, 30))
    # Not stored yet: the record stores a new child with their first finalised assessment.
    assert child.id == NEW_CHILD_ID
    assert all(c.family_name != "Newborn" for c in record.children.values())


def test_a_new_child_with_a_known_nhs_number_is_not_duplicated(qtbot, finder, record):
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765919")
    finder.ui.date_of_birth_edit.setText("2025-07-20")
    before = len(record.children)
    finder.ui.new_child_button.click()
    assert len(record.children) == before
    assert "already in the record" in finder.ui.message_label.text()
