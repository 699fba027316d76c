"""API tokens may carry a last valid day: set from the API, the account page or `inclusion token create --expires`,
shown in the token lists; past it, the token answers 401 in French."""

from __future__ import annotations

from datetime import timedelta

from inclusion.storage.tables.accounts import ApiToken
from tests.support.browser import csrf_from, logged_in
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli


async def test_a_token_works_through_its_last_day_then_answers_401(client, make):
    """A token created with an expiry date is listed with it and works; once that day is past, 401 in French."""
    headers = await make.bearer(await make.user("adviser", await make.site()))
    today = paris_today()
    created = await client.post(
        "/api/v1/tokens", json={"name": "Tableur", "expires_on": today.isoformat()}, headers=headers
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["expires_on"] == today.isoformat()
    mine = {"Authorization": f"Bearer {body['token']}"}
    assert (await client.get("/api/v1/me", headers=mine)).status_code == 200
    listed = (await client.get("/api/v1/tokens", headers=headers)).json()
    assert {item["name"]: item["expires_on"] for item in listed} == {"tests": None, "Tableur": today.isoformat()}
    yesterday = today - timedelta(days=1)
    await ApiToken.update({ApiToken.expires_on: yesterday}).where(ApiToken.id == body["id"]).run()
    client.app.state.token_cache.clear()  # as another worker, past its few seconds of cache
    expired = await client.get("/api/v1/me", headers=mine)
    assert expired.status_code == 401
    assert expired.json()["message"] == (
        f"Token d'API expiré : il était valable jusqu'au {yesterday:%d/%m/%Y} inclus. "
        "Créez-en un nouveau sur la page « Mon compte »."
    )


async def test_an_expiry_date_in_the_past_is_refused(client, make):
    """A last valid day before today answers 422 on `expires_on`; nothing is created."""
    headers = await make.bearer(await make.user("adviser", await make.site()))
    past = (paris_today() - timedelta(days=1)).isoformat()
    response = await client.post("/api/v1/tokens", json={"name": "Vieux", "expires_on": past}, headers=headers)
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "expires_on", "message": "La date d'expiration ne peut pas être passée."}
    ]
    assert await ApiToken.count() == 1


async def test_the_account_page_creates_and_lists_an_expiring_token(client, make):
    """The token form takes an optional last day; the list says until when each token is valid."""
    user = await make.user("adviser", await make.site())
    csrf = await logged_in(client, user)
    day = paris_today() + timedelta(days=30)
    page = await client.post(
        "/account/tokens", data={"csrf_token": csrf, "name": "Mairie", "expires_on": day.isoformat()}
    )
    assert page.status_code == 201
    assert f"Valable jusqu'au {day:%d/%m/%Y} inclus" in page.text
    past = await client.post(
        "/account/tokens", data={"csrf_token": csrf_from(page), "name": "X", "expires_on": "2001-01-01"}
    )
    assert past.status_code == 422 and 'id="expires_on-error"' in past.text
    assert await ApiToken.count() == 1


async def test_token_create_takes_a_number_of_days_or_a_date(app, client, make, database_url, tmp_path):
    """`inclusion token create --expires 90` ends the token 90 days from today; a date works too; a past date or
    nonsense is refused in French."""
    user = await make.user("adviser", await make.site())
    env = cli_env(database_url, tmp_path)
    in_days = run_cli("token", "create", user["email"], "--expires", "90", env=env)
    assert in_days.returncode == 0, in_days.stderr
    day = paris_today() + timedelta(days=90)
    assert f"Valable jusqu'au {day:%d/%m/%Y} inclus." in in_days.stdout
    token = in_days.stdout.strip().split()[-1]
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    on_date = run_cli("token", "create", user["email"], "--expires", "2030-06-30", env=env)
    assert on_date.returncode == 0, on_date.stderr
    rows = await ApiToken.select(ApiToken.expires_on).order_by(ApiToken.id)
    assert [row["expires_on"] for row in rows] == [day, day.replace(year=2030, month=6, day=30)]
    past = run_cli("token", "create", user["email"], "--expires", "2001-01-01", env=env)
    assert past.returncode == 1 and "--expires : La date d'expiration ne peut pas être passée." in past.stderr
    nonsense = run_cli("token", "create", user["email"], "--expires", "bientôt", env=env)
    assert nonsense.returncode == 1 and "ni un nombre de jours ni une date" in nonsense.stderr
