"""Accounts: creation, memberships, and the team list each caller may see."""

from __future__ import annotations

import re
from typing import Any

from inclusion.accounts import token_cache
from inclusion.accounts.passwords import hash_password, password_problem
from inclusion.clock import now
from inclusion.errors import Conflict, InvalidData, NotFound
from inclusion.scoping import Caller, Role
from inclusion.storage import db, sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.accounts import ApiToken, Session, User, UserSite
from inclusion.storage.tables.sites import Site

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USER_COLUMNS = (User.id, User.email, User.display_name, User.role, User.is_active, User.created_at, User.last_login_at)


def normalise_email(email: str) -> str:
    return email.strip().lower()


_SITES_OF_USER = """
SELECT site FROM user_site WHERE "user" = {}
UNION SELECT g.site FROM funder_grant g JOIN funder_user f ON f.funder = g.funder WHERE f."user" = {}
"""


async def site_ids_of(user_id: int) -> frozenset[int]:
    """The sites a user works at; for a funder account, the sites its funder has a grant for (any period)."""
    rows = await sql.fetch(_SITES_OF_USER, user_id, user_id)
    return frozenset(row["site"] for row in rows)


async def site_ids_of_many(user_ids: list[int]) -> dict[int, set[int]]:
    """site_ids_of for a page of accounts, in one query."""
    ids = ", ".join(str(int(user_id)) for user_id in user_ids) or "0"
    rows = await sql.fetch(
        f"""SELECT "user" AS user_id, site FROM user_site WHERE "user" IN ({ids})
        UNION SELECT f."user", g.site FROM funder_grant g JOIN funder_user f ON f.funder = g.funder
        WHERE f."user" IN ({ids})"""
    )
    found: dict[int, set[int]] = {}
    for row in rows:
        found.setdefault(row["user_id"], set()).add(row["site"])
    return found


def caller_columns(user_fk) -> list:
    """The account columns a Caller needs, read through a foreign key to User."""
    return [
        user_fk.id.as_alias("user_id"),
        user_fk.email.as_alias("email"),
        user_fk.display_name.as_alias("display_name"),
        user_fk.role.as_alias("role"),
        user_fk.is_active.as_alias("is_active"),
    ]


async def caller_from(row: dict[str, Any], via: str, csrf_token: str = "") -> Caller:
    return _caller(row, via, csrf_token, await site_ids_of(row["user_id"]))


CALLER_SELECT = "u.id AS user_id, u.email, u.display_name, u.role, u.is_active, m.site AS site_id"
CALLER_JOINS = 'JOIN app_user u ON u.id = {owner}."user" LEFT JOIN user_site m ON m."user" = u.id'
"""The account and its sites, one row per site, joined to a row that names the user (a token, a session)."""


async def caller_from_rows(rows: list[dict[str, Any]], via: str, csrf_token: str = "") -> Caller:
    """The caller of rows read with CALLER_SELECT and CALLER_JOINS (a funder's sites come from its grants)."""
    row = rows[0]
    if row["role"] == Role.funder.value:
        return await caller_from(row, via, csrf_token)
    return _caller(row, via, csrf_token, frozenset(r["site_id"] for r in rows if r["site_id"] is not None))


def _caller(row: dict[str, Any], via: str, csrf_token: str, site_ids: frozenset[int]) -> Caller:
    return Caller(
        user_id=row["user_id"],
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        site_ids=site_ids,
        via=via,  # type: ignore[arg-type]
        csrf_token=csrf_token,
    )


async def _check_sites(site_ids: list[int], role: Role) -> dict[str, str]:
    if role == Role.funder:  # its grants say which sites it sees
        message = "Un financeur voit les sites de ses subventions : rattachez-le à un financeur."
        return {"site_ids": message} if site_ids else {}
    if not site_ids:
        return {} if role == Role.admin else {"site_ids": "Indiquez au moins un site."}
    found = await Site.select(Site.id).where(Site.id.is_in(site_ids)).run()
    missing = sorted(set(site_ids) - {row["id"] for row in found})
    if missing:
        return {"site_ids": f"Site(s) inconnu(s) : {', '.join(map(str, missing))}."}
    return {}


