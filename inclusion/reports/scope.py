"""What one outcomes report covers: which sites, and for each the days it may count.

Staff (admin, coordinator, adviser) see the asked period at each of their sites. A funder account sees a site
only where its funder's grants cover the period, and only those days: the period is clipped, per site, to the
union of the grant periods. A site outside the caller's scope, or outside every grant, does not exist for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from inclusion.errors import InvalidData, NotFound
from inclusion.funders.services import grant_periods
from inclusion.scoping import Caller, Role
from inclusion.storage.tables.sites import Site

MAX_YEARS = 10
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # a report's days; beyond, dates overflow (year 10009)
Window = tuple[date, date]


@dataclass(frozen=True, slots=True)
class ReportScope:
    date_from: date
    date_to: date
    sites: list[dict]  # {"id", "name"}, by name
    windows: dict[int, list[Window]]  # per site, the days counted (both ends included)
    every_site: bool = False  # an administrator's whole network: no site clause at all

    @property
    def site_ids(self) -> list[int]:
        return [site["id"] for site in self.sites]

    def sites_clause(self, site_column: str) -> str:
        """SQL keeping rows of the report's sites, whatever their date (learners belong to one site, so this
        lets the planner read only their files)."""
        if self.every_site:
            return "1 = 1"
        return f"{site_column} IN ({', '.join(str(int(i)) for i in self.site_ids) or '0'})"

    def clause(self, site_column: str, date_column: str) -> tuple[str, list[date]]:
        """SQL keeping rows whose (site, date) falls in a window, with its `{}` arguments; site ids are inlined
        (integers read from the database) so one statement serves any number of sites."""
        if self.every_site:
            return f"{date_column} BETWEEN {{}} AND {{}}", [self.date_from, self.date_to]
        groups: dict[tuple[Window, ...], list[int]] = {}
        for site_id in self.site_ids:
            groups.setdefault(tuple(self.windows[site_id]), []).append(site_id)
        parts, args = [], []
        for windows, site_ids in groups.items():
            ranges = " OR ".join(f"{date_column} BETWEEN {{}} AND {{}}" for _ in windows)
            parts.append(f"({site_column} IN ({', '.join(str(int(i)) for i in site_ids)}) AND ({ranges}))")
            args += [day for window in windows for day in window]
        return ("(" + " OR ".join(parts) + ")" if parts else "1 = 0"), args


def up_to(scope: ReportScope, today: date) -> ReportScope:
    """The scope without the days still to come: a workshop planned for next week is not an outcome yet. A share
    link whose period runs on shows each day what has happened so far."""
    if scope.date_to <= today:
        return scope
    windows = {
        site: [(start, min(end, today)) for start, end in periods if start <= today]
        for site, periods in scope.windows.items()
    }
    return replace(scope, date_to=max(today, scope.date_from), windows=windows)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def parse_day(raw: str | None, field: str) -> date | None:
    """A query's day, AAAA-MM-JJ; 422 naming the query field otherwise."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidData({field: f"Date invalide : « {raw[:20]} » (attendu : AAAA-MM-JJ)."}) from None


def check_period(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """The asked period (the last 12 months unless told); 422 when a day lies outside 2000–2099, or the period
    runs backwards or exceeds 10 years."""
    outside = {
        field: f"Date hors des limites : choisissez un jour entre le {EARLIEST:%d/%m/%Y} et le {LATEST:%d/%m/%Y}."
        for field, day in (("from", date_from), ("to", date_to))
        if day is not None and not EARLIEST <= day <= LATEST
    }
    if outside:
        raise InvalidData(outside)
    if date_from is not None and date_from > today:
        raise InvalidData({"from": "La période commence après aujourd'hui : un rapport compte ce qui a eu lieu."})
    date_to = date_to or today
    date_from = date_from or _years_later(date_to, -1) + timedelta(days=1)
    if date_to < date_from:
        raise InvalidData({"to": "La fin de la période (to) doit être postérieure ou égale à son début (from)."})
    if date_to >= _years_later(date_from, MAX_YEARS):
        raise InvalidData({"from": f"La période ne peut pas dépasser {MAX_YEARS} ans."})
    return date_from, date_to


def _clip(periods: list[Window], date_from: date, date_to: date) -> list[Window]:
    return [
        (max(start, date_from), min(end, date_to)) for start, end in periods if start <= date_to and end >= date_from
    ]


async def resolve_scope(caller: Caller, asked: list[int], date_from: date, date_to: date) -> ReportScope:
    """The sites and days of the report; asked sites outside the caller's scope or grants answer 404."""
    asked = list(dict.fromkeys(asked))
    if caller.role == Role.funder:
        granted = await grant_periods(caller.user_id)
        windows = {site: _clip(periods, date_from, date_to) for site, periods in granted.items()}
        windows = {site: found for site, found in windows.items() if found}
    else:
        windows = {site: [(date_from, date_to)] for site in caller.site_ids}
    if not caller.is_admin and any(site not in windows for site in asked):
        raise NotFound("Site introuvable.")
    every_site = caller.is_admin and not asked
    query = Site.select(Site.id, Site.name).order_by(Site.name).order_by(Site.id)
    if asked:
        query = query.where(Site.id.is_in(asked))
    elif not every_site:
        query = query.where(Site.id.is_in(sorted(windows) or [0]))
    sites = await query.run()
    if len(sites) < len(asked):
        raise NotFound("Site introuvable.")
    if caller.is_admin:
        windows = {site["id"]: [(date_from, date_to)] for site in sites}
    return ReportScope(date_from, date_to, sites, windows, every_site)
