"""Finding vouchers: by number within the caller's sites, by filters, with their history.

A number is unique within a scheme only. `/api/v1/vouchers/{number}` looks among the vouchers of the
caller's sites (every site for an admin); when two schemes there share the number, the caller names
the scheme with `?scheme=ID`, otherwise the answer is 409 listing the schemes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from inclusion import clock
from inclusion.errors import Conflict, NotFound
from inclusion.learners.names import display_name
from inclusion.scoping import Caller, site_filter, site_sql
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.vouchers import Voucher, VoucherEvent, VoucherScheme
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers.numbers import normalise

LIVE = (VoucherStatus.in_stock.value, VoucherStatus.issued.value)  # what can still expire


def voucher_columns() -> tuple[Any, ...]:
    return (
        *Voucher._meta.columns,
        Voucher.scheme.name.as_alias("scheme_name"),
        Voucher.scheme.valid_until.as_alias("valid_until"),
        Voucher.scheme.tolerance_days.as_alias("tolerance_days"),
        Voucher.scheme.minutes_per_voucher.as_alias("minutes_per_voucher"),
        Voucher.booklet.number.as_alias("booklet_number"),
        Voucher.learner.first_name.as_alias("first_name"),
        Voucher.learner.last_name.as_alias("last_name"),
        Voucher.learner.pseudonym.as_alias("pseudonym"),
        Voucher.learner.anonymised_at.as_alias("anonymised_at"),
    )


def shaped_vouchers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows shaped like VoucherOut."""
    for row in rows:
        named = row["learner"] is not None
        row |= {
            "scheme_id": row["scheme"],
            "booklet_id": row["booklet"],
            "site_id": row["site"],
            "learner_id": row["learner"],
            "activity_id": row["activity"],
            "claim_id": row["claim"],
            "last_valid_day": row["valid_until"] + timedelta(days=row["tolerance_days"]),
            "learner_name": display_name(
                row["first_name"], row["last_name"], row["pseudonym"], row["anonymised_at"] is not None
            )
            if named
            else "",
        }
    return rows


def not_found(number: str) -> NotFound:
    return NotFound(f"Aucun Pass n° {number} sur vos sites.")


_FIND = (
    "SELECT "
    + ", ".join(f'v."{column._meta.db_column_name}"' for column in Voucher._meta.columns)
    + ", s.name AS scheme_name, s.valid_until, s.tolerance_days, s.minutes_per_voucher, b.number AS booklet_number,"
    " l.first_name, l.last_name, l.pseudonym, l.anonymised_at"
    " FROM voucher v JOIN voucher_scheme s ON s.id = v.scheme JOIN booklet b ON b.id = v.booklet"
    " LEFT JOIN learner l ON l.id = v.learner WHERE v.number = {}"
)
"""`voucher_columns()` in hand SQL, for the plans that write a voucher (`storage.sql`)."""


def _find_statement(caller: Caller, number: str, scheme_id: int | None) -> tuple[str, list[Any]]:
    scope, args = site_sql(caller, "v.site")
    statement = _FIND + scope + (" AND v.scheme = {}" if scheme_id is not None else "") + " ORDER BY v.id LIMIT 10"
    return statement, [number, *args, *([] if scheme_id is None else [scheme_id])]


def _the_one(rows: list[dict[str, Any]], number: str) -> dict[str, Any]:
    if not rows:
        raise not_found(number)
    if len(rows) > 1:
        schemes = ", ".join(f"{row['scheme_name']} (?scheme={row['scheme']})" for row in rows)
        raise Conflict(
            f"Plusieurs Pass portent le n° {number} : précisez le dispositif ({schemes}).",
            {"scheme": "Précisez le dispositif du Pass."},
        )
    return shaped_vouchers(rows)[0]


async def find_voucher(caller: Caller, number: str, scheme_id: int | None = None) -> dict[str, Any]:
    """The voucher with this number in the caller's sites; 404 if none, 409 if two schemes share it."""
    number = normalise(number)
    statement, args = _find_statement(caller, number, scheme_id)
    return _the_one(await sql.fetch(statement, *args), number)


def voucher_plan(caller: Caller, number: str, scheme_id: int | None = None) -> sql.Plan[dict[str, Any]]:
    """`find_voucher` as a statement of a plan, read in the transaction that writes the voucher."""
    number = normalise(number)
    rows = yield _find_statement(caller, number, scheme_id)
    return _the_one(rows, number)


async def voucher_by_id(voucher_id: int) -> dict[str, Any]:
    rows = await Voucher.select(*voucher_columns()).where(Voucher.id == voucher_id).run()
    return shaped_vouchers(rows)[0]


async def history(voucher_id: int) -> list[dict[str, Any]]:
    return (
        await VoucherEvent.select()
        .where(VoucherEvent.voucher == voucher_id)
        .order_by(VoucherEvent.at)
        .order_by(VoucherEvent.id)
        .run()
    )


async def voucher_detail(caller: Caller, number: str, scheme_id: int | None = None) -> dict[str, Any]:
    voucher = await find_voucher(caller, number, scheme_id)
    events = [
        {**event, "learner_id": event["learner"], "activity_id": event["activity"], "claim_id": event["claim"]}
        for event in await history(voucher["id"])
    ]
    return {**voucher, "history": events}


async def expiring_scheme_ids(today: date, within_days: int) -> list[int]:
    """Schemes whose last valid day falls within the next `within_days` days (today included)."""
    rows = await VoucherScheme.select(VoucherScheme.id, VoucherScheme.valid_until, VoucherScheme.tolerance_days)
    limit = today + timedelta(days=within_days)
    return [row["id"] for row in rows if today <= row["valid_until"] + timedelta(days=row["tolerance_days"]) <= limit]


async def list_vouchers(caller: Caller, page: PageRequest, filters: dict[str, Any]) -> PageResult:
    """Filters: site, scheme, booklet, learner, status, expiring_within (days, live vouchers only)."""
    clauses: list[Any] = [clause for clause in [site_filter(caller, Voucher.site)] if clause is not None]
    for name, column in (
        ("site", Voucher.site),
        ("scheme", Voucher.scheme),
        ("booklet", Voucher.booklet),
        ("learner", Voucher.learner),
        ("status", Voucher.status),
    ):
        if filters.get(name) is not None:
            clauses.append(column == filters[name])
    if (within := filters.get("expiring_within")) is not None:
        clauses.append(Voucher.status.is_in(list(LIVE)))
        clauses.append(Voucher.scheme.is_in(await expiring_scheme_ids(clock.today(), within) or [0]))
    order = [Voucher.scheme.name, Voucher.number]
    result = await fetch_page(Voucher, voucher_columns(), clauses, order, page)
    return PageResult(shaped_vouchers(result.rows), result.total, result.page, result.per_page)


async def voucher_in_scope(caller: Caller, voucher_id: int) -> dict[str, Any]:
    """One voucher by id (pages link by id, never ambiguous), with its history; 404 outside scope."""
    query = Voucher.select(*voucher_columns()).where(Voucher.id == voucher_id)
    if (clause := site_filter(caller, Voucher.site)) is not None:
        query = query.where(clause)
    rows = await query.run()
    if not rows:
        raise NotFound("Pass introuvable.")
    return {**shaped_vouchers(rows)[0], "history": await history(voucher_id)}
