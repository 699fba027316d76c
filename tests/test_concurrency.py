"""Concurrent writers neither fail nor half-write, on SQLite (WAL, immediate transactions) and PostgreSQL."""

import asyncio

import pytest
from piccolo.table import Table

from inclusion import db
from inclusion.accounts.tables import User
from inclusion.sites.tables import Site


@pytest.mark.sqlite_only
async def test_sqlite_runs_in_wal_mode(app):
    """The SQLite file is in write-ahead-log mode once the app has started."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app):
        rows = await Table.raw("PRAGMA journal_mode")
    assert rows[0]["journal_mode"] == "wal"


async def test_twenty_simultaneous_account_creations_all_succeed(client, make):
    """Twenty account creations (each reads, then writes) sent at once all answer 201 and are all stored."""
    site = await make.site()
    headers = await make.bearer(await make.user("admin"))

    async def create(index: int):
        account = {"email": f"p{index}@exemple.fr", "display_name": "P", "role": "adviser", "site_ids": [site]}
        return await client.post("/api/v1/users", json={**account, "password": "mot-de-passe-solide"}, headers=headers)

    responses = await asyncio.gather(*(create(index) for index in range(20)))
    assert [response.status_code for response in responses] == [201] * 20
    assert await User.count() == 21


@pytest.mark.sqlite_only
async def test_sqlite_write_transactions_take_the_write_lock_at_once(app):
    """A write transaction holds SQLite's write lock from BEGIN, so two writers queue instead of deadlocking."""
    import sqlite3

    from inclusion.db import sqlite_path

    other = sqlite3.connect(sqlite_path(app.state.settings.database_url), timeout=0, isolation_level=None)
    try:
        async with db.write_transaction():
            await Site.count()  # read only: a deferred transaction would not hold the lock yet
            try:
                other.execute("BEGIN IMMEDIATE")
                locked = False
                other.execute("ROLLBACK")
            except sqlite3.OperationalError as error:
                locked = "locked" in str(error)
        assert locked
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_simultaneous_workshops_land_whole_and_bad_ones_leave_nothing(client, make):
    """Twenty workshops sent at once, every third naming another site's learner: the good ones land whole."""
    from datetime import date

    from inclusion.activities.tables import Activity, ActivityParticipant, ActivityTopic

    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    learners = [await make.learner(site, f"P{index}", "Atelier") for index in range(8)]
    stranger = await make.learner(await make.site())

    async def record(index: int):
        named = learners + ([stranger] if index % 3 == 0 else [])
        body = {
            "type": "collectif",
            "date": date.today().isoformat(),
            "duration_minutes": 90,
            "title": f"Atelier {index}",
            "digital_topics": ["securite_numerique"],
            "participants": [{"learner_id": i} for i in named],
        }
        return await client.post("/api/v1/activities", json=body, headers=headers)

    responses = await asyncio.gather(*(record(index) for index in range(20)))
    statuses = [response.status_code for response in responses]
    assert statuses == [422 if index % 3 == 0 else 201 for index in range(20)]
    assert await Activity.count() == 13
    assert await ActivityParticipant.count() == 13 * 8 and await ActivityTopic.count() == 13


async def test_a_short_read_sent_after_a_long_one_does_not_wait_for_it(app):
    """Two reads sent together (as a report sends its queries): the quick one answers while the slow one still runs."""
    from litestar.testing import AsyncTestClient

    from inclusion import sql

    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) AS c FROM n"
    )
    async with AsyncTestClient(app=app):
        long_read = asyncio.ensure_future(sql.fetch(slow))
        short_read = asyncio.ensure_future(sql.fetch("SELECT COUNT(*) AS c FROM site"))
        done, _ = await asyncio.wait({long_read, short_read}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {short_read}
        assert (await long_read)[0]["c"] == 3000000
