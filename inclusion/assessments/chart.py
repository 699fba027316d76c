"""Progression as a server-made SVG: per competence, the level at entry (hollow) and now (filled).

Each competence takes two lines, its name above its track, so the chart stays legible on a phone.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH = 600
MARGIN = 24
ROW = 58
TOP = 34


def progression_chart(progress: dict[str, Any]) -> Markup:
    """An accessible SVG (title and description); the page shows the same figures as a table."""
    levels = [step["level"] for step in progress["scale"]]
    low, high = min(levels), max(levels)
    rows = progress["competences"]
    height = TOP + ROW * max(1, len(rows)) + 8

    def x(level: int) -> float:
        return MARGIN + (WIDTH - 2 * MARGIN) * (level - low) / max(1, high - low)

    improved = sum(1 for row in rows if row["latest"]["level"] > row["first"]["level"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="chart-title chart-desc" class="chart" font-family="DejaVu Sans, sans-serif">',
        '<title id="chart-title">Progression par compétence</title>',
        f'<desc id="chart-desc">Pour {len(rows)} compétences évaluées : niveau à l\'entrée (cercle vide) '
        f"et niveau actuel (cercle plein), sur l'échelle de {low} à {high} ; {improved} en progrès.</desc>",
    ]
    for level in levels:
        parts.append(
            f'<text x="{x(level):.0f}" y="16" text-anchor="middle" font-size="15" fill="#3a3a3a">{level}</text>'
            f'<line x1="{x(level):.0f}" y1="24" x2="{x(level):.0f}" y2="{height - 4}" stroke="#e0e0e0"/>'
        )
    for index, row in enumerate(rows):
        top = TOP + ROW * index
        track = top + 38
        first, latest = x(row["first"]["level"]), x(row["latest"]["level"])
        label = escape(row["label"] if len(row["label"]) <= 52 else row["label"][:51] + "…")
        marker = " · socle" if row["socle"] else ""
        parts.append(f'<text x="{MARGIN - 14}" y="{top + 14}" font-size="19" fill="#1e1e1e">{label}{marker}</text>')
        parts.append(
            f'<line x1="{first:.0f}" y1="{track}" x2="{latest:.0f}" y2="{track}" stroke="#000091" stroke-width="4"/>'
            f'<circle cx="{first:.0f}" cy="{track}" r="8" fill="#ffffff" stroke="#000091" stroke-width="3"/>'
            f'<circle cx="{latest:.0f}" cy="{track}" r="7" fill="#000091"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
