"""Expiry (daily job and `inclusion vouchers expire`) and the voucher reports by prescriber and by month."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from inclusion.storage.tables.vouchers import Voucher, VoucherEvent
from inclusion.vouchers.expiry import expire
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli

API = "/api/v1"


async def statuses() -> dict[str, str]:
    return {row["number"]: row["status"] for row in await Voucher.select(Voucher.number, Voucher.status)}


async def test_vouchers_expire_after_the_end_of_validity_plus_tolerance(app, make):
    """Stock and handed vouchers expire the day after end + tolerance, once; used ones never do."""
    site = await make.site()
    scheme = await make.scheme(site, valid_until=date(2025, 1, 31), tolerance_days=10)
    learner = await make.learner(site)
    await make.voucher(site, scheme, "STOCK")
    await make.voucher(site, scheme, "HANDED", learner=learner, issued_on=date(2025, 1, 5))
    await make.voucher(site, scheme, "USED", status="redeemed", learner=learner)
    await make.voucher(site, await make.scheme(site), "OTHER")
    assert await expire(date(2025, 2, 10)) == 0
    assert await expire(date(2025, 2, 11)) == 2
    assert await statuses() == {"STOCK": "expired", "HANDED": "expired", "USED": "redeemed", "OTHER": "in_stock"}
    events = await VoucherEvent.select().where(VoucherEvent.to_status == "expired").order_by(VoucherEvent.id)
    assert sorted((e["from_status"], e["actor"]) for e in events) == [("in_stock", None), ("issued", None)]
    assert await expire(date(2025, 2, 12)) == 0


async def test_the_expire_command_prints_the_count(app, make, database_url, tmp_path):
    """`inclusion vouchers expire` marks lapsed vouchers and says how many."""
    site = await make.site()
    scheme = await make.scheme(site, valid_until=paris_today() - timedelta(days=5), tolerance_days=2)
    await make.voucher(site, scheme, "LATE-1")
    await make.voucher(site, scheme, "LATE-2")
    done = run_cli("vouchers", "expire", env=cli_env(database_url, tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 Pass expiré(s)."
    assert set((await statuses()).values()) == {"expired"}
    assert run_cli("vouchers", "expire", env=cli_env(database_url, tmp_path)).stdout.strip() == "0 Pass expiré(s)."


async def test_running_server_expires_vouchers_once_started(app, settings, make):
    """With daily jobs on, the server expires a lapsed voucher shortly after it starts."""
    from litestar.testing import AsyncTestClient

    from inclusion.app import create_app

    site = await make.site()
    await make.voucher(site, await make.scheme(site, valid_until=date(2024, 1, 1)), "LAPSED")
    async with AsyncTestClient(app=create_app(settings.with_changes(daily_jobs=True))):
        for _ in range(50):
            if (await statuses())["LAPSED"] == "expired":
                break
            await asyncio.sleep(0.1)
    assert (await statuses())["LAPSED"] == "expired"


async def report_world(make) -> dict:
    """CAF and CCAS booklets at one site, vouchers handed and used in March and April 2025, one expired."""
    site = await make.site()
    scheme = await make.scheme(site, face_value_cents=1000)
    learner = await make.learner(site)
    caf = {"prescriber_type": "caf", "prescriber_name": "CAF du Pas-de-Calais", "received_on": date(2025, 3, 1)}
    ccas = {"prescriber_type": "ccas", "prescriber_name": "CCAS du Portel", "received_on": date(2025, 4, 2)}

    async def voucher(number: str, booklet: dict, **values) -> None:
        await make.voucher(site, scheme, number, booklet=dict(booklet, number=number), **values)

    march, april = date(2025, 3, 10), date(2025, 4, 15)
    await voucher("C1", caf, learner=learner, issued_on=march, status="redeemed", redeemed_on=march)
    await voucher("C2", caf, learner=learner, issued_on=march, status="reimbursed", redeemed_on=april)
    await voucher("C3", caf, learner=learner, issued_on=march)
    await voucher("C4", caf, learner=learner, issued_on=march, status="expired", ended_on=april)
    await voucher("S1", ccas, learner=learner, issued_on=april, status="claimed", redeemed_on=april)
    await voucher("S2", ccas)
    await make.voucher(await make.site(), number="ELSEWHERE", learner=await make.learner(site), issued_on=march)
    return {"site": site, "headers": await make.bearer(await make.user("coordinator", site))}


async def test_report_counts_by_prescriber_and_month(client, make):
    """Booklets, issued, redeemed, expired, redemption rate and value, per prescriber and per month."""
    w = await report_world(make)
    query = f"site={w['site']}&date_from=2025-03-01&date_to=2025-04-30"
    report = (await client.get(f"{API}/voucher-reports?{query}", headers=w["headers"])).json()
    figures = ("booklets", "issued", "redeemed", "expired", "redemption_rate", "redeemed_value_cents")
    assert [report["totals"][name] for name in figures] == [6, 5, 3, 1, 0.6, 3000]
    by_prescriber = {row["prescriber_type"]: [row[name] for name in figures] for row in report["by_prescriber"]}
    assert by_prescriber == {"caf": [4, 4, 2, 1, 0.5, 2000], "ccas": [2, 1, 1, 0, 1.0, 1000]}
    by_month = {row["month"]: [row[name] for name in figures] for row in report["by_month"]}
    assert by_month == {"2025-03": [4, 4, 1, 0, 0.5, 1000], "2025-04": [2, 1, 2, 1, 1.0, 2000]}
    march_only = (
        await client.get(
            f"{API}/voucher-reports?site={w['site']}&date_from=2025-03-01&date_to=2025-03-31", headers=w["headers"]
        )
    ).json()
    assert [march_only["totals"][name] for name in figures] == [4, 4, 1, 0, 0.5, 1000]


async def test_report_csv_and_bad_periods(client, make):
    """The CSV has one line per prescriber and month and a total; a backwards period is refused; funders get 403."""
    w = await report_world(make)
    query = f"site={w['site']}&date_from=2025-03-01&date_to=2025-04-30"
    response = await client.get(f"{API}/voucher-reports.csv?{query}", headers=w["headers"])
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert rows[0][:3] == ["regroupement", "cle", "carnets"]
    assert rows[1] == ["prescripteur", "CAF du Pas-de-Calais (CAF)", "4", "4", "2", "1", "50,0", "20,00"]
    assert rows[3] == ["mois", "03/2025", "4", "4", "1", "0", "50,0", "10,00"]
    assert rows[-1] == ["total", "du 01/03/2025 au 30/04/2025", "6", "5", "3", "1", "60,0", "30,00"]
    backwards = await client.get(f"{API}/voucher-reports?date_from=2025-05-01&date_to=2025-04-01", headers=w["headers"])
    assert backwards.status_code == 422
    funder = await make.bearer(await make.user("funder", w["site"]))
    assert (await client.get(f"{API}/voucher-reports?{query}", headers=funder)).status_code == 403
    stranger = await make.bearer(await make.user("coordinator", await make.site()))
    assert (await client.get(f"{API}/voucher-reports?{query}", headers=stranger)).status_code == 404
