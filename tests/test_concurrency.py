"""Concurrent writers neither fail nor half-write, on SQLite (WAL, immediate transactions) and PostgreSQL."""

import asyncio
from pathlib import Path

import msgspec
import pytest
from piccolo.table import Table

from inclusion.storage import db
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site
from tests.support.clock import paris_today


@pytest.mark.sqlite_only
async def test_sqlite_runs_in_wal_mode(app):
    """The SQLite file is in write-ahead-log mode once the app has started."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app):
        rows = await Table.raw("PRAGMA journal_mode")
    assert rows[0]["journal_mode"] == "wal"


@pytest.mark.postgres_only
async def test_postgres_sessions_plan_for_ssd_and_compile_nothing(app):
    """The app's PostgreSQL sessions price a random page like a sequential one (SSD) and never JIT-compile."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app):
        rows = await Table.raw("SELECT current_setting('random_page_cost') AS cost, current_setting('jit') AS jit")
    assert rows == [{"cost": "1.1", "jit": "off"}]


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

    from inclusion.storage.engines import sqlite_path

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

    from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic

    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    learners = [await make.learner(site, f"P{index}", "Atelier") for index in range(8)]
    stranger = await make.learner(await make.site())

    async def record(index: int):
        named = learners + ([stranger] if index % 3 == 0 else [])
        body = {
            "type": "collectif",
            "date": paris_today().isoformat(),
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

    from inclusion.storage import sql

    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) AS c FROM n"
    )
    async with AsyncTestClient(app=app):
        long_read = asyncio.ensure_future(sql.fetch(slow))
        short_read = asyncio.ensure_future(sql.fetch("SELECT COUNT(*) AS c FROM site"))
        done, _ = await asyncio.wait({long_read, short_read}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {short_read}
        assert (await long_read)[0]["c"] == 3000000


async def test_plans_written_together_keep_their_own_outcome(app):
    """Six writes queued at once, two of them failing after their first statement: the four others are stored."""
    from litestar.testing import AsyncTestClient

    from inclusion.storage import sql

    def plan(index: int):
        yield (
            "INSERT INTO site (name, kind, insee_code) VALUES ({}, {}, {})",
            [f"Lieu {index}", "mediatheque", f"6900{index}"],
        )
        if index % 3 == 1:
            raise ValueError(f"plan {index} refusé")
        yield "UPDATE site SET city = {} WHERE insee_code = {}", ["Lyon", f"6900{index}"]
        return index

    async with AsyncTestClient(app=app):
        outcomes = await asyncio.gather(*(sql.transact(plan(index)) for index in range(6)), return_exceptions=True)
    assert [outcome if isinstance(outcome, int) else str(outcome) for outcome in outcomes] == [
        0,
        "plan 1 refusé",
        2,
        3,
        "plan 4 refusé",
        5,
    ]
    stored = await Site.select(Site.insee_code, Site.city).order_by(Site.insee_code)
    assert stored == [{"insee_code": f"6900{index}", "city": "Lyon"} for index in (0, 2, 3, 5)]


async def _workshop_of_three(make, site: int) -> tuple[list[int], dict]:
    """Three learners of the site, and a workshop naming them."""
    learners = [await make.learner(site, f"P{index}", "Atelier") for index in range(3)]
    body = {
        "type": "collectif",
        "date": paris_today().isoformat(),
        "duration_minutes": 60,
        "title": "Courriels",
        "digital_topics": ["email"],
        "participants": [{"learner_id": learner} for learner in learners],
    }
    return learners, body


@pytest.mark.sqlite_only
async def test_a_workshop_waits_for_another_process_writing_and_the_event_loop_goes_on(app, make, database_url):
    """While another process holds SQLite's write lock, a workshop waits for it and is written once it is released,
    and the event loop goes on meanwhile (reads answered): it never waits for the lock itself."""
    import sqlite3
    import time

    from inclusion.activities.recording import create_activities
    from inclusion.activities.schemas import ActivityCreate
    from inclusion.scoping import Caller, Role
    from inclusion.storage.tables.activities import Activity

    site = await make.site()
    adviser = await make.user("adviser", site)
    caller = Caller(adviser["id"], adviser["email"], "Conseillère", Role.adviser, frozenset({site}), "token")
    learners, body = await _workshop_of_three(make, site)
    elsewhere = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    elsewhere.execute("BEGIN IMMEDIATE")
    elsewhere.execute("UPDATE site SET city = 'Lyon' WHERE id = ?", [site])
    try:
        recording = asyncio.ensure_future(create_activities(caller, msgspec.convert(body, ActivityCreate)))
        started = time.monotonic()
        await asyncio.sleep(0.3)
        assert await Activity.count() == 0 and not recording.done()
        assert time.monotonic() - started < 1.0  # the loop was not held by the lock
    finally:
        elsewhere.execute("COMMIT")
        elsewhere.close()
    [created] = await recording
    assert [p["display_name"] for p in created["participants"]] == ["P0 Atelier", "P1 Atelier", "P2 Atelier"]
    assert await Activity.count() == 1


@pytest.mark.sqlite_only
async def test_a_write_reaches_the_database_file_itself_within_seconds(client, make, database_url):
    """Once written, an activity is copied from SQLite's log into the database file within seconds."""
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    body = {"type": "collectif", "date": paris_today().isoformat(), "duration_minutes": 60, "title": "Courriels"}
    body |= {"digital_topics": ["email"], "anonymous_count": 4}
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    database_file = Path(database_url.removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"  # the file alone, without its -wal log
        for _ in range(50):
            shutil.copyfile(database_file, copy)
            alone = sqlite3.connect(copy)
            try:
                found = alone.execute("SELECT title FROM activity WHERE id = ?", [response.json()[0]["id"]]).fetchall()
            except sqlite3.OperationalError:  # the table itself is still only in the log
                found = []
            finally:
                alone.close()
            if found:
                break
            await asyncio.sleep(0.1)
    assert found == [("Courriels",)]


@pytest.mark.sqlite_only
async def test_a_learner_anonymised_while_the_workshop_waits_to_be_written_leaves_nothing(client, make, database_url):
    """A participant anonymised after the workshop was checked but before it is written: 422 naming them, no row."""
    import sqlite3
    import threading
    import time

    from inclusion.storage.tables.activities import Activity, ActivityParticipant

    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    learners, body = await _workshop_of_three(make, site)
    assert (await client.get("/api/v1/activities", headers=headers)).status_code == 200  # token's first use noted
    gate = db.current_engine()._plan_writer.gate
    gate.acquire()  # the plan writer holds the workshop, already checked, until the learner is anonymised

    def anonymise_then_open_the_gate() -> None:
        time.sleep(0.5)
        elsewhere = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10)
        with elsewhere:
            elsewhere.execute("UPDATE learner SET anonymised_at = CURRENT_TIMESTAMP WHERE id = ?", [learners[1]])
        elsewhere.close()
        gate.release()

    threading.Thread(target=anonymise_then_open_the_gate).start()
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 422, response.text
    fields = {detail["field"] for detail in response.json()["details"]}
    assert fields == {"participants[1].learner_id"}
    assert await Activity.count() == 0 and await ActivityParticipant.count() == 0


@pytest.mark.sqlite_only
async def test_the_sqlite_log_stays_bounded_under_writes_that_never_pause(app, database_url, monkeypatch):
    """Writes without a pause for 3 s, and on until 3,000 rows however long a loaded machine takes: the log is
    restarted past its limit instead of growing all along."""
    from litestar.testing import AsyncTestClient

    from inclusion.storage.sqlite import checkpoints as sqlite_checkpoints

    file_limit = sqlite_checkpoints.MAX_LOG_FRAMES * 4096  # the writer's journal_size_limit
    monkeypatch.setattr(sqlite_checkpoints, "MAX_LOG_FRAMES", 200)
    log = Path(database_url.removeprefix("sqlite:///") + "-wal")
    engine = db.current_engine()
    payload = "x" * 3000  # about one page a row
    sizes = []
    async with AsyncTestClient(app=app):
        await engine._run_in_new_connection("CREATE TABLE IF NOT EXISTS log_probe (id INTEGER PRIMARY KEY, t TEXT)")
        try:
            clock_now = asyncio.get_running_loop().time
            deadline, started = clock_now() + 3, [0]  # 3 s at least, and 3,001 rows: load cannot starve the check

            def going() -> bool:
                return clock_now() < deadline or started[0] <= 3000

            async def write() -> None:
                while going():
                    started[0] += 1
                    await engine._run_in_new_connection("INSERT INTO log_probe (t) VALUES (?)", [payload])

            async def watch() -> None:
                while going():
                    sizes.append(log.stat().st_size)
                    await asyncio.sleep(0.1)

            await asyncio.gather(watch(), *(write() for _ in range(8)))
            written = (await Table.raw("SELECT COUNT(*) AS n FROM log_probe"))[0]["n"]
            await asyncio.sleep(1.5)  # the checkpoint after the last writes restarts the log...
            await engine._run_in_new_connection("DELETE FROM log_probe WHERE id = 1")  # ...and this write cuts it
            after = log.stat().st_size
        finally:
            await engine._run_in_new_connection("DROP TABLE log_probe")
    written_bytes = written * 4096  # each row fills about one page of log
    assert written > 3000, "too few writes to tell"
    assert max(sizes) < written_bytes / 2, f"log reached {max(sizes):,} bytes for {written:,} rows written"
    assert after <= file_limit, f"log file left at {after:,} bytes"


async def test_workshops_recorded_at_the_same_moment_share_one_statement(app, make, monkeypatch):
    """Workshops recorded together go in one INSERT per table (on PostgreSQL one statement in all, one change
    counted per table); each keeps its own participants, and the one naming another site's learner is refused
    alone."""
    from inclusion.activities.recording import create_activities
    from inclusion.activities.schemas import ActivityCreate
    from inclusion.errors import InvalidData
    from inclusion.scoping import Caller, Role
    from inclusion.storage.tables.activities import Activity, ActivityParticipant

    site = await make.site()
    adviser = await make.user("adviser", site)
    caller = Caller(adviser["id"], adviser["email"], "Conseillère", Role.adviser, frozenset({site}), "token")
    learners = [await make.learner(site, f"P{index}", "Dupont") for index in range(8)]
    stranger = await make.learner(await make.site(), "Autre")

    def workshop(index: int) -> ActivityCreate:
        named = learners[index % 8 :] + learners[: index % 8]
        if index == 4:
            named[1] = stranger
        participants = [{"learner_id": learner, "present": True} for learner in named]
        body = {
            "type": "collectif",
            "date": paris_today().isoformat(),
            "duration_minutes": 60,
            "title": f"Atelier {index}",
            "participants": participants,
            "digital_topics": ["securite_numerique"],
        }
        return msgspec.convert(body, ActivityCreate)

    statements = _trace_sqlite_writes(monkeypatch) if db.is_sqlite() else []
    if not db.is_sqlite():
        await Table.raw("DELETE FROM report_month_change")
    outcomes = await asyncio.gather(
        *(create_activities(caller, workshop(i)) for i in range(10)), return_exceptions=True
    )
    assert isinstance(outcomes[4], InvalidData)
    assert outcomes[4].fields == {"participants[1].learner_id": "Apprenant inconnu sur ce site (ou fiche anonymisée)."}
    created = {o[0]["title"]: o[0] for index, o in enumerate(outcomes) if index != 4}
    assert len({answer["id"] for answer in created.values()}) == 9
    for title, answer in created.items():
        index = int(title.split()[-1])
        stored = (
            await ActivityParticipant.select(ActivityParticipant.learner)
            .where(ActivityParticipant.activity == answer["id"])
            .order_by(ActivityParticipant.id)
        )
        assert [row["learner"] for row in stored] == [p.learner_id for p in workshop(index).participants]
        assert [p["display_name"] for p in answer["participants"]][0] == f"P{index % 8} Dupont"
    assert await Activity.count() == 9
    if db.is_sqlite():
        inserts = {text for text in statements if text.startswith('INSERT INTO "activity" (')}
        assert len(inserts) == 1  # a statement is traced again at each of its triggers: distinct texts
    else:
        changes = await Table.raw("SELECT count(*) AS n FROM report_month_change")
        assert changes == [{"n": 3}]  # activity, topics, participants: one statement


def _trace_sqlite_writes(monkeypatch) -> list[str]:
    """The statements the plan writer runs from now on, parameters filled in (its connection reopened with a
    trace)."""
    writer = db.current_engine()._plan_writer
    writer.stop()
    statements: list[str] = []
    connect = writer._connect

    def traced():
        connection = connect()
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(writer, "_connect", traced)
    return statements
