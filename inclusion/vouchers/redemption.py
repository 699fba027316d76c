"""Redeeming a voucher for an activity: every rule, the move and the audit entry in one write transaction.

Rules, each refused with its own French message and nothing written:
- the voucher is one of the caller's sites (404 otherwise) and was handed to a learner (`issued`);
- the activity's site accepts the voucher's scheme;
- the voucher is valid on the activity's date (end of validity plus tolerance), not before it was handed;
- the learner attended the activity (present at the workshop, or the learner of the individual session);
- the activity's duration still covers one more voucher of that learner: vouchers the learner already
  redeemed on it × minutes per voucher < duration (a 3 h workshop takes two 2 h vouchers per person).

Exactly once: on PostgreSQL the activity's row is locked first (FOR UPDATE), so redemptions on one
activity queue and each reads the vouchers already counted; the status change itself is an UPDATE
conditional on `status = 'issued'` whose affected rows are counted (lifecycle.move), and a unique index
allows one redemption row per voucher in the history. SQLite writers hold the database's write lock
from BEGIN (IMMEDIATE), across processes. A voucher already used is refused before the transaction
(no write lock taken for nothing); every rule is then checked again inside it.
"""

from __future__ import annotations

from typing import Any

from inclusion.audit.services import Action, record
from inclusion.errors import Conflict
from inclusion.scoping import Caller, one_in_scope
from inclusion.storage import db
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.vouchers import Voucher
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import lifecycle
from inclusion.vouchers.lookup import find_voucher, voucher_by_id
from inclusion.vouchers.schemes import accepts

TARGET = "voucher"
USED = [status.value for status in lifecycle.USED]


async def _locked_activity(caller: Caller, activity_id: int) -> dict[str, Any]:
    query = Activity.select(
        Activity.id, Activity.site, Activity.date, Activity.duration_minutes, Activity.type, Activity.learner
    ).where(Activity.id == activity_id)
    if not db.is_sqlite():
        query = query.lock_rows()
    return await one_in_scope(query, caller, Activity.site, "Activité introuvable.")


async def attended(activity: dict[str, Any], learner_id: int) -> bool:
    if activity["learner"] == learner_id:
        return True
    return await ActivityParticipant.exists().where(
        ActivityParticipant.activity == activity["id"],
        ActivityParticipant.learner == learner_id,
        ActivityParticipant.present.eq(True),
    )


async def already_paid(activity_id: int, learner_id: int) -> int:
    return await Voucher.count().where(
        Voucher.activity == activity_id, Voucher.learner == learner_id, Voucher.status.is_in(USED)
    )


async def refusal(voucher: dict[str, Any], activity: dict[str, Any]) -> str | None:
    """Why this issued voucher cannot pay for this activity, or None."""
    day = activity["date"]
    if not await accepts(voucher["scheme"], activity["site"]):
        return f"Le site de cette activité n'accepte pas le dispositif « {voucher['scheme_name']} »."
    if day > voucher["last_valid_day"]:
        return (
            f"Ce Pass n'était plus valable le {day:%d/%m/%Y}, date de l'activité : "
            f"il était valable jusqu'au {voucher['last_valid_day']:%d/%m/%Y}."
        )
    if voucher["issued_on"] and day < voucher["issued_on"]:
        return f"L'activité du {day:%d/%m/%Y} a eu lieu avant la remise du Pass, le {voucher['issued_on']:%d/%m/%Y}."
    if not await attended(activity, voucher["learner"]):
        return "L'apprenant à qui ce Pass a été remis n'était pas présent à cette activité."
    paid = await already_paid(activity["id"], voucher["learner"])
    if paid * voucher["minutes_per_voucher"] >= activity["duration_minutes"]:
        return (
            f"La durée de l'activité ({activity['duration_minutes']} min) est déjà couverte par {paid} Pass "
            f"de cet apprenant ({voucher['minutes_per_voucher']} min par Pass)."
        )
    return None


async def redeem(caller: Caller, number: str, scheme_id: int | None, activity_id: int) -> dict[str, Any]:
    voucher = await find_voucher(caller, number, scheme_id)
    lifecycle.check(voucher, VoucherStatus.redeemed)  # fast refusal of a used voucher, without the write lock
    async with db.write_transaction():  # everything is checked again inside, where it holds
        activity = await _locked_activity(caller, activity_id)
        voucher = await find_voucher(caller, number, voucher["scheme"])  # as it is once the activity is ours
        lifecycle.check(voucher, VoucherStatus.redeemed)
        if reason := await refusal(voucher, activity):
            raise Conflict(reason)
        changes = {"activity": activity["id"], "redeemed_on": activity["date"]}
        await lifecycle.move(
            caller, voucher, VoucherStatus.redeemed, changes, activity=activity["id"], learner=voucher["learner"]
        )
        detail = {"numero": voucher["number"], "dispositif": voucher["scheme"], "activite": activity["id"]}
        await record(caller, Action.redeem, TARGET, voucher["id"], voucher["site"], detail)
    return await voucher_by_id(voucher["id"])
