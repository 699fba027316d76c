"""Expiry: vouchers still in stock or handed out past their scheme's end of validity plus tolerance.

Runs once a day in the server (beside the retention purge) and by hand with `inclusion vouchers expire`.
Several workers may run it at once: each move is conditional on the status, so a voucher expires once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from inclusion import clock
from inclusion.storage import db
from inclusion.storage.tables.vouchers import Voucher, VoucherScheme
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers.lifecycle import move_many
from inclusion.vouchers.lookup import LIVE

logger = logging.getLogger("inclusion.vouchers")
DAY_SECONDS = 24 * 3600
BATCH = 500


async def lapsed_scheme_ids(today: date) -> list[int]:
    """Schemes whose last valid day (end of validity plus tolerance) is before `today`."""
    rows = await VoucherScheme.select(VoucherScheme.id, VoucherScheme.valid_until, VoucherScheme.tolerance_days)
    return [row["id"] for row in rows if row["valid_until"] + timedelta(days=row["tolerance_days"]) < today]


async def expire(today: date | None = None) -> int:
    """Mark every lapsed live voucher `expired`, with its history row; return how many."""
    today = today or clock.today()
    schemes = await lapsed_scheme_ids(today)
    if not schemes:
        return 0
    count = 0
    while True:
        async with db.write_transaction():
            batch = (
                await Voucher.select(Voucher.id, Voucher.status)
                .where(Voucher.scheme.is_in(schemes), Voucher.status.is_in(list(LIVE)))
                .limit(BATCH)
                .run()
            )
            if not batch:
                return count
            for status in LIVE:
                ids = [row["id"] for row in batch if row["status"] == status]
                changes = {Voucher.ended_on: today}
                count += len(await move_many(None, ids, VoucherStatus(status), VoucherStatus.expired, changes))


async def run_daily() -> None:
    """The server's daily expiry; a failed run must not stop tomorrow's."""
    while True:
        try:
            count = await expire()
            if count:
                logger.info("Pass numérique : %d Pass expiré(s).", count)
        except Exception:  # noqa: BLE001
            logger.exception("L'expiration quotidienne des Pass a échoué.")
        await asyncio.sleep(DAY_SECONDS)
