"""Redeeming a voucher for an activity: every rule, the move and the audit entry in one statement plan.

Rules, each refused with its own French message and nothing written:
- the voucher is one of the caller's sites (404 otherwise) and was handed to a learner (`issued`);
- the activity is one of the caller's sites (404 otherwise);
- the activity's site accepts the voucher's scheme;
- the voucher is valid on the activity's date (end of validity plus tolerance), not before it was handed;
- the learner attended the activity (present at the workshop, or the learner of the individual session);
- the activity's duration still covers one more voucher of that learner: vouchers the learner already
  redeemed on it × minutes per voucher < duration (a 3 h workshop takes two 2 h vouchers per person).

Exactly once: the status change is an UPDATE conditional on `status = 'issued'` whose affected rows are counted
(lifecycle.move), and a unique index allows one redemption row per voucher in the history. On PostgreSQL the
activity's row is locked first (FOR UPDATE), so redemptions on one activity queue, and each reads the voucher again
and the vouchers already counted once the activity is its own. On SQLite the plan holds the database's write lock
from its first statement to its commit (IMMEDIATE), across processes, and runs without a pause (`sql.transact_here`).
"""

from __future__ import annotations

from typing import Any

from inclusion.audit.services import Action, entry_statement
from inclusion.clock import today
from inclusion.errors import Conflict, NotFound
from inclusion.scoping import Caller, site_sql
from inclusion.storage import db, sql
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import lifecycle
from inclusion.vouchers.lookup import voucher_by_id, voucher_plan

TARGET = "voucher"
USED = [status.value for status in lifecycle.USED]
_ACTIVITY = "SELECT id, site, date, duration_minutes, type, learner FROM activity WHERE id = {}"
_FACTS = (
    "SELECT EXISTS (SELECT 1 FROM scheme_site WHERE scheme = {} AND site = {}) AS accepts,"
    " EXISTS (SELECT 1 FROM activity_participant WHERE activity = {} AND learner = {} AND present = {}) AS present,"
    " (SELECT count(*) FROM voucher WHERE activity = {} AND learner = {} AND status IN ("
    + sql.marks(len(USED))
    + ")) AS paid"
)
"""What the rules need to know beyond the voucher and the activity, in one statement."""


def refusal(voucher: dict[str, Any], activity: dict[str, Any], facts: dict[str, Any]) -> str | None:
    """Why this issued voucher cannot pay for this activity, or None."""
    day = activity["date"]
    if day > today():
        return f"L'atelier du {day:%d/%m/%Y} n'a pas encore eu lieu : un Pass paie une activité une fois faite."
    if not facts["accepts"]:
        return f"Le site de cette activité n'accepte pas le dispositif « {voucher['scheme_name']} »."
    if day > voucher["last_valid_day"]:
        return (
            f"Ce Pass n'était plus valable le {day:%d/%m/%Y}, date de l'activité : "
            f"il était valable jusqu'au {voucher['last_valid_day']:%d/%m/%Y}."
        )
    if voucher["issued_on"] and day < voucher["issued_on"]:
        return f"L'activité du {day:%d/%m/%Y} a eu lieu avant la remise du Pass, le {voucher['issued_on']:%d/%m/%Y}."
    if activity["learner"] != voucher["learner"] and not facts["present"]:
        return "L'apprenant à qui ce Pass a été remis n'était pas présent à cette activité."
    paid = facts["paid"]
    if paid * voucher["minutes_per_voucher"] >= activity["duration_minutes"]:
        return (
            f"La durée de l'activité ({activity['duration_minutes']} min) est déjà couverte par {paid} Pass "
            f"de cet apprenant ({voucher['minutes_per_voucher']} min par Pass)."
        )
    return None


async def redeem(caller: Caller, number: str, scheme_id: int | None, activity_id: int) -> dict[str, Any]:
    plan = _redeem(caller, number, scheme_id, activity_id, postgres=not db.is_sqlite())
    return await voucher_by_id(await sql.transact_here(plan))


def _redeem(caller: Caller, number: str, scheme_id: int | None, activity_id: int, postgres: bool) -> sql.Plan[int]:
    voucher = yield from voucher_plan(caller, number, scheme_id)
    lifecycle.check(voucher, VoucherStatus.redeemed)  # a used voucher is refused before the activity is locked
    scope, scope_args = site_sql(caller, "site")
    lock = " FOR UPDATE" if postgres else ""
    activities = yield _ACTIVITY + scope + lock, [activity_id, *scope_args]
    if not activities:
        raise NotFound("Activité introuvable.")
    activity = activities[0]
    if postgres:  # as it is once the activity is ours: a redemption that held it may have used the voucher
        voucher = yield from voucher_plan(caller, number, voucher["scheme"])
        lifecycle.check(voucher, VoucherStatus.redeemed)
    learner = voucher["learner"]
    facts = yield (
        _FACTS,
        [voucher["scheme"], activity["site"], activity["id"], learner, True, activity["id"], learner, *USED],
    )
    if reason := refusal(voucher, activity, facts[0]):
        raise Conflict(reason)
    changes = {"activity": activity["id"], "redeemed_on": activity["date"]}
    yield from lifecycle.move(
        caller, voucher, VoucherStatus.redeemed, changes, activity=activity["id"], learner=learner
    )
    detail = {"numero": voucher["number"], "dispositif": voucher["scheme"], "activite": activity["id"]}
    yield entry_statement(caller, Action.redeem, TARGET, voucher["id"], voucher["site"], detail)
    return voucher["id"]
