"""``triage-app demo load``: a small synthetic data set a new user can explore.

All people are invented; NHS numbers are from the synthetic 999 range. Dates are relative to
today, so the cases are always in the states described:

- the ASHBY family reproduces the Child AF practice review: a baby seen three times in three
  weeks (bleeding from the mouth at 3 weeks, a subconjunctival haemorrhage at 5 weeks, a
  purple mark on the leg at 6 weeks), an older sibling who had a child protection plan, and
  a case whose initial skeletal survey was normal with the follow-up survey now due; its
  referral record is finalised (sealed, version 1), ready to preview, print and export;
- the BROOKS family: a bruised ear, phoned through two days ago, written referral overdue;
- the OKAFOR family: a case closed with no concern once every result was back;
- the NOWAK family: a walking toddler seen several times (NICE CG89 route, no case);
- WILLIAMS-JONES: a baby recorded without an NHS number (try the name search).

Loading is one transaction: either every family is stored, or (on any error, or when the
caller cancels) nothing is. An optional ``progress`` callback hears each family as it is
added, and an optional ``cancelled`` check is asked after each one and before the commit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from triage_app.domain.handover import ReferrerDetails
from triage_app.domain.records import (
    Attendee,
    CaseAction,
    ChildRecord,
    Relation,
    StrategyMeeting,
)
from triage_app.domain.wizard_actions import wizard_done, wizard_note
from triage_app.services import cases, children, handover, referrals
from triage_app.services.assessments import RecordedAssessment, record_assessment
from triage_app.services.context import StoreContext

AF_NHS = "9990000026"  # the Child AF baby; also the marker that the demo is loaded
AF_SIBLING_NHS = "9990000034"
BROOKS_NHS = "9990000042"
OKAFOR_NHS = "9990000050"
NOWAK_NHS = "9990000069"


FAMILIES = 5  # the steps ``progress`` counts: one per family

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class NotADemoFolderError(Exception):
    """The folder holds (or may hold) real records: synthetic data must not be mixed in."""


def refuse_non_demo(ctx: StoreContext, marked_demo: bool | None) -> None:
    """Refuse ``demo load``/``demo generate`` in a store that holds non-demonstration data.

    A folder made as a demonstration folder (``marked_demo``) always accepts them. Any other
    store (made by ``init``, a database made before encryption, a server database) accepts
    them only while it holds no real child: a child whose NHS number is outside the
    synthetic 999 range is real; a child without an NHS number counts as real unless
    synthetic children (999 range) are stored too (demonstration data has both kinds).

    Raises:
        NotADemoFolderError: the store holds real records; nothing was changed.
    """
    if marked_demo is True:
        return
    from sqlalchemy import func, select

    from triage_app.store.orm import Child

    def count(*where: Any) -> int:
        return s.scalar(select(func.count()).select_from(Child).where(*where)) or 0

    with ctx.session_factory.begin() as s:
        real = count(Child.nhs_number.is_not(None), Child.nhs_number.not_like("999%"))
        unnumbered = count(Child.nhs_number.is_(None))
        synthetic = count(Child.nhs_number.like("999%")) if unnumbered else 1
    if real or (unnumbered and not synthetic):
        raise NotADemoFolderError(
            "this store holds real records: demonstration and synthetic data go only into a "
            "folder of their own (for example --data-dir NEW_FOLDER); nothing was changed"
        )


class Cancelled(Exception):  # noqa: N818 - reads as what happened
    """The caller cancelled the demonstration load; nothing was stored."""


@dataclass(frozen=True)
class DemoSummary:
    """What ``demo load`` did."""

    loaded: bool
    children: int = 0
    presentations: int = 0
    cases: int = 0
    sealed_records: int = 0


class _JoinedSessions:
    """A stand-in session factory: every ``begin()`` joins one open session.

    Use-cases run through it take part in the caller's transaction instead of committing
    their own, so the whole demonstration load commits (or rolls back) once.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def begin(self) -> Iterator[Session]:
        yield self._session

    def __call__(self) -> Session:
        return self._session