async def create_user(email: str, display_name: str, role: Role, site_ids: list[int], password: str) -> dict[str, Any]:
    email = normalise_email(email)
    problems: dict[str, str] = {}
    if not EMAIL.match(email):
        problems["email"] = "Adresse électronique invalide."
    if not display_name.strip():
        problems["display_name"] = "Indiquez le nom affiché."
    if problem := password_problem(password, email):
        problems["password"] = problem
    problems |= await _check_sites(site_ids, role)
    if problems:
        raise InvalidData(problems)
    password_hash = await hash_password(password)
    async with db.write_transaction():
        if await User.exists().where(User.email == email).run():
            raise Conflict(f"Un compte existe déjà pour {email}.")
        user = User(email=email, display_name=display_name.strip(), role=role.value, password_hash=password_hash)
        await user.save().run()
        if site_ids:
            await UserSite.insert(*[UserSite(user=user.id, site=site_id) for site_id in sorted(set(site_ids))]).run()
    return await get_user_row(user.id)


async def get_user_row(user_id: int) -> dict[str, Any]:
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first().run()
    if row is None:
        raise NotFound("Utilisateur introuvable.")
    return {**row, "site_ids": sorted(await site_ids_of(user_id))}


def _team_clause(caller: Caller):
    """Users who share a site with the caller; an admin sees every account."""
    if caller.is_admin:
        return None
    return User.id.is_in(UserSite.select(UserSite.user).where(UserSite.site.is_in(sorted(caller.site_ids) or [0])))


async def list_users(caller: Caller, page: PageRequest, query: str = "", role: Role | None = None) -> PageResult:
    clauses = [clause for clause in [_team_clause(caller)] if clause is not None]
    if query:
        clauses.append(db.contains(User.email, query) | db.contains(User.display_name, query))
    if role:
        clauses.append(User.role == role.value)
    result = await fetch_page(User, USER_COLUMNS, clauses, [User.display_name, User.id], page)
    sites = await site_ids_of_many([row["id"] for row in result.rows])
    for row in result.rows:
        row["site_ids"] = sorted(sites.get(row["id"], ()))
    return result


async def get_user(caller: Caller, user_id: int) -> dict[str, Any]:
    clause = _team_clause(caller)
    query = User.exists().where(User.id == user_id)
    if clause is not None:
        query = query.where(clause)
    if not await query.run():
        raise NotFound("Utilisateur introuvable.")
    return await get_user_row(user_id)


async def update_user(caller: Caller, user_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Admin only: display name, role, active flag, sites. Deactivating ends sessions and tokens."""
    current = await get_user(caller, user_id)
    role = Role(changes.get("role", current["role"]))
    site_ids = changes.get("site_ids")
    if site_ids is not None and (problems := await _check_sites(site_ids, role)):
        raise InvalidData(problems)
    if "display_name" in changes and not changes["display_name"].strip():
        raise InvalidData({"display_name": "Indiquez le nom affiché."})
    values = {key: changes[key] for key in ("display_name", "role", "is_active") if key in changes}
    async with db.write_transaction():
        if values:
            await User.update(values).where(User.id == user_id).run()
        if site_ids is not None:
            await UserSite.delete().where(UserSite.user == user_id).run()
            if site_ids:
                await UserSite.insert(*[UserSite(user=user_id, site=s) for s in sorted(set(site_ids))]).run()
        if changes.get("is_active") is False:
            await Session.delete().where(Session.user == user_id).run()
            await (
                ApiToken.update({ApiToken.revoked_at: now()})
                .where(ApiToken.user == user_id, ApiToken.revoked_at.is_null())
                .run()
            )
    token_cache.forget_all()
    return await get_user_row(user_id)
