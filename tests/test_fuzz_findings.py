"""What the API fuzzer found, pinned: out-of-range numbers, odd digits, CSV media types, documented errors."""

from __future__ import annotations

import pytest

from tests.support.fuzz import seed_site

API = "/api/v1"
HUGE = "-387581024945001008136665956352"  # beyond 64 bits


@pytest.mark.parametrize(
    "path",
    [f"/learners/{HUGE}", f"/activities?site={HUGE}", f"/activities.csv?site={HUGE}", f"/activities.xlsx?site={HUGE}"],
)
async def test_a_number_beyond_the_databases_integers_is_a_422(client, make, path):
    """Ids and filters too large for SQLite or PostgreSQL answer 422 with a French message, not a 500."""
    adviser = await make.bearer(await make.user("adviser", await seed_site(make)))
    response = await client.get(API + path, headers=adviser)
    assert response.status_code == 422, response.text
    assert response.json()["message"] == "Une valeur de la requête est hors des limites acceptées."


async def test_page_number_and_expiry_window_are_bounded(client, make):
    """A page beyond a million or a negative expiry window is refused per field, before any query."""
    adviser = await make.bearer(await make.user("adviser", await seed_site(make)))
    for query in ("/sites?page=14941790148867708157952", "/vouchers?expiring_within=-3672463"):
        response = await client.get(API + query, headers=adviser)
        assert response.status_code in (400, 422) and response.json()["status"] == response.status_code


async def test_a_superscript_digit_is_not_a_certificate_number(client, make):
    """'1²' passes str.isdigit() but names no certificate: 404, not a 500."""
    adviser = await make.bearer(await make.user("adviser", await seed_site(make)))
    assert (await client.get(f"{API}/certificates/1²", headers=adviser)).status_code == 404


async def test_csv_exports_state_their_charset_once(client, make):
    """Litestar appends the charset to text/csv: the routes must not add their own."""
    adviser = await make.bearer(await make.user("adviser", await seed_site(make)))
    for path in ("/activities.csv", "/voucher-reports.csv"):
        response = await client.get(API + path, headers=adviser)
        assert response.headers["content-type"] == "text/csv; charset=utf-8", path


async def test_the_document_declares_error_answers_in_the_error_shape(client):
    """Every API operation lists 401, 404 and 422 as ErrorBody; only writes list 409; files their media type."""
    document = (await client.get("/schema/openapi.json")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items() if path.startswith(API) else ():
            responses = operation["responses"]
            for status in ("401", "404", "422"):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
            assert ("409" in responses) == (method != "get"), (method, path)
    assert "text/csv" in document["paths"][f"{API}/activities.csv"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in document["paths"][f"{API}/reports/outcomes.pdf"]["get"]["responses"]["200"]["content"]
