"""Booklets a site received: their vouchers enter the stock together, or not at all."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from inclusion import clock
from inclusion.clock import now
from inclusion.errors import InvalidData, NotFound
from inclusion.scoping import Caller, one_in_scope, site_filter, site_for_new_record
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.vouchers import Booklet, Voucher
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import numbers
from inclusion.vouchers.lookup import shaped_vouchers, voucher_columns
from inclusion.vouchers.schemas import BookletCreate
from inclusion.vouchers.schemes import accepts, get_scheme

CHUNK = 500
COLUMNS = (*Booklet._meta.columns, Booklet.scheme.name.as_alias("scheme_name"))


async def stock_site(caller: Caller, requested: int | None, scheme_id: int) -> tuple[int, dict[str, Any]]:
    """The site receiving a booklet and the scheme, which that site must accept."""
    site_id = site_for_new_record(caller, requested, "qui reçoit le carnet")
    try:
        scheme = await get_scheme(caller, scheme_id)
    except NotFound:
        raise InvalidData({"scheme_id": "Dispositif inconnu."}) from None
    if not await accepts(scheme_id, site_id):
        raise InvalidData({"scheme_id": f"Ce site n'accepte pas le dispositif « {scheme['name']} »."})
    return site_id, scheme


async def taken_numbers(scheme_id: int, wanted: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = await Voucher.select(Voucher.number).where(Voucher.scheme == scheme_id, Voucher.number.is_in(chunk))
        found |= {row["number"] for row in rows}
    return found


async def booklet_exists(scheme_id: int, number: str) -> bool:
    return await Booklet.exists().where(Booklet.scheme == scheme_id, Booklet.number == number).run()


def _voucher_numbers(data: BookletCreate) -> tuple[list[str], dict[str, str]]:
    if data.numbers and (data.first_number or data.last_number):
        return [], {"numbers": "Donnez soit une plage (premier et dernier numéro), soit une liste, pas les deux."}
    if data.numbers:
        wanted = [numbers.normalise(number) for number in data.numbers]
        if len(wanted) > numbers.MAX_PER_BOOKLET:
            return [], {"numbers": f"Un carnet compte au plus {numbers.MAX_PER_BOOKLET} Pass."}
        for index, number in enumerate(wanted):
            if reason := numbers.problem(number):
                return [], {f"numbers[{index}]": reason}
        if len(set(wanted)) < len(wanted):
            return [], {"numbers": "La liste contient deux fois le même numéro."}
        return wanted, {}
    if not (data.first_number and data.last_number):
        return [], {"first_number": "Indiquez le premier et le dernier numéro du carnet, ou la liste des numéros."}
    first, last = numbers.normalise(data.first_number), numbers.normalise(data.last_number)
    for field, number in (("first_number", first), ("last_number", last)):
        if reason := numbers.problem(number):
            return [], {field: reason}
    wanted, reason = numbers.expand_range(first, last)
    return wanted, ({"last_number": reason} if reason else {})


async def create_booklet(caller: Caller, data: BookletCreate) -> dict[str, Any]:
    site_id, scheme = await stock_site(caller, data.site_id, data.scheme_id)
    number = numbers.normalise(data.number)
    wanted, found = _voucher_numbers(data)
    if reason := numbers.problem(number):
        found["number"] = reason
    elif await booklet_exists(scheme["id"], number):
        found["number"] = f"Le carnet n° {number} existe déjà pour ce dispositif."
    if data.received_on and data.received_on > clock.today():
        found["received_on"] = "La date de réception ne peut pas être dans le futur."
    if not data.prescriber_name.strip():
        found["prescriber_name"] = "Indiquez le prescripteur (nom de l'organisme)."
    if wanted and (taken := sorted(await taken_numbers(scheme["id"], wanted))):
        found["numbers"] = f"Ces numéros existent déjà pour ce dispositif : {', '.join(taken[:10])}" + (
            "…" if len(taken) > 10 else "."
        )
    if found:
        raise InvalidData(found)
    values = {
        "number": number,
        "prescriber_name": data.prescriber_name.strip(),
        "prescriber_type": data.prescriber_type.value,
        "received_on": data.received_on or clock.today(),
    }
    [booklet_id] = await sql.transact(insert_booklets(caller, site_id, scheme, [(values, wanted)]))
    return await get_booklet(caller, booklet_id)


BOOKLET_COLUMNS = ("site", "scheme", "number", "prescriber_name", "prescriber_type", "received_on", "created_by")
VOUCHER_COLUMNS = ("scheme", "booklet", "site", "number", "value_cents", "status", "updated_at")
EVENT_COLUMNS = ("voucher", "to_status", "at", "actor", "actor_email", "note")


def insert_booklets(
    caller: Caller | None, site_id: int, scheme: dict[str, Any], booklets: list[tuple[dict[str, Any], list[str]]]
) -> sql.Plan[list[int]]:
    """The plan writing booklets (their values, their voucher numbers), every voucher in stock and its first history
    line; returns the booklets' ids. Built and run by the writer on SQLite, so that a 20,000-voucher import never
    holds the event loop (`bench/health_during_writes.py`)."""
    moment = now()
    email = caller.email if caller else ""
    actor = caller.user_id if caller and caller.via != "system" else None
    created_by = caller.user_id if caller else None
    in_stock = VoucherStatus.in_stock.value
    ids = []
    for values, wanted in booklets:
        booklet = {"site": site_id, "scheme": scheme["id"], **values, "created_by": created_by}
        rows = yield sql.insert_statement("booklet", {name: booklet[name] for name in BOOKLET_COLUMNS})
        ids.append(booklet_id := rows[0]["id"])
        note = f"Carnet n° {values['number']}"
        for first in range(0, len(wanted), CHUNK):
            vouchers = [
                (scheme["id"], booklet_id, site_id, number, scheme["face_value_cents"], in_stock, moment)
                for number in wanted[first : first + CHUNK]
            ]
            statement, args = sql.insert_many_statement("voucher", VOUCHER_COLUMNS, vouchers)
            made = yield statement + " RETURNING id", args
            events = [(row["id"], in_stock, moment, actor, email, note) for row in made]
            yield sql.insert_many_statement("voucher_event", EVENT_COLUMNS, events)
    return ids


async def _with_counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows] or [0]
    counts = (
        await Voucher.select(Voucher.booklet, Voucher.status, Count(Voucher.id).as_alias("count"))
        .where(Voucher.booklet.is_in(ids))
        .group_by(Voucher.booklet, Voucher.status)
        .run()
    )
    for row in rows:
        by_status = {status.value: 0 for status in VoucherStatus}
        for count in counts:
            if count["booklet"] == row["id"]:
                by_status[count["status"]] = count["count"]
        row |= {"by_status": by_status, "voucher_count": sum(by_status.values())}
        row |= {"site_id": row["site"], "scheme_id": row["scheme"]}
    return rows


async def list_booklets(
    caller: Caller, page: PageRequest, site_id: int | None = None, scheme_id: int | None = None
) -> PageResult:
    clauses: list[Any] = [clause for clause in [site_filter(caller, Booklet.site)] if clause is not None]
    if site_id is not None:
        clauses.append(Booklet.site == site_id)
    if scheme_id is not None:
        clauses.append(Booklet.scheme == scheme_id)
    order = [Booklet.scheme.name, Booklet.received_on, Booklet.number]
    result = await fetch_page(Booklet, COLUMNS, clauses, order, page)
    return PageResult(await _with_counts(result.rows), result.total, result.page, result.per_page)


async def get_booklet(caller: Caller, booklet_id: int) -> dict[str, Any]:
    query = Booklet.select(*COLUMNS).where(Booklet.id == booklet_id)
    row = (await _with_counts([await one_in_scope(query, caller, Booklet.site, "Carnet introuvable.")]))[0]
    vouchers = await Voucher.select(*voucher_columns()).where(Voucher.booklet == booklet_id).order_by(Voucher.number)
    return {**row, "vouchers": shaped_vouchers(vouchers)}
