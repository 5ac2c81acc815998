from datetime import date

import pytest

from PySide6.QtCore import Qt

from tests.ui.real_store import AF_NHS
from triage_app.ui.find_child import FindChild, format_nhs_typing
from triage_app.ui.viewmodels import NEW_CHILD_ID

SIBLING_NHS = "9990000034"  # ASHBY, Freya (demo data)


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
def finder(qtbot, demo_services, clock):
    w = FindChild(demo_services.children, today=lambda: clock.now().date())
    qtbot.addWidget(w)
    w.show()
    return w


def test_typing_formats_the_number_and_says_whether_it_is_valid(qtbot, finder):
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765919")
    assert finder.ui.nhs_number_edit.text() == "943 476 5919"
    assert "Valid" in finder.ui.nhs_number_message_label.text()
    finder.ui.nhs_number_edit.clear()
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9434765918")
    assert "Modulus 11" in finder.ui.nhs_number_message_label.text()


def test_a_result_shows_age_sex_postcode_and_nhs_number_and_opens_it(qtbot, finder):
    qtbot.keyClicks(finder.ui.nhs_number_edit, SIBLING_NHS)
    qtbot.keyClick(finder.ui.nhs_number_edit, Qt.Key.Key_Return)
    text = finder.ui.matches_list.item(0).text()
    assert "ASHBY, Freya" in text and "Born 02-Mar-2023 (3y" in text
    assert "Sex Female" in text and "Postcode XX1 1AA" in text and "999 000 0034" in text
    assert "NHS number matches" in text
    with qtbot.waitSignal(finder.child_chosen, timeout=1000) as signal:
        finder.ui.open_button.click()
    assert signal.args[0].given_name == "Freya" and signal.args[0].postcode == "XX1 1AA"


def test_a_failed_search_never_leaves_the_previous_child_selectable(qtbot, finder):
    qtbot.keyClicks(finder.ui.nhs_number_edit, AF_NHS)
    finder.search()
    assert finder.ui.open_button.isEnabled()
    finder.ui.nhs_number_edit.clear()
    qtbot.keyClicks(finder.ui.nhs_number_edit, "9990000027")  # fails the check digit
    assert finder.ui.matches_list.count() == 0 and not finder.ui.open_button.isEnabled()
    qtbot.keyClick(finder.ui.nhs_number_edit, Qt.Key.Key_Return)
    assert "Modulus 11" in finder.ui.message_label.text()
    assert finder.ui.matches_list.count() == 0 and not finder.ui.open_button.isEnabled()


@pytest.mark.parametrize("field", ["family_name_edit", "given_name_edit", "date_of_birth_edit"])
def test_any_change_of_the_query_clears_the_results(qtbot, finder, field):
    qtbot.keyClicks(finder.ui.family_name_edit, "Ashby")
    qtbot.keyClicks(finder.ui.given_name_edit, "Freya")
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "02/03/2023")
    qtbot.keyClick(finder.ui.date_of_birth_edit, Qt.Key.Key_Return)
    assert finder.ui.open_button.isEnabled()
    qtbot.keyClicks(getattr(finder.ui, field), "1")
    assert finder.ui.matches_list.count() == 0 and not finder.ui.open_button.isEnabled()
    assert "changed" in finder.ui.message_label.text()


@pytest.mark.parametrize(
    "field", ["nhs_number_edit", "family_name_edit", "given_name_edit", "date_of_birth_edit"]
)
def test_enter_searches_from_every_field(qtbot, finder, field):
    qtbot.keyClicks(finder.ui.family_name_edit, "Ashby")
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "2/3/2023")
    qtbot.keyClick(getattr(finder.ui, field), Qt.Key.Key_Return)
    assert "ASHBY, Freya" in finder.ui.matches_list.item(0).text()


def test_changing_the_date_of_birth_and_pressing_enter_searches_again(qtbot, finder):
    qtbot.keyClicks(finder.ui.family_name_edit, "Ashby")
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "02-Mar-2023")
    qtbot.keyClick(finder.ui.date_of_birth_edit, Qt.Key.Key_Return)
    first = finder.ui.matches_list.item(0).text()
    finder.ui.date_of_birth_edit.clear()
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "20-Mar-2020")
    qtbot.keyClick(finder.ui.date_of_birth_edit, Qt.Key.Key_Return)
    texts = [finder.ui.matches_list.item(i).text() for i in range(finder.ui.matches_list.count())]
    assert first not in texts  # the list answers the new date, not the old one


def test_a_new_child_needs_a_date_of_birth(qtbot, finder, demo_services):
    qtbot.keyClicks(finder.ui.family_name_edit, "Newborn")
    finder.ui.new_child_button.click()
    assert "date of birth is needed" in finder.ui.message_label.text()
    qtbot.keyClicks(finder.ui.date_of_birth_edit, "30/11/2026")
    with qtbot.waitSignal(finder.child_chosen, timeout=1000) as signal:
        finder.ui.new_child_button.click()
    child = signal.args[0]
    assert (child.family_name, child.date_of_birth) == ("Newborn", date(2026, 11, 30))
    # Not stored yet: the record stores a new child with their first finalised assessment.
    assert child.id == NEW_CHILD_ID
    assert demo_services.children.find_by_name("Newborn", "", date(2026, 11, 30)) == []


def test_a_new_child_with_a_known_nhs_number_is_not_duplicated(qtbot, finder, demo_services):
    qtbot.keyClicks(finder.ui.nhs_number_edit, AF_NHS)
    finder.ui.date_of_birth_edit.setText("2026-10-18")
    finder.ui.new_child_button.click()
    assert "already in the record" in finder.ui.message_label.text()
    assert len(demo_services.children.find_by_nhs_number(AF_NHS)) == 1


def test_the_message_appears_under_the_buttons_that_caused_it(qtbot, finder):
    finder.resize(1024, 700)
    qtbot.keyClicks(finder.ui.family_name_edit, "Newborn")
    finder.ui.new_child_button.click()
    qtbot.wait(10)
    message = finder.ui.message_label
    assert "date of birth is needed" in message.text()
    top = message.mapTo(finder, message.rect().topLeft()).y()
    buttons = finder.ui.new_child_button
    below_buttons = buttons.mapTo(finder, buttons.rect().bottomLeft()).y()
    assert (
        below_buttons
        <= top
        < finder.ui.matches_list.mapTo(finder, finder.ui.matches_list.rect().topLeft()).y()
    )
