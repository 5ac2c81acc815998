"""Who did an action and whom they spoke to: only a phone call has a call handler.

The one rule (``domain/case_actions.py``) behind the case view, the referral record and
``case show``: table-driven, with a property test that what is kept is read back.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.domain.case_actions import (
    CALL_ACTIONS,
    ActionPeople,
    action_people,
    details_with_handler,
    handler_problem,
    people_text,
)
from triage_app.domain.records import CaseAction

AT = datetime(2026, 12, 1, 10, 0)


@pytest.mark.parametrize(
    ("kind", "person", "details", "expected"),
    [
        # A non-call action: who did it, never a handler (the reported "handler: <recorder>").
        ("inform_parents", "Dr K", None, ActionPeople("Dr K", None, None)),
        ("written_referral", "Dr K", "sent by secure email", ActionPeople("Dr K", None, "sent by secure email")),
        ("paediatric_cp_assessment", "Dr K", "handler: J Reed", ActionPeople("Dr K", None, "handler: J Reed")),
        # A call, kept by this rule.
        ("phone_csc", "Dr K", "call handler: J Reed", ActionPeople("Dr K", "J Reed", None)),
        ("phone_csc", "Dr K", "call handler: J Reed; advice: see today", ActionPeople("Dr K", "J Reed", "advice: see today")),
        ("contact_allocated_social_worker", "Dr K", "call handler: A Social", ActionPeople("Dr K", "A Social", None)),
        # A call recorded by the command line or the demo without a handler.
        ("phone_csc", "Dr Demo (GP)", None, ActionPeople("Dr Demo (GP)", None, None)),
        # Calls the window kept before this rule.
        ("phone_csc", "J Reed", "recorded by Dr K; advice: see today", ActionPeople("Dr K", "J Reed", "advice: see today")),
        ("phone_csc", "J Reed", "recorded by Dr K", ActionPeople("Dr K", "J Reed", None)),
        ("inform_csc_of_location", "Dr K", "handler: J Reed; note: ward 7", ActionPeople("Dr K", "J Reed", "note: ward 7")),
    ],
)  # fmt: skip
def test_who_did_it_and_the_call_handler_are_read_back(kind, person, details, expected):
    assert action_people(CaseAction(AT, person, kind, None, details)) == expected


@pytest.mark.parametrize(
    ("people", "text"),
    [
        (ActionPeople("Dr K"), "by Dr K"),
        (ActionPeople("Dr K", "J Reed"), "by Dr K; call handler: J Reed"),
        (ActionPeople("", "J Reed"), "call handler: J Reed"),
    ],
)
def test_the_people_in_words(people, text):
    assert people_text(people) == text


def test_a_handler_is_refused_for_an_action_that_is_not_a_call():
    assert handler_problem("phone_csc", "J Reed") is None
    assert handler_problem("inform_parents", None) is None
    assert handler_problem("inform_parents", "  ") is None
    problem = handler_problem("inform_parents", "J Reed")
    assert problem is not None and "only a phone call" in problem
    # ... and never kept with one.
    assert details_with_handler("inform_parents", "J Reed", "told mother") == "told mother"


def test_a_calls_note_that_reads_like_a_handler_is_not_taken_for_one():
    for note in ("call handler: none given", "recorded by the night team", "handler: unknown"):
        details = details_with_handler("phone_csc", None, note)
        assert action_people(CaseAction(AT, "Dr K", "phone_csc", None, details)) == (
            ActionPeople("Dr K", None, note)
        )


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
notes = st.none() | st.builds(
    str.__add__,
    st.sampled_from(["", "call handler: ", "handler: ", "recorded by ", "advice: "]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
)
kinds = st.sampled_from(sorted(CALL_ACTIONS) + ["inform_parents", "written_referral", "x"])


@given(kinds, names, st.none() | names, notes)
def test_what_is_kept_is_read_back_and_only_a_call_has_a_handler(kind, by, handler, note):
    details = details_with_handler(kind, handler, note)
    people = action_people(CaseAction(AT, by, kind, None, details))
    assert people.by == by
    if kind in CALL_ACTIONS and handler:
        assert people.handler == " ".join(handler.replace(";", ",").split())
        assert (people.note or "") == (note or "").strip()
    else:
        assert people.handler is None
        assert (people.note or "") == (note or "").strip()
