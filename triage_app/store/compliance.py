"""The compliance audit's SQL: every metric as aggregates over indexed columns.

No record is loaded into Python to be counted: each metric is one ``GROUP BY`` month query
(``SUM(CASE ...)`` over the scope, with ``EXISTS`` look-ups on the indexed ``case_id`` of
actions and investigations), its times are picked by window functions (nearest rank), and a
drill-down returns only the failing rows' case id, child age in days and setting (never a
name, NHS number or date of birth). Works on SQLite (SQLCipher) and PostgreSQL.

The rules are written beside each metric in :mod:`triage_app.domain.compliance`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from triage_app.domain import compliance as c
from triage_app.domain.cases import ACTION_UNDONE as UNDONE
from triage_app.domain.compliance import AuditFilter, FailingCase, MetricCounts
from triage_app.store.orm import (
    Assessment,
    Case,
    CaseActionRow,
    CasePresentationRow,
    Child,
    InvestigationRow,
    MeetingAttendeeRow,
    Presentation,
    StrategyMeetingRow,
)

DRILL_LIMIT = 1000


class _Dialect:
    """Date arithmetic that differs between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"

    def day(self, x: Any) -> ColumnElement[Any]:
        return func.date(x) if self.sqlite else cast(x, Date)

    def month(self, x: Any) -> ColumnElement[Any]:
        return func.strftime("%Y-%m", x) if self.sqlite else func.to_char(x, "YYYY-MM")

    def minutes(self, start: Any, end: Any) -> ColumnElement[Any]:
        if self.sqlite:
            return (func.julianday(end) - func.julianday(start)) * 1440.0
        return func.extract("epoch", end - start) / 60.0

    def age_days(self, dob: Any, at: Any) -> ColumnElement[Any]:
        if self.sqlite:
            return cast(func.julianday(func.date(at)) - func.julianday(dob), Integer)
        return cast(cast(at, Date) - dob, Integer)


@dataclass(frozen=True)
class _Spec:
    """One proportion metric: its scope, its denominator filter and its pass condition."""

    id: str
    scope: str  # "protocol" | "all" | "nim" | "pre_birth"
    denominator: Callable[[_Dialect], ColumnElement[bool]] | None
    ok: Callable[[_Dialect], ColumnElement[bool]]
    detail: str


def _not_undone() -> ColumnElement[bool]:
    """The action row was not taken back by a later ``action_undone`` event (case rule C6)."""
    undo = aliased(CaseActionRow)
    return not_(
        exists(
            select(undo.id).where(
                undo.case_id == CaseActionRow.case_id,
                undo.kind == UNDONE,
                undo.reference == cast(CaseActionRow.id, String),
            )
        )
    )


def _action(kind: str, same_day_as: Any = None, d: _Dialect | None = None) -> ColumnElement[bool]:
    q = select(CaseActionRow.id).where(
        CaseActionRow.case_id == Case.id,
        CaseActionRow.kind == kind,
        CaseActionRow.waived.is_not(True),  # a duty waived with a reason was not done
        _not_undone(),
    )
    if same_day_as is not None and d is not None:
        q = q.where(d.day(CaseActionRow.at) == d.day(same_day_as))
    return exists(q)


def _performed(d: _Dialect) -> ColumnElement[Any]:
    """When an investigation was performed: its date, or the day it was reported (older rows)."""
    return func.coalesce(InvestigationRow.performed_on, d.day(InvestigationRow.reported_at))


def _investigation(kind: str, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(InvestigationRow.id).where(
            InvestigationRow.case_id == Case.id, InvestigationRow.kind == kind, *conditions
        )
    )


def _follow_up_due(as_of: date) -> Callable[[_Dialect], ColumnElement[bool]]:
    def denominator(d: _Dialect) -> ColumnElement[bool]:
        initial = _investigation(c.SURVEY_INITIAL, InvestigationRow.status == "reported")
        open_window = _investigation(
            c.SURVEY_FOLLOW_UP,
            InvestigationRow.status == "pending",
            or_(InvestigationRow.due_to.is_(None), InvestigationRow.due_to >= as_of),
        )
        return and_(initial, not_(open_window))

    return denominator


