"""Crash safety: `inclusion serve --workers 2` killed with SIGKILL while several clients record workshops and
redeem vouchers, then restarted on the same database, on the database kind under test."""

from __future__ import annotations

import httpx

from tests.conftest import ON_POSTGRES
from tests.support.crash_checks import compare, read_tables, summary
from tests.support.crash_load import Sent, Server, checked, load_then_kill, prepare, workshop
from tests.support.processes import cli_env, free_port
from tests.test_voucher_race import admin_token

CLIENTS = 12
VOUCHERS_EACH = 25  # more than a client redeems before a kill (then it would record workshops only)
KILL_AFTER = 400  # acknowledged requests of a wave of load, then the kill
MOST_KILLS = 3


def last_acknowledged(ledger: list[Sent], kind: str) -> Sent:
    """The last request of that kind sent and acknowledged before the kill: the latest write at risk."""
    return next(item for item in reversed(ledger) if item.kind == kind and item.acknowledged)


async def test_a_server_killed_mid_load_keeps_every_acknowledged_write(fresh_database_url, tmp_path, record_property):
    """After SIGKILL and a restart, every write a client was told succeeded is stored, every workshop holds all its
    participants and topics, every voucher is either still issued or redeemed with its one history row, and the
    restarted server takes new writes."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="WARNING")
    token = admin_token(env)
    server = Server(env, free_port(), tmp_path / "server.log")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        server.start()
        server.wait_ready()
        async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120) as client:
            world = await prepare(client, CLIENTS, VOUCHERS_EACH)
        spare = world.vouchers[world.learners[0]].pop()  # never sent: still issued after the crash
        seconds = 0.0
        for kills in range(1, MOST_KILLS + 1):
            seconds += await load_then_kill(server, token, world, CLIENTS, KILL_AFTER, kills)
            server.start()  # same port, same database: migrations and WAL recovery on the way up
            server.wait_ready()
            if any(item.status is None for item in world.ledger):
                break  # else again: every answer had already reached the clients when the kill came
        tables = await read_tables(fresh_database_url)
        activities, redemptions, problems = compare(world.ledger, tables)
        line = summary("PostgreSQL" if ON_POSTGRES else "SQLite", activities, redemptions, seconds, kills)
        record_property("crash", line)
        print(line)
        assert not problems, "\n".join(problems[:20])
        assert activities.acknowledged > 0 and redemptions.acknowledged > 0
        assert activities.in_flight + redemptions.in_flight > 0  # the kill landed mid-load
        workshop_sent, redemption_sent = (
            last_acknowledged(world.ledger, "activity"),
            last_acknowledged(world.ledger, "redemption"),
        )
        async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120) as client:
            shown = await checked(client.get(f"/api/v1/activities/{workshop_sent.answer[0]['id']}"))
            voucher = await checked(client.get(f"/api/v1/vouchers/{redemption_sent.key}"))
            made = await checked(client.post("/api/v1/activities", json=workshop(world, 0, 0)))
            paid = await checked(client.post(f"/api/v1/vouchers/{spare}/redeem", json={"activity_id": made[-1]["id"]}))
            listed = await checked(client.get("/api/v1/activities", params={"per_page": 1}))
    finally:
        server.stop()
    assert {(p["learner_id"], p["present"]) for p in shown["participants"]} == {
        (p["learner_id"], p["present"]) for p in workshop_sent.body["participants"]
    }
    assert [event["to_status"] for event in voucher["history"]] == ["in_stock", "issued", "redeemed"]
    assert voucher["activity_id"] == redemption_sent.body["activity_id"]
    assert paid["status"] == "redeemed"
    assert listed["total"] == len(tables["activities"]) + len(made)
    assert "Traceback" not in server.log.read_text()
