"""Handing a voucher to a learner, and cancelling one that was lost or spoilt."""

from __future__ import annotations

from typing import Any

from inclusion import clock
from inclusion.audit.services import Action, record
from inclusion.errors import Conflict, InvalidData
from inclusion.learners.services import record_contact
from inclusion.scoping import Caller
from inclusion.storage import db
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import lifecycle
from inclusion.vouchers.lookup import find_voucher, voucher_by_id
from inclusion.vouchers.schemas import CancelRequest, IssueRequest

TARGET = "voucher"


async def issue(caller: Caller, number: str, scheme_id: int | None, data: IssueRequest) -> dict[str, Any]:
    """in_stock → issued, to a live file of the voucher's site, on a day the voucher is still valid."""
    voucher = await find_voucher(caller, number, scheme_id)
    lifecycle.check(voucher, VoucherStatus.issued)
    issued_on = data.issued_on or clock.today()
    learner = (
        await Learner.select(Learner.id)
        .where(
            Learner.id == data.learner_id,
            Learner.site == voucher["site"],
            Learner.anonymised_at.is_null(),
            Learner.merged_into.is_null(),
        )
        .first()
        .run()
    )
    found = {}
    if learner is None:
        found["learner_id"] = "Apprenant inconnu sur le site de ce Pass (ou fiche anonymisée)."
    if issued_on > clock.today():
        found["issued_on"] = "La date de remise ne peut pas être dans le futur."
    if found:
        raise InvalidData(found)
    if issued_on > voucher["last_valid_day"]:
        raise Conflict(
            f"Ce Pass n'était plus valable le {issued_on:%d/%m/%Y} "
            f"(valable jusqu'au {voucher['last_valid_day']:%d/%m/%Y}) : il ne peut pas être remis."
        )
    async with db.write_transaction():
        changes = {"learner": data.learner_id, "issued_on": issued_on}
        await lifecycle.move(caller, voucher, VoucherStatus.issued, changes, learner=data.learner_id)
        await record_contact([data.learner_id], issued_on)
        detail = {"numero": voucher["number"], "dispositif": voucher["scheme"], "apprenant": data.learner_id}
        await record(caller, Action.update, TARGET, voucher["id"], voucher["site"], {**detail, "statut": "issued"})
    return await voucher_by_id(voucher["id"])


async def cancel(caller: Caller, number: str, scheme_id: int | None, data: CancelRequest) -> dict[str, Any]:
    """in_stock or issued → cancelled (lost, spoilt); a used voucher cannot be cancelled."""
    voucher = await find_voucher(caller, number, scheme_id)
    async with db.write_transaction():
        changes = {"ended_on": clock.today()}
        await lifecycle.move(caller, voucher, VoucherStatus.cancelled, changes, note=data.reason.strip())
    return await voucher_by_id(voucher["id"])
