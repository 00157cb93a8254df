"""Charts of the highlight report as inline SVG: WeasyPrint draws them crisply, no JS needed."""

import base64
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 44, 22, 12, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BLUE, GREY, ORANGE, RED = "#1f4e79", "#9aa5b1", "#e07b00", "#c0392b"
HEAT = ["#2e7d32", "#9ccc65", "#fbc02d", "#ef6c00", "#c62828"]


def compact_amount(value: float) -> str:
    """An axis amount in the reader's number format: 0, 850, 679 k, 1,4 M (never "1.357 k")."""
    if abs(value) >= 999_500:
        # number_format cuts decimals off rather than rounding them: round first.
        millions = round(value / 1_000_000, 1 if abs(value) < 9_950_000 else 0)
        return f"{number_format(millions, 1 if abs(millions) < 10 else 0, force_grouping=True)} M"
    if abs(value) >= 1000:
        return f"{number_format(round(value / 1000), 0, force_grouping=True)} k"
    return number_format(round(value), 0, force_grouping=True)


def _x(index: int, count: int) -> float:
    return LEFT + (PLOT_W * index / (count - 1) if count > 1 else PLOT_W / 2)


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H - (PLOT_H * value / top if top else 0)


def _text(x: float, y: float, label, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(str(label))}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"{extra}/>'


def _polyline(points: list[tuple[float, float]], colour: str, dashed: bool = False) -> str:
    if not points:
        return ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="{colour}"/>' for x, y in points)
    return f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>{dots}'


