from datetime import datetime, timedelta

import pytest

from triage_app.ui.labels import due_phrase, duration

NOW = datetime(2025, 9, 5, 9, 0)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=12), "12min"),
        (timedelta(hours=4, minutes=32), "4hr 32min"),
        (timedelta(hours=3), "3hr"),
        (timedelta(days=1), "1d"),
        (timedelta(days=2, hours=4, minutes=9), "2d 4hr"),
    ],
)
def test_durations_follow_nhs_display(delta, text):
    assert duration(delta) == text


def test_due_phrases_say_now_due_in_or_overdue():
    assert due_phrase(NOW, NOW) == ("Due now (05-Sep-2025 09:00)", False)
    assert due_phrase(NOW + timedelta(hours=2), NOW)[0] == "Due in 2hr (05-Sep-2025 11:00)"
    text, late = due_phrase(NOW - timedelta(minutes=30), NOW)
    assert late and text == "OVERDUE by 30min (was due 05-Sep-2025 08:30)"
    assert due_phrase(None, NOW) == ("No set time", False)
