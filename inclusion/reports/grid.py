"""A report table before and after suppression: rows of counts per site then the whole set, an optional total
row, an optional rate; `publish` turns counts into the pinned cell shape, hiding small cells (`suppression`)
except in the columns the reader may see exactly (`Privacy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from inclusion.reports import figures
from inclusion.reports.figures import MARK
from inclusion.reports.suppression import Table, hidden_cells, hidden_in_lines

Value = int | Fraction


@dataclass(frozen=True)
class Privacy:
    """K, and the columns shown exactly: the sites whose records the reader may open (admin; coordinator or
    adviser of the site), and the whole set's column when every site in it is one of them."""

    k: int
    exact: frozenset[int] = frozenset()

    @property
    def restricted(self) -> bool:
        """Some figure is exact: the report is not for circulation ("diffusion restreinte")."""
        return bool(self.exact)


@dataclass
class Grid:
    key: str
    section: str
    title: str
    unit: str
    rows: list[tuple[str, str, list[Value]]]  # (key, label, one value per site then the whole set)
    total: tuple[str, list[int]] | None = None  # (label, values) when the rows are exclusive
    rate: str | None = None  # label of rows[0] ÷ total, per column
    interval: bool = False  # give the rate a 95 % Wilson interval
    protected: bool = False  # counts of activities, hours, days: nobody can be singled out, nothing hidden
    notes: list[str] = field(default_factory=list)
    headline: bool = False  # the whole set's column is the last thing suppression hides
    group: Group | None = None  # suppressed with other tables (see `link`)


@dataclass
class Group:
    """Tables suppressed together: `shared` lists (rows of `first`, row of `second`) whose sums match column by
    column, so neither table's totals give away a cell hidden in the other."""

    first: Grid
    second: Grid
    shared: list[tuple[list[int], int]]
    hidden: dict[str, set[tuple[int, int]]] | None = None

    def decide(self, privacy: Privacy) -> None:
        first, second = self.first, self.second
        one = Table("first", [row[2] for row in first.rows], first.total[1] if first.total else None,
                    exact=privacy.exact)  # fmt: skip
        two = Table("second", [row[2] for row in second.rows], second.total[1] if second.total else None, one.end,
                    exact=privacy.exact)  # fmt: skip
        lines = [*one.lines, *two.lines]
        for parts, whole in self.shared:  # parts add up to `whole`; the other rows plus `whole` to first's total
            rest = [r for r in range(len(first.rows)) if r not in parts]
            for c in range(one.width):
                lines.append([*[one.cell(r, c) for r in parts], two.cell(whole, c)])
                lines.append([*[one.cell(r, c) for r in rest], two.cell(whole, c), one.cell(len(first.rows), c)])
        name = lambda cell: one.name(cell) if cell < one.end else two.name(cell)  # noqa: E731
        hidden = hidden_in_lines([*one.amounts, *two.amounts], lines, privacy.k, name, [*one.tiers, *two.tiers],
                                 [*one.fixed, *two.fixed])  # fmt: skip
        self.hidden = {
            first.key: {one.position(cell) for cell in hidden if cell < one.end},
            second.key: {two.position(cell) for cell in hidden if cell >= one.end},
        }


def with_whole(per_site: list[Value]) -> list[Value]:
    """The sites' values then their sum: the whole set."""
    return [*per_site, sum(per_site)]


def link(first: Grid, second: Grid, shared: list[tuple[list[int], int]]) -> None:
    """Suppress two tables together (see `Group`)."""
    first.group = second.group = Group(first, second, shared)


def _cells(values: list[Value], hidden) -> list[dict[str, Any]]:
    """The row's cells; those whose column is in `hidden` shown as the mark."""
    return [
        {"value": None, "display": MARK}
        if c in hidden
        else {"value": figures.json_number(value), "display": figures.number(value)}
        for c, value in enumerate(values)
    ]


def _rate(grid: Grid, column: int, hidden: dict[int, set[int]], privacy: Privacy) -> dict[str, Any]:
    total_row = len(grid.rows)
    numerator, total = grid.rows[0][2][column], grid.total[1][column]
    if column in hidden.get(total_row, ()):
        return {"value": None, "low": None, "high": None, "display": MARK, "at_least": None, "at_most": None}
    if total == 0:
        return {"value": None, "low": None, "high": None, "display": "—", "at_least": None, "at_most": None}
    if column in hidden.get(0, ()):
        small = lambda amount: amount < privacy.k and column not in privacy.exact  # noqa: E731
        return figures.bounded_rate(total, small(numerator), small(total - numerator), privacy.k)
    return figures.rate(int(numerator), int(total), grid.interval)


def hidden_positions(grid: Grid, privacy: Privacy) -> set[tuple[int, int]]:
    if grid.group is not None:
        if grid.group.hidden is None:
            grid.group.decide(privacy)
        return grid.group.hidden[grid.key]
    if grid.protected:
        return set()
    values = [row[2] for row in grid.rows]
    total = grid.total[1] if grid.total else None
    return hidden_cells(values, total, privacy.k, privacy.exact, grid.headline)


def publish(grid: Grid, privacy: Privacy) -> dict[str, Any]:
    """The table as the API gives it: every count below k, and its complements, shown as the mark "s"."""
    columns: dict[int, set[int]] = {}  # hidden columns by row: a national table has 3,000 cells a row
    for r, c in hidden_positions(grid, privacy):
        columns.setdefault(r, set()).add(c)
    rows = [
        {"key": key, "label": label, "cells": _cells(row, columns.get(r, ()))}
        for r, (key, label, row) in enumerate(grid.rows)
    ]
    total_row = None
    if grid.total is not None:
        total_row = {"key": "total", "label": grid.total[0], "cells": _cells(grid.total[1], columns.get(len(rows), ()))}
    rate = None
    if grid.rate and total_row and rows:
        rate = {"label": grid.rate, "cells": [_rate(grid, c, columns, privacy) for c in range(len(grid.total[1]))]}
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
