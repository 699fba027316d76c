"""Login throttling: too many failures for one account or one address within the window means 429.

An attempt is counted before its password is checked: `reserve` reads the failures of the window and writes the
attempt (as a failure, until `settle` says it succeeded) in one write transaction that no other process can
interleave with: SQLite's BEGIN IMMEDIATE takes the database's write lock; on PostgreSQL a transaction-scoped
advisory lock per account and per address serialises the attempts on them. A burst of simultaneous attempts
thus gets at most `login_max_failures` passwords checked, whatever the number of workers (reading, checking,
then writing let a burst of 50 have all 50 checked).

Logs name the typed identifier only by a keyed hash (`identifier_hash`): the same account gives the same hash,
so repeated failures can be followed without the log holding addresses people typed (often a password typed
in the wrong field).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from inclusion.clock import now
from inclusion.errors import TooManyAttempts
from inclusion.settings import Settings
from inclusion.storage import db, sql

logger = logging.getLogger("inclusion.login")
KEEP_ATTEMPTS = timedelta(days=90)
EMAIL_LENGTH, IP_LENGTH = 254, 45  # the columns' widths

_FAILURES = """
SELECT attempted_at FROM login_attempt WHERE {column} = {{}} AND succeeded = {{}} AND attempted_at >= {{}}
ORDER BY attempted_at DESC LIMIT {{}}
"""


def identifier_hash(settings: Settings, email: str) -> str:
    """A short keyed hash of a typed login identifier, for logs."""
    digest = hmac.new(settings.secret_key.encode(), f"login:{email}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _reserve(settings: Settings, email: str, ip: str, moment: datetime, postgres: bool) -> sql.Plan[int]:
    """The plan counting the window's failures of the account and of the address, then writing this attempt."""
    window = timedelta(minutes=settings.login_window_minutes)
    most = settings.login_max_failures
    if postgres:  # sorted: two attempts never wait on each other's second lock
        for key in sorted({f"login-email:{email}", f"login-ip:{ip}"}):
            yield "SELECT pg_advisory_xact_lock(hashtext({}))", [key]
    wait = 0
    for column, value in (("email", email), ("ip", ip)):
        failures = yield _FAILURES.format(column=column), [value, False, moment - window, most]
        if len(failures) >= most:
            unlock = failures[-1]["attempted_at"] + window
            wait = max(wait, int((unlock - moment).total_seconds()) + 1)
    if wait:
        minutes = max(1, -(-wait // 60))
        raise TooManyAttempts(
            wait,
            f"Trop de tentatives de connexion échouées. Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}.",
        )
    values = {"email": email, "ip": ip, "succeeded": False, "attempted_at": moment}
    rows = yield sql.insert_statement("login_attempt", values)
    return rows[0]["id"]


async def reserve(settings: Settings, email: str, ip: str) -> int:
    """Count this attempt, as a failure until settled; raise TooManyAttempts (nothing written) while the account or
    the address is locked out. Returns the attempt's id."""
    plan = _reserve(settings, email[:EMAIL_LENGTH], ip[:IP_LENGTH], now(), not db.is_sqlite())
    return await sql.transact(plan)


async def settle(settings: Settings, attempt_id: int, email: str, ip: str, succeeded: bool) -> None:
    """The checked attempt's outcome: a success stops counting as a failure; a failure is logged."""
    if succeeded:
        await sql.fetch("UPDATE login_attempt SET succeeded = {} WHERE id = {}", True, attempt_id)
        return
    logger.warning("Échec de connexion pour le compte %s depuis %s", identifier_hash(settings, email), ip)
    await sql.fetch("DELETE FROM login_attempt WHERE attempted_at < {}", now() - KEEP_ATTEMPTS)
