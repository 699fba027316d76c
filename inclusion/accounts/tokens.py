"""Personal API tokens: shown once, stored as SHA-256, revocable, optionally expiring, last use recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from inclusion import clock
from inclusion.accounts import token_cache
from inclusion.accounts.users import CALLER_JOINS, CALLER_SELECT, caller_from_rows
from inclusion.clock import now
from inclusion.errors import AuthenticationRequired, InvalidData, NotFound
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.storage.tables.accounts import ApiToken, User

PREFIX = "inc_"
TOUCH_EVERY = timedelta(seconds=60)
MAX_LIFETIME = timedelta(days=3660)  # an expiry date at most about ten years ahead
TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.prefix,
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
    ApiToken.expires_on,
)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def expiry_problem(expires_on: date | None, today: date) -> str | None:
    """Why a token may not expire on that day (its last valid day); None when it may, or when it never expires."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "La date d'expiration ne peut pas être passée."
    if expires_on > today + MAX_LIFETIME:
        return f"La date d'expiration doit tomber au plus tard le {today + MAX_LIFETIME:%d/%m/%Y}."
    return None


async def create_token(user_id: int, name: str, expires_on: date | None = None) -> tuple[str, dict[str, Any]]:
    """Return the token (to show once) and its stored row. `expires_on`: its last valid day, or None (no end)."""
    name = name.strip()
    problems = {}
    if not name or len(name) > 100:
        problems["name"] = "Donnez au token un nom de 1 à 100 caractères."
    if problem := expiry_problem(expires_on, clock.today()):
        problems["expires_on"] = problem
    if problems:
        raise InvalidData(problems)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user_id, name=name, token_hash=_digest(raw), prefix=raw[:10], expires_on=expires_on)
    await token.save().run()
    row = await ApiToken.select(*TOKEN_COLUMNS).where(ApiToken.id == token.id).first().run()
    return raw, row


async def list_tokens(caller: Caller) -> list[dict[str, Any]]:
    rows = (
        await ApiToken.select(*TOKEN_COLUMNS)
        .where(ApiToken.user == caller.user_id)
        .order_by(ApiToken.created_at, ascending=False)
        .run()
    )
    today = clock.today()
    for row in rows:
        row["expired"] = row["expires_on"] is not None and row["expires_on"] < today
    return rows


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
        token_cache.forget_all()
    return await get_token(caller, token_id)


_CALLER_BY_TOKEN = f"""
SELECT t.id AS token_id, t.last_used_at, t.expires_on, {CALLER_SELECT}
FROM api_token t {CALLER_JOINS.format(owner="t")}
WHERE t.token_hash = {{}} AND t.revoked_at IS NULL AND u.is_active = {{}}
"""


async def resolve_token(raw: str, cache: token_cache.TokenCache) -> Caller | None:
    """The caller behind a live token: held in `cache`, or read in one query (one row per site of the account)."""
    if not raw.startswith(PREFIX):
        return None
    digest = _digest(raw)
    if (caller := cache.get(digest)) is not None:
        return caller
    read_in = token_cache.era()
    rows = await sql.lookup(_CALLER_BY_TOKEN, digest, True)
    if not rows:
        return None
    row, moment = rows[0], now()
    if row["expires_on"] is not None and row["expires_on"] < clock.today():
        raise AuthenticationRequired(
            f"Token d'API expiré : il était valable jusqu'au {row['expires_on']:%d/%m/%Y} inclus. "
            "Créez-en un nouveau sur la page « Mon compte »."
        )
    if row["last_used_at"] is None or moment - row["last_used_at"] > TOUCH_EVERY:
        await sql.fetch("UPDATE api_token SET last_used_at = {} WHERE id = {}", moment, row["token_id"])
    caller = await caller_from_rows(rows, "token")
    cache.keep(digest, caller, read_in)
    return caller


async def user_id_by_email(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first().run()
    return None if row is None else row["id"]
