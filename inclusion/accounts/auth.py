"""Who is calling: a Bearer token, or a session cookie whose unsafe requests must carry the CSRF token."""

from __future__ import annotations

import hmac

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from inclusion.accounts.guards import require_access
from inclusion.accounts.sessions import cookie_name, resolve_session
from inclusion.accounts.tokens import resolve_token
from inclusion.errors import AuthenticationRequired, PermissionDenied
from inclusion.scoping import Caller
from inclusion.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
OWN_CSRF_CHECK = {"/login"}  # the login form checks its own token: the visitor may not have a session yet


class AuthenticationMiddleware(ASGIMiddleware):
    """Sets scope["user"] (a Caller or None) and scope["auth"] ("token", "session", "expired" or None),
    then applies the route's access rules (`guards.require_access`)."""

    scopes = (ScopeType.HTTP,)
    public_prefixes = ("/static/", "/health", "/schema")

    def should_bypass_for_scope(self, scope: Scope) -> bool:
        return scope["path"].startswith(self.public_prefixes)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"], scope["auth"] = await authenticate(ASGIConnection(scope, receive))
        require_access(scope, scope["route_handler"])
        await next_app(scope, receive, send)


async def authenticate(connection: ASGIConnection) -> tuple[Caller | None, str | None]:
    settings: Settings = connection.app.state.settings
    authorization = connection.headers.get("authorization", "")
    if authorization:
        scheme, _, raw = authorization.partition(" ")
        cache = connection.app.state.token_cache
        caller = await resolve_token(raw.strip(), cache) if scheme.lower() == "bearer" else None
        if caller is None:
            raise AuthenticationRequired("Token d'API invalide ou révoqué.")
        return caller, "token"
    raw = connection.cookies.get(cookie_name(settings))
    if not raw:
        return None, None
    lookup = await resolve_session(settings, raw)
    if lookup.caller is None:
        return None, "expired" if lookup.expired else None
    if connection.scope["method"] not in SAFE_METHODS and connection.scope["path"] not in OWN_CSRF_CHECK:
        await require_csrf(connection, lookup.caller.csrf_token)
    return lookup.caller, "session"


async def submitted_csrf(connection: ASGIConnection) -> str:
    token = connection.headers.get(CSRF_HEADER, "")
    if not token and connection.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await Request(connection.scope, connection.receive).form()
        token = str(form.get(CSRF_FIELD, ""))
    return token


async def require_csrf(connection: ASGIConnection, expected: str) -> None:
    token = await submitted_csrf(connection)
    if not token or not hmac.compare_digest(token, expected):
        raise PermissionDenied(
            "Jeton CSRF manquant ou invalide : rechargez la page et recommencez (ou envoyez l'en-tête X-CSRF-Token)."
        )
