"""Inputs that used to reach a 500, and the limits of one request: far dates, deep JSON, huge workshops, long error
lists, each refused with the usual French error shape."""

from __future__ import annotations

from datetime import timedelta

from inclusion.storage.tables.activities import Activity
from tests.support.browser import logged_in
from tests.support.clock import paris_today

REPORT = "/api/v1/reports/outcomes"


async def test_report_dates_outside_2000_to_2099_are_refused_on_their_field(client, make):
    """`9999-12-31` or `0001-01-01` in the report's period answers 422 naming `from` or `to`, in the API and on the
    dashboard (inline, not an error page)."""
    site = await make.site()
    coordinator = await make.user("coordinator", site)
    headers = await make.bearer(coordinator)
    for query, field in (("from=9999-12-30&to=9999-12-31", "from"), ("from=2025-01-01&to=9999-12-31", "to"),
                         ("from=0001-01-01&to=0001-01-02", "from")):  # fmt: skip
        response = await client.get(f"{REPORT}?{query}", headers=headers)
        assert response.status_code == 422, (query, response.text)
        details = response.json()["details"]
        assert details[0]["field"] == field and "Date hors des limites" in details[0]["message"], (query, details)
        assert (await client.get(f"{REPORT}.csv?{query}", headers=headers)).status_code == 422
    assert (await client.get(f"{REPORT}?from=2025-01-01&to=2034-12-30", headers=headers)).status_code == 200
    later = await client.get(f"{REPORT}?from=2099-01-01&to=2099-12-31", headers=headers)  # nothing has happened yet
    assert later.status_code == 422 and later.json()["details"][0]["field"] == "from"
    await logged_in(client, coordinator)
    page = await client.get("/reports/outcomes?from=9999-12-31&to=9999-12-31")
    assert page.status_code == 422 and 'id="from-error"' in page.text and "Date hors des limites" in page.text


async def test_a_json_body_nested_a_hundred_thousand_deep_is_a_400(client, make):
    """A body of 100,000 nested arrays answers 400 with the usual error shape, not a 500."""
    headers = await make.bearer(await make.user("admin"))
    body = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/sites", "/api/v1/activities"):
        response = await client.post(path, content=body, headers={**headers, "content-type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json() == {
            "status": 400,
            "message": "Requête mal formée : le corps JSON est imbriqué trop profondément.",
            "details": [],
        }


async def test_workshop_size_and_participant_rows_per_request_are_bounded(client, make):
    """501 participants, or 500 repeated 21 weeks (10,500 rows), are refused on their field; nothing is written."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    start = paris_today() - timedelta(weeks=25)
    workshop = {"type": "collectif", "site_id": site, "date": start.isoformat(), "duration_minutes": 90,
                "title": "Grand atelier", "digital_topics": ["email"]}  # fmt: skip
    too_many = [{"learner_id": index} for index in range(1, 502)]
    response = await client.post("/api/v1/activities", json={**workshop, "participants": too_many}, headers=headers)
    assert response.status_code == 422
    limit = {"field": "participants", "message": "Un atelier compte au plus 500 participants nommés (501 reçus)."}
    assert limit in response.json()["details"]
    repeated = {**workshop, "participants": too_many[:500], "repeat_weeks": 21}
    response = await client.post("/api/v1/activities", json=repeated, headers=headers)
    assert response.status_code == 422
    rows = [d["message"] for d in response.json()["details"] if d["field"] == "repeat_weeks"]
    assert len(rows) == 1 and "10500 présences : 10000 au plus" in rows[0]
    assert await Activity.count() == 0


async def test_an_answer_lists_at_most_fifty_item_errors_then_how_many_more(client, make):
    """A workshop naming 120 unknown learners answers 422 with 50 per-item details and a line counting the 70
    others."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    workshop = {"type": "collectif", "site_id": site, "date": paris_today().isoformat(), "duration_minutes": 90,
                "title": "Atelier", "digital_topics": ["email"],
                "participants": [{"learner_id": 100_000 + index} for index in range(120)]}  # fmt: skip
    response = await client.post("/api/v1/activities", json=workshop, headers=headers)
    assert response.status_code == 422
    details = response.json()["details"]
    assert len(details) == 51
    assert details[0]["field"] == "participants[0].learner_id"
    assert details[-1] == {"field": "", "message": "… et 70 autres erreurs non détaillées."}
