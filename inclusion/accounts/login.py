"""Checking a login: throttled, logged, same answer for an unknown account and a wrong password."""

from __future__ import annotations

from inclusion.accounts import throttle
from inclusion.accounts.passwords import verify_password
from inclusion.accounts.users import normalise_email
from inclusion.settings import Settings
from inclusion.storage.tables.accounts import User


async def authenticate(settings: Settings, email: str, password: str, ip: str) -> int | None:
    """The user id when the credentials are right; None otherwise. Raises TooManyAttempts when locked out: the
    attempt is counted before the password is checked, so simultaneous attempts cannot all get through."""
    email = normalise_email(email)
    attempt = await throttle.reserve(settings, email, ip)
    row = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first().run()
    valid = await verify_password(row["password_hash"] if row else None, password)
    succeeded = bool(valid and row and row["is_active"])
    await throttle.settle(settings, attempt, email, ip, succeeded)
    return row["id"] if succeeded and row else None
