"""The case view's layout on the REAL services (demonstration data): a typical case fits a
1920x1080 screen without scrolling (three columns), and stays usable at 1024x700 (two
columns; scrolling down is allowed there, sideways never).
"""

from __future__ import annotations

import pytest

from tests.ui.real_store import signed_in_window
from triage_app.services import cases as case_service


@pytest.fixture
def window(qtbot, engine, demo_store, prompter):
    return signed_in_window(qtbot, engine, demo_store, prompter)


def demo_case_ids(window):
    ctx = window.services.cases.ctx
    every = case_service.list_cases(ctx, None) + case_service.list_cases(ctx, None, closed=True)
    return sorted({str(s.case.id) for s in every})


def settle(qtbot):
    qtbot.wait(30)  # the scroll area lays out after the resize and the case are shown


def test_the_demo_has_open_and_closed_cases_to_lay_out(window):
    ctx = window.services.cases.ctx
    assert len(case_service.list_cases(ctx, None)) >= 2
    assert case_service.list_cases(ctx, None, closed=True)


def test_every_demo_case_fits_1920x1080_without_a_vertical_scroll_bar(qtbot, window):
    window.resize(1920, 1080)
    for case_id in demo_case_ids(window):
        window.open_case(case_id)
        settle(qtbot)
        bar = window.case_scroll.verticalScrollBar()
        assert bar.maximum() == 0, f"case {case_id} scrolls by {bar.maximum()} px"
        assert window.case_scroll.horizontalScrollBar().maximum() == 0
        view = window.case_view
        assert view.wide  # three columns
        # The closing controls are on screen, not below the fold.
        viewport = window.case_scroll.viewport()
        bottom = view.close_button.mapTo(viewport, view.close_button.rect().bottomLeft()).y()
        assert bottom <= viewport.height()


def test_the_1920_case_still_fits_with_a_refusal_and_an_undo_offer_shown(qtbot, window):
    window.resize(1920, 1080)
    ids = demo_case_ids(window)
    for case_id in ids:
        window.open_case(case_id)
        view = window.case_view
        pending = [a for a in view.checklist.actions if a.record is None]
        if view.case.is_open and pending:
            view.checklist.select(pending[0].action_id)
            view.checklist.record_button.click()
            assert view.undo_button.isVisibleTo(view)
            settle(qtbot)
            assert window.case_scroll.verticalScrollBar().maximum() == 0
            break
    else:
        pytest.fail("no demo case with an action left to record")
    # A refused closure (results pending on the Child AF case) shows its reasons below.
    for case_id in ids:
        window.open_case(case_id)
        view = window.case_view
        if view.case.is_open and any(i.status == "pending" for i in view.case.investigations):
            view.reason_edit.setText("closing to test")
            view.close_button.click()
            assert "C1" in view.closure_label.text()
            settle(qtbot)
            assert window.case_scroll.verticalScrollBar().maximum() == 0
            return
    pytest.fail("no demo case with a pending result")


def test_at_1024x700_the_case_is_two_columns_that_scroll_down_never_sideways(qtbot, window):
    window.resize(1024, 700)
    em = window.fontMetrics().averageCharWidth()
    for case_id in demo_case_ids(window):
        window.open_case(case_id)
        settle(qtbot)
        view = window.case_view
        assert not view.wide
        assert window.width() == 1024
        assert window.case_scroll.horizontalScrollBar().maximum() == 0
        assert view.investigations.width() >= 50 * em
        assert view.checklist.width() >= 50 * em
        # Scrolling reaches the closing controls.
        window.case_scroll.ensureWidgetVisible(view.close_button)
        settle(qtbot)
        viewport = window.case_scroll.viewport()
        top = view.close_button.mapTo(viewport, view.close_button.rect().topLeft()).y()
        assert 0 <= top < viewport.height()


def test_going_from_a_small_window_to_a_large_one_and_back_changes_the_columns(qtbot, window):
    case_id = demo_case_ids(window)[0]
    window.resize(1024, 700)
    window.open_case(case_id)
    settle(qtbot)
    assert not window.case_view.wide
    window.resize(1920, 1080)
    settle(qtbot)
    assert window.case_view.wide
    assert window.case_scroll.verticalScrollBar().maximum() == 0
    window.resize(1024, 700)
    settle(qtbot)
    assert not window.case_view.wide
    assert window.case_scroll.horizontalScrollBar().maximum() == 0
