"""Login, logout and server-side sessions through the real pages."""

from datetime import timedelta

from inclusion.clock import now
from inclusion.storage.tables.accounts import LoginAttempt, Session
from tests.support.browser import csrf_from, logged_in, login


async def test_login_opens_a_session_with_safe_cookie_flags(client, make):
    """A right password redirects home and sets an HttpOnly, SameSite=Lax session cookie."""
    user = await make.user("adviser", await make.site())
    response = await login(client, user["email"], user["password"])
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("inclusion_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    home = await client.get("/")
    assert home.status_code == 200 and "Bonjour" in home.text
    assert await Session.count() == 1


async def test_secure_cookies_use_the_host_prefix(settings, make):
    """With cookie_secure on (production), the session cookie is `__Host-inclusion_session`: Secure, Path=/, no
    Domain; it opens the session, and logging out expires it under the same name."""
    from litestar.testing import AsyncTestClient

    from inclusion.app import create_app

    app = create_app(settings.with_changes(cookie_secure=True))
    user = await make.user("adviser")
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        client.follow_redirects = False
        response = await login(client, user["email"], user["password"])
        cookie = next(h for h in response.headers.get_list("set-cookie") if "inclusion_session=" in h)
        assert cookie.startswith("__Host-inclusion_session=")
        assert "Secure" in cookie and "Path=/;" in cookie + ";" and "domain" not in cookie.lower()
        home = await client.get("/")
        assert home.status_code == 200 and "Bonjour" in home.text
        out = await client.post("/logout", data={"csrf_token": csrf_from(home)})
        gone = next(h for h in out.headers.get_list("set-cookie") if "inclusion_session=" in h)
        assert gone.startswith("__Host-inclusion_session=") and "Max-Age=0" in gone and "Secure" in gone
        assert (await client.get("/")).status_code == 303


async def test_wrong_password_is_refused_without_session(client, make):
    """A wrong password shows a French message and opens no session."""
    user = await make.user("adviser")
    response = await login(client, user["email"], "pas le bon mot de passe")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert await Session.count() == 0
    assert (await client.get("/")).status_code == 303


async def test_login_redirects_to_the_page_asked_for(client, make):
    """An anonymous visitor sent to the login form comes back to the page they wanted."""
    user = await make.user("admin")
    bounce = await client.get("/sites?page=1")
    assert bounce.status_code == 303 and bounce.headers["location"] == "/login?next=/sites%3Fpage%3D1"
    response = await login(client, user["email"], user["password"], next_url="/sites?page=1")
    assert response.headers["location"] == "/sites?page=1"
    evil = await login(client, user["email"], user["password"], next_url="//evil.example/")
    assert evil.headers["location"] == "/"


async def test_login_form_without_its_token_is_refused(client, make):
    """A login posted from elsewhere (no form token) is refused and opens nothing."""
    user = await make.user("adviser")
    response = await client.post("/login", data={"email": user["email"], "password": user["password"]})
    assert response.status_code == 403
    assert await Session.count() == 0


async def test_session_id_changes_at_login(client, make):
    """Logging in again replaces the session: the old cookie value no longer opens anything."""
    user = await make.user("adviser")
    await logged_in(client, user)
    first = client.cookies["inclusion_session"]
    await logged_in(client, user)
    second = client.cookies["inclusion_session"]
    assert first != second
    assert await Session.count() == 1
    client.cookies.set("inclusion_session", first)
    assert (await client.get("/account")).status_code == 303


async def test_logout_ends_the_session(client, make):
    """Logging out deletes the session server-side."""
    user = await make.user("adviser")
    csrf = await logged_in(client, user)
    cookie = client.cookies["inclusion_session"]
    response = await client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert await Session.count() == 0
    client.cookies.set("inclusion_session", cookie)
    assert (await client.get("/")).status_code == 303


async def test_idle_session_expires(client, make, settings):
    """A session unused for longer than the idle timeout is over; the API says so in French."""
    user = await make.user("adviser")
    await logged_in(client, user)
    stale = now() - timedelta(minutes=settings.session_idle_minutes + 1)
    await Session.update({Session.last_seen_at: stale}, force=True).run()
    api = await client.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["message"] == "Votre session a expiré : reconnectez-vous."
    assert await Session.count() == 0


async def test_old_session_expires_even_when_active(client, make, settings):
    """A session older than the absolute timeout is over, however recently used; pages say it expired."""
    user = await make.user("adviser")
    await logged_in(client, user)
    await Session.update(
        {Session.created_at: now() - timedelta(hours=settings.session_absolute_hours, minutes=1)}, force=True
    ).run()
    page = await client.get("/account")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/account&expire=1"
    form = await client.get(page.headers["location"])
    assert "Votre session a expiré" in form.text


async def test_deactivated_user_loses_the_session(client, make):
    """An account switched off cannot keep using an open session."""
    from inclusion.storage.tables.accounts import User

    user = await make.user("adviser")
    await logged_in(client, user)
    await User.update({User.is_active: False}).where(User.id == user["id"]).run()
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_five_failures_lock_the_account_for_the_window(client, make, caplog):
    """After 5 failed attempts even the right password answers 429 with a French message; each failure is logged."""
    user = await make.user("adviser")
    for _ in range(5):
        assert (await login(client, user["email"], "mauvais-mot-de-passe")).status_code == 401
    locked = await login(client, user["email"], user["password"])
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes." in locked.text
    assert 800 < int(locked.headers["retry-after"]) <= 901
    assert await Session.count() == 0
    assert await LoginAttempt.count().where(LoginAttempt.succeeded.eq(False)) == 5
    assert sum("Échec de connexion pour" in r.getMessage() for r in caplog.records) == 5


async def test_lockout_ends_when_the_window_passes(client, make, settings):
    """Failures older than the window no longer count."""
    user = await make.user("adviser")
    for _ in range(5):
        await login(client, user["email"], "mauvais-mot-de-passe")
    old = now() - timedelta(minutes=settings.login_window_minutes + 1)
    await LoginAttempt.update({LoginAttempt.attempted_at: old}, force=True).run()
    assert (await login(client, user["email"], user["password"])).status_code == 303


async def test_five_failures_from_one_address_lock_every_account(client, make):
    """Guessing across accounts from one address is throttled too."""
    victim = await make.user("adviser")
    for index in range(5):
        await login(client, f"inconnu{index}@exemple.fr", "mauvais-mot-de-passe")
    assert (await login(client, victim["email"], victim["password"])).status_code == 429


async def test_csrf_token_is_required_for_cookie_requests(client, make):
    """With a session cookie, an unsafe request without the CSRF token is refused and changes nothing."""
    from inclusion.storage.tables.sites import Site

    site = await make.site("Avant")
    coordinator = await make.user("coordinator", site)
    csrf = await logged_in(client, coordinator)
    refused = await client.patch(f"/api/v1/sites/{site}", json={"name": "Après"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    wrong = await client.patch(f"/api/v1/sites/{site}", json={"name": "Après"}, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    assert (await Site.select(Site.name).first())["name"] == "Avant"
    accepted = await client.patch(f"/api/v1/sites/{site}", json={"name": "Après"}, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200
    form_without = await client.post("/account/tokens", data={"name": "sans jeton"})
    assert form_without.status_code == 403


async def test_login_page_has_a_fresh_form_token(client):
    """The login form carries a token tied to a cookie scoped to /login."""
    page = await client.get("/login")
    assert page.status_code == 200
    assert csrf_from(page)
    assert any("Path=/login" in h for h in page.headers.get_list("set-cookie"))
