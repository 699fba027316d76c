"""Qualité du service rendu: what learners said of the help they got (issue 26), per site and month, from the
anonymous answers and the offers (`storage/tables/feedback.py`).

Per month and in total, one column per site then the whole set: people asked (over the offers, the larger of
their participants and their answers), answers and those asked who did not answer, answers satisfied or very
satisfied and the others, answers feeling more at ease to do it alone next time and the others; each share with
its 95 % Wilson interval. Version 1 of the questionnaire asks every choice, so each share is over all answers.

An answer has no day, only its activity's month: a month counts for a site when the site's days in the report
start on or before its first day and run to its last day, or to the period's last day (the current month is
counted while it runs; a funder's grant that ends mid-month leaves that month out).

Suppression: these counts form one system (months add up to the total, sites to the whole set, answers and
non-answers to people asked, satisfied and not to answers…), so its cells are hidden together (`Family`): a
count is one cell wherever it is printed, and no published sum gives a hidden one away. Comments are not here:
they are never in the report (`comments.py`)."""

from __future__ import annotations

import asyncio
import functools
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from inclusion.reports.assemble import Columns, month_label, months_between
from inclusion.reports.grid import Grid, Privacy
from inclusion.reports.scope import ReportScope, Window
from inclusion.reports.suppression import DETAIL, HEADLINE, MARGIN, Table, hidden_in_lines
from inclusion.storage import sql

SECTION = "quality"
MEASURES = ("answers", "unanswered", "asked", "satisfied", "unsatisfied", "at_ease", "not_at_ease")
SUMS = (("answers", "unanswered", "asked"), ("satisfied", "unsatisfied", "answers"),
        ("at_ease", "not_at_ease", "answers"))  # fmt: skip
TABLES = {  # key: (title, (first row, label), (second row, label), (total, label), rate)
    "feedback_response": ("Avis demandés et reçus", ("answers", "Avis reçus"),
                          ("unanswered", "Personnes sollicitées sans réponse"),
                          ("asked", "Personnes sollicitées"), "Taux de réponse"),
    "feedback_satisfaction": ("Satisfaction", ("satisfied", "Satisfaites ou très satisfaites"),
                              ("unsatisfied", "Peu ou pas satisfaites"), ("answers", "Avis reçus"),
                              "Part satisfaite ou très satisfaite"),
    "feedback_at_ease": ("Plus à l'aise pour faire seules", ("at_ease", "Plus à l'aise pour faire seules"),
                         ("not_at_ease", "Pas plus à l'aise"), ("answers", "Avis reçus"),
                         "Part plus à l'aise pour faire seule"),
}  # fmt: skip
TOTAL = "total"
UNIT = "personnes"
BY_CELL_COLUMNS = 201  # up to 200 sites, each count is suppressed alone; beyond, a (month, site)'s counts together


def counted_months(date_from: date, date_to: date, windows: list[Window]) -> frozenset[str]:
    """The months ("AAAA-MM") of the period that a site's answers count in, given its days (`windows`): see the
    module's note. (A national report asks it for 3,000 sites sharing one window: worked out once.)"""
    return _counted_months(date_from, date_to, tuple(windows))


@functools.lru_cache(maxsize=256)
def _counted_months(date_from: date, date_to: date, windows: tuple[Window, ...]) -> frozenset[str]:
    found = set()
    for month in months_between(date_from, date_to):
        first = date(int(month[:4]), int(month[5:]), 1)
        last = first.replace(day=monthrange(first.year, first.month)[1])
        if any(start <= first and (end >= last or end == date_to) for start, end in windows):
            found.add(month)
    return frozenset(found)


