"""Complementary suppression, property-tested on random tables (sizes, K, exact columns, linked tables): nothing below
K shows unless its column is exact, no hidden cell can be recovered from the published sums (one unknown per line,
iterated, nor by exact elimination), and the headline shows whenever the assessed total is at least K."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inclusion.reports.grid import Grid, Privacy, link, publish, with_whole
from inclusion.reports.suppression import hidden_cells

CASES = 300  # examples per property below; `pytest -q tests/test_suppression.py --hypothesis-show-statistics`
PROPERTY = settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
AMOUNTS = st.sampled_from((0, 1, 2, 4, 7, 9, 10, 11, 12, 15, 30, 90))


def recoverable(values: dict, hidden: set, equations: list[list[tuple]]) -> set:
    """The hidden cells a reader can compute from the published sums, by exact elimination over the rationals
    (each equation: [(cell, coefficient)...] summing to 0); a test-side solver, independent of the app's."""
    unknowns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            rows.append(row)
    pivots, rank = [], 0
    for column in range(len(unknowns)):  # reduced row echelon form
        found = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        rows[rank], rows[found] = rows[found], rows[rank]
        pivot = rows[rank][column]
        rows[rank] = [value / pivot for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(column)
        rank += 1
    return {unknowns[c] for r, c in enumerate(pivots) if sum(1 for value in rows[r] if value) == 1}


def one_unknown_lines(hidden: set, lines: list[list]) -> set:
    """What the simple attack finds: a line with one hidden cell gives it, and then that cell is known, again."""
    known, found = set(), True
    while found:
        found = False
        for line in lines:
            unknown = [cell for cell in line if cell in hidden and cell not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found = True
    return known


def table_lines(name: str, height: int, width: int, totalled: bool) -> list[list]:
    """The published sums of one table: each row (sites then the whole set), each column (rows then the total)."""
    lines = [[(name, r, c) for c in range(width)] for r in range(height + totalled)]
    if totalled:
        lines += [[(name, r, c) for r in range(height + 1)] for c in range(width)]
    return lines


def equations_of(lines: list[list]) -> list[list[tuple]]:
    return [[(cell, 1) for cell in line[:-1]] + [(line[-1], -1)] for line in lines]


@st.composite
def tables(draw):
    sites = draw(st.integers(1, 9))
    height = draw(st.integers(1, 7))
    k = draw(st.integers(2, 15))
    rows = [with_whole([draw(AMOUNTS) for _ in range(sites)]) for _ in range(height)]
    total = [sum(column) for column in zip(*rows, strict=True)] if draw(st.booleans()) else None
    readable = draw(st.sets(st.integers(0, sites - 1)))
    exact = frozenset(readable | ({sites} if len(readable) == sites else set()))
    return rows, total, k, exact, draw(st.booleans())


@PROPERTY
@given(tables())
def test_no_hidden_cell_of_a_table_can_be_recovered(case):
    """Visible cells are at least K or exact; no line leaves a hidden cell alone, iterated; elimination finds none."""
    rows, total, k, exact, headline = case
    hidden = hidden_cells(rows, total, k, exact, headline)
    assert hidden == hidden_cells(rows, total, k, exact, headline)
    grid = rows + ([total] if total else [])
    for r, line in enumerate(grid):
        for c, value in enumerate(line):
            assert (r, c) not in hidden if c in exact else (r, c) in hidden or value >= k
    cells = {("t", r, c) for r, c in hidden}
    lines = table_lines("t", len(rows), len(grid[0]), total is not None)
    values = {("t", r, c): value for r, line in enumerate(grid) for c, value in enumerate(line)}
    assert not one_unknown_lines(cells, lines)
    assert not recoverable(values, cells, equations_of(lines))


@st.composite
def linked(draw):
    """A competence's levels at entry (4 levels, total) and its "became autonomous" table, whose total is the sum
    of levels 0 to 2, with some exact columns."""
    sites = draw(st.integers(1, 5))
    k = draw(st.integers(2, 15))
    levels = [[draw(AMOUNTS) for _ in range(sites)] for _ in range(4)]
    under = [sum(levels[r][c] for r in range(3)) for c in range(sites)]
    became = [draw(st.integers(0, amount)) for amount in under]
    readable = draw(st.sets(st.integers(0, sites - 1)))
    exact = frozenset(readable | ({sites} if len(readable) == sites else set()))
    return levels, under, became, k, exact


@PROPERTY
@given(linked())
def test_linked_tables_give_nothing_away_together(case):
    """Levels and "became autonomous" share a sum: solving both tables' sums and the shared one recovers nothing."""
    levels, under, became, k, exact = case
    first = Grid(
        "levels",
        "divide",
        "Niveaux",
        "apprenants",
        [(str(r), str(r), with_whole(row)) for r, row in enumerate(levels)],
        total=("Évalués", with_whole([sum(c) for c in zip(*levels, strict=True)])),
    )
    second = Grid("autonomy", "divide", "Devenus autonomes", "apprenants", [
        ("became", "Devenus autonomes", with_whole(became)),
        ("not_yet", "Pas encore", with_whole([u - b for u, b in zip(under, became, strict=True)])),
    ], total=("Non autonomes à l'entrée", with_whole(under)), rate="Part devenue autonome")  # fmt: skip
    link(first, second, [([0, 1, 2], 2)])
    privacy = Privacy(k, exact)
    published = {grid.key: publish(grid, privacy) for grid in (first, second)}
    width = len(levels[0]) + 1
    values, hidden = {}, set()
    for key, table in published.items():
        grid = first if key == "levels" else second
        counts = [row[2] for row in grid.rows] + [grid.total[1]]
        for r, row in enumerate([*table["rows"], table["total"]]):
            for c, cell in enumerate(row["cells"]):
                values[(key, r, c)] = counts[r][c]
                if cell["value"] is None:
                    hidden.add((key, r, c))
                    assert c not in exact
                else:
                    assert cell["value"] == counts[r][c] and (c in exact or counts[r][c] >= k)
    lines = table_lines("levels", 4, width, True) + table_lines("autonomy", 2, width, True)
    lines += [[("levels", r, c) for r in range(3)] + [("autonomy", 2, c)] for c in range(width)]
    assert not one_unknown_lines(hidden, lines)
    assert not recoverable(values, hidden, equations_of(lines))


@st.composite
def headlines(draw):
    sites = draw(st.integers(1, 6))
    k = draw(st.integers(2, 15))
    assessed = [draw(st.sampled_from((0, 1, 3, 8, 11, 14, 25, 62, 150))) for _ in range(sites)]
    fragile = [draw(st.integers(0, amount)) for amount in assessed]
    return assessed, fragile, k


@PROPERTY
@given(headlines())
def test_the_headline_shows_whenever_the_assessed_total_reaches_k(case):
    """The whole set's fragility rate is shown, exact or as a bound the published total implies, whenever at least
    K people were assessed; a bound is always true, and nothing is recoverable."""
    assessed, fragile, k = case
    grid = Grid("paired_entry", "headline", "Fragilité", "apprenants", [
        ("fragile", "En fragilité", with_whole(fragile)),
        ("not_fragile", "Autonomes", with_whole([a - f for a, f in zip(assessed, fragile, strict=True)])),
    ], total=("Évalués", with_whole(assessed)), rate="Taux", interval=True, headline=True)  # fmt: skip
    table = publish(grid, Privacy(k))
    total, rate = sum(assessed), table["rate"]["cells"][-1]
    share = Fraction(sum(fragile), total) if total else None
    if total >= k:
        assert table["total"]["cells"][-1]["value"] == total and rate["display"] != "s"
        if rate["value"] is None:
            assert rate["at_least"] is not None or rate["at_most"] is not None
    if rate["at_least"] is not None:
        assert share >= Fraction(rate["at_least"]).limit_denominator(10**4)
    if rate["at_most"] is not None:
        assert share <= Fraction(rate["at_most"]).limit_denominator(10**4)
    hidden = {("h", r, c) for r, row in enumerate([*table["rows"], table["total"]])
              for c, cell in enumerate(row["cells"]) if cell["value"] is None}  # fmt: skip
    lines = table_lines("h", 2, len(assessed) + 1, True)
    assert not one_unknown_lines(hidden, lines)
    assert not recoverable({}, hidden, equations_of(lines))


def test_a_bridge_between_two_hidden_blocks_is_hidden_further():
    """Two blocks of hidden cells joined by one cell: every line holds two hidden cells, yet solving the sums gives
    the joining cell; suppression hides more until it does not."""
    rows = [
        [5, 6, 3, 40, 40],
        [7, 8, 40, 40, 40],
        [40, 40, 5, 6, 40],
        [40, 40, 7, 8, 40],
    ]
    rows = [[*row, sum(row)] for row in rows]
    total = [sum(column) for column in zip(*rows, strict=True)]
    primary = {(r, c) for r, row in enumerate(rows) for c, value in enumerate(row) if value < 10}
    assert len(primary) == 9 and not one_unknown_lines(primary, [[(r, c) for c in range(6)] for r in range(4)] + [
        [(r, c) for r in range(4)] + [(4, c)] for c in range(6)])  # fmt: skip
    hidden = hidden_cells(rows, total, 10)
    assert hidden > primary
    cells = {("t", r, c) for r, c in hidden}
    lines = table_lines("t", 4, 6, True)
    values = {("t", r, c): v for r, line in enumerate([*rows, total]) for c, v in enumerate(line)}
    assert not recoverable(values, cells, equations_of(lines))
