"""Many simultaneous redemptions of one voucher against a running server (used by a test and by a benchmark)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from tests.support.clock import paris_today


@dataclass
class RaceResult:
    statuses: list[int]
    messages: list[str]
    latencies: list[float]  # seconds, one per request
    wall: float  # seconds from the first request sent to the last answer


async def prepare_world(client: httpx.AsyncClient) -> dict:
    """A site accepting a scheme, a learner and a booklet, through the API (the client carries an admin token)."""

    async def post(path: str, body: dict) -> dict:
        response = await client.post(path, json=body)
        assert response.status_code in (200, 201), (path, response.status_code, response.text)
        return response.json()

    site = await post("/api/v1/sites", {"name": "Espace course", "kind": "france_services", "insee_code": "62667"})
    scheme = await post(
        "/api/v1/voucher-schemes",
        {
            "name": "Pass numérique (course)",
            "face_value_cents": 1000,
            "valid_until": "2099-12-31",
            "minutes_per_voucher": 120,
            "site_ids": [site["id"]],
        },
    )
    learner = await post("/api/v1/learners", {"site_id": site["id"], "first_name": "Lucie", "last_name": "Course"})
    return {"site": site["id"], "scheme": scheme["id"], "learner": learner["id"]}


async def issued_voucher(client: httpx.AsyncClient, world: dict, number: str) -> int:
    """A new booklet with one voucher handed to the learner, and a session of that learner; the activity's id."""

    async def post(path: str, body: dict) -> dict:
        response = await client.post(path, json=body)
        assert response.status_code in (200, 201), (path, response.status_code, response.text)
        return response.json()

    await post(
        "/api/v1/booklets",
        {
            "scheme_id": world["scheme"],
            "site_id": world["site"],
            "number": f"C-{number}",
            "prescriber_name": "CAF du Pas-de-Calais",
            "prescriber_type": "caf",
            "numbers": [number],
        },
    )
    today = paris_today().isoformat()
    await post(f"/api/v1/vouchers/{number}/issue", {"learner_id": world["learner"], "issued_on": today})
    activities = await post(
        "/api/v1/activities",
        {
            "type": "individuel",
            "site_id": world["site"],
            "date": today,
            "duration_minutes": 60,
            "digital_topics": ["aide_aux_demarches_administratives"],
            "learner_id": world["learner"],
        },
    )
    return activities[0]["id"]


async def race(base: str, token: str, number: str, activity_id: int, requests: int = 50) -> RaceResult:
    """Open `requests` connections first, then send one redemption on each at the same instant."""
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        await asyncio.gather(*(client.get("/health") for _ in range(requests)))  # warm connections
        start = asyncio.Event()

        async def one() -> tuple[int, str, float]:
            await start.wait()
            began = time.perf_counter()
            response = await client.post(f"/api/v1/vouchers/{number}/redeem", json={"activity_id": activity_id})
            return response.status_code, response.json().get("message", ""), time.perf_counter() - began

        tasks = [asyncio.create_task(one()) for _ in range(requests)]
        await asyncio.sleep(0)  # every task is now waiting on the event
        began = time.perf_counter()
        start.set()
        answers = await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
    return RaceResult([a[0] for a in answers], [a[1] for a in answers], [a[2] for a in answers], wall)
