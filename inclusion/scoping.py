"""Who is calling and what they may see: every query on site-owned data goes through `scoped`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeVar

from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.query.base import Query
from piccolo.query.methods.select import Select

from inclusion.errors import InvalidData, NotFound


class Role(StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    adviser = "adviser"
    funder = "funder"


ROLE_LABELS = {
    Role.admin: "Administrateur",
    Role.coordinator: "Coordinateur",
    Role.adviser: "Conseiller numérique",
    Role.funder: "Financeur",
}


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    email: str
    display_name: str
    role: Role
    site_ids: frozenset[int]
    via: Literal["session", "token", "system"]
    csrf_token: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def can_see_site(self, site_id: int) -> bool:
        return self.is_admin or site_id in self.site_ids


Q = TypeVar("Q", bound=Query)


def site_filter(caller: Caller, site_column: Column) -> Where | None:
    """The clause keeping rows of the caller's sites; None for an admin, who sees every site."""
    if caller.is_admin:
        return None
    return site_column.is_in(sorted(caller.site_ids) or [0])  # ids start at 1: [0] matches nothing


def scoped(query: Q, caller: Caller, site_column: Column) -> Q:
    clause = site_filter(caller, site_column)
    return query if clause is None else query.where(clause)


async def one_in_scope(query: Select, caller: Caller, site_column: Column, not_found: str) -> dict:
    """The query's first row if it belongs to one of the caller's sites; NotFound otherwise."""
    row = await scoped(query, caller, site_column).first().output(load_json=True).run()
    if row is None:
        raise NotFound(not_found)
    return row


def site_for_new_record(caller: Caller, requested: int | None, what: str) -> int:
    """The site a new record goes to: the one asked for (404 outside scope), else the caller's only site."""
    if requested is not None:
        require_site(caller, requested)
        return requested
    if len(caller.site_ids) == 1:
        return next(iter(caller.site_ids))
    raise InvalidData({"site_id": f"Précisez le site {what}."})


def require_site(caller: Caller, site_id: int) -> None:
    """A site outside the caller's scope does not exist for them."""
    if not caller.can_see_site(site_id):
        raise NotFound("Site introuvable.")


def site_sql(caller: Caller, column: str) -> tuple[str, list[int]]:
    """`site_filter` for hand SQL (`storage.sql`, statement plans): ` AND column IN ({}, …)` and its ids, or
    nothing for an admin."""
    if caller.is_admin:
        return "", []
    ids = sorted(caller.site_ids) or [0]
    return f" AND {column} IN ({', '.join(['{}'] * len(ids))})", ids
