"""What every response carries, and the API's published description."""

import re

EXPECTED_PATHS = {
    "/api/v1/sites",
    "/api/v1/sites/{site_id}",
    "/api/v1/users",
    "/api/v1/users/{user_id}",
    "/api/v1/tokens",
    "/api/v1/tokens/{token_id}",
    "/api/v1/me",
    "/health",
}


async def test_security_headers_on_pages_api_errors_and_static_files(client):
    """Pages, JSON, errors and static files all carry the CSP and the other security headers."""
    for url in ("/login", "/health", "/api/v1/sites", "/nulle-part", "/static/app.css", "/schema"):
        response = await client.get(url)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, url
        assert response.headers["x-content-type-options"] == "nosniff", url
        assert response.headers["referrer-policy"] == "same-origin", url


async def test_pages_have_no_inline_script(client):
    """No page relies on inline script, which the CSP forbids: every script is a file of the service."""
    for url in ("/login", "/schema"):
        scripts = re.findall(r"<script\b[^>]*>", (await client.get(url)).text)
        assert all(re.search(r'\bsrc="/static/[\w.-]+\.js"', tag) for tag in scripts), scripts


async def test_openapi_document_lists_the_api(client):
    """/schema/openapi.json describes every API path; /schema shows them as a French page."""
    document = (await client.get("/schema/openapi.json")).json()
    assert EXPECTED_PATHS <= set(document["paths"])
    assert "requestBody" in document["paths"]["/api/v1/sites"]["post"]
    page = await client.get("/schema")
    assert page.status_code == 200 and "Référence de l'API" in page.text
    assert "/api/v1/sites/{site_id}" in page.text


async def test_static_stylesheet_is_served(client):
    """The stylesheet is served to anonymous visitors."""
    response = await client.get("/static/app.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
