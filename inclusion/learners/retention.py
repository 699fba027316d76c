"""Retention: files with no contact for the configured period are anonymised, by hand or once a day."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from inclusion import clock
from inclusion.learners.lifecycle import anonymise
from inclusion.storage.tables.learners import Learner

logger = logging.getLogger("inclusion.retention")
DAY_SECONDS = 24 * 3600


def cutoff(today: date, months: int) -> date:
    """The same day `months` months earlier (clamped to the month's last day)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def stale_learners(months: int, today: date | None = None) -> list[dict]:
    limit = cutoff(today or clock.today(), months)
    return (
        await Learner.select(Learner.id, Learner.site)
        .where(Learner.last_contact_on < limit, Learner.anonymised_at.is_null(), Learner.merged_into.is_null())
        .order_by(Learner.id)
        .run()
    )


async def purge(months: int, dry_run: bool = False, today: date | None = None) -> int:
    """Anonymise every file past retention; return how many this call anonymised (or would, with dry_run).
    Another worker's purge running at the same moment may anonymise some first: those are not counted."""
    stale = await stale_learners(months, today)
    if dry_run:
        return len(stale)
    reason = f"aucun contact depuis {months} mois"
    return sum([await anonymise(None, row["id"], row["site"], reason=reason) for row in stale])


async def run_daily(months: int) -> None:
    """The server's daily purge; several workers may run it, anonymising is idempotent."""
    while True:
        try:
            count = await purge(months)
            if count:
                logger.info("Conservation : %d fiche(s) anonymisée(s) après %d mois sans contact.", count, months)
        except Exception:  # noqa: BLE001 - a failed run must not stop tomorrow's
            logger.exception("La purge quotidienne a échoué.")
        await asyncio.sleep(DAY_SECONDS)
