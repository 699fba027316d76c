"""The dashboard's server-made SVG charts, on the whole set of sites. Each has a title and a description, and the
page prints the same figures as a table right after it; a hidden figure is drawn as nothing and said so."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH, LEFT, RIGHT = 640, 190, 24
BLUE, GREY, INK = "#000091", "#6a6a6a", "#1e1e1e"
FONT = "DejaVu Sans, sans-serif"  # the browser's; the PDF passes its bundled Inter


def _open(key: str, title: str, description: str, height: int, font: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
        f'aria-labelledby="{key}-title {key}-desc" font-family="{font}">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]


def _percent(value: float | None) -> str:
    return "masqué" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def fragility_chart(entry: dict[str, Any], latest: dict[str, Any], font: str = FONT) -> dict[str, Any]:
    """Fragility rate at entry and at the latest assessment, each with its 95 % interval."""
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
    span = WIDTH - LEFT - RIGHT
    parts = _open("fragility", title, f"Ensemble des sites. {said}.", 130, font)
    for index, (label, rate) in enumerate(bars):
        top = 20 + index * 52
        parts.append(
            f'<text x="{LEFT - 10}" y="{top + 22}" text-anchor="end" font-size="15" fill="{INK}">{label}</text>'
        )
        if rate["value"] is None:
            parts.append(
                f'<text x="{LEFT}" y="{top + 22}" font-size="15" fill="{GREY}">{escape(rate["display"])}</text>'
            )
            continue
        parts.append(f'<rect x="{LEFT}" y="{top + 6}" width="{span * rate["value"]:.1f}" height="24" fill="{BLUE}"/>')
        if rate["low"] is not None:
            low, high = LEFT + span * rate["low"], LEFT + span * rate["high"]
            parts.append(f'<line x1="{low:.1f}" y1="{top + 18}" x2="{high:.1f}" y2="{top + 18}" stroke="{INK}" '
                         f'stroke-width="2"/>')  # fmt: skip
        parts.append(
            f'<text x="{LEFT + 6}" y="{top + 48}" font-size="13" fill="{INK}">{_percent(rate["value"])}</text>'
        )
    parts.append("</svg>")
    rows = [(label, _percent(rate["value"]), _percent(rate["low"]), _percent(rate["high"])) for label, rate in bars]
    return {"svg": Markup("".join(parts)), "title": title, "header": ("", "Taux", "Borne basse", "Borne haute"),
            "rows": rows}  # fmt: skip


def monthly_chart(
    key: str, title: str, unit: str, points: list[tuple[str, float | None]], font: str = FONT
) -> dict[str, Any]:
    """One bar per month (a hidden month has none and is named in the description)."""
    visible = [value for _, value in points if value is not None]
    top = max(visible, default=0) or 1
    hidden = [label for label, value in points if value is None]
    description = f"Ensemble des sites, {len(points)} mois ; maximum {top:g} {unit}".replace(".", ",")
    if hidden:
        description += f" ; masqués (trop peu de personnes) : {', '.join(hidden)}"
    height, base = 220, 180
    parts = _open(key, title, description + ".", height, font)
    step = (WIDTH - 40) / max(1, len(points))
    for index, (label, value) in enumerate(points):
        x = 30 + index * step
        if value is not None:
            bar = (base - 20) * value / top
            parts.append(f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{step * 0.7:.1f}" height="{bar:.1f}" '
                         f'fill="{BLUE}"/>')  # fmt: skip
        if index % max(1, len(points) // 6) == 0:
            parts.append(f'<text x="{x:.1f}" y="{base + 20}" font-size="13" fill="{INK}">{label}</text>')
    parts.append(f'<line x1="24" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{GREY}"/>')
    parts.append("</svg>")
    rows = [(label, "masqué" if value is None else f"{value:g}".replace(".", ",")) for label, value in points]
    return {"svg": Markup("".join(parts)), "title": title, "header": ("Mois", unit.capitalize()), "rows": rows}


def dashboard_charts(report: dict[str, Any], font: str = FONT) -> list[dict[str, Any]]:
    tables = {table["key"]: table for table in report["tables"]}
    charts = []
    if "fragility_entry" in tables:
        charts.append(fragility_chart(tables["fragility_entry"], tables["fragility_latest"], font))
    volume = tables["activity_trend"]
    points = [(row["label"], row["cells"][-1]["value"]) for row in volume["rows"]]
    charts.append(monthly_chart("activities", "Activités par mois", "activités", points, font))
    months = [table for key, table in tables.items() if key.startswith("fragility_month:")]
    if months:
        points = [(table["title"].rsplit("— ", 1)[-1], table["rate"]["cells"][-1]["value"]) for table in months]
        points = [(label, None if value is None else round(value * 100, 1)) for label, value in points]
        charts.append(monthly_chart("trend", "Taux de fragilité numérique par mois (%)", "%", points, font))
    return charts
