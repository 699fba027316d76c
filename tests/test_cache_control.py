"""Nothing personal stays in a browser's or a proxy's cache: every page and API answer, and the public
verification page, carry `Cache-Control: no-store`; static assets may be cached."""

from __future__ import annotations

from tests.support.browser import logged_in


async def test_authenticated_answers_and_verification_are_never_stored(client, make):
    """Pages, API answers (errors too), downloads and /verify answer with no-store; /static does not."""
    site = await make.site()
    user = await make.user("coordinator", site)
    headers = await make.bearer(user)
    for path in ("/api/v1/me", "/api/v1/learners", "/api/v1/activities.csv", "/api/v1/learners/999999"):
        response = await client.get(path, headers=headers)
        assert response.headers.get("cache-control") == "no-store", (path, response.status_code)
    await logged_in(client, user)
    for path in ("/", "/account", "/learners", "/reports/outcomes"):
        response = await client.get(path)
        assert response.status_code == 200 and response.headers.get("cache-control") == "no-store", path
    verify = await client.get("/verify/INC-2345-6789-ABCD-EFGH")
    assert verify.status_code == 404 and verify.headers.get("cache-control") == "no-store"
    assert (await client.get("/verify")).headers.get("cache-control") == "no-store"
    static = await client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
