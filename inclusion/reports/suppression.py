"""Small-cell suppression of one table: every count below K is hidden, then complementary cells until no total
gives a hidden cell away.

A table is a grid of counts: one row per category, one column per site, then the whole set's column (the sum of
the sites' columns). When the categories are exclusive the table also has a total row (the sum of the rows).
Each row, and each column when there is a total row, is a *line*: parts whose sum is published. A line with
exactly one hidden cell lets a reader recompute it (total minus the visible parts), so the smallest visible part
of that line is hidden too, and again, until no line has exactly one hidden cell. The total row is never chosen
as a complement by a column, so a total shared by several tables (learners accompanied…) is hidden in all of
them or in none.
"""

from __future__ import annotations

from collections.abc import Sequence

Position = tuple[int, int]  # (row, column); the total row is row len(rows), the whole set is the last column


def hidden_cells(rows: Sequence[Sequence[int]], total: Sequence[int] | None, k: int) -> set[Position]:
    """The positions to hide in `rows` (each with one cell per site, then the whole set) and `total` if given."""
    grid = [list(row) for row in rows] + ([list(total)] if total is not None else [])
    if not grid or not grid[0]:
        return set()
    width = len(grid[0])
    hidden = {(r, c) for r, row in enumerate(grid) for c, value in enumerate(row) if value < k}
    lines = [[(r, c) for c in range(width)] for r in range(len(grid))]  # sites, then the whole set
    if total is not None:
        lines += [[(r, c) for r in range(len(grid))] for c in range(width)]  # categories, then the total
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [position for position in line if position in hidden]
            if len(inside) != 1:
                continue
            parts = [position for position in line[:-1] if position not in hidden]
            candidates = parts or [line[-1]]
            if candidates == [inside[0]]:
                continue
            hidden.add(min(candidates, key=lambda position: (grid[position[0]][position[1]], position)))
            changed = True
    return hidden