def _specs(as_of: date) -> list[_Spec]:
    follow_up = _follow_up_due(as_of)
    return [
        _Spec(
            "phoned_same_day",
            "protocol",
            None,
            lambda d: _action(c.ACTION_PHONE, Assessment.assessed_at, d),
            "no phone referral recorded on the day of the assessment",
        ),
        _Spec(
            "written_referral_in_time",
            "case",
            lambda d: Case.referral_called_at.is_not(None),
            lambda d: and_(
                Case.written_referral_sent_at.is_not(None),
                Case.written_referral_due.is_not(None),
                Case.written_referral_sent_at <= Case.written_referral_due,
            ),
            "written referral not sent within the limit of the call",
        ),
        _Spec(
            "paediatric_assessment_same_day",
            "protocol",
            None,
            lambda d: _action(c.ACTION_CONFIRM_ATTENDANCE, Assessment.assessed_at, d),
            "attendance at the paediatric assessment not confirmed on the day",
        ),
        _Spec(
            "cp_is_checked",
            "protocol",
            None,
            lambda d: or_(
                and_(Assessment.cp_is.is_not(None), Assessment.cp_is.not_in(c.CP_IS_UNCHECKED)),
                _action(c.ACTION_CHECK_CP_IS),
            ),
            "CP-IS not checked",
        ),
        _Spec(
            "initial_survey_done",
            "protocol",
            lambda d: Assessment.survey_prompted.is_(True),
            lambda d: _investigation(c.SURVEY_INITIAL, InvestigationRow.status == "reported"),
            "initial skeletal survey not reported",
        ),
        _Spec(
            "follow_up_done",
            "case",
            follow_up,
            lambda d: _investigation(c.SURVEY_FOLLOW_UP, InvestigationRow.status == "reported"),
            "follow-up skeletal survey not reported",
        ),
        _Spec(
            "follow_up_in_window",
            "case",
            follow_up,
            lambda d: _investigation(
                c.SURVEY_FOLLOW_UP,
                InvestigationRow.status == "reported",
                InvestigationRow.due_from.is_not(None),
                _performed(d) >= InvestigationRow.due_from,
                _performed(d) <= InvestigationRow.due_to,
            ),
            "follow-up skeletal survey not done in its window",
        ),
        _Spec(
            "closed_with_results_pending",
            "case",
            lambda d: Case.status == "closed",
            # The pass condition of this metric is "not closed with a result pending".
            lambda d: not_(_investigation_pending()),
            "closed while an investigation is pending",
        ),
        _Spec(
            "pre_birth_referrals",
            "pre_birth",
            None,
            lambda d: _action(c.ACTION_PRE_BIRTH),
            "pre-birth referral not recorded",
        ),
    ]


def _investigation_pending() -> ColumnElement[bool]:
    return exists(
        select(InvestigationRow.id).where(
            InvestigationRow.case_id == Case.id, InvestigationRow.status == "pending"
        )
    )


