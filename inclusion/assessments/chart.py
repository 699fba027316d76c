"""Progression as a server-made SVG: per competence, the level at entry (hollow) and now (filled)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

LABEL_WIDTH = 300
STEP = 70
ROW = 30
TOP = 56


def progression_chart(progress: dict[str, Any]) -> Markup:
    """An accessible SVG (title and description); the page shows the same figures as a table."""
    levels = [step["level"] for step in progress["scale"]]
    low, high = min(levels), max(levels)
    rows = progress["competences"]
    width = LABEL_WIDTH + STEP * (high - low) + 40
    height = TOP + ROW * max(1, len(rows)) + 10

    def x(level: int) -> int:
        return LABEL_WIDTH + STEP * (level - low)

    improved = sum(1 for row in rows if row["latest"]["level"] > row["first"]["level"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">',
        '<title id="chart-title">Progression par compétence</title>',
        f'<desc id="chart-desc">Pour {len(rows)} compétences évaluées : niveau à l\'entrée (cercle vide) '
        f"et niveau actuel (cercle plein) ; {improved} en progrès.</desc>",
    ]
    for step in progress["scale"]:
        parts.append(
            f'<line x1="{x(step["level"])}" y1="{TOP - 10}" x2="{x(step["level"])}" y2="{height - 6}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x(step["level"])}" y="{TOP - 18}" text-anchor="middle" font-size="12" fill="#3a3a3a">'
            f"{step['level']}</text>"
        )
    for index, row in enumerate(rows):
        y = TOP + ROW * index + ROW // 2
        first, latest = x(row["first"]["level"]), x(row["latest"]["level"])
        label = escape(row["label"] if len(row["label"]) <= 44 else row["label"][:43] + "…")
        marker = " (socle)" if row["socle"] else ""
        parts.append(f'<text x="0" y="{y + 4}" font-size="13" fill="#1e1e1e">{label}{marker}</text>')
        parts.append(f'<line x1="{first}" y1="{y}" x2="{latest}" y2="{y}" stroke="#000091" stroke-width="3"/>')
        parts.append(f'<circle cx="{first}" cy="{y}" r="7" fill="#ffffff" stroke="#000091" stroke-width="2"/>')
        parts.append(f'<circle cx="{latest}" cy="{y}" r="6" fill="#000091"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
