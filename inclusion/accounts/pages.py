"""Login, logout, home and account pages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion.accounts import tokens
from inclusion.accounts.auth import CSRF_FIELD
from inclusion.accounts.login import authenticate
from inclusion.accounts.password_change import change_password
from inclusion.accounts.sessions import close_session, cookie_name, open_session
from inclusion.errors import InvalidData, PermissionDenied, TooManyAttempts
from inclusion.settings import Settings
from inclusion.sites import services as site_services
from inclusion.storage.pagination import PageRequest
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

LOGIN_COOKIE = "inclusion_login"
PUBLIC = {"public": True}


def _login_token(settings: Settings, nonce: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, settings: Settings, status_code: int = 200, **context) -> Template:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = page(
        request,
        "pages/login.html",
        status_code=status_code,
        caller=None,  # the login page shows no navigation, even to someone already logged in
        login_token=_login_token(settings, nonce),
        next=_safe_next(request.query_params.get("next") or context.pop("next", None)),
        **context,
    )
    response.set_cookie(
        Cookie(
            key=LOGIN_COOKIE,
            value=nonce,
            httponly=True,
            samesite="strict",
            secure=settings.cookie_secure,
            path="/login",
        )
    )
    return response


@get("/login", opt=PUBLIC, include_in_schema=False)
async def login_form(request: Request) -> Template:
    expired = request.query_params.get("expire") == "1"
    return _login_page(request, request.app.state.settings, expired=expired)


@post("/login", opt=PUBLIC, include_in_schema=False)
async def login(request: Request) -> Template | Redirect:
    settings: Settings = request.app.state.settings
    form = await request.form()
    email = str(form.get("email", "")).strip()
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not hmac.compare_digest(str(form.get(CSRF_FIELD, "")), _login_token(settings, nonce)):
        raise PermissionDenied("Formulaire expiré : rechargez la page de connexion et recommencez.")
    context = {"email": email, "next": str(form.get("next", ""))}
    if not email or not form.get("password"):
        errors = {name: "Ce champ est obligatoire." for name in ("email", "password") if not form.get(name)}
        return _login_page(request, settings, 422, errors=errors, **context)
    ip = request.client.host if request.client else ""
    try:
        user_id = await authenticate(settings, email, str(form.get("password")), ip)
    except TooManyAttempts as exc:
        response = _login_page(request, settings, 429, error=exc.message, **context)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    if user_id is None:
        return _login_page(request, settings, 401, error="Adresse électronique ou mot de passe incorrect.", **context)
    cookie = cookie_name(settings)
    raw = await open_session(settings, user_id, ip, request.headers.get("user-agent", ""), request.cookies.get(cookie))
    response = Redirect(_safe_next(context["next"]), status_code=303)
    response.set_cookie(  # no Domain: a host-only cookie, as the __Host- prefix requires
        Cookie(key=cookie, value=raw, httponly=True, samesite="lax", secure=settings.cookie_secure, path="/")
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@post("/logout", include_in_schema=False)
async def logout(request: Request) -> Redirect:
    settings: Settings = request.app.state.settings
    cookie = cookie_name(settings)
    await close_session(settings, request.cookies.get(cookie, ""))
    response = Redirect("/login", status_code=303)
    response.set_cookie(  # expired at once, with the attributes its __Host- name requires
        Cookie(key=cookie, value="", max_age=0, httponly=True, samesite="lax", secure=settings.cookie_secure, path="/")
    )
    return response


@get("/", include_in_schema=False)
async def home(request: Request, caller: CurrentCaller) -> Template:
    result = await site_services.list_sites(caller, PageRequest(per_page=20))
    return page(request, "pages/home.html", sites=result.rows, more_sites=result.total > len(result.rows))


@get("/account", include_in_schema=False)
async def account(request: Request, caller: CurrentCaller) -> Template:
    return page(request, "pages/account.html", tokens=await tokens.list_tokens(caller))


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidData({"expires_on": "Date invalide : choisissez un jour dans le calendrier."}) from None


@post("/account/tokens", include_in_schema=False)
async def create_token(request: Request, caller: CurrentCaller) -> Template:
    form = await request.form()
    values = {"name": str(form.get("name", "")), "expires_on": str(form.get("expires_on", "")).strip()}
    try:
        raw, row = await tokens.create_token(caller.user_id, values["name"], _day(values["expires_on"]))
    except InvalidData as exc:
        context = {"tokens": await tokens.list_tokens(caller), "errors": exc.fields, "token_form": values}
        return page(request, "pages/account.html", 422, **context)
    return page(request, "pages/account.html", 201, tokens=await tokens.list_tokens(caller), new_token=raw, new_row=row)


@post("/account/password", include_in_schema=False)
async def change_own_password(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    fields = ("current_password", "new_password", "new_password_confirmation")
    current, new, confirmation = (str(form.get(name, "")) for name in fields)
    ip = request.client.host if request.client else ""
    settings: Settings = request.app.state.settings
    try:
        await change_password(
            settings, caller, current, new, confirmation, ip, request.cookies.get(cookie_name(settings), "")
        )
    except (InvalidData, TooManyAttempts) as exc:
        errors = exc.fields if isinstance(exc, InvalidData) else {"current_password": exc.message}
        response = page(
            request, "pages/account.html", 422 if isinstance(exc, InvalidData) else 429,
            tokens=await tokens.list_tokens(caller), password_errors=errors,
        )  # fmt: skip
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    return Redirect("/account?password=1", status_code=303)


@get("/account/tokens/{token_id:int}/revoke", include_in_schema=False)
async def confirm_revoke(request: Request, caller: CurrentCaller, token_id: FromPath[int]) -> Template:
    return page(request, "pages/revoke_token.html", token=await tokens.get_token(caller, token_id))


@post("/account/tokens/{token_id:int}/revoke", include_in_schema=False)
async def revoke_token(caller: CurrentCaller, token_id: FromPath[int]) -> Redirect:
    await tokens.revoke_token(caller, token_id)
    return Redirect("/account?revoked=1", status_code=303)


ACCOUNT_PAGES = [
    login_form,
    login,
    logout,
    home,
    account,
    create_token,
    change_own_password,
    confirm_revoke,
    revoke_token,
]
