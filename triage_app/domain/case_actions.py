"""Who did an action on a case, and whom they spoke to: only a phone call has a handler.

A phone call to children's social care (or to the allocated social worker) has a *call
handler*: the person at the other end. Every other action (a written referral, telling the
parents, a senior review...) has only who did it. This module is the one place that says how
a call's handler is kept with a case action and how it is read back, so the case view, the
referral record and ``case show`` all say the same thing.

Kept as: :attr:`CaseAction.person` is who did it (who made the call); a call's handler is the
first part of :attr:`CaseAction.details`, ``"call handler: NAME; the rest"``. Calls recorded
in the window before this rule kept the handler in ``person`` and who recorded the call as
``"recorded by NAME; the rest"``; they are read back the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.domain.cases import PHONE_CSC
from triage_app.domain.records import CaseAction

CALL_ACTIONS = frozenset({PHONE_CSC, "inform_csc_of_location", "contact_allocated_social_worker"})
HANDLER_PREFIX = "call handler: "
_OLD_HANDLER_PREFIX = "handler: "  # the window, before: a call other than phone_csc
_OLD_RECORDED_BY_PREFIX = "recorded by "  # the window, before: phone_csc (person = handler)


@dataclass(frozen=True)
class ActionPeople:
    """Who did an action, the call handler (a phone call only) and the rest of its details."""

    by: str
    handler: str | None = None
    note: str | None = None


def is_call(kind: str) -> bool:
    """True for an action that is a phone call (it has a call handler)."""
    return kind in CALL_ACTIONS


def handler_problem(kind: str, handler: str | None) -> str | None:
    """Why a call handler cannot be recorded with this action (None: it can, or none given)."""
    if handler and handler.strip() and not is_call(kind):
        return f"handler: only a phone call has a call handler ({kind} is not a call)"
    return None


def details_with_handler(kind: str, handler: str | None, details: str | None) -> str | None:
    """The details to keep with an action: a call's handler first, then the rest.

    A handler given with an action that is not a call is not kept (see
    :func:`handler_problem`, which the command line checks first).
    """
    rest = (details or "").strip()
    name = " ".join((handler or "").replace(";", ",").split())
    if not is_call(kind):
        return rest or None
    if not name:
        # A call's note that reads like a handler is kept behind an empty handler.
        prefixes = (HANDLER_PREFIX, _OLD_HANDLER_PREFIX, _OLD_RECORDED_BY_PREFIX)
        return f"{HANDLER_PREFIX}; {rest}" if rest.startswith(prefixes) else rest or None
    return f"{HANDLER_PREFIX}{name}; {rest}" if rest else f"{HANDLER_PREFIX}{name}"


def action_people(action: CaseAction) -> ActionPeople:
    """Who did ``action``, its call handler (a call only, else None) and the rest of its details."""
    details = (action.details or "").strip()
    if is_call(action.kind):
        for prefix in (HANDLER_PREFIX, _OLD_HANDLER_PREFIX):
            if details.startswith(prefix):
                handler, _, rest = details[len(prefix) :].partition(";")
                return ActionPeople(action.person, handler.strip() or None, rest.strip() or None)
        if action.kind == PHONE_CSC and details.startswith(_OLD_RECORDED_BY_PREFIX):
            by, _, rest = details[len(_OLD_RECORDED_BY_PREFIX) :].partition(";")
            return ActionPeople(by.strip() or action.person, action.person, rest.strip() or None)
    return ActionPeople(action.person, None, details or None)


def people_text(people: ActionPeople) -> str:
    """The people of an action in words: ``"by NAME"``, and a call's ``"; call handler: NAME"``."""
    parts = [f"by {people.by}" if people.by else ""]
    parts.append(f"call handler: {people.handler}" if people.handler else "")
    return "; ".join(p for p in parts if p)
