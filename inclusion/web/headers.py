"""Security headers on every response, errors included; `Cache-Control: no-store` on every response but static
assets, so no page, API answer or verification result stays in a shared computer's browser cache (a France
Services site's public computer) or in a proxy."""

from __future__ import annotations

from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


_ENCODED = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_NO_STORE = (b"cache-control", b"no-store")
CACHEABLE_PREFIX = "/static/"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Adds each header the response does not set itself (on the raw list: no header object per response)."""
    if message["type"] == "http.response.start":
        headers = list(message.get("headers") or ())
        present = {bytes(name).lower() for name, _ in headers}
        headers.extend(pair for pair in _ENCODED if pair[0] not in present)
        if _NO_STORE[0] not in present and not scope["path"].startswith(CACHEABLE_PREFIX):
            headers.append(_NO_STORE)
        message["headers"] = headers
