"""Every id the engine, the profiles and the case rules can put on a screen has words.

The ids are enumerated from the shipped resources (guidance, both protocol profiles) and the
domain (vocabularies, the engine's action order, the case rules' due items), so a new id
without a label fails here rather than reaching a clinician as ``skeletal_survey_follow_up``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime

import pytest

from triage_app.domain import vocab
from triage_app.domain.resources import resource
from triage_app.ui import labels

PROFILES = sorted(p.stem for p in resource("protocols").glob("*.toml"))
RAW_ID = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b")  # snake_case or dotted.path


def profile(name):
    return tomllib.loads(resource("protocols", f"{name}.toml").read_text(encoding="utf-8"))


def guidance_action_ids():
    text = tomllib.loads(resource("guidance", "actions.toml").read_text(encoding="utf-8"))
    return set(text["text"]) | set(text["due"])


def test_every_action_id_has_a_label():
    ids = guidance_action_ids() | set(vocab.ACTION_IDS)
    for name in PROFILES:
        for variant in profile(name).get("role_variants", {}).values():
            ids |= set(variant.get("action_text", {}))
    assert len(ids) >= 19  # the vocabulary was read
    assert ids - set(labels.ACTION) == set()


@pytest.mark.parametrize("name", PROFILES)
def test_every_investigation_and_sign_off_item_of_every_profile_has_a_label(name):
    data = profile(name)
    assert {i["id"] for i in data.get("investigations", [])} - set(labels.INVESTIGATION) == set()
    fields = [i["field"] for i in data.get("awaiting_sign_off", [])]
    assert [f for f in fields if f not in labels.PROFILE_ITEM] == []


def test_every_vocabulary_value_has_a_label():
    pairs = [
        (vocab.Setting, labels.SETTING),
        (vocab.FindingKind, labels.KIND),
        (vocab.Site, labels.SITE),
        (vocab.Urgency, labels.URGENCY),
        (vocab.Urgency, labels.URGENCY_SHORT),
        (vocab.CpIs, labels.CP_IS),
        (vocab.CpPlan, labels.CP_PLAN),
    ]
    for enum, words in pairs:
        assert [v for v in enum if v not in words] == [], enum.__name__
    assert set(vocab.NIM_BASIS_CODES) - set(labels.NIM_BASIS) == set()


def test_every_due_item_the_case_rules_emit_has_a_label():
    from triage_app.domain.case_rules import due_items
    from triage_app.domain.records import CaseRecord, InvestigationRecord

    kinds = {i["id"] for name in PROFILES for i in profile(name).get("investigations", [])}
    case = CaseRecord(
        child_id=1,
        status="open",
        opened_at=datetime(2026, 12, 1, 9, 0),
        opened_by="tester",
        written_referral_due=datetime(2026, 12, 2, 9, 0),
        investigations=tuple(
            InvestigationRecord(kind=k, due_to=date(2026, 12, 10)) for k in sorted(kinds)
        ),
    )
    emitted = {d.what for d in due_items(case, datetime(2026, 12, 1, 10, 0))}
    assert emitted  # the rules emitted something to check
    assert emitted - set(labels.ACTION) - set(labels.INVESTIGATION) == set()


@pytest.mark.parametrize("name", PROFILES)
def test_the_decision_panel_shows_no_developer_id(qtbot, engine, name):
    """A real decision on each profile, with its sign-off notice, read as a clinician would."""
    from triage_app.domain.parse import parse_assessment
    from triage_app.ui.widgets.decision_panel import DecisionPanel

    case = {
        "schema": "triage-assess/1",
        "profile": name,
        "assessed_at": "2026-12-01T10:00:00",
        "setting": "health_visitor",
        "child": {"date_of_birth": "2026-10-18", "nhs_number": "9990000026"},
        "mobility": {},
        "findings": [{"kind": "bruise", "site": "thigh", "side": "left"}],
        "history": {"cp_is": "not_checked"},
    }
    decision = engine.decide(parse_assessment(case))
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.show_decision(decision, 1)
    text = panel.details.toPlainText() + " " + panel.urgency_text()
    leaked = [w for w in RAW_ID.findall(text) if not w.startswith(("e.g", "i.e"))]
    assert leaked == [], leaked
    assert "still to be confirmed" in text or decision.profile_status == "approved"
