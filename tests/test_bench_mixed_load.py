"""bench/mixed_load.py: every request its setup and its virtual users draw is accepted by the app (2xx)."""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

from tests.support.clock import paris_today

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import mixed_data  # noqa: E402
import mixed_load  # noqa: E402


async def test_bench_requests_are_accepted(client, make) -> None:
    """Every request the bench draws for an adviser and a funder of one site is answered 2xx by the app."""
    today = paris_today()
    rng = random.Random(7)
    site_id = await make.site("Médiathèque bench")
    adviser = await make.bearer(await make.user("adviser", site_id))
    funder = await make.bearer(await make.user("funder", site_id))
    frameworks = (await client.get("/api/v1/frameworks", headers=adviser)).json()
    version = next(v for v in next(f for f in frameworks if f["is_default"])["versions"] if v["is_current"])
    codes = [competence["code"] for competence in version["competences"]]

    site = mixed_data.SiteData(site_id, "Médiathèque bench")
    for _ in range(12):
        body = mixed_data.learner_body(rng, today)
        response = await client.post("/api/v1/learners", json=body, headers=adviser)
        assert response.status_code == 201, response.text
        site.learners.append((response.json()["id"], body["last_name"], date.fromisoformat(body["first_visit_on"])))
    history = mixed_data.site_history(rng, site, codes, today)
    assert {path for path, _ in history} == {"/api/v1/assessments", "/api/v1/activities"}
    for path, body in history:
        response = await client.post(path, json=body, headers=adviser)
        assert response.status_code == 201, f"{path} {body}: {response.text}"

    draws = [(adviser, mixed_load.adviser_requests(site, codes, [70, 20, 10], rng, today))]
    draws.append((funder, mixed_load.funder_requests(mixed_data.FunderData("F", "", [site_id]), rng, today)))
    labels = set()
    for headers, draw in draws:
        for _ in range(80 if headers is adviser else 8):
            label, method, path, body, on_success = draw()
            response = await client.request(method, path, content=json.dumps(body) if body else None, headers=headers)
            assert 200 <= response.status_code < 300, f"{label} {path} {body}: {response.text}"
            labels.add(label)
            if on_success is not None:
                on_success(response.content)
    assert labels >= set(mixed_load.GROUPS["adviser writes"] + mixed_load.GROUPS["adviser reads"] + ("GET report",))
