"""The team: who may add an account, deactivate or reactivate it, or give it a new password.

- An administrator: any account, any role, any sites.
- A coordinator: the advisers who share a site with them, only on their own sites; never an administrator, a
  funder or a coordinator, and never their own account. An account outside their sites does not exist for them
  (404, like any record of another site); a colleague of another role at their site is refused (403).
- Nobody deactivates their own account (the last administrator could lock everyone out).

A new account, or a new password, gets a password generated here and shown once, to hand over. Every change
is written with its audit entry in one transaction (`users`), one entry per site of the account. A deactivated
account cannot log in, and its sessions and API tokens stop at once (`users.update_user`).
"""

from __future__ import annotations

from typing import Any

from inclusion.accounts import users
from inclusion.accounts.passwords import readable_password
from inclusion.errors import InvalidData, PermissionDenied
from inclusion.scoping import Caller, Role

MANAGERS = {Role.admin, Role.coordinator}
ADVISERS_ONLY = "Un coordinateur gère seulement les comptes des conseillers de ses sites."


def can_manage(caller: Caller, account: dict[str, Any]) -> bool:
    """Whether the caller may change this account (one of `users.list_users`' rows)."""
    if caller.is_admin:
        return True
    return (
        caller.role == Role.coordinator
        and account["role"] == Role.adviser.value
        and bool(set(account["site_ids"]) & caller.site_ids)
    )


def roles_for(caller: Caller) -> list[Role]:
    """The roles the caller may give a new account."""
    return list(Role) if caller.is_admin else [Role.adviser] if caller.role == Role.coordinator else []


async def manageable(caller: Caller, user_id: int) -> dict[str, Any]:
    """The account, if the caller may change it: 404 outside their sites, 403 for another role."""
    account = await users.get_user(caller, user_id)
    if not can_manage(caller, account):
        raise PermissionDenied(ADVISERS_ONLY)
    return account


async def add_member(
    caller: Caller, email: str, display_name: str, role: Role, site_ids: list[int]
) -> tuple[dict[str, Any], str]:
    """Create the account with a generated password; return its row and the password, to show once."""
    if role not in roles_for(caller):
        raise PermissionDenied(
            "Un coordinateur ne peut créer que des comptes de conseiller numérique."
            if caller.role == Role.coordinator
            else "Vous ne pouvez pas créer de compte."
        )
    if not caller.is_admin and not set(site_ids) <= caller.site_ids:
        raise InvalidData({"site_ids": "Choisissez parmi vos sites."})
    password = readable_password()
    return await users.create_user(email, display_name, role, site_ids, password, caller), password


async def deactivate(caller: Caller, user_id: int) -> dict[str, Any]:
    account = await manageable(caller, user_id)
    if user_id == caller.user_id:
        raise PermissionDenied("Vous ne pouvez pas désactiver votre propre compte.")
    if not account["is_active"]:
        return account
    return await users.update_user(caller, user_id, {"is_active": False})


async def reactivate(caller: Caller, user_id: int) -> dict[str, Any]:
    account = await manageable(caller, user_id)
    if account["is_active"]:
        return account
    return await users.update_user(caller, user_id, {"is_active": True})


async def reset_password(caller: Caller, user_id: int) -> tuple[dict[str, Any], str]:
    """A new generated password; the account's browser sessions end. Return the row and the password."""
    await manageable(caller, user_id)
    password = readable_password()
    return await users.set_password(caller, user_id, password), password
