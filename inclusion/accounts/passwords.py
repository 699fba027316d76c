"""argon2id password hashes, computed off the event loop."""

from __future__ import annotations

import asyncio
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) spend the same time and answer False."""
    return await asyncio.to_thread(_verify, password_hash, password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


READABLE = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied from paper without doubt


def readable_password() -> str:
    """A password to hand over to a person: three groups of four, "k7mp-q4zx-t9wh" (59 bits)."""
    return "-".join("".join(secrets.choice(READABLE) for _ in range(4)) for _ in range(3))


def password_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    return None
