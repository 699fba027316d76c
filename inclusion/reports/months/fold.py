"""The report's daily upkeep of its stored months, run by every worker:

- on PostgreSQL, every month's pending changes (`report_month_change`) move into its version. A report folds
  the months it reads; months nobody reports on would keep their rows (three per workshop) and every version
  count would scan them. Folding keeps each month's count as it was, so a stored figure stays exactly as fresh
  or stale as before;
- every site's whole months of the default period (the last 12 months) are stored where they are not, so the
  first whole-network report after an upgrade or a new framework does not store 36,000 months itself;
- then every site's share of the whole network's report over that period (`site_parts`), so the day's first
  national report reads them instead of computing them; shares not computed for a week are deleted;
- and every site's closed and current parts of that period with each région's sum (`split_parts`, `rollups`),
  which the national report reads when it asks for whole territories (`grouped.grouped_shares`).

Several workers may run it: one at a time holds each lock, the others find it taken and leave the work to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date

from inclusion import clock
from inclusion.errors import Busy
from inclusion.reports import rollups, site_parts
from inclusion.reports.divide import default_framework
from inclusion.reports.grouped import grouped_shares
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.months.triggers import FOLD_LOCK, fold
from inclusion.reports.scope import ReportScope, check_period
from inclusion.reports.shares import site_shares
from inclusion.storage import db, sql
from inclusion.storage.tables.sites import Site

logger = logging.getLogger("inclusion.reports")
SHARES_LOCK = 7_301_003  # an advisory lock: one worker at a time computes the network's shares
RUN_AT = (0, 5)
"""After the first run at start, the job runs daily at 00:05 in the service's zone: the default period has just
moved on a day, so every site's share is computed for it before the day's first report asks."""


def _plan():
    locked = yield f"SELECT pg_try_advisory_xact_lock({FOLD_LOCK}) AS got", []
    if not locked[0]["got"]:
        return 0
    counted = yield "SELECT COUNT(*) AS n FROM report_month_change", []
    yield fold("1 = 1"), []
    return counted[0]["n"]


async def fold_pending() -> int:
    """Fold every pending change; the number folded (0 on SQLite, whose triggers bump versions directly)."""
    if db.is_sqlite():
        return 0
    return await sql.transact(_plan())


async def warm(today: date) -> int:
    """Store the whole months of the default period up to `today` at every site; the number of sites stored."""
    date_from, date_to = check_period(None, None, today)
    plan = month_plan.Plan(ReportScope(date_from, date_to, [], {}, every_site=True), await default_framework())
    await month_plan.close_open_months(plan)
    return await months.refresh(plan, alone=True)


@asynccontextmanager
async def alone(lock: int) -> AsyncIterator[bool]:
    """PostgreSQL: hold the advisory lock `lock` for the block, on a connection of its own (the work uses others);
    False, and nothing held, while another worker holds it. A worker that dies releases it with its connection.
    SQLite: True (one server process writes to its file)."""
    if db.is_sqlite():
        yield True
        return
    connection = await db.current_engine().get_new_connection()
    try:
        got = await connection.fetchval("SELECT pg_try_advisory_lock($1)", lock)
        try:
            yield got
        finally:
            if got:
                await connection.execute("SELECT pg_advisory_unlock($1)", lock)
    finally:
        await connection.close()


async def warm_shares(today: date) -> int:
    """Compute every site's share of the whole network's report over the default period where it does not hold
    any more, and delete old shares; the number of sites computed (0 while another worker does it)."""
    async with alone(SHARES_LOCK) as first:
        if not first:
            return 0
        date_from, date_to = check_period(None, None, today)
        sites = await Site.select(Site.id, Site.name).order_by(Site.id).run()
        windows = {site["id"]: [(date_from, date_to)] for site in sites}
        scope = ReportScope(date_from, date_to, sites, windows, every_site=True)
        framework = await default_framework()
        _, computed = await site_shares(scope, framework, today)
        await grouped_shares(scope, framework, today)
        await site_parts.forget_old(today)
        await rollups.forget_old(today)
        return computed


async def upkeep(today: date) -> tuple[int, int, int]:
    """One run of the upkeep: changes folded, sites whose months were stored, site shares computed."""
    folded, stored = await fold_pending(), await warm(today)
    return folded, stored, await warm_shares(today)


async def run_daily(run_once: Callable[[], Awaitable[tuple[int, int, int]]]) -> None:
    """The server's upkeep (`run_once`: `upkeep` in a report process, off the server's loop), at start then daily
    at RUN_AT; a failed run must not stop tomorrow's."""
    while True:
        try:
            folded, stored, computed = await run_once()
            if folded or stored or computed:
                logger.info(
                    "Rapports : %d changement(s) reporté(s), mois de %d site(s) enregistrés, %d part(s) de site "
                    "calculée(s).", folded, stored, computed
                )  # fmt: skip
        except Busy as refused:  # its report process ended mid-way (the server stopping): tomorrow's run does it
            logger.warning("L'entretien quotidien des mois du rapport est reporté : %s", refused.message)
        except Exception:  # noqa: BLE001
            logger.exception("L'entretien quotidien des mois du rapport a échoué.")
        await asyncio.sleep(clock.seconds_until(*RUN_AT))
