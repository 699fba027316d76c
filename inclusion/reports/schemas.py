"""The outcomes report as the API gives it. Every number a reader sees is one `Cell`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

# Litestar documents `int | float | None` as a oneOf that a whole number matches twice (integer and number): the
# schema is one type list instead.
NUMBER_OR_NULL = Meta(extra_json_schema={"extra": {"one_of": None, "type": ["number", "null"]}})


class Cell(Struct):
    """One figure. `value` is the number, or null when hidden: fewer than K learners, or hidden so that no total
    gives such a cell away (both alike); `display` is what to print: "42", "12,5" or "s" (secret statistique)."""

    value: Annotated[int | float | None, NUMBER_OR_NULL]  # counts stay integers in JSON: "12", never "12.0"
    display: str


class Rate(Struct):
    """A share of the row above the total (0 to 1, 4 decimals); null when one of its counts is hidden or the
    total is 0. `low` and `high`: its 95 % Wilson interval, for fragility rates. When its count is hidden but
    the published figures imply a bound (the hidden count, or the rest, is below K), `at_least` / `at_most` give
    it and `display` reads "≥ 85,0 %"; `display` is always made from the exact fraction ("69,4 %" for 43/62)."""

    value: float | None
    low: float | None
    high: float | None
    display: str
    at_least: float | None = None
    at_most: float | None = None


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
    exact: bool = False  # the caller may open this site's records: its figures are exact, nothing hidden


class OutcomesReport(Struct):
    date_from: date
    date_to: date
    small_cell_k: int
    headline: str  # the divide in one French sentence, on the same learners assessed twice (or why it is hidden)
    service_quality: str  # learners' opinion in one French sentence: answers, satisfied, more at ease (or why not)
    restricted: bool  # some figures are exact (staff of the sites): "diffusion restreinte", not for circulation
    sites: list[ReportSite]
    tables: list[Table]


class ShareCreate(Struct, forbid_unknown_fields=True):
    """A read-only link to the report of these sites (none: all yours) and this period (as the report's `from`
    and `to`), valid through `expires_on` (default: in 30 days; at most a year ahead)."""

    sites: list[int] = []
    date_from: date | None = field(default=None, name="from")
    date_to: date | None = field(default=None, name="to")
    expires_on: date | None = None


class ShareSite(Struct):
    id: int
    name: str


class ShareCreated(Struct):
    """`url` opens the report without login: it is given only now (the server keeps only its hash)."""

    id: int
    url: str
    expires_on: date
    sites: list[ShareSite]
    date_from: date = field(name="from")
    date_to: date = field(name="to")


class ShareOut(Struct):
    id: int
    expires_on: date
    sites: list[ShareSite]
    created_at: datetime
    revoked_at: datetime | None
    creator_email: str
    status: Literal["active", "expired", "revoked"]
    date_from: date = field(name="from")
    date_to: date = field(name="to")
