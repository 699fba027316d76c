"""The outcomes report as the API gives it. Every number a reader sees is one `Cell`."""

from __future__ import annotations

from datetime import date

from msgspec import Struct


class Cell(Struct):
    """One figure. `value` is the number, or null when hidden: fewer than K learners (or hidden so that no total
    gives such a cell away); `display` is what to print: "42", "12,5" or "< 11"."""

    value: int | float | None
    display: str


class Rate(Struct):
    """A share of the row above the total (0 to 1, 4 decimals); null when one of its counts is hidden or the
    total is 0. `low` and `high`: its 95 % Wilson interval, for fragility rates."""

    value: float | None
    low: float | None
    high: float | None
    display: str


class Row(Struct):
    key: str
    label: str
    cells: list[Cell]  # one per site, in the order of `sites`, then the whole set


class RateRow(Struct):
    label: str
    cells: list[Rate]


class Table(Struct):
    key: str
    section: str  # headline, divide, trend, public, topics, vouchers
    title: str
    unit: str
    suppressed: bool  # false for counts of activities, hours and days, which count nobody
    rows: list[Row]
    total: Row | None  # when the rows are exclusive: their sum
    rate: RateRow | None
    notes: list[str]


class Period(Struct):
    date_from: date
    date_to: date


class ReportSite(Struct):
    id: int
    name: str
    periods: list[Period]  # the days counted: the asked period, clipped to the grants for a funder


class OutcomesReport(Struct):
    date_from: date
    date_to: date
    small_cell_k: int
    sites: list[ReportSite]
    tables: list[Table]
