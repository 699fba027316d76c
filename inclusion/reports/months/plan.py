"""How a report's period splits, per group of sites, into whole months (read from stored figures: `months`) and
edge days (summed from the records), and the SQL clauses that select them."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from inclusion.reports.months import fragility as month_fragility
from inclusion.reports.scope import ReportScope
from inclusion.storage import db, sql


def month_name(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _split(start: date, end: date) -> tuple[list[str], list[tuple[date, date]]]:
    """The whole months of [start, end] and the days left at its edges."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end if end.day == monthrange(end.year, end.month)[1] else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return [], [(start, end)]
    months, day = [], first
    while day <= last:
        months.append(month_name(day))
        day = (day + timedelta(days=32)).replace(day=1)
    edges = [(start, first - timedelta(days=1))] if start < first else []
    edges += [(last + timedelta(days=1), end)] if end > last else []
    return months, edges


class Plan:
    """Per group of sites sharing their windows: whole months and edge days (`None`: every site); and the default
    framework the monthly fragility trend is counted on, with the key its stored figures carry."""

    def __init__(self, scope: ReportScope, framework: dict[str, Any] | None = None) -> None:
        groups: dict[tuple, list[int] | None] = {}
        if scope.every_site:
            groups[((scope.date_from, scope.date_to),)] = None
        else:
            for site in scope.site_ids:
                groups.setdefault(tuple(scope.windows[site]), []).append(site)
        self.parts: list[tuple[list[int] | None, list[str], list[tuple[date, date]]]] = []
        for windows, sites in groups.items():
            months, edges = [], []
            for start, end in windows:
                whole, left = _split(start, end)
                months += whole
                edges += left
            self.parts.append((sites, months, edges))
        self.framework = framework
        self.key = month_fragility.key(framework)

    def month_clause(self, site: str, month: str) -> tuple[str, list[Any]]:
        parts, args = [], []
        for sites, months, _ in self.parts:
            if months:
                parts.append(f"({sites_in(site, sites)} AND {month} IN ({', '.join('{}' for _ in months)}))")
                args += months
        return (" OR ".join(parts) or "1 = 0"), args

    def edge_pairs(self) -> Iterator[tuple[list[int] | None, date, date]]:
        for sites, _, edges in self.parts:
            for start, end in edges:
                yield sites, start, end


def sites_in(column: str, sites: list[int] | None) -> str:
    return "1 = 1" if sites is None else f"{column} IN ({', '.join(str(int(site)) for site in sites) or '0'})"


def days_clause(pairs: list[tuple[list[int] | None, date, date]], day: str = "a.date") -> tuple[str, list[Any]]:
    """SQL keeping rows of `a` whose site and `day` fall in one of the (sites, first, last day) pairs."""
    parts, args = [], []
    for sites, start, end in pairs:
        parts.append(f"({sites_in('a.site', sites)} AND {day} BETWEEN {{}} AND {{}})")
        args += [start, end]
    return (" OR ".join(parts) or "1 = 0"), args


def month_days(site: int, month: str) -> tuple[list[int], date, date]:
    year, number = int(month[:4]), int(month[5:])
    return [site], date(year, number, 1), date(year, number, monthrange(year, number)[1])


def within_month(day: str, month: str) -> str:
    """SQL: the date `day` falls in the month `month` (AAAA-MM), in a form the (site, date) index serves."""
    if db.is_sqlite():
        return f"{day} >= {month} || '-01' AND {day} < date({month} || '-01', '+1 month')"
    first = f"to_date({month}, 'YYYY-MM')"
    return f"{day} >= {first} AND {day} < ({first} + interval '1 month')::date"


async def close_open_months(plan: Plan) -> None:
    """Read as a whole month an edge that starts on the 1st and ends before the month does, when its sites have no
    activity and no assessment later that month: a report up to today, as most are, then reads the current month
    stored (neither can be dated after today) instead of summing its days again."""
    candidates = []
    for part, (sites, _, edges) in enumerate(plan.parts):
        for start, end in edges:
            last = month_days(0, month_name(start))[2]
            if start.day == 1 and end < last:
                candidates.append((part, sites, start, end, last))
    if not candidates:
        return
    checks, args = [], []
    for number, (_, sites, _, end, last) in enumerate(candidates):
        for table, day in (("activity", "date"), ("assessment", "assessed_on")):
            later = f"SELECT 1 FROM {table} a WHERE {sites_in('a.site', sites)} AND a.{day} > {{}} AND a.{day} <= {{}}"
            checks.append(f"SELECT {number} AS n WHERE EXISTS ({later})")
            args += [end, last]
    blocked = {row["n"] for row in await sql.fetch(" UNION ALL ".join(checks), *args)}
    for number, (part, _, start, end, _) in enumerate(candidates):
        if number not in blocked:
            _, whole, edges = plan.parts[part]
            edges.remove((start, end))
            whole.append(month_name(start))
