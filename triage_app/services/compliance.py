"""Use-case: the protocol-compliance audit (safeguarding leads only) and its exports.

One service gives the report to the command line (``triage-app audit-report``) and to the
window's Audit screen. The counts are SQL aggregates (:mod:`triage_app.store.compliance`);
the rules and charts are pure (:mod:`triage_app.domain.compliance`,
:mod:`triage_app.domain.spc`). Exports (JSON, CSV, PDF) carry case ids, ages and settings,
never a name, NHS number or date of birth; with ``suppress`` counts of 1 to 4 read "<5"
and the case-by-case lists are left out (for sharing outside the organisation).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from triage_app.domain import compliance as c
from triage_app.domain.access import Permission
from triage_app.domain.compliance import AuditFilter, AuditReport, MetricResult
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.spc import ASSURANCE_TEXT, VARIATION_TEXT
from triage_app.domain.vocab import Setting
from triage_app.services.context import StoreContext
from triage_app.services.permissions import require
from triage_app.store.compliance import DRILL_LIMIT, ComplianceQueries


def validate_filter(f: AuditFilter) -> None:
    """Raise InputError for a reversed period, an over-long one or an unknown setting."""
    problems = []
    if f.end < f.start:
        problems.append(Problem("--to", "is before --from"))
    elif (f.end - f.start).days > 3 * 366:
        problems.append(Problem("--from/--to", "a report covers at most three years"))
    if f.setting is not None and f.setting not in {s.value for s in Setting}:
        known = ", ".join(s.value for s in Setting)
        problems.append(Problem("--setting", f"unknown setting {f.setting!r} (known: {known})"))
    if problems:
        raise InputError(problems)


def audit_report(
    ctx: StoreContext, f: AuditFilter, *, drill_limit: int = DRILL_LIMIT
) -> AuditReport:
    """Compute every metric for the period and scope (audited view).

    Raises:
        AccessDeniedError: the signed-in user is not a safeguarding lead.
        InputError: the filter is malformed.
    """
    require(ctx, Permission.VIEW_AUDIT)
    validate_filter(f)
    now = ctx.clock()
    with ctx.transaction() as s:
        counts = ComplianceQueries(s, f, as_of=now.date()).all_metrics(drill_limit)
        ctx.audit(s, "view", "audit_report", None, after=_filter_json(f))
    notes = tuple(f"{m.id}: {m.computed_on}" for m in counts if not m.available)
    return AuditReport(
        f,
        tuple(c.result_for(m) for m in counts),
        generated_at=now.isoformat(timespec="minutes"),
        notes=notes,
    )


def record_export(ctx: StoreContext, report: AuditReport, kind: str, suppress: bool) -> None:
    """Audit that a report was exported (what, with which filter; never the file's content)."""
    with ctx.transaction() as s:
        ctx.audit(
            s,
            "export",
            "audit_report",
            None,
            after={**_filter_json(report.filter), "format": kind, "suppress_small": suppress},
        )


def _filter_json(f: AuditFilter) -> dict[str, Any]:
    return {
        "from": f.start.isoformat(),
        "to": f.end.isoformat(),
        "setting": f.setting,
        "organisation": f.organisation,
    }


# -- exports -------------------------------------------------------------------------------


def metric_json(m: MetricResult, suppress: bool) -> dict[str, Any]:
    """One metric as exported (JSON-able): no name, NHS number or date of birth."""
    d, k = m.definition, m.counts
    out: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "rule": d.rule,
        "available": k.available,
        "computed_on": k.computed_on,
        "numerator": c.shown_count(k.numerator, suppress),
        "denominator": c.shown_count(k.denominator, suppress),
        "percent": c.shown_percent(k.numerator, k.denominator, suppress),
        "target": d.target,
        "meets_target": None if d.target is None or not k.available else not m.failing_overall,
        "months": [
            {
                "month": mc.month,
                "numerator": c.shown_count(mc.numerator, suppress),
                "denominator": c.shown_count(mc.denominator, suppress),
                "percent": c.shown_percent(mc.numerator, mc.denominator, suppress),
            }
            for mc in k.months
        ],
        "breakdown": [
            {
                "label": label,
                "numerator": c.shown_count(n, suppress),
                "denominator": c.shown_count(t, suppress),
            }
            for label, n, t in k.breakdown
        ],
    }
    if d.id == "phoned_same_day":
        out["minutes_to_phone_referral"] = {"median": k.median_minutes, "p90": k.p90_minutes}
    if m.chart is not None:
        out["chart"] = {
            "mean": round(m.chart.mean, 2),
            "lower_process_limit": round(m.chart.lower_limit, 2),
            "upper_process_limit": round(m.chart.upper_limit, 2),
            "variation": m.chart.variation.value,
            "variation_text": VARIATION_TEXT[m.chart.variation],
            "assurance": m.chart.assurance.value,
            "assurance_text": ASSURANCE_TEXT[m.chart.assurance],
            "special_cause_points": sum(1 for p in m.chart.points if p.special),
        }
    if not suppress:
        out["failing"] = [
            {
                "case_id": f.case_id,
                "presentation_id": f.presentation_id,
                "child_age": f.child_age,
                "setting": f.setting,
                "month": f.month,
                "why": f.detail,
            }
            for f in k.failing
        ]
        out["failing_listed"] = len(k.failing)
    return out


