"""Personal API tokens: shown once, stored as SHA-256, revocable, last use recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from inclusion.accounts.tables import ApiToken, User
from inclusion.accounts.users import caller_columns, caller_from
from inclusion.clock import now
from inclusion.errors import InvalidData, NotFound
from inclusion.scoping import Caller

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


async def resolve_token(raw: str) -> Caller | None:
    if not raw.startswith(PREFIX):
        return None
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            *caller_columns(ApiToken.user),
        )
        .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_null(), ApiToken.user.is_active.eq(True))
        .first()
        .run()
    )
    if row is None:
        return None
    moment = now()
    if row["last_used_at"] is None or moment - row["last_used_at"] > TOUCH_EVERY:
        await ApiToken.update({ApiToken.last_used_at: moment}).where(ApiToken.id == row["id"]).run()
    return await caller_from(row, "token")


async def user_id_by_email(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first().run()
    return None if row is None else row["id"]
