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

from collections.abc import Callable, Sequence

Position = tuple[int, int]  # (row, column); the total row is row len(rows), the whole set is the last column


def hidden_in_lines(amounts: Sequence[int | float], lines: Sequence[Sequence[int]], k: int, name: Callable) -> list:
    """The cells to hide, numbered 0..n-1 (a national report's tables hold a million cells): those below k, then
    complements until no line holds exactly one hidden cell. Ties between equal complements go to the smallest
    `str(name(cell))`, so the same table always hides the same cells.

    Each line's count of hidden cells is kept up to date, so a national report (3,000 sites) costs one pass."""
    hidden = [amount < k for amount in amounts]
    lines_of: list[list[int]] = [[] for _ in amounts]
    for index, line in enumerate(lines):
        for cell in line:
            lines_of[cell].append(index)
    counts = [sum(hidden[cell] for cell in line) for line in lines]
    waiting = [index for index in reversed(range(len(lines))) if counts[index] == 1]
    while waiting:
        line = lines[index := waiting.pop()]
        if counts[index] != 1:
            continue
        parts = [cell for cell in line[:-1] if not hidden[cell]]
        candidates = parts or ([line[-1]] if not hidden[line[-1]] else [])
        if not candidates:
            continue
        least = min(amounts[cell] for cell in candidates)
        chosen = min((cell for cell in candidates if amounts[cell] == least), key=lambda cell: str(name(cell)))
        hidden[chosen] = True
        for other in lines_of[chosen]:
            counts[other] += 1
            if counts[other] == 1:
                waiting.append(other)
    return [cell for cell, flag in enumerate(hidden) if flag]


class Table:
    """One table's cells numbered row by row from `offset` (the total row last), and its lines: rows, then
    columns when totalled. `name(cell)` is ("key", row, column), made only when a tie asks for it."""

    def __init__(self, key: str | None, rows: Sequence[Sequence[int | float]], total: Sequence[int] | None, offset=0):
        grid = [*rows, total] if total is not None else list(rows)
        self.key, self.offset, self.width = key, offset, len(grid[0]) if grid else 0
        self.amounts = [value for row in grid for value in row]
        self.end = offset + len(self.amounts)
        self.lines = [range(self.cell(r, 0), self.cell(r, self.width)) for r in range(len(grid))]
        if total is not None and rows:
            self.lines += [range(self.cell(0, c), self.end, self.width) for c in range(self.width)]

    def cell(self, row: int, column: int) -> int:
        return self.offset + row * self.width + column

    def position(self, cell: int) -> Position:
        return divmod(cell - self.offset, self.width)

    def name(self, cell: int) -> tuple[str | None, int, int]:
        return (self.key, *self.position(cell))


def hidden_cells(rows: Sequence[Sequence[int | float]], total: Sequence[int] | None, k: int) -> set[Position]:
    """The positions to hide in one table (`rows` with one cell per site then the whole set, `total` if given)."""
    table = Table(None, rows, total)
    return {table.position(cell) for cell in hidden_in_lines(table.amounts, table.lines, k, table.name)}
