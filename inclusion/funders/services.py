"""Funders, their grants and their accounts (administrators only); and the periods a funder account may see."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from inclusion.accounts import token_cache
from inclusion.errors import InvalidData, NotFound
from inclusion.funders.schemas import FunderCreate, FunderPatch, GrantIn, GrantPatch
from inclusion.scoping import Role
from inclusion.storage import db
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from inclusion.storage.tables.sites import Site

GRANT_COLUMNS = (
    Grant.id,
    Grant.funder.as_alias("funder_id"),
    Grant.site.as_alias("site_id"),
    Grant.starts_on,
    Grant.ends_on,
    Grant.amount_cents,
)


async def _with_details(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows] or [0]
    grants = await Grant.select(*GRANT_COLUMNS).where(Grant.funder.is_in(ids)).order_by(Grant.starts_on).run()
    members = await FunderUser.select(FunderUser.funder, FunderUser.user).where(FunderUser.funder.is_in(ids)).run()
    for row in rows:
        row["grants"] = [grant for grant in grants if grant["funder_id"] == row["id"]]
        row["user_ids"] = sorted(member["user"] for member in members if member["funder"] == row["id"])
    return rows


async def list_funders() -> list[dict[str, Any]]:
    rows = await Funder.select().order_by(Funder.name).run()
    return await _with_details(rows)


async def get_funder(funder_id: int) -> dict[str, Any]:
    row = await Funder.select().where(Funder.id == funder_id).first().run()
    if row is None:
        raise NotFound("Financeur introuvable.")
    return (await _with_details([row]))[0]


async def _check_grant(values: dict[str, Any], prefix: str = "") -> dict[str, str]:
    problems = {}
    if values["ends_on"] < values["starts_on"]:
        problems[f"{prefix}ends_on"] = "La fin de la subvention doit suivre son début."
    if not await Site.exists().where(Site.id == values["site_id"]).run():
        problems[f"{prefix}site_id"] = "Site inconnu."
    return problems


async def _check_users(user_ids: list[int]) -> dict[str, str]:
    if not user_ids:
        return {}
    found = await User.select(User.id).where(User.id.is_in(user_ids), User.role == Role.funder.value).run()
    missing = sorted(set(user_ids) - {row["id"] for row in found})
    if missing:
        return {"user_ids": f"Compte(s) de financeur inconnu(s) : {', '.join(map(str, missing))}."}
    return {}


async def _write_users(funder_id: int, user_ids: list[int]) -> None:
    """These accounts belong to this funder only, and no other account does."""
    await FunderUser.delete().where((FunderUser.funder == funder_id) | FunderUser.user.is_in(user_ids or [0])).run()
    if user_ids:
        await FunderUser.insert(*[FunderUser(funder=funder_id, user=user) for user in sorted(set(user_ids))]).run()


def _grant_row(funder_id: int, values: dict[str, Any]) -> Grant:
    return Grant(
        funder=funder_id,
        site=values["site_id"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        amount_cents=values.get("amount_cents"),
    )


async def create_funder(data: FunderCreate) -> dict[str, Any]:
    grants = [msgspec.to_builtins(grant, builtin_types=(date,)) for grant in data.grants]
    problems = await _check_users(data.user_ids)
    for index, grant in enumerate(grants):
        problems |= await _check_grant(grant, f"grants[{index}].")
    if problems:
        raise InvalidData(problems)
    async with db.write_transaction():
        funder = Funder(name=data.name.strip(), type=data.type.value)
        await funder.save().run()
        if grants:
            await Grant.insert(*[_grant_row(funder.id, grant) for grant in grants]).run()
        await _write_users(funder.id, data.user_ids)
    token_cache.forget_all()
    return await get_funder(funder.id)


async def update_funder(funder_id: int, data: FunderPatch) -> dict[str, Any]:
    await get_funder(funder_id)
    changes = msgspec.to_builtins(data)
    user_ids = changes.pop("user_ids", None)
    if user_ids is not None and (problems := await _check_users(user_ids)):
        raise InvalidData(problems)
    async with db.write_transaction():
        if changes:
            await Funder.update(changes).where(Funder.id == funder_id).run()
        if user_ids is not None:
            await _write_users(funder_id, user_ids)
    token_cache.forget_all()
    return await get_funder(funder_id)


async def delete_funder(funder_id: int) -> None:
    await get_funder(funder_id)
    async with db.write_transaction():
        await FunderUser.delete().where(FunderUser.funder == funder_id).run()
        await Grant.delete().where(Grant.funder == funder_id).run()
        await Funder.delete().where(Funder.id == funder_id).run()
    token_cache.forget_all()


async def get_grant(funder_id: int, grant_id: int) -> dict[str, Any]:
    row = await Grant.select(*GRANT_COLUMNS).where(Grant.id == grant_id, Grant.funder == funder_id).first().run()
    if row is None:
        raise NotFound("Subvention introuvable.")
    return row


async def add_grant(funder_id: int, data: GrantIn) -> dict[str, Any]:
    await get_funder(funder_id)
    values = msgspec.to_builtins(data, builtin_types=(date,))
    if problems := await _check_grant(values):
        raise InvalidData(problems)
    grant = _grant_row(funder_id, values)
    await grant.save().run()
    token_cache.forget_all()
    return await get_grant(funder_id, grant.id)


async def update_grant(funder_id: int, grant_id: int, data: GrantPatch) -> dict[str, Any]:
    current = await get_grant(funder_id, grant_id)
    values = current | msgspec.to_builtins(data, builtin_types=(date,))
    if problems := await _check_grant(values):
        raise InvalidData(problems)
    await (
        Grant.update(
            {
                Grant.site: values["site_id"],
                Grant.starts_on: values["starts_on"],
                Grant.ends_on: values["ends_on"],
                Grant.amount_cents: values["amount_cents"],
            }
        )
        .where(Grant.id == grant_id)
        .run()
    )
    token_cache.forget_all()
    return await get_grant(funder_id, grant_id)


async def delete_grant(funder_id: int, grant_id: int) -> None:
    await get_grant(funder_id, grant_id)
    await Grant.delete().where(Grant.id == grant_id).run()
    token_cache.forget_all()


async def grant_periods(user_id: int) -> dict[int, list[tuple[date, date]]]:
    """The periods a funder account may see, per site: its funder's grants, overlapping ones merged."""
    rows = await (
        Grant.select(Grant.site, Grant.starts_on, Grant.ends_on)
        .where(Grant.funder.is_in(FunderUser.select(FunderUser.funder).where(FunderUser.user == user_id)))
        .order_by(Grant.site)
        .order_by(Grant.starts_on)
        .run()
    )
    periods: dict[int, list[tuple[date, date]]] = {}
    for row in rows:
        merged = periods.setdefault(row["site"], [])
        if merged and row["starts_on"] <= merged[-1][1] + _ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], row["ends_on"]))
        else:
            merged.append((row["starts_on"], row["ends_on"]))
    return periods


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)
