"""Personal API tokens: shown once, stored as SHA-256, revocable, last use recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from inclusion import sql
from inclusion.accounts.tables import ApiToken, User
from inclusion.accounts.users import site_ids_of
from inclusion.clock import now
from inclusion.errors import InvalidData, NotFound
from inclusion.scoping import Caller, Role

PREFIX = "inc_"
TOUCH_EVERY = timedelta(seconds=60)
TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.prefix,
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_token(user_id: int, name: str) -> tuple[str, dict[str, Any]]:
    """Return the token (to show once) and its stored row."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidData({"name": "Donnez au token un nom de 1 à 100 caractères."})
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user_id, name=name, token_hash=_digest(raw), prefix=raw[:10])
    await token.save().run()
    row = await ApiToken.select(*TOKEN_COLUMNS).where(ApiToken.id == token.id).first().run()
    return raw, row


async def list_tokens(caller: Caller) -> list[dict[str, Any]]:
    return (
        await ApiToken.select(*TOKEN_COLUMNS)
        .where(ApiToken.user == caller.user_id)
        .order_by(ApiToken.created_at, ascending=False)
        .run()
    )


async def get_token(caller: Caller, token_id: int) -> dict[str, Any]:
    row = (
        await ApiToken.select(*TOKEN_COLUMNS)
        .where(ApiToken.id == token_id, ApiToken.user == caller.user_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("Token introuvable.")
    return row


async def revoke_token(caller: Caller, token_id: int) -> dict[str, Any]:
    row = await get_token(caller, token_id)
    if row["revoked_at"] is None:
        await ApiToken.update({ApiToken.revoked_at: now()}).where(ApiToken.id == token_id).run()
    return await get_token(caller, token_id)


_CALLER_BY_TOKEN = """
SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.email, u.display_name, u.role, m.site AS site_id
FROM api_token t
JOIN app_user u ON u.id = t."user"
LEFT JOIN user_site m ON m."user" = u.id
WHERE t.token_hash = {} AND t.revoked_at IS NULL AND u.is_active = {}
"""


async def resolve_token(raw: str) -> Caller | None:
    """The caller behind a live token, in one query (one row per site of the account)."""
    if not raw.startswith(PREFIX):
        return None
    rows = await sql.lookup(_CALLER_BY_TOKEN, _digest(raw), True)
    if not rows:
        return None
    row, moment = rows[0], now()
    site_ids = frozenset(r["site_id"] for r in rows if r["site_id"] is not None)
    if row["role"] == Role.funder.value:
        site_ids = await site_ids_of(row["user_id"])
    if row["last_used_at"] is None or moment - row["last_used_at"] > TOUCH_EVERY:
        await sql.fetch("UPDATE api_token SET last_used_at = {} WHERE id = {}", moment, row["token_id"])
    return Caller(
        user_id=row["user_id"],
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        site_ids=site_ids,
        via="token",
    )


async def user_id_by_email(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first().run()
    return None if row is None else row["id"]