async def rows(scope: ReportScope) -> list[dict]:
    """Per site and month: people asked, answers, satisfied, at ease; two grouped statements run side by side,
    grouped on the stored month (the "AAAA-MM" text is made here, once per group), no answer's text."""
    if not scope.sites:
        return []
    where = f"{scope.sites_clause('site')} AND month BETWEEN {{}} AND {{}}"
    period = scope.date_from.replace(day=1), scope.date_to
    offers, answers = await asyncio.gather(
        sql.fetch(
            "SELECT site, month, SUM(CASE WHEN answers > participants THEN answers ELSE participants END) AS asked "
            f"FROM feedback_offer WHERE {where} GROUP BY site, month",
            *period,
        ),
        sql.fetch(
            "SELECT site, month, COUNT(*) AS answers, SUM(CASE WHEN satisfied THEN 1 ELSE 0 END) AS satisfied, "
            "SUM(CASE WHEN at_ease THEN 1 ELSE 0 END) AS at_ease "
            f"FROM feedback_answer WHERE {where} GROUP BY site, month",
            *period,
        ),
    )
    kept = {site: counted_months(scope.date_from, scope.date_to, scope.windows[site]) for site in scope.site_ids}
    merged: dict[tuple[int, str], dict] = {}
    for row in [*offers, *answers]:
        month = str(row["month"])[:7]
        if month in kept.get(row["site"], ()):
            found = merged.setdefault((row["site"], month), {"site": row["site"], "month": month})
            found.update({key: int(value or 0) for key, value in row.items() if key not in ("site", "month")})
    return list(merged.values())


@dataclass
class Family:
    """The feedback tables, suppressed together: each count (measure, month or total, column) is one cell,
    whichever tables print it; the lines are every published sum (see the module's note)."""

    months: list[str]
    values: dict[str, dict[str, list[int]]]  # measure → month (or TOTAL) → one per site then the whole set
    grids: dict[str, tuple[str, str]] = field(default_factory=dict)  # grid key → (month or TOTAL, table key)
    hidden: dict[str, set[tuple[int, int]]] | None = None
    by_block: bool | None = None  # None: by block beyond BY_CELL_COLUMNS columns

    def decide(self, privacy: Privacy) -> None:
        periods = [*self.months, TOTAL]
        width = len(self.values["answers"][TOTAL])
        if len(privacy.exact) == width:  # staff of every site: nothing to hide
            self.hidden = {key: set() for key in self.grids}
            return
        by_block = width > BY_CELL_COLUMNS if self.by_block is None else self.by_block
        found = self._by_block(privacy, periods) if by_block else self._by_cell(privacy, periods, width)
        self.hidden = {}
        for key, (period, table) in self.grids.items():
            _, first, second, total, _ = TABLES[table]
            self.hidden[key] = {
                (r, c)
                for r, (measure, _) in enumerate((first, second, total))
                for c in found.get((measure, period), ())
            }

    def _by_cell(self, privacy: Privacy, periods: list[str], width: int) -> dict[tuple[str, str], set[int]]:
        """Each count is a cell: the least hidden, but the system grows with sites × months × 7 (5 s at 3,000
        sites)."""
        index = {(m, p): (m_i * len(periods) + p_i) * width for m_i, m in enumerate(MEASURES)
                 for p_i, p in enumerate(periods)}  # fmt: skip
        amounts = [value for m in MEASURES for p in periods for value in self.values[m][p]]
        tiers, fixed = [], []
        for _measure in MEASURES:
            for period in periods:
                for column in range(width):
                    whole, total = column == width - 1, period == TOTAL
                    tiers.append(HEADLINE if whole and total else MARGIN if whole or total else DETAIL)
                    fixed.append(column in privacy.exact)
        lines: list[list[int]] = []
        for period in periods:
            for column in range(width):
                lines += [[index[(m, period)] + column for m in line] for line in SUMS]
        for measure in MEASURES:
            for period in periods:
                lines.append(list(range(index[(measure, period)], index[(measure, period)] + width)))
            for column in range(width):
                lines.append([index[(measure, period)] + column for period in periods])
        name = lambda cell: cell  # noqa: E731 - cells are numbered in a fixed order: ties go the same way
        found: dict[tuple[str, str], set[int]] = {}
        for cell in hidden_in_lines(amounts, lines, privacy.k, name, tiers, fixed):
            block, column = divmod(cell, width)
            measure, period = divmod(block, len(periods))
            found.setdefault((MEASURES[measure], periods[period]), set()).add(column)
        return found

    def _by_block(self, privacy: Privacy, periods: list[str]) -> dict[tuple[str, str], set[int]]:
        """A (month, column)'s seven counts are hidden together: when one is below K, or as a complement in the
        table of months × columns (`suppression.Table`, its rows and columns being the published sums). Safe: with
        whole blocks hidden, a count is determined only if its block is determined by that table's sums, since no
        unit vector lies in the span of a block's own sums (answers + unanswered = asked, …)."""
        rows = []
        for period in periods:
            per_measure = [self.values[measure][period] for measure in MEASURES]
            asked = self.values["asked"][period]
            rows.append(
                [min(c) if min(c) < privacy.k else asked[i] for i, c in enumerate(zip(*per_measure, strict=True))]
            )
        table = Table(None, rows[:-1], rows[-1], exact=privacy.exact, headline=True)
        hidden = hidden_in_lines(table.amounts, table.lines, privacy.k, table.name, table.tiers, table.fixed)
        found: dict[tuple[str, str], set[int]] = {}
        for cell in hidden:
            row, column = table.position(cell)
            for measure in MEASURES:
                found.setdefault((measure, periods[row]), set()).add(column)
        return found


