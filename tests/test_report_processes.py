"""Reports are built in processes of their own: a bounded number at once, a clear refusal beyond, nothing lost."""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest

from inclusion import clock
from inclusion.errors import Busy
from inclusion.reports import pool
from inclusion.scoping import Caller, Role
from inclusion.storage import sql
from tests.support.processes import cli_env, serving

API = "/api/v1/reports/outcomes"


def _admin(user: dict) -> Caller:
    return Caller(user["id"], user["email"], "Admin", Role.admin, frozenset(), "system")


async def test_reports_wait_for_a_free_process_or_are_refused_when_none_frees(app, settings, make):
    """One process: with a wait, reports asked together all come, the same; without, the others are refused."""
    site = await make.site("Espace public numérique")
    await make.activity(site, date=clock.today())
    caller = _admin(await make.user("admin"))
    patient = settings.with_changes(report_processes=1, report_wait_seconds=60)
    asked = [pool.caller_report(patient, caller, [site], None, None, clock.today()) for _ in range(3)]
    reports = [report for report, _ in await asyncio.gather(*asked)]
    assert all(report == reports[0] for report in reports)
    assert reports[0]["tables"][0]["rows"][0]["cells"][0]["value"] == 1
    hasty = settings.with_changes(report_processes=1, report_wait_seconds=0)
    asked = [pool.caller_report(hasty, caller, [site], None, None, clock.today()) for _ in range(4)]
    outcomes = await asyncio.gather(*asked, return_exceptions=True)
    refused = [outcome for outcome in outcomes if isinstance(outcome, Busy)]
    assert 1 <= len(refused) <= 3 and len(refused) + sum(isinstance(o, tuple) for o in outcomes) == 4
    assert refused[0].retry_after_seconds == pool.RETRY_AFTER_SECONDS
    assert os.getpid() not in pool.pool_for(hasty).executor()._processes  # built elsewhere than here


@pytest.mark.own_app
async def test_the_server_answers_503_with_retry_after_beyond_its_report_processes(app, settings, make, tmp_path):
    """`serve` with one report process and no wait: reports asked together get 200s and 503s, /health stays up."""
    site = await make.site("Médiathèque")
    await make.activity(site, date=clock.today())
    headers = await make.bearer(await make.user("admin"))
    env = cli_env(settings.database_url, tmp_path, INCLUSION_REPORT_PROCESSES="1", INCLUSION_REPORT_WAIT_SECONDS="0",
                  INCLUSION_SECRET_KEY=settings.secret_key, INCLUSION_LOG_LEVEL="WARNING")  # fmt: skip
    with serving(env, workers=1) as served:
        async with httpx.AsyncClient(base_url=served.base, timeout=60) as client:
            for _ in range(120):  # the process starts and does the upkeep first: it answers 503 until free
                if (await client.get(f"{API}?site={site}", headers=headers)).status_code == 200:
                    break
                await asyncio.sleep(0.5)
            answers = await asyncio.gather(
                *(client.get(f"{API}?site={site}", headers=headers) for _ in range(6)), client.get("/health")
            )
    *reports, health = answers
    assert health.status_code == 200
    statuses = sorted(answer.status_code for answer in reports)
    assert statuses[0] == 200 and statuses[-1] == 503, statuses
    refused = next(answer for answer in reports if answer.status_code == 503)
    assert refused.headers["retry-after"] == str(pool.RETRY_AFTER_SECONDS)
    assert refused.json()["message"].startswith("Le service calcule déjà d'autres rapports")


async def test_the_daily_upkeep_runs_in_a_report_process_and_stores_the_figures(app, settings, make):
    """The upkeep the server runs at start and daily is done by a report process: months and shares are stored."""
    site = await make.site("Tiers-lieu")
    await make.activity(site, date=clock.today())
    folded, stored, computed = await pool.upkeep(settings)
    assert stored >= 1 and computed >= 1
    rows = await sql.fetch("SELECT COUNT(*) AS n FROM report_site_part WHERE site = {}", site)
    assert rows[0]["n"] >= 1
    assert await pool.upkeep(settings) == (0, 0, 0)  # nothing changed since: nothing to do again
