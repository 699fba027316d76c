"""The report's server-made SVG charts, on the whole set of sites. Each has a title and a description, and the page
prints its figures in a table; a hidden figure is drawn as nothing and said so ("s"), a bound as a dashed bar.

The drawings are 320 units wide and their text at least 14 units high: on a 320 px phone (288 px of content) the
text renders at 12.6 px or more; the divide chart, drawn inside the synthèse's frame (254 px), uses 16 units."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from inclusion.reports.figures import MARK

WIDTH = 320
BLUE, GREY, INK = "#000091", "#6a6a6a", "#1e1e1e"
FONT = "DejaVu Sans, sans-serif"  # the browser's; the PDF passes its bundled Inter
TEXT = 14


def _open(key: str, title: str, description: str, height: int, font: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
        f'aria-labelledby="{key}-title {key}-desc" font-family="{font}">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]


def _shown(rate: dict[str, Any]) -> float | None:
    """The length to draw: the rate, else its bound."""
    if rate["value"] is not None:
        return rate["value"]
    return rate["at_least"] if rate["at_least"] is not None else rate["at_most"]


def divide_chart(entry: dict[str, Any], latest: dict[str, Any], font: str = FONT) -> dict[str, Any]:
    """The same people's fragility rate at their first and at their latest assessment, each with its 95 % interval
    (a dashed bar when only a bound can be published)."""
    bars = [("Première évaluation", entry["rate"]), ("Dernière évaluation", latest["rate"])]
    title = "Part des personnes en fragilité numérique, à la première puis à la dernière évaluation"
    said = "; ".join(f"{label} : {rate['display']}" for label, rate in bars)
    description = f"Mêmes personnes, ensemble des sites ; entre crochets, l'intervalle de confiance à 95 %. {said}."
    span, left = WIDTH - 20, 10
    parts = _open("divide", title, description, 172, font)
    for index, (label, rate) in enumerate(bars):
        top = 8 + index * 80
        parts.append(f'<text x="{left}" y="{top + 16}" font-size="{TEXT + 3}" font-weight="600" fill="{INK}">{label}'
                     "</text>")  # fmt: skip
        parts.append(f'<rect x="{left}" y="{top + 26}" width="{span}" height="22" fill="#eeeef8"/>')
        length = _shown(rate)
        if length is not None:
            dashed = ' stroke-dasharray="4 3" fill-opacity="0.35"' if rate["value"] is None else ""
            parts.append(f'<rect x="{left}" y="{top + 26}" width="{span * length:.1f}" height="22" fill="{BLUE}" '
                         f'stroke="{BLUE}"{dashed}/>')  # fmt: skip
        if rate["low"] is not None:
            low, high = left + span * rate["low"], left + span * rate["high"]
            for x in (low, high):
                parts.append(f'<line x1="{x:.1f}" y1="{top + 22}" x2="{x:.1f}" y2="{top + 52}" stroke="{INK}" '
                             'stroke-width="2"/>')  # fmt: skip
            parts.append(f'<line x1="{low:.1f}" y1="{top + 37}" x2="{high:.1f}" y2="{top + 37}" stroke="{INK}" '
                         'stroke-width="2"/>')  # fmt: skip
        parts.append(f'<text x="{left}" y="{top + 70}" font-size="{TEXT + 2}" fill="{INK}">{escape(rate["display"])}'
                     "</text>")  # fmt: skip
    parts.append("</svg>")
    return {"key": "divide", "svg": Markup("".join(parts)), "title": title}


def monthly_chart(
    key: str, title: str, unit: str, points: list[tuple[str, dict[str, Any] | float | None]], font: str = FONT
) -> dict[str, Any]:
    """One bar per month; a rate given as a cell may be a bound (dashed) or hidden (no bar, named in the
    description)."""
    values = []
    for label, point in points:
        if isinstance(point, dict):
            values.append((label, _shown(point), point["value"] is None and _shown(point) is not None))
        else:
            values.append((label, point, False))
    visible = [value for _, value, _ in values if value is not None]
    top = max(visible, default=0) or 1
    if unit == "%":
        top = 1
    hidden = [label for label, value, _ in values if value is None]
    description = f"Ensemble des sites, {len(points)} mois"
    if hidden:
        description += f" ; non publiés ({MARK}, secret statistique) : {', '.join(hidden)}"
    if any(bound for _, _, bound in values):
        description += " ; barre en pointillés : borne publiée"
    height, base = 150, 118
    parts = _open(key, title, description + ". Les chiffres sont dans le tableau « Chaque mois ».", height, font)
    step = (WIDTH - 12) / max(1, len(values))
    every = max(1, -(-len(values) // 4))
    for index, (label, value, bound) in enumerate(values):
        x = 6 + index * step
        if value is not None:
            bar = (base - 8) * value / top
            dashed = ' stroke-dasharray="3 2" fill-opacity="0.35" stroke="#000091"' if bound else ""
            parts.append(f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{step * 0.72:.1f}" height="{bar:.1f}" '
                         f'fill="{BLUE}"{dashed}/>')  # fmt: skip
        if index % every == 0:
            middle = min(WIDTH - 24, max(24, x + step * 0.36))
            parts.append(f'<text x="{middle:.1f}" y="{base + 22}" font-size="{TEXT}" text-anchor="middle" '
                         f'fill="{INK}">{label}</text>')  # fmt: skip
    parts.append(f'<line x1="4" y1="{base}" x2="{WIDTH - 4}" y2="{base}" stroke="{GREY}"/>')
    if unit == "%":
        parts.append(f'<text x="{WIDTH - 4}" y="{TEXT}" font-size="{TEXT}" text-anchor="end" fill="{GREY}">100 %'
                     "</text>")  # fmt: skip
    parts.append("</svg>")
    return {"key": key, "svg": Markup("".join(parts)), "title": title}


def report_charts(report: dict[str, Any], font: str = FONT) -> dict[str, dict[str, Any]]:
    """The divide (paired), the fragility rate per month and the activities per month, by key."""
    tables = {table["key"]: table for table in report["tables"]}
    charts = {}
    if "paired_entry" in tables:
        entry, latest = ({"rate": tables[key]["rate"]["cells"][-1]} for key in ("paired_entry", "paired_latest"))
        charts["divide"] = divide_chart(entry, latest, font)
        months = [(row["label"][:2] + "/" + row["label"][-2:], tables.get(f"fragility_month:{row['key']}"))
                  for row in tables["activity_trend"]["rows"]]  # fmt: skip
        points = [(label, table["rate"]["cells"][-1] if table else None) for label, table in months]
        charts["trend"] = monthly_chart("trend", "Part des personnes en fragilité numérique, mois par mois", "%",
                                        points, font)  # fmt: skip
    volume = [(row["label"][:2] + "/" + row["label"][-2:], row["cells"][-1]["value"])
              for row in tables["activity_trend"]["rows"]]  # fmt: skip
    charts["activities"] = monthly_chart("activities", "Activités par mois", "activités", volume, font)
    return charts
