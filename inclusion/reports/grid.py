"""A report table before and after suppression: rows of counts per site then the whole set, an optional total
row, an optional rate; `publish` turns counts into the pinned cell shape, hiding small cells."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from inclusion.reports.suppression import Table, hidden_cells, hidden_in_lines

Z95 = 1.959963984540054  # two-sided 95 %


@dataclass
class Grid:
    key: str
    section: str
    title: str
    unit: str
    rows: list[tuple[str, str, list[int | float]]]  # (key, label, one value per site then the whole set)
    total: tuple[str, list[int]] | None = None  # (label, values) when the rows are exclusive
    rate: str | None = None  # label of rows[0] ÷ total, per column
    interval: bool = False  # give the rate a 95 % Wilson interval
    protected: bool = False  # counts of activities, hours, days: nobody can be singled out, nothing hidden
    notes: list[str] = field(default_factory=list)
    hidden: set[tuple[int, int]] | None = None  # decided with linked tables (see `link`); else by this table alone


def with_whole(per_site: list[int | float]) -> list[int | float]:
    """The sites' values then their sum: the whole set."""
    return [*per_site, sum(per_site)]


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of successes / trials (trials > 0), rounded to 4 decimals."""
    p = successes / trials
    denominator = 1 + Z95**2 / trials
    centre = (p + Z95**2 / (2 * trials)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / trials + Z95**2 / (4 * trials**2)) / denominator
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def number(value: int | float) -> str:
    """French display: 1234 → "1234", 12.5 → "12,5"."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def _cells(values: list[int | float], hidden, k: int) -> list[dict[str, Any]]:
    """The row's cells; those whose column is in `hidden` shown as "< k"."""
    if not hidden:
        return [{"value": value, "display": number(value)} for value in values]
    masked = f"< {k}"
    return [
        {"value": None, "display": masked} if c in hidden else {"value": value, "display": number(value)}
        for c, value in enumerate(values)
    ]


def _rate(numerator: dict[str, Any], total: dict[str, Any], interval: bool) -> dict[str, Any]:
    if numerator["value"] is None or total["value"] is None:
        return {"value": None, "low": None, "high": None, "display": "masqué"}
    if total["value"] == 0:
        return {"value": None, "low": None, "high": None, "display": "—"}
    value = round(numerator["value"] / total["value"], 4)
    low, high = wilson(numerator["value"], total["value"]) if interval else (None, None)
    display = f"{value * 100:.1f} %".replace(".", ",")
    if interval:
        display += f" [{low * 100:.1f} – {high * 100:.1f}]".replace(".", ",")
    return {"value": value, "low": low, "high": high, "display": display}


def link(first: Grid, second: Grid, shared: list[tuple[list[int], int]], k: int) -> None:
    """Suppress two tables together: `shared` lists (rows of `first`, row of `second`) whose sums match column by
    column, so neither table's totals give away a cell hidden in the other."""
    one = Table("first", [row[2] for row in first.rows], first.total[1] if first.total else None)
    two = Table("second", [row[2] for row in second.rows], second.total[1] if second.total else None, one.end)
    lines = [*one.lines, *two.lines]
    for parts, whole in shared:  # parts add up to `whole`; so the other rows plus `whole` add up to first's total
        rest = [r for r in range(len(first.rows)) if r not in parts]
        for c in range(one.width):
            lines.append([*[one.cell(r, c) for r in parts], two.cell(whole, c)])
            lines.append([*[one.cell(r, c) for r in rest], two.cell(whole, c), one.cell(len(first.rows), c)])
    name = lambda cell: one.name(cell) if cell < one.end else two.name(cell)  # noqa: E731
    hidden = hidden_in_lines([*one.amounts, *two.amounts], lines, k, name)
    first.hidden = {one.position(cell) for cell in hidden if cell < one.end}
    second.hidden = {two.position(cell) for cell in hidden if cell >= one.end}


def publish(grid: Grid, k: int) -> dict[str, Any]:
    """The table as the API gives it: every count below k, and its complements, shown as "< k"."""
    values = [row[2] for row in grid.rows]
    total = grid.total[1] if grid.total else None
    hidden = grid.hidden if grid.hidden is not None else set() if grid.protected else hidden_cells(values, total, k)
    columns: dict[int, set[int]] = {}  # hidden columns by row: a national table has 3,000 cells a row
    for r, c in hidden:
        columns.setdefault(r, set()).add(c)
    rows = [
        {"key": key, "label": label, "cells": _cells(row, columns.get(r, ()), k)}
        for r, (key, label, row) in enumerate(grid.rows)
    ]
    total_row = None
    if grid.total is not None:
        cells = _cells(grid.total[1], columns.get(len(rows), ()), k)
        total_row = {"key": "total", "label": grid.total[0], "cells": cells}
    rate = None
    if grid.rate and total_row and rows:
        cells = [_rate(n, t, grid.interval) for n, t in zip(rows[0]["cells"], total_row["cells"], strict=True)]
        rate = {"label": grid.rate, "cells": cells}
    return {
        "key": grid.key,
        "section": grid.section,
        "title": grid.title,
        "unit": grid.unit,
        "suppressed": not grid.protected,
        "rows": rows,
        "total": total_row,
        "rate": rate,
        "notes": grid.notes,
    }
