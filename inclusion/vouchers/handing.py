"""Handing a voucher to a learner, and cancelling one that was lost or spoilt.

Each is one statement plan (`storage.sql.transact_here`): the voucher and the learner are read in the transaction
that writes, every rule is checked there, and a refusal rolls it all back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion import clock
from inclusion.audit.services import Action, entry_statement
from inclusion.errors import Conflict, InvalidData
from inclusion.learners.services import contact_statement
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import lifecycle
from inclusion.vouchers.lookup import voucher_by_id, voucher_plan
from inclusion.vouchers.schemas import CancelRequest, IssueRequest

TARGET = "voucher"
_LIVE_LEARNER = "SELECT id FROM learner WHERE id = {} AND site = {} AND anonymised_at IS NULL AND merged_into IS NULL"


async def issue(caller: Caller, number: str, scheme_id: int | None, data: IssueRequest) -> dict[str, Any]:
    """in_stock → issued, to a live file of the voucher's site, on a day the voucher is still valid."""
    today = clock.today()
    voucher_id = await sql.transact_here(_issue(caller, number, scheme_id, data.learner_id, data.issued_on, today))
    return await voucher_by_id(voucher_id)


def _issue(
    caller: Caller, number: str, scheme_id: int | None, learner_id: int, issued_on: date | None, today: date
) -> sql.Plan[int]:
    voucher = yield from voucher_plan(caller, number, scheme_id)
    lifecycle.check(voucher, VoucherStatus.issued)
    issued_on = issued_on or today
    learner = yield _LIVE_LEARNER, [learner_id, voucher["site"]]
    found = {}
    if not learner:
        found["learner_id"] = "Apprenant inconnu sur le site de ce Pass (ou fiche anonymisée)."
    if issued_on > today:
        found["issued_on"] = "La date de remise ne peut pas être dans le futur."
    if found:
        raise InvalidData(found)
    if issued_on > voucher["last_valid_day"]:
        raise Conflict(
            f"Ce Pass n'était plus valable le {issued_on:%d/%m/%Y} "
            f"(valable jusqu'au {voucher['last_valid_day']:%d/%m/%Y}) : il ne peut pas être remis."
        )
    changes = {"learner": learner_id, "issued_on": issued_on}
    yield from lifecycle.move(caller, voucher, VoucherStatus.issued, changes, learner=learner_id)
    yield contact_statement([learner_id], issued_on)
    detail = {"numero": voucher["number"], "dispositif": voucher["scheme"], "apprenant": learner_id, "statut": "issued"}
    yield entry_statement(caller, Action.update, TARGET, voucher["id"], voucher["site"], detail)
    return voucher["id"]


async def cancel(caller: Caller, number: str, scheme_id: int | None, data: CancelRequest) -> dict[str, Any]:
    """in_stock or issued → cancelled (lost, spoilt); a used voucher cannot be cancelled."""
    voucher_id = await sql.transact_here(_cancel(caller, number, scheme_id, data.reason.strip(), clock.today()))
    return await voucher_by_id(voucher_id)


def _cancel(caller: Caller, number: str, scheme_id: int | None, reason: str, today: date) -> sql.Plan[int]:
    voucher = yield from voucher_plan(caller, number, scheme_id)
    yield from lifecycle.move(caller, voucher, VoucherStatus.cancelled, {"ended_on": today}, note=reason)
    return voucher["id"]
