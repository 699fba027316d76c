"""Progression as a server-made SVG: per competence, the level at entry (hollow) and now (filled).

The drawing has no viewBox: its width follows the page (positions along the scale are percentages) and its text
keeps its size in pixels, 14 px and more on a 320 px phone as on a desktop. Each competence takes its name,
wrapped to fit a phone, above its track.
"""

from __future__ import annotations

import textwrap
from typing import Any

from markupsafe import Markup, escape

TEXT = 15  # px: a competence's name
LEVEL = 14  # px: the numbers of the scale
LINE = 19  # px from one line of a name to the next
WRAP = 34  # characters per line of a name: fits the 296 px a 320 px phone leaves to the chart
SIDE = 4.0  # % of the width left at each end of the scale, so its first and last marks stay inside
HEAD = 28  # px above the first competence: the scale's numbers
HALO = 'stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'  # names stay clear of the grid


def progression_chart(progress: dict[str, Any]) -> Markup:
    """An accessible SVG (title and description); the page shows the same figures as a table."""
    levels = [step["level"] for step in progress["scale"]]
    low, high = min(levels), max(levels)
    rows = progress["competences"]
    names = [textwrap.wrap(row["label"] + (" · socle" if row["socle"] else ""), WRAP) for row in rows]
    height = HEAD + sum(LINE * len(lines) + 30 for lines in names) + 8

    def x(level: int) -> str:
        return f"{SIDE + (100 - 2 * SIDE) * (level - low) / max(1, high - low):.1f}%"

    improved = sum(1 for row in rows if row["latest"]["level"] > row["first"]["level"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" '
        'aria-labelledby="chart-title chart-desc" class="chart chart-progress" font-family="DejaVu Sans, sans-serif">',
        '<title id="chart-title">Progression par compétence</title>',
        f'<desc id="chart-desc">Pour {len(rows)} compétences évaluées : niveau à l\'entrée (cercle vide) '
        f"et niveau actuel (cercle plein), sur l'échelle de {low} à {high} ; {improved} en progrès.</desc>",
    ]
    for level in levels:
        parts.append(
            f'<text x="{x(level)}" y="16" text-anchor="middle" font-size="{LEVEL}" fill="#3a3a3a">{level}</text>'
            f'<line x1="{x(level)}" y1="{HEAD - 6}" x2="{x(level)}" y2="{height - 4}" stroke="#e0e0e0"/>'
        )
    top = HEAD
    for row, lines in zip(rows, names, strict=True):
        for number, line in enumerate(lines):
            y = top + 14 + LINE * number
            parts.append(f'<text x="0" y="{y}" font-size="{TEXT}" fill="#1e1e1e" {HALO}>{escape(line)}</text>')
        track = top + LINE * len(lines) + 12
        first, latest = x(row["first"]["level"]), x(row["latest"]["level"])
        parts.append(
            f'<line x1="{first}" y1="{track}" x2="{latest}" y2="{track}" stroke="#000091" stroke-width="4"/>'
            f'<circle cx="{first}" cy="{track}" r="8" fill="#ffffff" stroke="#000091" stroke-width="3"/>'
            f'<circle cx="{latest}" cy="{track}" r="7" fill="#000091"/>'
        )
        top += LINE * len(lines) + 30
    parts.append("</svg>")
    return Markup("".join(parts))
