"""Coverage-over-time charts drawn server-side as SVG (no JavaScript, no chart library).

Every label is escaped; colours are fixed presentation attributes, so the charts pass a
Content-Security-Policy that allows no inline style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from markupsafe import Markup, escape

PALETTE = ("#3b6ea5", "#c0703a", "#4f8a5b", "#8a5a9e", "#b3923a", "#5a8f96", "#a24f5f", "#6b6b6b")
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 180, 34, 28, 10


def _as_day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def counts_by_day(items: Iterable[tuple[date | datetime | str | None, str]]) -> dict[date, dict[str, int]]:
    """(published, outlet) pairs → {day: {outlet: count}}; undated items are left out."""
    days: dict[date, dict[str, int]] = {}
    for when, outlet in items:
        if when is None:
            continue
        bucket = days.setdefault(_as_day(when), {})
        bucket[outlet or "unknown"] = bucket.get(outlet or "unknown", 0) + 1
    return days


def _series_colours(days: Mapping[date, Mapping[str, int]]) -> dict[str, str]:
    totals: dict[str, int] = {}
    for per_outlet in days.values():
        for outlet, n in per_outlet.items():
            totals[outlet] = totals.get(outlet, 0) + n
    ordered = sorted(totals, key=lambda name: (-totals[name], name))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(ordered)}


def coverage_svg(days: Mapping[date, Mapping[str, int]], *, label: str = "Articles per day") -> Markup:
    """Stacked bars, one per day from the first to the last day, one colour per outlet."""
    if not days:
        return Markup('<p class="muted">No dated articles to chart.</p>')
    first, last = min(days), max(days)
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)][-90:]
    colours = _series_colours(days)
    peak = max(sum(days.get(d, {}).values()) for d in span) or 1
    plot_w, plot_h = WIDTH - PAD_LEFT - 6, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(span)
    bar_w = max(step * 0.8, 1.0)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>',
             f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 4}" y2="{PAD_TOP + plot_h}" '
             'stroke="#999" stroke-width="1"/>',
             f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 8}" text-anchor="end" font-size="11" fill="#666">{peak}</text>',
             f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11" fill="#666">0</text>']
    for i, day in enumerate(span):
        x, y = PAD_LEFT + i * step + (step - bar_w) / 2, float(PAD_TOP + plot_h)
        for outlet, n in sorted(days.get(day, {}).items(), key=lambda kv: list(colours).index(kv[0])):
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{colours[outlet]}"><title>{day.isoformat()} · {escape(outlet)}: {n}</title></rect>')
    for i in sorted({0, len(span) - 1, len(span) // 2}):
        x = PAD_LEFT + i * step + step / 2
        anchor = "start" if i == 0 and len(span) > 1 else "end" if i == len(span) - 1 and i else "middle"
        x = PAD_LEFT if anchor == "start" else WIDTH - 4 if anchor == "end" else x
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="11" '
                     f'fill="#666">{span[i].strftime("%d %b")}</text>')
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch swatch-{i % len(PALETTE)}"></span>{escape(name)}</li>'
                     for i, name in enumerate(colours))
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')