class ComplianceQueries:
    """Aggregates for one period and scope, on one session."""

    def __init__(self, session: Session, f: AuditFilter, as_of: date | None = None) -> None:
        self.s = session
        self.f = f
        self.as_of = min(as_of or f.end, f.end)
        self.d = _Dialect(session.get_bind().dialect.name)
        self.start = datetime.combine(f.start, time.min)
        self.stop = datetime.combine(f.end + timedelta(days=1), time.min)

    def _join_case(self, q: Select[Any]) -> Select[Any]:
        """The case a presentation belongs to (opened for it, or joined later: C8)."""
        q = q.outerjoin(
            CasePresentationRow, CasePresentationRow.presentation_id == Assessment.presentation_id
        )
        return q.outerjoin(Case, Case.id == CasePresentationRow.case_id)

    # -- scopes -----------------------------------------------------------------------------

    def _scoped(
        self, q: Select[Any], scope: str, presentation: bool = False, cases: bool = True
    ) -> Select[Any]:
        q = q.select_from(Assessment)
        if presentation or self.f.organisation:
            q = q.join(Presentation, Presentation.id == Assessment.presentation_id)
        if scope == "case":
            # Case-level metrics: each case once, through the presentation it was opened for.
            q = q.join(Case, Case.presentation_id == Assessment.presentation_id)
        elif cases:
            q = self._join_case(q)
        q = q.where(Assessment.assessed_at >= self.start, Assessment.assessed_at < self.stop)
        if scope in ("protocol", "case"):
            q = q.where(Assessment.protocol_triggered.is_(True))
        elif scope == "nim":
            q = q.where(Assessment.nim.is_(True))
        elif scope == "pre_birth":
            q = q.where(Assessment.pre_birth.is_(True))
        if self.f.setting:
            q = q.where(Assessment.setting == self.f.setting)
        if self.f.organisation:
            q = q.where(Presentation.organisation == self.f.organisation)
        return q

    def _filters(self, q: Select[Any]) -> Select[Any]:
        """The setting and organisation filters on a query over presentations alone."""
        if self.f.setting:
            q = q.where(Presentation.setting == self.f.setting)
        if self.f.organisation:
            q = q.where(Presentation.organisation == self.f.organisation)
        return q

    def _monthly(
        self, scope: str, numerator: ColumnElement[bool], denominator: ColumnElement[bool] | None
    ) -> list[tuple[str, int, int]]:
        month = self.d.month(Assessment.assessed_at).label("month")
        ok = case((numerator, 1), else_=0)
        q = self._scoped(select(month, func.sum(ok), func.count()), scope)
        if denominator is not None:
            q = q.where(denominator)
        q = q.group_by(month).order_by(month)
        return [(m, int(n or 0), int(t)) for m, n, t in self.s.execute(q)]

    def _monthly_many(
        self, scope: str, pairs: list[tuple[ColumnElement[bool], ColumnElement[bool] | None]]
    ) -> list[list[tuple[str, int, int]]]:
        """Several metrics of one scope in one pass: per month, each (numerator, denominator)."""
        month = self.d.month(Assessment.assessed_at).label("month")
        cols: list[Any] = [month]
        for ok, den in pairs:
            in_den = den if den is not None else true()
            cols.append(func.sum(case((and_(in_den, ok), 1), else_=0)))
            cols.append(func.sum(case((in_den, 1), else_=0)))
        q = self._scoped(select(*cols), scope).group_by(month).order_by(month)
        out: list[list[tuple[str, int, int]]] = [[] for _ in pairs]
        for row in self.s.execute(q):
            for i in range(len(pairs)):
                n, t = int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0)
                if t:
                    out[i].append((row[0], n, t))
        return out

    def _counts(
        self, metric_id: str, rows: list[tuple[str, int, int]], **extra: Any
    ) -> MetricCounts:
        months = c.fill_months(self.f.start, self.f.end, rows)
        return MetricCounts(
            metric_id,
            sum(m.numerator for m in months),
            sum(m.denominator for m in months),
            months,
            computed_on=extra.pop("computed_on", "assessments, cases, actions, investigations"),
            **extra,
        )

    # -- metrics ----------------------------------------------------------------------------

    def all_metrics(self, drill_limit: int = DRILL_LIMIT) -> list[MetricCounts]:
        """Every metric of :data:`triage_app.domain.compliance.METRICS`, in its order.

        One pass per scope for the monthly counts (the protocol presentations' metrics
        together; all assessments for the NIM and exception counts), then each metric's
        failing rows (stopping at ``drill_limit``).
        """
        out: dict[str, MetricCounts] = dict(self.presentation_counts())
        out["sentinel_children"] = self.sentinel_children()
        out["supervision_decided_with_health"] = self.supervision_decided_with_health()
        specs = _specs(self.as_of)
        for scope in ("protocol", "case", "pre_birth"):
            group = [sp for sp in specs if sp.scope == scope]
            pairs = []
            for sp in group:
                ok, den = sp.ok(self.d), sp.denominator(self.d) if sp.denominator else None
                # closed_with_results_pending counts its failures (the protocol requires 0).
                pairs.append((not_(ok) if sp.id == "closed_with_results_pending" else ok, den))
            for sp, rows in zip(group, self._monthly_many(scope, pairs), strict=True):
                out[sp.id] = self._finish(sp, rows, drill_limit)
        return [out[m] for m in c.METRIC_IDS]

    def proportion(self, spec: _Spec, drill_limit: int = DRILL_LIMIT) -> MetricCounts:
        """One metric on its own: (rows passing) of (rows in its denominator), by month."""
        ok = spec.ok(self.d)
        den = spec.denominator(self.d) if spec.denominator else None
        num = not_(ok) if spec.id == "closed_with_results_pending" else ok
        [rows] = self._monthly_many(spec.scope, [(num, den)])
        return self._finish(spec, rows, drill_limit)

    def _finish(
        self, spec: _Spec, rows: list[tuple[str, int, int]], drill_limit: int
    ) -> MetricCounts:
        ok = spec.ok(self.d)
        den = spec.denominator(self.d) if spec.denominator else None
        extra: dict[str, Any] = {}
        if spec.id == "phoned_same_day":
            extra["median_minutes"], extra["p90_minutes"] = self.call_times()
        failing = self.failing(spec.scope, ok, den, spec.detail, drill_limit)
        return self._counts(spec.id, rows, failing=failing, **extra)

    def failing(
        self,
        scope: str,
        ok: ColumnElement[bool],
        denominator: ColumnElement[bool] | None,
        detail: str,
        limit: int = DRILL_LIMIT,
    ) -> tuple[FailingCase, ...]:
        """The failing rows: case id, presentation id, age in days, setting, month."""
        q = select(
            Case.id,
            Presentation.id,
            self.d.age_days(Child.date_of_birth, Assessment.assessed_at),
            Presentation.setting,
            self.d.month(Assessment.assessed_at),
        )
        q = self._scoped(q, scope, True).join(Child, Child.id == Presentation.child_id)
        if denominator is not None:
            q = q.where(denominator)
        q = q.where(not_(ok)).order_by(Assessment.assessed_at, Presentation.id).limit(limit)
        return tuple(
            FailingCase(case_id, pid, c.age_from_days(age), setting, month, detail)
            for case_id, pid, age, setting, month in self.s.execute(q)
        )

    def call_times(self) -> tuple[float | None, float | None]:
        """Median and 90th percentile (nearest rank) of minutes from assessment to the call.

        The call is the case's first recorded phone referral (``phone_csc``) on or after the
        day of the assessment.
        """
        first_call = (
            select(func.min(CaseActionRow.at))
            .where(
                CaseActionRow.case_id == Case.id,
                CaseActionRow.kind == c.ACTION_PHONE,
                CaseActionRow.waived.is_not(True),
                _not_undone(),
                self.d.day(CaseActionRow.at) >= self.d.day(Assessment.assessed_at),
            )
            .scalar_subquery()
        )
        minutes = self.d.minutes(Assessment.assessed_at, first_call)
        base = self._scoped(select(minutes.label("m")), "protocol").subquery()
        inner = (
            select(
                base.c.m,
                func.row_number().over(order_by=base.c.m).label("rn"),
                func.count().over().label("n"),
            )
            .where(base.c.m.is_not(None))
            .subquery()
        )
        sub = inner
        rank50 = func.max(case((sub.c.rn * 2 >= sub.c.n, None), else_=sub.c.rn)) + 1
        rank90 = func.max(case((sub.c.rn * 10 >= sub.c.n * 9, None), else_=sub.c.rn)) + 1
        ranks = select(rank50.label("r50"), rank90.label("r90"), func.max(sub.c.n)).subquery()
        row = self.s.execute(
            select(
                func.max(case((sub.c.rn == func.coalesce(ranks.c.r50, 1), sub.c.m))),
                func.max(case((sub.c.rn == func.coalesce(ranks.c.r90, 1), sub.c.m))),
            ).select_from(sub.join(ranks, true()))
        ).one()
        return (
            round(float(row[0]), 1) if row[0] is not None else None,
            round(float(row[1]), 1) if row[1] is not None else None,
        )

    def presentation_counts(self) -> list[tuple[str, MetricCounts]]:
        """``nim_presentations`` and ``exceptions_accepted`` from one grouped pass.

        Grouped by month, setting and accepted exception types (a few dozen groups); the
        groups are then added up by month, by setting and by type.
        """
        month = self.d.month(Assessment.assessed_at).label("month")
        setting = func.coalesce(Assessment.setting, "not recorded").label("setting")
        nim = Assessment.nim.is_(True)
        q = (
            self._scoped(
                select(
                    month,
                    setting,
                    Assessment.exception_types,
                    func.count(),
                    func.sum(case((Assessment.protocol_triggered.is_(True), 1), else_=0)),
                    func.sum(case((nim, 1), else_=0)),
                ),
                "all",
                cases=False,
            )
            .group_by(month, setting, Assessment.exception_types)
            .order_by(month)
        )
        by_month: dict[str, list[int]] = {}
        by_setting: dict[str, list[int]] = {}
        by_type: dict[str, int] = {}
        for mo, st, types, total, triggered, nims in self.s.execute(q):
            total, triggered, nims = int(total), int(triggered or 0), int(nims or 0)
            m = by_month.setdefault(mo, [0, 0, 0, 0])  # triggered, all, accepted, nim
            m[0] += triggered
            m[1] += total
            m[3] += nims
            st_row = by_setting.setdefault(st, [0, 0])
            st_row[0] += triggered
            st_row[1] += total
            if types is not None and nims:
                m[2] += nims
                by_type[str(types)] = by_type.get(str(types), 0) + nims
        nim_total = sum(v[3] for v in by_month.values())
        return [
            (
                "nim_presentations",
                self._counts(
                    "nim_presentations",
                    [(mo, v[0], v[1]) for mo, v in by_month.items()],
                    breakdown=tuple((k, v[0], v[1]) for k, v in sorted(by_setting.items())),
                ),
            ),
            (
                "exceptions_accepted",
                self._counts(
                    "exceptions_accepted",
                    [(mo, v[2], v[3]) for mo, v in by_month.items()],
                    breakdown=tuple((k, n, nim_total) for k, n in sorted(by_type.items())),
                ),
            ),
        ]

    def sentinel_children(self) -> MetricCounts:
        """Children with two or more NIM presentations in the period (month of the second)."""
        rn = func.row_number().over(
            partition_by=Presentation.child_id, order_by=(Presentation.seen_at, Presentation.id)
        )
        inner = self._filters(
            select(self.d.month(Presentation.seen_at).label("month"), rn.label("rn")).where(
                Presentation.seen_at >= self.start,
                Presentation.seen_at < self.stop,
                Presentation.nim_at_time.is_(True),
            )
        ).subquery()
        q = (
            select(
                inner.c.month,
                func.sum(case((inner.c.rn == 2, 1), else_=0)),
                func.sum(case((inner.c.rn == 1, 1), else_=0)),
            )
            .group_by(inner.c.month)
            .order_by(inner.c.month)
        )
        rows = [(m, int(n or 0), int(t or 0)) for m, n, t in self.s.execute(q)]
        return self._counts(
            "sentinel_children", rows, computed_on="presentations (NIM at the time)"
        )

    def supervision_decided_with_health(self, limit: int = DRILL_LIMIT) -> MetricCounts:
        """Supervision decisions taken with health and children's social care present (C4).

        Meetings held in the period that impose, change or relax supervision, on cases opened
        for protocol presentations (each meeting once, in the month it was held).
        """

        def agency(name: str) -> ColumnElement[bool]:
            return exists(
                select(MeetingAttendeeRow.id).where(
                    MeetingAttendeeRow.meeting_id == StrategyMeetingRow.id,
                    MeetingAttendeeRow.agency == name,
                )
            )

        ok = and_(agency("health"), agency("csc"))
        month = self.d.month(StrategyMeetingRow.held_at).label("month")

        def scoped(q: Select[Any]) -> Select[Any]:
            q = (
                q.select_from(StrategyMeetingRow)
                .join(Case, Case.id == StrategyMeetingRow.case_id)
                .join(Assessment, Assessment.presentation_id == Case.presentation_id)
                .where(
                    StrategyMeetingRow.held_at >= self.start,
                    StrategyMeetingRow.held_at < self.stop,
                    StrategyMeetingRow.supervision_decision.in_(c.SUPERVISION_CHANGES),
                    Assessment.protocol_triggered.is_(True),
                )
            )
            if self.f.setting:
                q = q.where(Assessment.setting == self.f.setting)
            if self.f.organisation:
                q = q.join(Presentation, Presentation.id == Case.presentation_id).where(
                    Presentation.organisation == self.f.organisation
                )
            return q

        q = scoped(select(month, func.sum(case((ok, 1), else_=0)), func.count()))
        rows = [
            (m, int(n or 0), int(t))
            for m, n, t in self.s.execute(q.group_by(month).order_by(month))
        ]
        fq = scoped(
            select(
                Case.id,
                Case.presentation_id,
                self.d.age_days(Child.date_of_birth, StrategyMeetingRow.held_at),
                Assessment.setting,
                month,
            )
        ).join(Child, Child.id == Case.child_id)
        fq = fq.where(not_(ok)).order_by(StrategyMeetingRow.held_at).limit(limit)
        failing = tuple(
            FailingCase(cid, pid, c.age_from_days(age), setting, mo,
                        "supervision decided without health and children's social care")
            for cid, pid, age, setting, mo in self.s.execute(fq)
        )  # fmt: skip
        return self._counts(
            "supervision_decided_with_health",
            rows,
            failing=failing,
            computed_on="strategy meetings and their attendees' agencies",
        )