def grids(columns: Columns, found: list[dict]) -> list[Grid]:
    """The tables of the section: per month with an offer or an answer in the whole set, then the period's."""
    values: dict[str, dict[str, list[int]]] = {measure: {} for measure in MEASURES}
    for measure in ("asked", "answers", "satisfied", "at_ease"):
        by_month = columns.by(found, lambda r: r["month"], lambda r, m=measure: r.get(m, 0))
        for month, per_site in by_month.items():
            values[measure][month] = per_site
    months = sorted({m for measure in ("asked", "answers") for m, per_site in values[measure].items() if any(per_site)})
    zeros = columns.zeros()
    for month in months:
        answers = values["answers"].setdefault(month, zeros)
        # more answers than people asked cannot happen through the services; never print a negative count
        asked = values["asked"][month] = [max(a, b) for a, b in zip(values["asked"].get(month, zeros), answers,
                                                                    strict=True)]  # fmt: skip
        satisfied, at_ease = values["satisfied"].setdefault(month, zeros), values["at_ease"].setdefault(month, zeros)
        values["unanswered"][month] = [a - b for a, b in zip(asked, answers, strict=True)]
        values["unsatisfied"][month] = [a - b for a, b in zip(answers, satisfied, strict=True)]
        values["not_at_ease"][month] = [a - b for a, b in zip(answers, at_ease, strict=True)]
    for measure in MEASURES:
        per_month = values[measure]
        per_month.update({m: [*per_month[m], sum(per_month[m])] for m in months})  # the whole set's column
        sums = [sum(column) for column in zip(*(per_month[m] for m in months), strict=True)]
        per_month[TOTAL] = sums or [0] * (len(zeros) + 1)
    family = Family(months, {m: {p: values[m][p] for p in [*months, TOTAL]} for m in MEASURES})
    made = []
    for period in [*months, TOTAL]:
        for table, (title, first, second, total, rate) in TABLES.items():
            key = table if period == TOTAL else f"{table}:{period}"
            heading = f"{title} — {'période' if period == TOTAL else month_label(period)}"
            grid = Grid(key, SECTION, heading, UNIT, [
                (first[0], first[1], values[first[0]][period]), (second[0], second[1], values[second[0]][period]),
            ], total=(total[1], values[total[0]][period]), rate=rate, interval=True)  # fmt: skip
            grid.group = family  # type: ignore[assignment]  # a Group's duck: `hidden`, `decide(privacy)`
            family.grids[key] = (period, table)
            made.append(grid)
    return made
