from tests.domain.factories import case
from triage_app.domain.errors import Problem
from triage_app.domain.parse import parse_assessment
from triage_app.ui.widgets.decision_panel import DecisionPanel


def test_urgency_is_words_and_colour_with_actions_rules_and_flags(qtbot, engine):
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    data = {
        "schema": "triage-assess/1",
        "assessed_at": "2025-09-03T10:40",
        "child": {"date_of_birth": "2025-07-20"},
        "findings": [{"kind": "bruise", "site": "ear"}],
    }
    panel.show_decision(engine.decide(parse_assessment(data)))
    assert panel.urgency_text().endswith("IMMEDIATE: the protocol requires a referral now")
    assert "#d5281b" in panel.banner.styleSheet()
    text = panel.details.toPlainText()
    assert "Written referral: due within 24h (04-Sep-2025 10:40). Rule R4" in text
    assert "Flags" in text and "CP-IS not checked" in text
    assert "awaiting sign-off" in text


def test_problems_are_shown_instead_of_a_decision(qtbot):
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.show_problems([Problem("child.date_of_birth", "after assessed_at")])
    assert "not yet available" in panel.urgency_text()
    assert "Child, date of birth: after assessed_at" in panel.details.toPlainText()


def test_problem_paths_are_said_in_words():
    from triage_app.ui.widgets.decision_panel import problem_words

    p = Problem("history.household_children[0].date_of_birth", "not a date")
    assert problem_words(p) == "Household child 1, date of birth: not a date"
    p = Problem("findings[1].exception.documented_on", "before birth")
    assert problem_words(p) == "Finding 2, exception, documented on: before birth"


def test_factories_module_is_importable():
    assert callable(case)
