"""The token of a report share link: `<id>.<nonce>.<signature>`, signed with the app's secret key.

The signature (HMAC-SHA256 of the id and the nonce) is checked before any database work, so a made-up or
altered token costs nothing; the database keeps only the token's SHA-256, to list and revoke links. Changing
the secret key invalidates every link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_PURPOSE = b"inclusion report share\x00"


def _signature(secret_key: str, body: str) -> str:
    digest = hmac.new(secret_key.encode(), _PURPOSE + body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_token(secret_key: str, share_id: int) -> str:
    body = f"{share_id}.{secrets.token_urlsafe(16)}"
    return f"{body}.{_signature(secret_key, body)}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_id_of(secret_key: str, token: str) -> int | None:
    """The share id a genuine token names; None when the token is malformed or its signature is wrong."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18:
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret_key, body), parts[2]):
        return None
    return int(parts[0])