def _case(
    when: datetime,
    nhs: str | None,
    family: str,
    given: str,
    dob: date,
    setting: str,
    findings: list[dict[str, Any]],
    explanation: str,
    **extra: Any,
) -> dict[str, Any]:
    child: dict[str, Any] = {
        "family_name": family,
        "given_name": given,
        "date_of_birth": dob.isoformat(),
    }
    if nhs:
        child["nhs_number"] = nhs
    data = {
        "schema": "triage-assess/1", "assessed_at": when.strftime("%Y-%m-%dT%H:%M"),
        "setting": setting, "child": child, "findings": findings,
        "explanation": {"text": explanation, "given_by": "mother"},
        "mobility": {"rolls": False, "crawls": False, "walks": False},
    }  # fmt: skip
    data.update(extra)
    return data


def load(
    ctx: StoreContext,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> DemoSummary:
    """Load the demonstration families once, in one transaction; a second call changes nothing.

    Args:
        ctx: The store context.
        progress: Called as ``progress(done, total)`` before the first family and after each
            one (``total`` is :data:`FAMILIES`).
        cancelled: Asked before the first family, after each one and just before the commit;
            when it returns true the load stops and rolls back.

    Raises:
        Cancelled: ``cancelled`` returned true; nothing was stored.
        Exception: whatever else stopped the load; nothing was stored.
    """
    steps = _Steps(progress, cancelled)
    with ctx.transaction() as session:
        joined = dataclasses.replace(
            ctx,
            session_factory=_JoinedSessions(session),
            _protocol=ctx.protocol,
        )
        steps.start()
        summary = _load(joined, steps)
        steps.check()  # the last chance to cancel: nothing is committed yet
    return summary


class _Steps:
    """Reports progress and honours a cancel between families (inside the transaction)."""

    def __init__(self, progress: Progress | None, cancelled: CancelCheck | None) -> None:
        self._progress, self._cancelled, self.done = progress, cancelled, 0

    def check(self) -> None:
        """Raise :class:`Cancelled` when the caller has cancelled."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled("the demonstration load was cancelled; nothing was stored")

    def start(self) -> None:
        """Report that nothing is done yet, then check for a cancel."""
        if self._progress is not None:
            self._progress(0, FAMILIES)
        self.check()

    def family_done(self) -> None:
        """Report one more family stored (not yet committed), then check for a cancel."""
        self.done += 1
        if self._progress is not None:
            self._progress(self.done, FAMILIES)
        self.check()

    def finish(self) -> None:
        """Report every step done (a folder that already holds the demonstration data)."""
        if self._progress is not None and self.done < FAMILIES:
            self.done = FAMILIES
            self._progress(FAMILIES, FAMILIES)


@dataclass(frozen=True)
class _Added:
    """What one family added: presentations, and cases opened."""

    presentations: int
    cases: int = 0


def _load(ctx: StoreContext, steps: _Steps) -> DemoSummary:
    if children.find_by_nhs_number(ctx, AF_NHS) is not None:
        steps.finish()
        return DemoSummary(loaded=False)
    now = ctx.clock().replace(second=0, microsecond=0)
    today = now.replace(hour=9, minute=0)
    n_presentations = n_cases = 0
    for family in (_ashby, _brooks, _okafor, _nowak, _williams_jones):
        added = family(ctx, today)
        n_presentations += added.presentations
        n_cases += added.cases
        steps.family_done()
    return DemoSummary(
        True, children=6, presentations=n_presentations, cases=n_cases, sealed_records=1
    )


def _ashby(ctx: StoreContext, today: datetime) -> _Added:
    """ASHBY (Child AF): sibling with a past child protection plan, parents with PR."""
    af_dob = (today - timedelta(weeks=6, days=2)).date()
    sibling = children.record_child(
        ctx,
        ChildRecord(
            date(today.year - 3, 3, 2),
            "Ashby",
            "Freya",
            AF_SIBLING_NHS,
            "female",
            "1 Example Row, Testville",
            "XX1 1AA",
            "Synthetic Surgery",
            cp_plan="past",
        ),
    )
    assert sibling.id is not None
    last = _ashby_visits(ctx, today, af_dob, sibling.id)
    _ashby_case(ctx, today, last)
    return _Added(presentations=3, cases=1)


def _ashby_visits(
    ctx: StoreContext, today: datetime, af_dob: date, sibling_id: int
) -> RecordedAssessment:
    """Alfie's three visits in three weeks; the household is recorded at the first one."""
    visits: list[
        tuple[date, str, list[dict[str, Any]], str, str, str, ReferrerDetails, dict[str, Any]]
    ] = [
        (af_dob + timedelta(weeks=3), "gp", [{"kind": "bleeding", "site": "mouth"}],
         "Mother brought Alfie to the surgery: she had seen blood in his mouth after a feed.",
         "she must have scratched her mouth with her nail", "advice given",
         ReferrerDetails("Dr Demo GP", "gp", "Synthetic Surgery", "01632 960 101"), {}),
        (af_dob + timedelta(weeks=5), "health_visitor",
         [{"kind": "subconjunctival_haemorrhage", "site": "subconjunctiva", "side": "left"}],
         "Health visitor home visit: a red patch in the white of the left eye, noticed by the "
         "health visitor.",
         "it was there after she cried a lot", "advice given",
         ReferrerDetails("Demo Health Visitor", "health_visitor", "Synthetic Community Trust",
                         "01632 960 102"), {}),
        (af_dob + timedelta(weeks=6), "ed",
         [{"kind": "mark", "site": "lower_leg", "side": "right", "size_mm": 15,
           "description": "purple mark"}],
         "Mother brought Alfie to the emergency department: she noticed a purple mark on his "
         "right lower leg at the morning nappy change.",
         "she caught it on the cot bars", "referred to children's social care",
         ReferrerDetails("Dr Demo Registrar", "ed_doctor", "Synthetic NHS Trust, emergency "
                         "department", "01632 960 123"),
         {"history": {"cp_is": "none"}}),
    ]  # fmt: skip
    last = None
    for day, setting, findings, complaint, words, outcome, referrer, more in visits:
        seen = datetime.combine(day, datetime.min.time()).replace(hour=10, minute=30)
        last = record_assessment(
            ctx,
            _case(seen, AF_NHS, "Ashby", "Alfie", af_dob, setting, findings, words, **more),
            organisation=referrer.organisation,
            complaint=complaint,
            outcome=outcome,
        )
        assert last.presentation.id is not None
        # The ED mark was placed on the body map by hand (front view, right shin).
        marks = [{"view": "front", "x": 0.43, "y": 0.86}] if setting == "ed" else None
        handover.record_referrer(ctx, last.presentation.id, referrer, marks)
        if day == af_dob + timedelta(weeks=3):
            af = last.child
            assert af.id is not None
            children.link_household(ctx, af.id, Relation.SIBLING, related_child_id=sibling_id)
            handover.save_family(ctx, af.id, _ashby_family(today))
    assert last is not None and last.presentation.id is not None and last.child.id is not None
    return last


def _ashby_family(today: datetime) -> handover.Family:
    """Alfie's parents (both with parental responsibility), grandmother and professionals."""
    return handover.Family(
        adults=(
            handover.FamilyAdult(
                "Kelly Ashby", "Mother", True, date(today.year - 24, 5, 14),
                "07700 900 123", True,
            ),
            handover.FamilyAdult(
                "Jordan Dunn", "Father", True, date(today.year - 27, 11, 2),
                "07700 900 456", True,
            ),
            handover.FamilyAdult(
                "Maureen Ashby", "Maternal grandmother", False,
                date(today.year - 52, 1, 20), "07700 900 789", False,
            ),
        ),
        address="1 Example Row, Testville",
        postcode="XX1 1AA",
        gp_practice="Synthetic Surgery (01632 960 101)",
        health_visitor="Demo Health Visitor, Testville HV team (01632 960 102)",
        interpreter_needed=False,
    )  # fmt: skip


def _ashby_case(ctx: StoreContext, today: datetime, last: RecordedAssessment) -> None:
    """The ED visit's case: referred, initial survey normal, supervision imposed, sealed."""
    assert last.presentation.id is not None and last.child.id is not None
    seen = last.presentation.seen_at
    c = cases.open_case(ctx, last.child.id, presentation_id=last.presentation.id, opened_at=seen)
    case_id = c.id
    assert case_id is not None
    handover.record_location(
        ctx,
        case_id,
        "admitted",
        "Ward 7 (children's ward), Synthetic NHS Trust",
        with_whom="mother (Kelly Ashby), resident on the ward",
    )
    c = _refer(ctx, c, seen, "Dr Demo Registrar (ED doctor)", "0001", timedelta(minutes=20), 3)
    c = _duties_done(ctx, c, seen + timedelta(hours=1), "Dr Demo Registrar (ED doctor)")
    c = cases.request_investigation(
        ctx, case_id, c.version, "skeletal_survey_initial", requested_at=seen + timedelta(hours=4)
    )
    c = cases.report_result(
        ctx,
        case_id,
        c.version,
        "skeletal_survey_initial",
        performed_on=(seen + timedelta(days=1)).date(),
        result="No fracture seen.",
        reported_at=seen + timedelta(days=1, hours=2),
    )  # the follow-up (stage 2) is now pending in its window
    c = cases.record_meeting(
        ctx,
        case_id,
        c.version,
        StrategyMeeting(
            held_at=seen + timedelta(days=1, hours=3),
            outcome="Section 47 enquiry. Supervision stays until the follow-up survey is reported.",
            attendees=(
                Attendee("J. Reed", "team manager", "csc"),
                Attendee("Dr K. Shah", "named doctor", "health"),
                Attendee("DC M. Lowe", "CAIU officer", "police"),
            ),
            supervision="impose",
            conditions="Supervised contact only, by the maternal grandmother.",
            relax_conditions="Both stages of the skeletal survey reported and heard at a "
            "strategy meeting with health and children's social care.",
            review_on=(today + timedelta(days=14)).date(),
        ),
    )
    referrals.finalise_case(ctx, case_id, case_version=c.version)


def _brooks(ctx: StoreContext, today: datetime) -> _Added:
    """BROOKS: phoned through two days ago; the written referral is overdue."""
    brooks_dob = (today - timedelta(days=95)).date()
    seen = today - timedelta(days=2)
    brooks = _case(
        seen,
        BROOKS_NHS,
        "Brooks",
        "Isla",
        brooks_dob,
        "gp",
        [{"kind": "bruise", "site": "ear", "side": "left"}],
        "no explanation offered",
    )
    b = record_assessment(
        ctx,
        brooks,
        organisation="Synthetic Medical Practice",
        complaint="bruise",
        outcome="phoned children's social care",
    )
    assert b.child.id is not None
    c = cases.open_case(ctx, b.child.id, presentation_id=b.presentation.id, opened_at=seen)
    case_id = c.id
    assert case_id is not None
    handover.record_location(ctx, case_id, "home", "home address on record", with_whom="mother")
    c = _wizard_did(ctx, c, brooks, seen, "Dr Demo (GP)")
    cases.record_phone_referral(
        ctx,
        case_id,
        c.version,
        called_at=seen + timedelta(minutes=15),
        person="Dr Demo (GP)",
        reference="CSC-DEMO-0002",
    )
    return _Added(presentations=1, cases=1)


def _okafor(ctx: StoreContext, today: datetime) -> _Added:
    """OKAFOR: every result back, closed with no concern."""
    ok_dob = (today - timedelta(days=130)).date()
    seen = today - timedelta(days=25)
    o = record_assessment(
        ctx,
        _case(
            seen,
            OKAFOR_NHS,
            "Okafor",
            "Zara",
            ok_dob,
            "health_visitor",
            [{"kind": "bruise", "site": "forehead"}],
            "rolled into the cot side",
        ),
        organisation="Synthetic Community Trust",
        complaint="bruise",
        outcome="referred",
    )
    assert o.child.id is not None
    c = cases.open_case(ctx, o.child.id, presentation_id=o.presentation.id, opened_at=seen)
    case_id = c.id
    assert case_id is not None
    handover.record_location(
        ctx, case_id, "home", "home address on record", with_whom="both parents"
    )
    c = _refer(ctx, c, seen, "Demo Health Visitor", "0003", timedelta(minutes=30), 5)
    c = _duties_done(ctx, c, seen + timedelta(hours=6), "Dr Demo (paediatrician)")
    for kind in ("bloods", "skeletal_survey_initial"):
        c = cases.request_investigation(ctx, case_id, c.version, kind, requested_at=seen)
    for kind, days in (
        ("bloods", 1),
        ("skeletal_survey_initial", 1),
        ("skeletal_survey_follow_up", 13),
    ):
        c = cases.report_result(
            ctx, case_id, c.version, kind, performed_on=(seen + timedelta(days=days)).date(),
            result="normal", reported_at=seen + timedelta(days=days, hours=4),
        )  # fmt: skip
    c = cases.add_action(
        ctx,
        case_id,
        c.version,
        CaseAction(
            seen + timedelta(days=14),
            "Dr Demo (paediatrician)",
            "inform_parents",
            details="Results explained to both parents.",
        ),
    )
    cases.close_case(
        ctx,
        case_id,
        c.version,
        outcome="no_concern",
        reason="Both survey stages and bloods normal; plausible mechanism; CSC agree.",
    )
    return _Added(presentations=1, cases=1)


def _nowak(ctx: StoreContext, today: datetime) -> _Added:
    """NOWAK: a walking toddler seen several times (no case)."""
    nowak_dob = (today - timedelta(days=430)).date()
    for days_ago, kind, site in (
        (150, "bruise", "lower_leg"),
        (90, "bruise", "forehead"),
        (40, "laceration", "chin"),
        (5, "bruise", "lower_leg"),
    ):
        record_assessment(
            ctx,
            _case(
                today - timedelta(days=days_ago),
                NOWAK_NHS,
                "Nowak",
                "Leon",
                nowak_dob,
                "gp",
                [{"kind": kind, "site": site}],
                "fell while walking",
                mobility={"crawls": True, "cruises": True, "walks": True},
            ),
            organisation="Synthetic Medical Practice",
            complaint=kind,
            outcome="advice given",
        )
    return _Added(presentations=4)


def _williams_jones(ctx: StoreContext, today: datetime) -> _Added:
    """WILLIAMS-JONES: no NHS number on record."""
    record_assessment(
        ctx,
        _case(
            today - timedelta(days=3),
            None,
            "Williams-Jones",
            "Megan",
            (today - timedelta(days=60)).date(),
            "midwife",
            [{"kind": "petechiae", "site": "neck"}],
            "tight vest",
        ),
        organisation="Synthetic Maternity Unit",
        complaint="petechiae",
        outcome="referred",
    )
    return _Added(presentations=1)


def _wizard_did(ctx: StoreContext, case: Any, data: dict[str, Any], at: datetime, by: str) -> Any:
    """Record the duties the assessment's own steps did, as the window's wizard records them.

    A case opened from the wizard never lists "complete the body map" or "record the
    explanation" as due when the assessment holds them; the demonstration data is the same.
    """
    duties = {d.id for d in cases.show_case(ctx, case.id).terms.duties}
    for action_id in sorted(wizard_done(data) & duties):
        case = cases.record_action(
            ctx, case.id, case.version, action_id, at=at, by=by, note=wizard_note(action_id)
        )
    return case


def _duties_done(
    ctx: StoreContext, case: Any, at: datetime, by: str, keep: tuple[str, ...] = ()
) -> Any:
    """Record every referral duty of the case's decision not yet done as done (but ``keep``)."""
    details = cases.show_case(ctx, case.id)
    open_ids = {d.what for d in details.due}
    for duty in details.terms.duties:
        if duty.id in open_ids and duty.id not in keep:
            case = cases.record_action(ctx, case.id, case.version, duty.id, at=at, by=by)
    return case


def _refer(
    ctx: StoreContext,
    case: Any,
    seen: datetime,
    person: str,
    number: str,
    call_after: timedelta,
    written_after_hours: int,
) -> Any:
    """Record the phone referral and then the written referral of a demonstration case."""
    case = cases.record_phone_referral(
        ctx,
        case.id,
        case.version,
        called_at=seen + call_after,
        person=person,
        reference=f"CSC-DEMO-{number}",
    )
    return cases.record_written_referral(
        ctx,
        case.id,
        case.version,
        sent_at=seen + timedelta(hours=written_after_hours),
        person=person,
        reference=f"URF-DEMO-{number}",
    )
