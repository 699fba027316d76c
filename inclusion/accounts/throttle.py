"""Login throttling: too many failures for one account or one address within the window means 429."""

from __future__ import annotations

import logging
from datetime import timedelta

from inclusion.clock import now
from inclusion.errors import TooManyAttempts
from inclusion.settings import Settings
from inclusion.storage.tables.accounts import LoginAttempt

logger = logging.getLogger("inclusion.login")
KEEP_ATTEMPTS = timedelta(days=90)


async def check(settings: Settings, email: str, ip: str) -> None:
    """Raise TooManyAttempts while the account or the address is locked out."""
    moment = now()
    since = moment - timedelta(minutes=settings.login_window_minutes)
    wait = 0
    for clause in (LoginAttempt.email == email, LoginAttempt.ip == ip):
        failures = (
            await LoginAttempt.select(LoginAttempt.attempted_at)
            .where(clause, LoginAttempt.succeeded.eq(False), LoginAttempt.attempted_at >= since)
            .order_by(LoginAttempt.attempted_at, ascending=False)
            .limit(settings.login_max_failures)
            .run()
        )
        if len(failures) >= settings.login_max_failures:
            unlock = failures[-1]["attempted_at"] + timedelta(minutes=settings.login_window_minutes)
            wait = max(wait, int((unlock - moment).total_seconds()) + 1)
    if wait:
        minutes = max(1, -(-wait // 60))
        raise TooManyAttempts(
            wait,
            f"Trop de tentatives de connexion échouées. Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}.",
        )


async def record(email: str, ip: str, succeeded: bool) -> None:
    await LoginAttempt.insert(LoginAttempt(email=email, ip=ip, succeeded=succeeded)).run()
    if not succeeded:
        logger.warning("Échec de connexion pour %s depuis %s", email, ip)
        await LoginAttempt.delete().where(LoginAttempt.attempted_at < now() - KEEP_ATTEMPTS).run()
