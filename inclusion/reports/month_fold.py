"""The daily fold: on PostgreSQL, every month's pending changes (`report_month_change`) move into its version.

A report folds the months it reads; months nobody reports on would keep their rows (three per workshop) and
every version count would scan them. Folding keeps each month's count as it was, so a stored figure stays
exactly as fresh or stale as before. Several workers may run it: one at a time holds the fold's lock, the
others find it taken and leave the rows to it.
"""

from __future__ import annotations

import asyncio
import logging

from inclusion import db, sql
from inclusion.reports.month_triggers import FOLD_LOCK, fold

logger = logging.getLogger("inclusion.reports")
DAY_SECONDS = 24 * 3600


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


async def run_daily() -> None:
    """The server's daily fold; a failed run must not stop tomorrow's."""
    while True:
        try:
            count = await fold_pending()
            if count:
                logger.info("Rapports : %d changement(s) reporté(s) dans les versions des mois.", count)
        except Exception:  # noqa: BLE001
            logger.exception("Le report quotidien des changements de mois a échoué.")
        await asyncio.sleep(DAY_SECONDS)
