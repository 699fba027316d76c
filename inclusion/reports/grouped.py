"""The report's per-site rows, with whole territories read as one stored sum.

`grouped_shares(scope, framework, today)` answers like `shares.site_shares`, per part, except that the rows
of a région (or else a département) all of whose sites are in the scope over the default period come summed,
with `"site": "region:32"` (`"departement:62"`); the other sites' rows come per site. The whole set's column
is the sum of every row, territories included. Sites over the default period read their two stored parts
(`split_parts`); other windows (a funder's grants, another period) read their whole share (`site_parts`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.reports import rollup_store, rollups, site_parts, split_parts
from inclusion.reports.months import fragility as month_fragility
from inclusion.reports.scope import ReportScope, check_period
from inclusion.reports.shares import site_shares

Rows = dict[str, list[dict[str, Any]]]


def _empty() -> Rows:
    return {part: [] for part in site_parts.PARTS}


def _add(into: Rows, rows: Rows) -> None:
    for part in site_parts.PARTS:
        into[part] += rows.get(part, [])


async def _sites(
    period: split_parts.Period, sites: list[int], live: dict, where: dict, framework, today: date, wanted=None
) -> tuple[dict[int, Rows], int]:
    """Store the parts of these sites whose stamps moved on; the rows (all their parts) of the sites `wanted`
    (None: all), and how many sites had a part computed."""
    stored = await split_parts.read(period, sites, wanted)
    stale: dict[str, list[int]] = {kind: [] for kind in split_parts.KINDS}
    for site in sites:  # each part is counted from the records (and stored months), so holds on its own stamp
        mine = stored.get(site, {})
        for position, kind in enumerate(split_parts.KINDS):
            if mine.get(kind, ("",))[0] != live[site][position]:
                stale[kind].append(site)
    new: dict[int, dict[str, tuple[str, Rows]]] = {}
    for kind, compute in (("closed", split_parts.closed_parts), ("people", split_parts.people_parts),
                          ("current", split_parts.current_parts)):  # fmt: skip
        if stale[kind]:
            position = split_parts.KINDS.index(kind)
            computed = split_parts.per_site(await compute(period, stale[kind], framework), stale[kind])
            for site, rows in computed.items():
                new.setdefault(site, {})[kind] = (live[site][position], rows)
    if new:
        await rollup_store.store(period, new, where, today)
    found: dict[int, Rows] = {}
    for site in sites if wanted is None else [site for site in sites if site in wanted]:
        parts = {kind: rows for kind, (_, rows) in stored.get(site, {}).items()}
        parts |= {kind: rows for kind, (_, rows) in new.get(site, {}).items()}
        found[site] = _empty()
        for rows in parts.values():
            _add(found[site], rows)
    return found, len(new)


async def _default_period(
    sites: list[int], every_site: bool, framework, today: date, period, regions: bool = True
) -> tuple[Rows, int]:
    live = await split_parts.stamps(period, None if every_site else sites)
    where = await rollups.places()
    chosen, single = rollups.choose(sites, where, regions)
    stored = await rollups.read(sorted(chosen), period.rollup_key)
    held = {t: stored[t] for t, members in chosen.items() if rollups.holds(stored.get(t), members, live)}
    waiting = [t for t in chosen if t not in held]
    dirty = set(single)
    for territory in waiting:
        rollup = stored.get(territory)
        dirty |= {s for s in chosen[territory] if rollup is None or rollup.members.get(s) != live[s]}
    rows, computed = await _sites(period, sorted(dirty), live, where, framework, today, set(single))
    if waiting:  # moved by the parts just stored, or else summed from every site
        again = await rollups.read(waiting, period.rollup_key)
        for territory in waiting:
            members = chosen[territory]
            if rollups.holds(again.get(territory), members, live):
                held[territory] = again[territory]
                continue
            _, more = await _sites(period, sorted(members - dirty), live, where, framework, today, set())
            computed += more
            total = await rollup_store.sum_rollup(period, territory, {s: live[s] for s in members}, today)
            if total is None:  # a site changed meanwhile: this answer sums the rows read now
                found_rows, _ = await _sites(period, sorted(members), live, where, framework, today)
                total = rollups.Rollup({}, rollups.summed(found_rows.values()))
            held[territory] = total
    found = _empty()
    for territory, rollup in held.items():
        _add(found, {part: [row | {"site": territory} for row in part_rows] for part, part_rows in rollup.rows.items()})
    for site in single:
        _add(found, rows[site])
    return found, computed


async def grouped_shares(
    scope: ReportScope, framework: dict[str, Any] | None, today: date, group: bool = True, regions: bool = True
) -> tuple[Rows, int]:
    """The report's rows per part, whole territories summed (unless `group` is False; départements only unless
    `regions`), and how many sites were computed."""
    start, end = check_period(None, None, today)
    period = split_parts.Period(start, today, month_fragility.key(framework))
    default = [s for s in scope.site_ids if split_parts.applies(start, today) and scope.windows[s] == [(start, end)]]
    kept = set(default)
    others = [s for s in scope.site_ids if s not in kept]
    found, computed = _empty(), 0
    if others:
        rows, computed = await site_shares(site_parts.narrowed(scope, others), framework, today)
        _add(found, rows)
    if default:
        every = scope.every_site and not others
        if group:
            rows, more = await _default_period(default, every, framework, today, period, regions)
        else:
            live = await split_parts.stamps(period, None if every else default)
            per_site, more = await _sites(period, default, live, await rollups.places(), framework, today)
            rows = _empty()
            for site_rows in per_site.values():
                _add(rows, site_rows)
        _add(found, rows)
        computed += more
    return found, computed
