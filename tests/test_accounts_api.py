"""Accounts and personal API tokens through the API."""

from datetime import UTC, datetime

from inclusion.storage.tables.accounts import ApiToken, User


async def test_me_says_who_is_calling(client, make):
    """/me names the caller, their role, sites and how they authenticated."""
    site = await make.site()
    user = await make.user("adviser", site)
    body = (await client.get("/api/v1/me", headers=await make.bearer(user))).json()
    assert body == {
        "id": user["id"],
        "email": user["email"],
        "display_name": f"Personne {user['email'].split('@')[0]}",
        "role": "adviser",
        "site_ids": [site],
        "authenticated_by": "token",
    }


async def test_token_is_shown_once_and_stored_hashed(client, make):
    """A new token is returned once; the table keeps only its SHA-256 and a prefix."""
    headers = await make.bearer(await make.user("adviser"))
    created = (await client.post("/api/v1/tokens", json={"name": "Tableur"}, headers=headers)).json()
    token = created["token"]
    assert token.startswith("inc_") and len(token) > 40
    stored = await ApiToken.select().where(ApiToken.id == created["id"]).first()
    assert token not in stored.values() and stored["prefix"] == token[:10]
    listed = (await client.get("/api/v1/tokens", headers=headers)).json()
    assert "token" not in listed[0] and {t["name"] for t in listed} == {"Tableur", "tests"}


async def test_token_records_last_use_and_can_be_revoked(client, make):
    """Using a token records when; a revoked token answers 401."""
    headers = await make.bearer(await make.user("adviser"))
    created = (await client.post("/api/v1/tokens", json={"name": "Script"}, headers=headers)).json()
    own = {"Authorization": f"Bearer {created['token']}"}
    assert created["last_used_at"] is None
    assert (await client.get("/api/v1/me", headers=own)).status_code == 200
    detail = (await client.get(f"/api/v1/tokens/{created['id']}", headers=headers)).json()
    assert detail["last_used_at"] is not None
    revoked = await client.delete(f"/api/v1/tokens/{created['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    refused = await client.get("/api/v1/me", headers=own)
    assert refused.status_code == 401
    assert refused.json()["message"] == "Token d'API invalide ou révoqué."


async def test_garbage_tokens_are_refused(client):
    """A made-up or malformed Authorization header answers 401."""
    for value in ("Bearer inc_invente", "Bearer ", "Basic dXNlcjpwYXNz", "inc_x"):
        assert (await client.get("/api/v1/sites", headers={"Authorization": value})).status_code == 401


async def test_admin_creates_an_account_with_a_generated_password(client, make):
    """An admin creates an account; a generated password is returned once and works at login."""
    from tests.support.browser import login

    site = await make.site()
    headers = await make.bearer(await make.user("admin"))
    payload = {"email": " Nadia@Exemple.FR ", "display_name": "Nadia", "role": "adviser", "site_ids": [site]}
    response = await client.post("/api/v1/users", json=payload, headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "nadia@exemple.fr" and body["site_ids"] == [site] and len(body["password"]) >= 12
    assert (await login(client, "nadia@exemple.fr", body["password"])).status_code == 303
    duplicate = await client.post("/api/v1/users", json=payload, headers=headers)
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == "Un compte existe déjà pour nadia@exemple.fr."


async def test_bad_account_is_refused_field_by_field(client, make):
    """A bad email, a short password and an unknown site are each named; nothing is created."""
    headers = await make.bearer(await make.user("admin"))
    payload = {
        "email": "pas-une-adresse",
        "display_name": "X",
        "role": "adviser",
        "site_ids": [999],
        "password": "court",
    }
    response = await client.post("/api/v1/users", json=payload, headers=headers)
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"email", "password", "site_ids"}
    assert await User.count() == 1


async def test_team_list_shows_colleagues_only(client, make):
    """A coordinator sees the accounts of their sites, not those of other sites."""
    mine, other = await make.site(), await make.site()
    coordinator = await make.user("coordinator", mine)
    colleague = await make.user("adviser", mine)
    await make.user("adviser", other)
    body = (await client.get("/api/v1/users", headers=await make.bearer(coordinator))).json()
    assert sorted(item["email"] for item in body["items"]) == sorted([coordinator["email"], colleague["email"]])


async def test_deactivating_an_account_revokes_its_access(client, make):
    """An admin switching an account off ends its tokens."""
    site = await make.site()
    admin_headers = await make.bearer(await make.user("admin"))
    user = await make.user("adviser", site)
    user_headers = await make.bearer(user)
    response = await client.patch(f"/api/v1/users/{user['id']}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=user_headers)).status_code == 401


async def test_an_account_given_another_site_sees_it_at_its_next_request(client, make):
    """Changing an account's sites takes effect at once for its token, though the token was just used."""
    first, second = await make.site(), await make.site()
    admin_headers = await make.bearer(await make.user("admin"))
    user = await make.user("adviser", first)
    user_headers = await make.bearer(user)
    assert (await client.get("/api/v1/me", headers=user_headers)).json()["site_ids"] == [first]
    moved = await client.patch(f"/api/v1/users/{user['id']}", json={"site_ids": [second]}, headers=admin_headers)
    assert moved.status_code == 200
    assert (await client.get("/api/v1/me", headers=user_headers)).json()["site_ids"] == [second]


async def test_a_token_revoked_by_another_worker_is_refused_within_the_cache_time(app, settings, make):
    """A revocation this process did not make (another worker's) reaches it within INCLUSION_TOKEN_CACHE_SECONDS."""
    import asyncio

    from litestar.testing import AsyncTestClient

    from inclusion.app import create_app

    async with AsyncTestClient(app=create_app(settings.with_changes(token_cache_seconds=1))) as client:
        headers = await make.bearer(await make.user("adviser"))
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(ApiToken.id > 0)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200  # held for up to a second
        await asyncio.sleep(1.1)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_without_a_cache_time_every_request_reads_the_token(app, settings, make):
    """With INCLUSION_TOKEN_CACHE_SECONDS=0, a revocation made anywhere is refused at the next request."""
    from litestar.testing import AsyncTestClient

    from inclusion.app import create_app

    async with AsyncTestClient(app=create_app(settings.with_changes(token_cache_seconds=0))) as client:
        headers = await make.bearer(await make.user("adviser"))
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(ApiToken.id > 0)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


def test_a_token_read_before_a_revocation_is_not_kept():
    """An account read before a change that `forget_all` announced is not held: it may predate the change."""
    from inclusion.accounts import token_cache
    from inclusion.scoping import Caller, Role

    cache = token_cache.TokenCache(60)
    caller = Caller(1, "a@exemple.fr", "A", Role.adviser, frozenset({1}), "token")
    read_in = token_cache.era()
    token_cache.forget_all()  # a revocation lands while the look-up was under way
    cache.keep("digest", caller, read_in)
    assert cache.get("digest") is None
    cache.keep("digest", caller, token_cache.era())
    assert cache.get("digest") == caller
