"""Older name of :mod:`triage_app.domain.cases` (the case rules C1 to C8 live there)."""

from triage_app.domain.cases import *  # noqa: F403
from triage_app.domain.cases import (  # noqa: F401 - names other modules import from here
    CaseRuleError,
    CaseStatus,
    CloseOutcome,
    close_problems,
    due_items,
    follow_up_survey_window,
    pending_investigations,
    relax_supervision_problem,
    survey_stages_reported,
    transition_problem,
    written_referral_due,
)
