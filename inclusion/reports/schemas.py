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
    cells: list[Cell]  # one per column, in the order of `columns`, then the whole set


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


class ReportColumn(Struct):
    """One column of figures: a région, a département or a site (the whole set's column follows the last)."""

    key: str  # "region:32", "departement:62", "site:17"; "region:" or "departement:" for sites without a territory
    label: str  # "Hauts-de-France", "Pas-de-Calais (62)", the site's name, or "Territoire non renseigné"
    level: Literal["region", "departement", "site"]
    code: str  # the région's or département's INSEE code ("" for a site, or an unknown territory)
    sites: int  # how many of the report's sites it sums
    exact: bool  # the caller may open every one of its sites' records: its figures are exact, nothing hidden


class OutcomesReport(Struct):
    date_from: date
    date_to: date
    small_cell_k: int
    headline: str  # the divide in one French sentence, on the same learners assessed twice (or why it is hidden)
    service_quality: str  # learners' opinion in one French sentence: answers, satisfied, more at ease (or why not)
    restricted: bool  # some figures are exact (staff of the sites): "diffusion restreinte", not for circulation
    level: Literal["region", "departement", "site"]  # sites in several régions: by région; in several départements
    # of one région: by département; otherwise one column per site
    site_count: int  # the report's sites
    columns: list[ReportColumn]
    sites: list[ReportSite]  # one per column when `level` is "site"; empty above (see `/reports/outcomes/sites`)
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


class SiteFigures(Struct):
    """One site of the report, with its place and the report's main figures for it: the same cells as the
    report's columns by site, small ones hidden ("s") for a reader who may not open the site's records."""

    id: int
    name: str
    insee_code: str  # the commune's code (Code officiel géographique), "" when unknown
    commune: str
    departement: str  # "Pas-de-Calais (62)", or "Territoire non renseigné"
    region: str
    exact: bool  # the caller may open this site's records: nothing hidden
    activities: Cell
    workshops: Cell
    sessions: Cell  # individual sessions, named or anonymous
    hours: Cell
    learners: Cell  # learners accompanied in the period
    new_learners: Cell  # of whom first came in the period
    participants: Cell  # participants present (once per activity)
    assessed: Cell  # learners assessed on the socle in the period
    fragile_entry: Cell  # of whom digitally fragile at their first assessment
    fragile_latest: Cell  # at their latest


class SiteFiguresPage(Struct):
    """A page of the report's table by site, the sites by name."""

    date_from: date
    date_to: date
    small_cell_k: int
    items: list[SiteFigures]
    total: int
    page: int
    per_page: int
    pages: int
