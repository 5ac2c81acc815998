"""The protocol's actions an assessment's own steps do (pure Python, no Qt).

The wizard records them as done when its steps hold what they ask for (a finding on the body
map, the explanation word for word with who gave it, the CP-IS result), so a finalised case
never lists them as due. One rule for every route that stores an assessment: the window's
wizard and the demonstration data both ask :func:`wizard_done`.
"""

from __future__ import annotations

from typing import Any

WIZARD_DONE = {
    "complete_body_map": "every finding is on the body map (step 3)",
    "record_explanation_verbatim": "the explanation is recorded word for word (step 4)",
    "check_cp_is": "the CP-IS result is recorded (step 5)",
}


def wizard_done(data: dict[str, Any]) -> set[str]:
    """Return the actions an assessment (its ``triage-assess`` JSON) has already done."""
    done = set()
    if data.get("findings"):
        done.add("complete_body_map")
    explanation = data.get("explanation") or {}
    if (explanation.get("text") or "").strip() and explanation.get("given_by"):
        done.add("record_explanation_verbatim")
    cp_is = (data.get("history") or {}).get("cp_is")
    if cp_is and cp_is != "not_checked":
        done.add("check_cp_is")
    return done


def wizard_note(action_id: str) -> str:
    """The note kept with an action the assessment did (``Done in this assessment: ...``)."""
    return f"Done in this assessment: {WIZARD_DONE[action_id]}."
