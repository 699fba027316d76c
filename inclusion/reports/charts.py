"""The dashboard's server-made SVG charts, on the whole set of sites. Each has a title and a description, and the
page prints the same figures as a table right after it; a hidden figure is drawn as nothing and said so.

A chart is drawn `width` units wide and scaled to its box. The page's are 320 units wide, so that on a 320 px
phone (296 px left for the chart) the smallest text, 14 units, still reads 13 px; the style sheet keeps them
from growing past 26rem on a wide screen. The PDF draws 640 units into 150 mm."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

SCREEN_WIDTH, PRINT_WIDTH = 320, 640
LABEL, SMALL = 15, 14  # font sizes, in units of the drawing
BLUE, GREY, INK = "#000091", "#6a6a6a", "#1e1e1e"
FONT = "DejaVu Sans, sans-serif"  # the browser's; the PDF passes its bundled Inter


def _open(key: str, title: str, description: str, width: int, height: int, font: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart chart-report" aria-labelledby="{key}-title {key}-desc" font-family="{font}">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]


def _percent(value: float | None) -> str:
    return "masqué" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def fragility_chart(
    entry: dict[str, Any], latest: dict[str, Any], font: str = FONT, width: int = SCREEN_WIDTH
) -> dict[str, Any]:
    """Fragility rate at entry and at the latest assessment, each with its 95 % interval: each bar under its name."""
    bars = [("À l'entrée", entry["rate"]["cells"][-1]), ("Dernière évaluation", latest["rate"]["cells"][-1])]
    title = "Taux de fragilité numérique, à l'entrée et à la dernière évaluation"
    said = "; ".join(
        f"{label} : {_percent(rate['value'])}"
        + (
            f" (intervalle à 95 % : {_percent(rate['low'])} à {_percent(rate['high'])})"
            if rate["low"] is not None
            else ""
        )
        for label, rate in bars
    )
    left, span = 2, width - 12
    parts = _open("fragility", title, f"Ensemble des sites. {said}.", width, 156, font)
    for index, (label, rate) in enumerate(bars):
        top = 4 + index * 76
        parts.append(f'<text x="{left}" y="{top + 15}" font-size="{LABEL}" fill="{INK}">{label}</text>')
        if rate["value"] is None:
            parts.append(
                f'<text x="{left}" y="{top + 40}" font-size="{LABEL}" fill="{GREY}">{escape(rate["display"])}</text>'
            )
            continue
        parts.append(f'<rect x="{left}" y="{top + 22}" width="{span * rate["value"]:.1f}" height="24" fill="{BLUE}"/>')
        if rate["low"] is not None:
            low, high = left + span * rate["low"], left + span * rate["high"]
            parts.append(f'<line x1="{low:.1f}" y1="{top + 34}" x2="{high:.1f}" y2="{top + 34}" stroke="{INK}" '
                         f'stroke-width="2"/>')  # fmt: skip
        parts.append(
            f'<text x="{left}" y="{top + 64}" font-size="{SMALL}" fill="{INK}">{_percent(rate["value"])}</text>'
        )
    parts.append("</svg>")
    rows = [(label, _percent(rate["value"]), _percent(rate["low"]), _percent(rate["high"])) for label, rate in bars]
    header = ("Évaluation", "Taux", "Borne basse", "Borne haute")
    return {"svg": Markup("".join(parts)), "title": title, "header": header, "rows": rows}


def monthly_chart(
    key: str, title: str, unit: str, points: list[tuple[str, float | None]], font: str = FONT, width: int = SCREEN_WIDTH
) -> dict[str, Any]:
    """One bar per month (a hidden month has none and is named in the description); under the bars, as many
    months named as fit without overlapping."""
    visible = [value for _, value in points if value is not None]
    top = max(visible, default=0) or 1
    hidden = [label for label, value in points if value is None]
    description = f"Ensemble des sites, {len(points)} mois ; maximum {top:g} {unit}".replace(".", ",")
    if hidden:
        description += f" ; masqués (trop peu de personnes) : {', '.join(hidden)}"
    height, base = 200, 170
    parts = _open(key, title, description + ".", width, height, font)
    step = (width - 20) / max(1, len(points))
    named = max((len(label) for label, _ in points), default=1) * SMALL * 0.62 + 12  # a month's name and a gap
    every = max(1, math.ceil(named / step))
    for index, (label, value) in enumerate(points):
        x = 10 + index * step
        if value is not None:
            bar = (base - 20) * value / top
            parts.append(f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{step * 0.7:.1f}" height="{bar:.1f}" '
                         f'fill="{BLUE}"/>')  # fmt: skip
        if index % every == 0:
            middle = x + step * 0.35
            anchor = "start" if middle < named / 2 else "end" if middle > width - named / 2 else "middle"
            at = 0 if anchor == "start" else width if anchor == "end" else middle
            parts.append(f'<text x="{at:.1f}" y="{base + 22}" text-anchor="{anchor}" font-size="{SMALL}" '
                         f'fill="{INK}">{label}</text>')  # fmt: skip
    parts.append(f'<line x1="4" y1="{base}" x2="{width - 4}" y2="{base}" stroke="{GREY}"/>')
    parts.append("</svg>")
    rows = [(label, "masqué" if value is None else f"{value:g}".replace(".", ",")) for label, value in points]
    return {"svg": Markup("".join(parts)), "title": title, "header": ("Mois", unit.capitalize()), "rows": rows}


def dashboard_charts(report: dict[str, Any], font: str = FONT, width: int = SCREEN_WIDTH) -> list[dict[str, Any]]:
    tables = {table["key"]: table for table in report["tables"]}
    charts = []
    if "fragility_entry" in tables:
        charts.append(fragility_chart(tables["fragility_entry"], tables["fragility_latest"], font, width))
    volume = tables["activity_trend"]
    points = [(row["label"], row["cells"][-1]["value"]) for row in volume["rows"]]
    charts.append(monthly_chart("activities", "Activités par mois", "activités", points, font, width))
    months = [table for key, table in tables.items() if key.startswith("fragility_month:")]
    if months:
        points = [(table["title"].rsplit("— ", 1)[-1], table["rate"]["cells"][-1]["value"]) for table in months]
        points = [(label, None if value is None else round(value * 100, 1)) for label, value in points]
        charts.append(monthly_chart("trend", "Taux de fragilité numérique par mois (%)", "%", points, font, width))
    return charts
