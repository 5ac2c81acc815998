"""The printable protocol-compliance audit: summary, run charts (XmR) and failing cases.

ReportLab only (its own graphics draw the charts). Every metric carries the rule that defines
it. The document holds case ids, ages and settings, never a name, NHS number or date of birth;
with ``suppress`` counts of 1 to 4 read "<5", months with such counts are not plotted, and
the case-by-case lists are left out.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from triage_app.domain import compliance as c
from triage_app.domain.compliance import AuditReport, Kind, MetricResult
from triage_app.domain.spc import (
    ASSURANCE_CATEGORY,
    ASSURANCE_LETTER,
    ASSURANCE_TEXT,
    COLOURS,
    VARIATION_TEXT,
    icon_category,
    icon_letter,
    point_category,
)
from triage_app.report.fonts import SANS, SANS_BOLD
from triage_app.report.styles import FRAME_WIDTH, GREY, MARGIN_X, PALE, RULE, styles

CHART_HEIGHT = 52 * mm
DRILL_ROWS = 25


def _hex(name: str) -> colors.Color:
    return colors.HexColor(COLOURS[name])


def icon(category: str, letter: str, size: float = 14) -> Drawing:
    """A round "Making Data Count" icon: a coloured ring with a letter (H, L, P, F, ?)."""
    d = Drawing(size, size)
    d.add(Circle(size / 2, size / 2, size / 2 - 1, strokeColor=_hex(category), strokeWidth=1.6,
                 fillColor=colors.white))  # fmt: skip
    if letter:
        d.add(String(size / 2, size / 2 - 3, letter, fontName=SANS_BOLD, fontSize=8,
                     fillColor=_hex(category), textAnchor="middle"))  # fmt: skip
    return d


def run_chart(m: MetricResult, width: float, height: float, suppress: bool) -> Drawing:
    """The XmR run chart of one metric: points coloured by special cause, mean, limits, target."""
    d = Drawing(width, height)
    chart = m.chart
    months = m.chart_months
    if chart is None:
        d.add(String(4, height / 2, "Too few months with data for a chart.", fontName=SANS,
                     fontSize=8, fillColor=GREY))  # fmt: skip
        return d
    left, right, bottom, top = 34.0, 8.0, 18.0, 8.0
    pw, ph = width - left - right, height - bottom - top
    values = chart.values
    lo, hi = c.chart_range(m.definition.kind, chart)
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    n = len(values)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return bottom + ph * (min(max(v, lo), hi) - lo) / (hi - lo)

    d.add(Line(left, bottom, left, bottom + ph, strokeColor=RULE, strokeWidth=0.5))
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=RULE, strokeWidth=0.5))
    for value, name, dash in (
        (chart.mean, "mean", None),
        (chart.upper_limit, "limit", (3, 2)),
        (chart.lower_limit, "limit", (3, 2)),
    ):
        if lo <= value <= hi:
            line = Line(left, y(value), left + pw, y(value), strokeColor=_hex(name),
                        strokeWidth=0.7)  # fmt: skip
            if dash is not None:
                line.strokeDashArray = dash  # else ReportLab's default: a solid line
            d.add(line)
    if chart.target is not None and lo <= chart.target <= hi:
        ty = y(chart.target)
        d.add(Line(left, ty, left + pw, ty, strokeColor=_hex("target"), strokeWidth=0.8,
                   strokeDashArray=(1, 2)))  # fmt: skip
    for tick in (lo + pad, (lo + hi) / 2, hi - pad):
        d.add(String(left - 3, y(tick) - 2.5, f"{tick:.0f}", fontName=SANS, fontSize=6,
                     fillColor=GREY, textAnchor="end"))  # fmt: skip
    hidden = {
        i
        for i, mo in enumerate(months)
        if suppress and (c.is_small(mo.numerator) or c.is_small(mo.denominator)
                         or c.is_small(mo.denominator - mo.numerator))
    }  # fmt: skip
    coords = [(x(i), y(v)) for i, v in enumerate(values) if i not in hidden]
    if len(coords) > 1:
        d.add(
            PolyLine([p for xy in coords for p in xy], strokeColor=_hex("common"), strokeWidth=0.8)
        )
    for i, point in enumerate(chart.points):
        if i in hidden:
            continue
        colour = _hex(point_category(point, chart.direction))
        d.add(Circle(x(i), y(point.value), 2.2, fillColor=colour, strokeColor=colour))
    step = max(1, n // 12)
    for i, mo in enumerate(months):
        if i % step == 0 or i == n - 1:
            d.add(String(x(i), 6, mo.month, fontName=SANS, fontSize=5.5, fillColor=GREY,
                         textAnchor="middle"))  # fmt: skip
    return d


def _figure(m: MetricResult, suppress: bool) -> str:
    k = m.counts
    if not k.available:
        return "not computed"
    num, den = c.shown_count(k.numerator, suppress), c.shown_count(k.denominator, suppress)
    pct = c.shown_percent(k.numerator, k.denominator, suppress)
    text = f"{num} of {den}"
    if pct is not None:
        text += f" ({pct}%)" if not isinstance(pct, str) else f" ({pct})"
    return text


def _summary(report: AuditReport, suppress: bool) -> Table:
    s = styles()
    rows: list[list[object]] = [
        [
            Paragraph(f"<b>{h}</b>", s.cell)
            for h in ("Metric", "Result", "Target", "Variation", "Assurance")
        ]  # fmt: skip
    ]
    for m in report.metrics:
        target = "" if m.definition.target is None else f"{m.definition.target:g}"
        if m.definition.kind is Kind.PROPORTION and target:
            target += "%"
        var = (
            icon(icon_category(m.chart.variation), icon_letter(m.chart.variation))
            if m.chart
            else ""
        )
        ass = (
            icon(ASSURANCE_CATEGORY[m.chart.assurance], ASSURANCE_LETTER[m.chart.assurance])
            if m.chart and m.chart.assurance.value != "no_target"
            else ""
        )
        flag = " <font color='#D5281B'>(below target)</font>" if m.failing_overall else ""
        rows.append([
            Paragraph(escape(m.definition.title) + flag, s.cell),
            Paragraph(escape(_figure(m, suppress)), s.cell),
            Paragraph(target, s.cell),
            var,
            ass,
        ])  # fmt: skip
    widths = [FRAME_WIDTH * f for f in (0.43, 0.22, 0.09, 0.12, 0.14)]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))  # fmt: skip
    return table


def _metric_section(m: MetricResult, suppress: bool) -> list[Flowable]:
    s = styles()
    d, k = m.definition, m.counts
    parts: list[Flowable] = [
        Paragraph(f"{escape(d.title)} <font color='#4C6272'>({escape(d.id)})</font>", s.h2),
        Paragraph("<b>Rule:</b> " + escape(d.rule), s.small),
        Spacer(0, 2),
        Paragraph("<b>Result:</b> " + escape(_figure(m, suppress)), s.body),
    ]
    if not k.available:
        parts.append(Paragraph(escape(k.computed_on), s.small))
        return parts
    if d.id == "phoned_same_day" and k.median_minutes is not None:
        parts.append(Paragraph(
            f"Minutes from the assessment to the phone referral: median {k.median_minutes:g}, "
            f"90th percentile {k.p90_minutes:g}.", s.body))  # fmt: skip
    if k.breakdown:
        text = "; ".join(
            f"{escape(label)}: {c.shown_count(n, suppress)} of {c.shown_count(t, suppress)}"
            for label, n, t in k.breakdown
        )
        parts.append(Paragraph("<b>Breakdown:</b> " + text, s.body))
    if m.chart is not None:
        ch = m.chart
        parts.append(Paragraph(
            f"Mean {ch.mean:.1f}; process limits {ch.lower_limit:.1f} to {ch.upper_limit:.1f} "
            f"(mean &plusmn; 2.66 &times; mean moving range {ch.mean_moving_range:.1f}). "
            f"Variation: {escape(VARIATION_TEXT[ch.variation])}. "
            f"Assurance: {escape(ASSURANCE_TEXT[ch.assurance])}.", s.small))  # fmt: skip
    parts.append(run_chart(m, FRAME_WIDTH, CHART_HEIGHT, suppress))
    if k.failing and not suppress:
        rows = [["Case", "Age", "Setting", "Month", "Why"]]
        for f in k.failing[:DRILL_ROWS]:
            rows.append([
                str(f.case_id) if f.case_id is not None else f"no case (P{f.presentation_id})",
                f.child_age, f.setting or "", f.month, f.detail,
            ])  # fmt: skip
        table = Table(rows, colWidths=[FRAME_WIDTH * w for w in (0.16, 0.1, 0.16, 0.1, 0.48)])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 7),
            ("FONT", (0, 0), (-1, 0), SANS_BOLD, 7),
            ("GRID", (0, 0), (-1, -1), 0.3, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ]))  # fmt: skip
        more = len(k.failing) - DRILL_ROWS
        parts += [Paragraph(f"<b>Failing cases</b> ({len(k.failing)} listed)", s.h3), table]
        if more > 0:
            parts.append(Paragraph(f"... and {more} more (see the CSV export).", s.small))
    return parts


def build_audit_pdf(report: AuditReport, *, suppress: bool = False) -> bytes:
    """The audit report as PDF bytes."""
    s = styles()
    f = report.filter
    scope = f"setting {f.setting or 'all'}, organisation {f.organisation or 'all'}"
    story: list[Flowable] = [
        Paragraph(
            "Protocol compliance audit: injuries in children not independently mobile", s.title
        ),
        Paragraph(
            escape(
                f"{f.start.isoformat()} to {f.end.isoformat()}; {scope}; generated "
                f"{report.generated_at}"
            ),
            s.subtitle,
        ),  # fmt: skip
        Spacer(0, 3),
        Paragraph(
            "Run charts in the NHS &quot;Making Data Count&quot; style (XmR): points outside the "
            "process limits, a run of 7 on one side of the mean, a trend of 7, or two of three "
            "near a limit are special cause (blue: improvement, orange: concern, purple: "
            "neither). Icons: H/L the latest special cause high or low; P, F or ? the target "
            "will be consistently met, consistently failed, or hit and missed.",
            s.small,
        ),  # fmt: skip
    ]
    if suppress:
        story.append(Paragraph(
            "Small numbers suppressed for sharing: counts of 1 to 4 read &lt;5, such months "
            "are not plotted, and no case is listed.", s.small))  # fmt: skip
    story += [Spacer(0, 4), _summary(report, suppress)]
    for note in report.notes:
        story.append(Paragraph(escape(note), s.small))
    for m in report.metrics:
        story.append(KeepTogether(_metric_section(m, suppress)))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=15 * mm, bottomMargin=15 * mm,
        title="Protocol compliance audit", author="triage-app",
    )  # fmt: skip
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(SANS, 7)
    canvas.setFillColor(GREY)
    canvas.drawString(MARGIN_X, 8 * mm, "Protocol compliance audit: no names, NHS numbers or "
                      f"dates of birth. Page {doc.page}")  # fmt: skip
    canvas.restoreState()
