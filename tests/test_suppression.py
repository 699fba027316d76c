"""Complementary suppression on random tables: nothing below K shows, and no line leaves one hidden cell alone."""

from __future__ import annotations

import random

from inclusion.reports.suppression import hidden_cells

K = 11


def test_random_tables_keep_every_hidden_cell_unrecoverable():
    """On 300 random tables, visible cells are at least K, no line has one hidden cell alone, and it is stable."""
    rng = random.Random(11)
    for _ in range(300):
        sites, categories = rng.randint(1, 40), rng.randint(1, 8)
        rows = [[rng.choice((0, 1, 4, 9, 11, 12, 30, 90)) for _ in range(sites)] for _ in range(categories)]
        rows = [[*row, sum(row)] for row in rows]
        total = [sum(column) for column in zip(*rows, strict=True)] if rng.random() < 0.7 else None
        hidden = hidden_cells(rows, total, K)
        assert hidden == hidden_cells(rows, total, K)
        grid = rows + ([total] if total else [])
        assert all(value >= K for r, row in enumerate(grid) for c, value in enumerate(row) if (r, c) not in hidden)
        lines = [[(r, c) for c in range(sites + 1)] for r in range(len(grid))]
        if total:
            lines += [[(r, c) for r in range(len(grid))] for c in range(sites + 1)]
        assert all(sum(cell in hidden for cell in line) != 1 for line in lines)