def report_json(report: AuditReport, suppress: bool = False) -> dict[str, Any]:
    """The whole report as exported (JSON-able)."""
    return {
        "schema": "triage-audit-report/1",
        "filter": _filter_json(report.filter),
        "generated_at": report.generated_at,
        "suppress_small": suppress,
        "metrics": [metric_json(m, suppress) for m in report.metrics],
        "notes": list(report.notes),
    }


CSV_HEADER = (
    "section",
    "metric",
    "month_or_label",
    "numerator",
    "denominator",
    "percent",
    "case_id",
    "child_age",
    "setting",
    "rule",
)


def report_csv(report: AuditReport, suppress: bool = False) -> str:
    """The report as CSV: one summary row per metric, its months, breakdowns and failures."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    f = report.filter
    w.writerow(("period", "", f"{f.start.isoformat()} to {f.end.isoformat()}", "", "", "", "",
                "", f.setting or "all", f.organisation or "all"))  # fmt: skip
    for m in report.metrics:
        j = metric_json(m, suppress)
        w.writerow(("summary", j["id"], "", j["numerator"], j["denominator"],
                    _blank(j["percent"]), "", "", "", j["rule"]))  # fmt: skip
        for mo in j["months"]:
            w.writerow(("month", j["id"], mo["month"], mo["numerator"], mo["denominator"],
                        _blank(mo["percent"]), "", "", "", ""))  # fmt: skip
        for b in j["breakdown"]:
            w.writerow(("breakdown", j["id"], b["label"], b["numerator"], b["denominator"],
                        "", "", "", "", ""))  # fmt: skip
        for fc in j.get("failing", []):
            w.writerow(("failing", j["id"], fc["month"], "", "", "", _blank(fc["case_id"]),
                        fc["child_age"], fc["setting"] or "", fc["why"]))  # fmt: skip
    return buf.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value


def write_csv(ctx: StoreContext, report: AuditReport, path: Path, suppress: bool) -> Path:
    """Write the CSV export and audit it."""
    path.write_text(report_csv(report, suppress), encoding="utf-8")
    record_export(ctx, report, "csv", suppress)
    return path


def write_pdf(ctx: StoreContext, report: AuditReport, path: Path, suppress: bool) -> Path:
    """Write the printable PDF (run charts, rules, drill-down) and audit it."""
    from triage_app.report.audit_report import build_audit_pdf

    path.write_bytes(build_audit_pdf(report, suppress=suppress))
    record_export(ctx, report, "pdf", suppress)
    return path


def parse_day(text: str, option: str) -> date:
    """A ``YYYY-MM-DD`` date, or InputError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError([Problem(option, f"not a date YYYY-MM-DD: {text!r}")]) from None
