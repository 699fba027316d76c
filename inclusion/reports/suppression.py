"""Small-cell suppression: every count below K is hidden, then complementary cells until no published sum gives a
hidden cell away.

A table is a grid of counts: one row per category, one column per site, then the whole set's column (the sum of
the sites' columns). When the categories are exclusive the table also has a total row (the sum of the rows).
Each row, and each column when there is a total row, is a *line*: parts whose sum is published (the line's last
cell). Two tables can share a line too (a competence's levels below `autonome` at entry add up to the "not
autonomous at entry" total of its "became autonomous" table). A line with exactly one hidden cell lets a reader
recompute it (the sum minus the visible parts), so the smallest visible part of that line is hidden too, and
again, until no line has exactly one hidden cell. A sum is never chosen as a complement while a part is visible,
so a total shared by several tables (learners accompanied…) is hidden in all of them or in none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

Position = tuple[int, int]  # (row, column); the total row is row len(rows), the whole set is the last column


def hidden_in_lines(values: dict[Hashable, int | float], lines: Sequence[Sequence[Hashable]], k: int) -> set:
    """The cells to hide: those below k, then complements until no line holds exactly one hidden cell.

    Each line's count of hidden cells is kept up to date, so a national report (3,000 sites) costs one pass."""
    hidden = {cell for cell, value in values.items() if value < k}
    lines_of: dict[Hashable, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        for cell in line:
            lines_of[cell].append(index)
    counts = [sum(1 for cell in line if cell in hidden) for line in lines]
    waiting = [index for index in reversed(range(len(lines))) if counts[index] == 1]
    while waiting:
        line = lines[index := waiting.pop()]
        if counts[index] != 1:
            continue
        parts = [cell for cell in line[:-1] if cell not in hidden]
        candidates = parts or ([line[-1]] if line[-1] not in hidden else [])
        if not candidates:
            continue
        chosen = min(candidates, key=lambda cell: (values[cell], str(cell)))
        hidden.add(chosen)
        for other in lines_of[chosen]:
            counts[other] += 1
            if counts[other] == 1:
                waiting.append(other)
    return hidden


def grid_lines(key: Hashable, rows: Sequence[Sequence[int | float]], total: Sequence[int] | None):
    """The cells of one table, keyed (key, row, column), and its lines: rows, then columns when totalled."""
    grid = [list(row) for row in rows] + ([list(total)] if total is not None else [])
    values = {(key, r, c): value for r, row in enumerate(grid) for c, value in enumerate(row)}
    width = len(grid[0]) if grid else 0
    lines = [[(key, r, c) for c in range(width)] for r in range(len(grid))]
    if total is not None and rows:
        lines += [[(key, r, c) for r in range(len(grid))] for c in range(width)]
    return values, lines


def hidden_cells(rows: Sequence[Sequence[int | float]], total: Sequence[int] | None, k: int) -> set[Position]:
    """The positions to hide in one table (`rows` with one cell per site then the whole set, `total` if given)."""
    values, lines = grid_lines(None, rows, total)
    return {(r, c) for _, r, c in hidden_in_lines(values, lines, k)}
