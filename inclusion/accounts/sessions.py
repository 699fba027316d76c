"""Server-side browser sessions stored in the database, shared by every process."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from inclusion.accounts.users import CALLER_JOINS, CALLER_SELECT, caller_from_rows
from inclusion.clock import now
from inclusion.scoping import Caller
from inclusion.settings import Settings
from inclusion.storage import db, sql
from inclusion.storage.tables.accounts import Session, User

COOKIE = "inclusion_session"
HOST_COOKIE = "__Host-inclusion_session"


def cookie_name(settings: Settings) -> str:
    """The session cookie's name: under the `__Host-` prefix whenever cookies are Secure (production), so the
    browser only accepts it from this very host, over HTTPS, for the whole site (`Path=/`, no `Domain`): a
    sibling subdomain cannot plant or overwrite it. Plain-http development keeps the plain name."""
    return HOST_COOKIE if settings.cookie_secure else COOKIE


TOUCH_EVERY = timedelta(seconds=60)


def session_key(settings: Settings, raw: str) -> str:
    """What the table stores: an HMAC of the cookie value, so a leaked table opens no session."""
    return hmac.new(settings.secret_key.encode(), raw.encode(), hashlib.sha256).hexdigest()


async def open_session(settings: Settings, user_id: int, ip: str, user_agent: str, previous: str | None) -> str:
    """Start a session with a fresh id (the previous one, if any, is dropped) and return the cookie value."""
    raw = secrets.token_urlsafe(32)
    async with db.write_transaction():
        if previous:
            await Session.delete().where(Session.key == session_key(settings, previous)).run()
        too_old = now() - timedelta(hours=settings.session_absolute_hours)
        await Session.delete().where(Session.created_at < too_old).run()
        await Session.insert(
            Session(
                key=session_key(settings, raw),
                user=user_id,
                csrf_token=secrets.token_urlsafe(32),
                ip=ip[:45],
                user_agent=user_agent[:300],
            )
        ).run()
        await User.update({User.last_login_at: now()}).where(User.id == user_id).run()
    return raw


async def close_session(settings: Settings, raw: str) -> None:
    await Session.delete().where(Session.key == session_key(settings, raw)).run()


@dataclass(frozen=True, slots=True)
class SessionLookup:
    caller: Caller | None
    expired: bool


_CALLER_BY_SESSION = f"""
SELECT s.id AS session_id, s.created_at, s.last_seen_at, s.csrf_token, {CALLER_SELECT}
FROM user_session s {CALLER_JOINS.format(owner="s")}
WHERE s.key = {{}}
"""


async def resolve_session(settings: Settings, raw: str) -> SessionLookup:
    """The caller of a live session, in one indexed read (one row per site of the account); an idle, too old
    or deactivated account's session is deleted."""
    rows = await sql.lookup(_CALLER_BY_SESSION, session_key(settings, raw))
    if not rows:
        return SessionLookup(None, expired=False)
    row, moment = rows[0], now()
    idle = moment - row["last_seen_at"] > timedelta(minutes=settings.session_idle_minutes)
    too_old = moment - row["created_at"] > timedelta(hours=settings.session_absolute_hours)
    if idle or too_old or not row["is_active"]:
        await Session.delete().where(Session.id == row["session_id"]).run()
        return SessionLookup(None, expired=True)
    if moment - row["last_seen_at"] > TOUCH_EVERY:
        await Session.update({Session.last_seen_at: moment}).where(Session.id == row["session_id"]).run()
    return SessionLookup(await caller_from_rows(rows, "session", row["csrf_token"]), expired=False)