def _frame(top: float, ticks: Sequence[tuple[float, str]], weeks: list[date]) -> str:
    parts = [
        f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="#fbfcfd" stroke="#d5dbe1"/>'
    ]
    for value, label in ticks:
        y = _y(value, top)
        parts.append(_line(LEFT, y, LEFT + PLOT_W, y, "#e6eaee"))
        parts.append(_text(LEFT - 5, y + 3, label, "end"))
    step = max(1, len(weeks) // 5)
    for index, week in enumerate(weeks):
        if index % step == 0 or index == len(weeks) - 1:
            x = _x(index, len(weeks))
            parts.append(_text(x, TOP + PLOT_H + 14, date_format(week, "j M")))
    return "".join(parts)


def _legend(entries: list[tuple[str, str, bool]]) -> str:
    parts, x = [], LEFT
    for colour, label, dashed in entries:
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        y = HEIGHT - 6
        parts.append(_line(x, y - 3, x + 18, y - 3, colour, f' stroke-width="2"{dash}'))
        parts.append(_text(x + 22, y, label, "start"))
        x += 34 + 6 * len(str(label))
    return "".join(parts)


def _svg(body: str, title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img">'
        f'<title>{escape(title)}</title><g font-size="10" fill="#44505c">{body}</g></svg>'
    )


def as_image(svg: SafeString | None) -> SafeString | None:
    """One of these charts as an <img> of its SVG, for the PDF: it looks the same and renders faster.

    WeasyPrint parses an inline <svg> with the HTML parser, cascades the document's stylesheets onto every
    shape, then serializes it and parses it again as an image; an <img> skips the first two. The image
    keeps the chart's class (its width in the PDF's stylesheet) and its title, already escaped, as alt.
    """
    if svg is None:
        return None
    css_class = re.search(r'<svg [^>]*class="([^"]*)"', svg)
    title = re.search(r"<title>([^<]*)</title>", svg)
    data = base64.b64encode(str(svg).encode()).decode()
    return mark_safe(
        f'<img class="{css_class.group(1) if css_class else ""}" alt="{title.group(1) if title else ""}" '
        f'src="data:image/svg+xml;base64,{data}">'
    )


def progress_curve(*, weeks: list[date], planned: list, actual: list, labels: dict) -> SafeString | None:
    """The S-curve: planned progress (from the baseline dates) against the progress reported."""
    if len(weeks) < 2:
        return None
    ticks = [(value, f"{value} %") for value in (0, 25, 50, 75, 100)]
    planned_points = [(_x(i, len(weeks)), _y(float(v), 100)) for i, v in enumerate(planned) if v is not None]
    actual_points = [(_x(i, len(weeks)), _y(float(v), 100)) for i, v in enumerate(actual) if v is not None]
    body = _frame(100, ticks, weeks) + _polyline(planned_points, GREY, dashed=True)
    body += _polyline(actual_points, BLUE)
    legend = [(GREY, labels["planned"], True)]
    if actual_points:
        legend.append((BLUE, labels["actual"], False))
    return _svg(body + _legend(legend), labels["title"])


def budget_burn(
    *, weeks: list[date], budget: Decimal, committed: list, actual: list, labels: dict
) -> SafeString | None:
    """Committed and actual cost week by week, under the budget line."""
    values = [v for v in (*committed, *actual) if v is not None]
    if len(weeks) < 2 or not any(values):
        return None
    top = float(max([budget, *values])) * 1.1 or 1.0
    ticks = [(top * share, compact_amount(top * share)) for share in (0, 0.25, 0.5, 0.75, 1.0)]
    body = _frame(top, ticks, weeks)
    y = _y(float(budget), top)
    body += _line(LEFT, y, LEFT + PLOT_W, y, RED, ' stroke-dasharray="3 3"')
    for series, colour in ((committed, ORANGE), (actual, BLUE)):
        points = [(_x(i, len(weeks)), _y(float(v), top)) for i, v in enumerate(series) if v is not None]
        body += _polyline(points, colour)
    legend = [
        (RED, labels["budget"], True),
        (ORANGE, labels["committed"], False),
        (BLUE, labels["actual"], False),
    ]
    return _svg(body + _legend(legend), labels["title"])


def risk_heat_map(*, matrix: dict[str, int], labels: dict) -> SafeString:
    """The 5 x 5 probability-impact grid with the number of open risks in each cell."""
    cell, left, top = 34, 70, 10
    parts = []
    for probability in range(5, 0, -1):
        for impact in range(1, 6):
            score = probability * impact
            band = 0 if score <= 4 else 2 if score <= 9 else 3 if score <= 16 else 4  # REFERENCE section 4
            x, y = left + (impact - 1) * cell, top + (5 - probability) * cell
            count = matrix.get(f"{probability}-{impact}", 0)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{HEAT[band]}" rx="2"/>'
            )
            if count:
                parts.append(
                    f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                    f'fill="#fff" font-weight="bold" font-size="11">{count}</text>'
                )
        parts.append(_text(left - 6, top + (5 - probability) * cell + cell / 2 + 3, probability, "end"))
    for impact in range(1, 6):
        parts.append(_text(left + (impact - 1) * cell + cell / 2 - 1, top + 5 * cell + 12, impact))
    middle = top + 2.5 * cell
    parts.append(_text(left + 2.5 * cell, top + 5 * cell + 26, labels["impact"]))
    parts.append(_text(14, middle, labels["probability"], extra=f' transform="rotate(-90 14 {middle})"'))
    body = "".join(parts)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 260 220" class="chart heat" role="img">'
        f'<title>{escape(labels["title"])}</title><g font-size="9" fill="#44505c">{body}</g></svg>'
    )


def evm_s_curve(
    *, weeks: list[date], pv: list, ev: list, ac: list, bac: Decimal, labels: dict
) -> SafeString | None:
    """The earned-value S-curve (issue 15): cumulative PV from the baseline, EV and AC week by week."""
    values = [v for v in (*pv, *ev, *ac) if v is not None]
    if len(weeks) < 2 or not any(values):
        return None
    top = float(max([bac, *values])) * 1.1 or 1.0
    ticks = [
        (top * share, f"{number_format(round(top * share / 1000), 0, force_grouping=True)} k")
        for share in (0, 0.25, 0.5, 0.75, 1.0)
    ]
    body = _frame(top, ticks, weeks)
    y = _y(float(bac), top)
    body += _line(LEFT, y, LEFT + PLOT_W, y, RED, ' stroke-dasharray="3 3"')
    for series, colour, dashed in ((pv, GREY, True), (ev, BLUE, False), (ac, ORANGE, False)):
        points = [(_x(i, len(weeks)), _y(float(v), top)) for i, v in enumerate(series) if v is not None]
        body += _polyline(points, colour, dashed)
    legend = [
        (RED, labels["bac"], True),
        (GREY, labels["pv"], True),
        (BLUE, labels["ev"], False),
        (ORANGE, labels["ac"], False),
    ]
    return _svg(body + _legend(legend), labels["title"])
