"""Reimbursement claims: one site, one scheme, one period; every redeemed voucher not yet claimed goes on it.

A voucher is on one claim at most: it moves `redeemed` → `claimed` by a conditional UPDATE, so a voucher
another claim took in the meantime makes the whole claim fail rather than appear twice.
"""

from __future__ import annotations

from typing import Any

from inclusion import clock
from inclusion.errors import Conflict, InvalidData, NotFound
from inclusion.scoping import Caller, one_in_scope, site_filter, site_for_new_record
from inclusion.storage import db
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.vouchers import Claim, Voucher
from inclusion.vocabulary import ClaimStatus, VoucherStatus
from inclusion.vouchers.lifecycle import move_many
from inclusion.vouchers.schemas import ClaimCreate, PaymentRequest
from inclusion.vouchers.schemes import get_scheme

COLUMNS = (*Claim._meta.columns, Claim.site.name.as_alias("site_name"), Claim.scheme.name.as_alias("scheme_name"))


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "site_id": row["site"], "scheme_id": row["scheme"]}


def _period(data: ClaimCreate) -> str:
    return f"du {data.date_from:%d/%m/%Y} au {data.date_to:%d/%m/%Y}"


async def open_claim(caller: Caller, data: ClaimCreate) -> dict[str, Any]:
    site_id = site_for_new_record(caller, data.site_id, "de la demande")
    try:
        scheme = await get_scheme(caller, data.scheme_id)
    except NotFound:
        raise InvalidData({"scheme_id": "Dispositif inconnu."}) from None
    if data.date_to < data.date_from:
        raise InvalidData({"date_to": "La fin de la période doit suivre son début."})
    async with db.write_transaction():
        vouchers = (
            await Voucher.select(Voucher.id, Voucher.value_cents)
            .where(
                Voucher.site == site_id,
                Voucher.scheme == scheme["id"],
                Voucher.status == VoucherStatus.redeemed.value,
                Voucher.claim.is_null(),
                Voucher.redeemed_on >= data.date_from,
                Voucher.redeemed_on <= data.date_to,
            )
            .order_by(Voucher.id)
            .run()
        )
        if not vouchers:
            raise Conflict(
                f"Rien à réclamer : aucun Pass « {scheme['name']} » utilisé {_period(data)} "
                "qui ne figure pas déjà sur une demande."
            )
        claim = Claim(
            site=site_id,
            scheme=scheme["id"],
            date_from=data.date_from,
            date_to=data.date_to,
            status=ClaimStatus.open.value,
            voucher_count=len(vouchers),
            total_cents=sum(row["value_cents"] for row in vouchers),
            created_by=caller.user_id if caller.via != "system" else None,
        )
        await claim.save().run()
        ids = [row["id"] for row in vouchers]
        moved = await move_many(
            caller, ids, VoucherStatus.redeemed, VoucherStatus.claimed, {Voucher.claim: claim.id}, claim=claim.id
        )
        if len(moved) != len(ids):
            raise Conflict("Des Pass ont changé pendant la préparation de la demande : recommencez.")
    return await get_claim(caller, claim.id)


async def _fetch(caller: Caller, claim_id: int) -> dict[str, Any]:
    query = Claim.select(*COLUMNS).where(Claim.id == claim_id)
    return _shaped(await one_in_scope(query, caller, Claim.site, "Demande de remboursement introuvable."))


async def claim_lines(claim_id: int) -> list[dict[str, Any]]:
    """One line per voucher: number, activity date and title, value."""
    rows = (
        await Voucher.select(
            Voucher.id,
            Voucher.number,
            Voucher.redeemed_on,
            Voucher.value_cents,
            Voucher.activity,
            Voucher.activity.type.as_alias("activity_type"),
            Voucher.activity.title.as_alias("activity_title"),
            Voucher.activity.duration_minutes.as_alias("duration_minutes"),
        )
        .where(Voucher.claim == claim_id)
        .order_by(Voucher.redeemed_on)
        .order_by(Voucher.number)
        .run()
    )
    return [
        {
            "voucher_id": row["id"],
            "number": row["number"],
            "date": row["redeemed_on"],
            "activity_id": row["activity"],
            "activity": activity_label(row["activity_type"], row["activity_title"], row["duration_minutes"]),
            "value_cents": row["value_cents"],
        }
        for row in rows
    ]


def activity_label(kind: str, title: str, minutes: int) -> str:
    """What a voucher paid for, without the learner's name (claims go to the scheme's operator)."""
    name = title if kind == "collectif" and title else "Séance individuelle" if kind == "individuel" else "Atelier"
    return f"{name} ({minutes} min)"


async def get_claim(caller: Caller, claim_id: int) -> dict[str, Any]:
    return {**await _fetch(caller, claim_id), "lines": await claim_lines(claim_id)}


async def list_claims(
    caller: Caller, page: PageRequest, site_id: int | None = None, status: str | None = None
) -> PageResult:
    clauses: list[Any] = [clause for clause in [site_filter(caller, Claim.site)] if clause is not None]
    if site_id is not None:
        clauses.append(Claim.site == site_id)
    if status:
        clauses.append(Claim.status == status)
    result = await fetch_page(Claim, COLUMNS, clauses, [Claim.created_at, Claim.id], page, descending=True)
    return PageResult([_shaped(row) for row in result.rows], result.total, result.page, result.per_page)


async def record_payment(caller: Caller, claim_id: int, data: PaymentRequest) -> dict[str, Any]:
    """The operator paid: the claim is `paid` and its vouchers `reimbursed`, once."""
    claim = await _fetch(caller, claim_id)
    if claim["status"] == ClaimStatus.paid.value:
        raise Conflict(f"Le paiement de cette demande a déjà été enregistré (le {claim['paid_on']:%d/%m/%Y}).")
    if data.paid_on > clock.today():
        raise InvalidData({"paid_on": "La date de paiement ne peut pas être dans le futur."})
    if data.paid_on < clock.day_of(claim["created_at"]):
        raise InvalidData({"paid_on": "La date de paiement précède la demande."})
    async with db.write_transaction():
        paid = (
            await Claim.update(
                {
                    Claim.status: ClaimStatus.paid.value,
                    Claim.paid_amount_cents: data.amount_cents,
                    Claim.paid_on: data.paid_on,
                }
            )
            .where(Claim.id == claim_id, Claim.status == ClaimStatus.open.value)
            .returning(Claim.id)
            .run()
        )
        if not paid:
            raise Conflict("Le paiement de cette demande vient d'être enregistré par quelqu'un d'autre.")
        ids = [row["id"] for row in await Voucher.select(Voucher.id).where(Voucher.claim == claim_id).run()]
        await move_many(caller, ids, VoucherStatus.claimed, VoucherStatus.reimbursed, claim=claim_id)
    return await get_claim(caller, claim_id)
