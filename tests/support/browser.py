"""Log in through the real login page, as a browser does."""

from __future__ import annotations

import re

from httpx import Response

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_from(response: Response) -> str:
    match = _CSRF.search(response.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def login(client, email: str, password: str, next_url: str = "") -> Response:
    form_page = await client.get("/login")
    data = {"email": email, "password": password, "csrf_token": csrf_from(form_page), "next": next_url}
    return await client.post("/login", data=data)


async def logged_in(client, user: dict) -> str:
    """Log `user` in; return the session's CSRF token for unsafe requests."""
    response = await login(client, user["email"], user["password"])
    assert response.status_code == 303, response.text
    home = await client.get("/")
    return csrf_from(home)
