"""Exactly once: 50 simultaneous redemptions of one voucher against `inclusion serve --workers 2` (two
processes, so no in-process lock can be what saves us), on the database kind under test."""

from __future__ import annotations

import statistics
from collections import Counter

import httpx

from inclusion.vouchers.lifecycle import ALREADY_USED
from tests.support.processes import cli_env, run_cli, serving
from tests.support.voucher_race import issued_voucher, prepare_world, race

REQUESTS = 50


def admin_token(env: dict[str, str]) -> str:
    for command in (["migrate"], ["user", "create", "admin@course.test", "--name", "Admin", "--role", "admin"]):
        done = run_cli(*command, env=env)
        assert done.returncode == 0, done.stderr
    done = run_cli("token", "create", "admin@course.test", env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().split()[-1]


async def test_fifty_simultaneous_redemptions_make_one(fresh_database_url, tmp_path, record_property):
    """One success, 49 refusals with the French reason, one history row and one audit entry for the redemption."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="WARNING")
    token = admin_token(env)
    with serving(env) as served:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=served.base, headers=headers, timeout=60) as client:
            world = await prepare_world(client)
            activity = await issued_voucher(client, world, "PN-COURSE-1")
            result = await race(served.base, token, "PN-COURSE-1", activity, REQUESTS)
            voucher = (await client.get("/api/v1/vouchers/PN-COURSE-1")).json()
            audit = (await client.get("/api/v1/audit?action=redeem")).json()
    output = served.output
    assert Counter(result.statuses) == {200: 1, 409: REQUESTS - 1}, Counter(result.statuses)
    assert [m for s, m in zip(result.statuses, result.messages, strict=True) if s == 409] == [ALREADY_USED] * 49
    assert voucher["status"] == "redeemed" and voucher["activity_id"] == activity
    assert [event["to_status"] for event in voucher["history"]] == ["in_stock", "issued", "redeemed"]
    assert audit["total"] == 1 and audit["items"][0]["target_id"] == voucher["id"]
    assert "Traceback" not in output
    latencies = sorted(result.latencies)
    timings = (
        f"{REQUESTS} requêtes simultanées : {result.wall * 1000:.0f} ms au total, latence médiane "
        f"{statistics.median(latencies) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    record_property("timings", timings)
    print(timings)  # shown with -s; the benchmark bench/voucher_redemption.py repeats this for figures
