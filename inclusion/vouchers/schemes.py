"""Voucher schemes (admin): face value, validity with tolerance, minutes per voucher, accepting sites."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from inclusion.clock import now
from inclusion.errors import InvalidData, NotFound
from inclusion.scoping import Caller
from inclusion.storage import db
from inclusion.storage.tables.sites import Site
from inclusion.storage.tables.vouchers import SchemeSite, VoucherScheme
from inclusion.vouchers.schemas import SchemeCreate, SchemePatch

NOT_FOUND = "Dispositif introuvable."


def last_valid_day(scheme: dict[str, Any]) -> date:
    """The last day a voucher of the scheme can pay for an activity: end of validity plus tolerance."""
    return scheme["valid_until"] + timedelta(days=scheme["tolerance_days"])


async def _site_ids(scheme_ids: list[int]) -> dict[int, list[int]]:
    rows = (
        await SchemeSite.select(SchemeSite.scheme, SchemeSite.site)
        .where(SchemeSite.scheme.is_in(scheme_ids or [0]))
        .order_by(SchemeSite.site)
        .run()
    )
    found: dict[int, list[int]] = {scheme_id: [] for scheme_id in scheme_ids}
    for row in rows:
        found[row["scheme"]].append(row["site"])
    return found


async def _shaped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sites = await _site_ids([row["id"] for row in rows])
    return [{**row, "site_ids": sites[row["id"]], "last_valid_day": last_valid_day(row)} for row in rows]


def _visible(caller: Caller) -> Any:
    """Schemes accepted by one of the caller's sites (every scheme for an admin)."""
    if caller.is_admin:
        return None
    accepted = SchemeSite.select(SchemeSite.scheme).where(SchemeSite.site.is_in(sorted(caller.site_ids) or [0]))
    return VoucherScheme.id.is_in(accepted)


async def list_schemes(caller: Caller) -> list[dict[str, Any]]:
    query = VoucherScheme.select().order_by(VoucherScheme.name)
    if (clause := _visible(caller)) is not None:
        query = query.where(clause)
    return await _shaped(await query.run())


async def get_scheme(caller: Caller, scheme_id: int) -> dict[str, Any]:
    query = VoucherScheme.select().where(VoucherScheme.id == scheme_id)
    if (clause := _visible(caller)) is not None:
        query = query.where(clause)
    row = await query.first().run()
    if row is None:
        raise NotFound(NOT_FOUND)
    return (await _shaped([row]))[0]


async def _problems(values: dict[str, Any], scheme_id: int | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    if "name" in values:
        if not values["name"].strip():
            found["name"] = "Indiquez le nom du dispositif."
        else:
            same = VoucherScheme.exists().where(VoucherScheme.name == values["name"].strip())
            if scheme_id is not None:
                same = same.where(VoucherScheme.id != scheme_id)
            if await same.run():
                found["name"] = "Un dispositif porte déjà ce nom."
    if site_ids := values.get("site_ids"):
        known = {row["id"] for row in await Site.select(Site.id).where(Site.id.is_in(site_ids)).run()}
        if unknown := [str(site_id) for site_id in site_ids if site_id not in known]:
            found["site_ids"] = f"Site(s) inconnu(s) : {', '.join(unknown)}."
    return found


async def _write_sites(scheme_id: int, site_ids: list[int]) -> None:
    await SchemeSite.delete().where(SchemeSite.scheme == scheme_id).run()
    if site_ids:
        await SchemeSite.insert(*[SchemeSite(scheme=scheme_id, site=site) for site in dict.fromkeys(site_ids)]).run()


async def create_scheme(caller: Caller, data: SchemeCreate) -> dict[str, Any]:
    values = msgspec.structs.asdict(data)
    if found := await _problems(values):
        raise InvalidData(found)
    site_ids = values.pop("site_ids")
    values["name"] = values["name"].strip()
    async with db.write_transaction():
        scheme = VoucherScheme(**values)
        await scheme.save().run()
        await _write_sites(scheme.id, site_ids)
    return await get_scheme(caller, scheme.id)


async def update_scheme(caller: Caller, scheme_id: int, patch: SchemePatch) -> dict[str, Any]:
    await get_scheme(caller, scheme_id)
    changes = {name: value for name, value in msgspec.structs.asdict(patch).items() if value is not msgspec.UNSET}
    if found := await _problems(changes, scheme_id):
        raise InvalidData(found)
    site_ids = changes.pop("site_ids", None)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    async with db.write_transaction():
        await VoucherScheme.update({**changes, "updated_at": now()}).where(VoucherScheme.id == scheme_id).run()
        if site_ids is not None:
            await _write_sites(scheme_id, site_ids)
    return await get_scheme(caller, scheme_id)


async def accepts(scheme_id: int, site_id: int) -> bool:
    return await SchemeSite.exists().where(SchemeSite.scheme == scheme_id, SchemeSite.site == site_id).run()
