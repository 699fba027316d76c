"""A learner's vouchers and what each paid for (learner page, API and the learner's data export)."""

from __future__ import annotations

from typing import Any

from inclusion.learners.services import fetch_learner
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.vouchers import Voucher
from inclusion.vouchers.lookup import shaped_vouchers, voucher_columns


async def learner_vouchers(caller: Caller, learner_id: int) -> list[dict[str, Any]]:
    """Vouchers handed to the learner, most recent first, each with the activity it paid for (or None)."""
    await fetch_learner(caller, learner_id)  # 404 outside the caller's sites
    rows = shaped_vouchers(
        await Voucher.select(*voucher_columns())
        .where(Voucher.learner == learner_id)
        .order_by(Voucher.issued_on, ascending=False)
        .order_by(Voucher.id, ascending=False)
        .run()
    )
    activity_ids = sorted({row["activity"] for row in rows if row["activity"] is not None})
    activities = {
        row["id"]: row
        for row in await Activity.select(
            Activity.id, Activity.date, Activity.type, Activity.title, Activity.duration_minutes
        ).where(Activity.id.is_in(activity_ids or [0]))
    }
    for row in rows:
        activity = activities.get(row["activity"])
        row["paid_for"] = (
            {
                "activity_id": activity["id"],
                "date": activity["date"],
                "type": activity["type"],
                "title": activity["title"],
                "duration_minutes": activity["duration_minutes"],
            }
            if activity
            else None
        )
    return rows
