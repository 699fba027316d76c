"""A voucher's life: which moves exist, why the others are refused, and the one way a status changes.

in_stock → issued → redeemed → claimed → reimbursed; in_stock or issued → expired or cancelled.
A status only changes through `move`: an UPDATE conditional on the status the caller saw, whose
affected rows are counted, so two processes can never both make the same move (the database decides,
not a lock in one process). Each move adds one history row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.clock import now
from inclusion.errors import Conflict
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.storage.tables.vouchers import Voucher, VoucherEvent
from inclusion.vocabulary import VOUCHER_STATUS_LABELS, VoucherStatus

S = VoucherStatus
ALLOWED: dict[S, set[S]] = {
    S.in_stock: {S.issued, S.expired, S.cancelled},
    S.issued: {S.redeemed, S.expired, S.cancelled},
    S.redeemed: {S.claimed},
    S.claimed: {S.reimbursed},
    S.reimbursed: set(),
    S.expired: set(),
    S.cancelled: set(),
}
USED = {S.redeemed, S.claimed, S.reimbursed}
ALREADY_USED = "Ce Pass a déjà été utilisé : un Pass ne s'utilise qu'une fois."


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "?"


def refusal(voucher: dict[str, Any], target: S) -> str:
    """Why this voucher, in its current status, cannot move to `target` (French, one sentence)."""
    current = S(voucher["status"])
    if current == S.expired:
        return f"Ce Pass a expiré : il n'était valable que jusqu'au {_day(voucher.get('last_valid_day'))}."
    if current == S.cancelled:
        return "Ce Pass a été annulé : il ne peut plus servir."
    if target == S.redeemed and current == S.in_stock:
        return "Ce Pass est encore en stock : remettez-le d'abord à l'apprenant, depuis sa fiche."
    if target == S.redeemed and current in USED:
        return ALREADY_USED
    if target == S.issued and current == S.issued:
        return f"Ce Pass a déjà été remis à un apprenant le {_day(voucher.get('issued_on'))}."
    if target == S.issued and current in USED:
        return "Ce Pass a déjà été utilisé : il ne peut plus être remis."
    if target == S.cancelled and current in USED:
        return "Un Pass déjà utilisé ne peut pas être annulé."
    if target == S.claimed and current == S.claimed:
        return "Ce Pass figure déjà sur une demande de remboursement."
    if target == S.reimbursed and current == S.reimbursed:
        return "Ce Pass a déjà été remboursé."
    return (
        f"Un Pass « {VOUCHER_STATUS_LABELS[current].lower()} » ne peut pas passer "
        f"à l'état « {VOUCHER_STATUS_LABELS[target].lower()} »."
    )


def check(voucher: dict[str, Any], target: S) -> None:
    """Conflict (409) with the reason when the move is not allowed from the voucher's status."""
    if target not in ALLOWED[S(voucher["status"])]:
        raise Conflict(refusal(voucher, target))


def move(
    caller: Caller | None,
    voucher: dict[str, Any],
    target: S,
    changes: dict[str, Any] | None = None,
    **event: Any,
) -> sql.Plan[None]:
    """Move one voucher from the status it was read with to `target`, exactly once, as statements of the plan that
    writes it (`storage.sql.transact`). If another request moved it first, nothing is written and the reason is
    raised (409), which rolls the plan back."""
    check(voucher, target)
    values = {"status": target.value, "updated_at": now(), **(changes or {})}
    moved = yield sql.update_statement("voucher", values, "id = {} AND status = {}", voucher["id"], voucher["status"])
    if not moved:  # as the request that moved it first left it: its status, and the day it was handed
        current = yield "SELECT status, issued_on FROM voucher WHERE id = {}", [voucher["id"]]
        raise Conflict(refusal({**voucher, **current[0]}, target))
    history = history_values(caller, voucher["id"], S(voucher["status"]), target, **event)
    yield sql.insert_statement("voucher_event", history)


def history_values(caller: Caller | None, voucher_id: int, source: S | None, target: S, **event: Any) -> dict:
    """A history row's columns, every one given."""
    return {
        "voucher": voucher_id,
        "from_status": source.value if source else None,
        "to_status": target.value,
        "at": now(),
        "actor": caller.user_id if caller and caller.via != "system" else None,
        "actor_email": caller.email if caller else "",
        "learner": None,
        "activity": None,
        "claim": None,
        "note": "",
        **event,
    }


def history_row(caller: Caller | None, voucher_id: int, source: S | None, target: S, **event: Any) -> VoucherEvent:
    return VoucherEvent(**history_values(caller, voucher_id, source, target, **event))


async def move_many(
    caller: Caller | None, ids: list[int], source: S, target: S, changes: dict[str, Any] | None = None, **event: Any
) -> list[int]:
    """Move the vouchers among `ids` that are still in `source` to `target`, with one history row each;
    return the ids moved. Call inside a write transaction."""
    if target not in ALLOWED[source] or not ids:
        return []
    moved = (
        await Voucher.update({Voucher.status: target.value, Voucher.updated_at: now(), **(changes or {})})
        .where(Voucher.id.is_in(ids), Voucher.status == source.value)
        .returning(Voucher.id)
        .run()
    )
    if moved:
        await VoucherEvent.insert(*[history_row(caller, row["id"], source, target, **event) for row in moved]).run()
    return [row["id"] for row in moved]
