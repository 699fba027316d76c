"""Small-cell suppression: every count below K is hidden, then complementary cells until no published sum gives a
hidden cell away, neither alone nor by solving the published sums together.

A table is a grid of counts: one row per category, one column per site, then the whole set's column (the sum of
the sites' columns). When the categories are exclusive the table also has a total row (the sum of the rows).
Each row, and each column when there is a total row, is a *line*: parts whose sum is published (the line's last
cell). Two tables can share a line too (a competence's levels below `autonome` at entry add up to the "not
autonomous at entry" total of its "became autonomous" table).

1. Primary cells: every count below K, except in the columns shown exactly (the sites whose records the reader
   may open: `fixed` cells are never hidden).
2. Lines with one unknown: a line with exactly one hidden cell lets a reader recompute it (the sum minus the
   visible parts), so another cell of that line is hidden too, again and again. The cell chosen is the cheapest:
   detail cells of a site before the whole set's detail and the sites' totals, those before the grand total,
   and the headline's whole-set cells last (`tiers`); in a tier, a part before the line's sum, then the smallest.
   A sum is never chosen while a part of the same tier is visible, so a total shared by several tables (learners
   accompanied…) is hidden in all of them or in none.
3. Exact elimination: the published sums are solved together (Gauss–Jordan over the hidden cells, modulo a large
   prime); a hidden cell the system determines alone gets one more cell of its lines hidden, then back to 2.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

Position = tuple[int, int]  # (row, column); the total row is row len(rows), the whole set is the last column
DETAIL, MARGIN, TOTAL, HEADLINE = 0, 1, 2, 3  # tiers: the order in which complementary cells are chosen
PRIME = (1 << 61) - 1


def determined(hidden: Sequence[bool], lines: Sequence[Sequence[int]]) -> list[int]:
    """The hidden cells the published sums determine: each line is an equation (parts − sum = what is visible),
    its unknowns the hidden cells; a cell is determined when its unit vector lies in the equations' row space,
    that is when the reduced echelon form has a row holding that cell alone."""
    rows: list[dict[int, int]] = []
    for line in lines:
        row: dict[int, int] = {}
        last = line[-1]
        for cell in line:
            if hidden[cell]:
                row[cell] = (row.get(cell, 0) + (PRIME - 1 if cell == last else 1)) % PRIME
        row = {cell: value for cell, value in row.items() if value}
        if row:
            rows.append(row)
    rows_of: dict[int, set[int]] = {}
    for index, row in enumerate(rows):
        for cell in row:
            rows_of.setdefault(cell, set()).add(index)
    heap = [(len(row), index) for index, row in enumerate(rows)]
    heapq.heapify(heap)
    done = [False] * len(rows)
    pivots: dict[int, int] = {}
    while heap:
        size, index = heapq.heappop(heap)
        row = rows[index]
        if done[index] or not row:
            continue
        if len(row) != size:
            heapq.heappush(heap, (len(row), index))
            continue
        pivot = min(row, key=lambda cell: (len(rows_of[cell]), cell))  # the sparsest column: little fill-in
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        for cell in row:
            row[cell] = row[cell] * inverse % PRIME
        done[index], pivots[pivot] = True, index
        for other in list(rows_of[pivot]):
            if other == index:
                continue
            target = rows[other]
            factor = target[pivot]
            for cell, value in row.items():
                updated = (target.get(cell, 0) - factor * value) % PRIME
                if updated:
                    if cell not in target:
                        rows_of[cell].add(other)
                    target[cell] = updated
                elif cell in target:
                    del target[cell]
                    rows_of[cell].discard(other)
            if not done[other]:
                heapq.heappush(heap, (len(target), other))
    return sorted(cell for cell, index in pivots.items() if len(rows[index]) == 1)


def hidden_in_lines(
    amounts: Sequence[int | float],
    lines: Sequence[Sequence[int]],
    k: int,
    name: Callable,
    tiers: Sequence[int] | None = None,
    fixed: Sequence[bool] | None = None,
) -> list[int]:
    """The cells to hide, numbered 0..n-1: those below k (unless `fixed`), then complements until no line holds
    exactly one hidden cell and no hidden cell is determined by the lines together. Ties between equal
    complements go to the smallest `str(name(cell))`, so the same table always hides the same cells."""
    tiers = tiers if tiers is not None else [DETAIL] * len(amounts)
    fixed = fixed if fixed is not None else [False] * len(amounts)
    hidden = [amount < k and not fixed[cell] for cell, amount in enumerate(amounts)]
    lines_of: list[list[int]] = [[] for _ in amounts]
    for index, line in enumerate(lines):
        for cell in line:
            lines_of[cell].append(index)
    counts = [sum(hidden[cell] for cell in line) for line in lines]

    def cost(cell: int, line: Sequence[int]) -> tuple:
        return tiers[cell], cell == line[-1], amounts[cell], str(name(cell))

    def hide(cell: int, waiting: list[int]) -> None:
        hidden[cell] = True
        for other in lines_of[cell]:
            counts[other] += 1
            if counts[other] == 1:
                waiting.append(other)

    waiting = [index for index in reversed(range(len(lines))) if counts[index] == 1]
    while True:
        while waiting:
            line = lines[index := waiting.pop()]
            if counts[index] != 1:
                continue
            candidates = [cell for cell in line if not hidden[cell] and not fixed[cell]]
            if candidates:
                hide(min(candidates, key=lambda cell: cost(cell, line)), waiting)
        if not any(hidden):
            break
        touched = [line for line, count in zip(lines, counts, strict=True) if count]
        found = determined(hidden, touched)
        if not found:
            break
        options = [
            (cost(cell, lines[index]), cell)
            for given in found
            for index in lines_of[given]
            for cell in lines[index]
            if not hidden[cell] and not fixed[cell]
        ]
        if not options:
            break  # nothing left to hide beside them: only cells shown exactly remain
        hide(min(options)[1], waiting)
    return [cell for cell, flag in enumerate(hidden) if flag]


class Table:
    """One table's cells numbered row by row from `offset` (the total row last), and its lines: rows, then
    columns when totalled. `name(cell)` is ("key", row, column), made only when a tie asks for it. `exact`:
    the columns shown exactly (never hidden); `headline`: the whole set's column is the last thing to hide."""

    def __init__(
        self,
        key: str | None,
        rows: Sequence[Sequence[int | float]],
        total: Sequence[int] | None,
        offset: int = 0,
        exact: frozenset[int] = frozenset(),
        headline: bool = False,
    ):
        grid = [*rows, total] if total is not None else list(rows)
        self.key, self.offset, self.width = key, offset, len(grid[0]) if grid else 0
        self.amounts = [value for row in grid for value in row]
        self.end = offset + len(self.amounts)
        self.lines = [range(self.cell(r, 0), self.cell(r, self.width)) for r in range(len(grid))]
        if total is not None and rows:
            self.lines += [range(self.cell(0, c), self.end, self.width) for c in range(self.width)]
        whole = self.width - 1
        self.fixed = [c in exact for _ in grid for c in range(self.width)]
        self.tiers = [
            HEADLINE if headline and c == whole else (r == len(rows)) + (c == whole)
            for r in range(len(grid))
            for c in range(self.width)
        ]

    def cell(self, row: int, column: int) -> int:
        return self.offset + row * self.width + column

    def position(self, cell: int) -> Position:
        return divmod(cell - self.offset, self.width)

    def name(self, cell: int) -> tuple[str | None, int, int]:
        return (self.key, *self.position(cell))


def hidden_cells(
    rows: Sequence[Sequence[int | float]],
    total: Sequence[int] | None,
    k: int,
    exact: frozenset[int] = frozenset(),
    headline: bool = False,
) -> set[Position]:
    """The positions to hide in one table (`rows` with one cell per site then the whole set, `total` if given)."""
    table = Table(None, rows, total, exact=exact, headline=headline)
    found = hidden_in_lines(table.amounts, table.lines, k, table.name, table.tiers, table.fixed)
    return {table.position(cell) for cell in found}
