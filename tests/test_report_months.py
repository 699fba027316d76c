"""The report's activity figures stay exact when a month it already summed changes, and edge days of a period
cut mid-month count only the days inside it (whole months are read from stored sums: `reports/months.py`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from piccolo.table import Table

from inclusion.frameworks.builtin import EVERYDAY
from inclusion.storage.tables.reports import ReportMonthFigure, ReportSitePart
from tests.support.clock import paris_today

LAST_MONTH_END = paris_today().replace(day=1) - timedelta(days=1)
LAST_MONTH = LAST_MONTH_END.replace(day=1)
MONTH_BEFORE = (LAST_MONTH - timedelta(days=1)).replace(day=1)


def workshop(learners: list[int], day: date, **changes) -> dict:
    return {
        "type": "collectif",
        "date": day.isoformat(),
        "duration_minutes": 120,
        "title": "Sécuriser ses comptes",
        "digital_topics": ["securite_numerique"],
        "participants": [{"learner_id": learner, "present": True} for learner in learners],
        "anonymous_count": 3,
        "anonymous_breakdown": {"gender": {"feminin": 3}},
        **changes,
    }


async def headline(client, headers, site: int, start: date, end: date) -> dict[str, float]:
    """Learners, activities, hours, named participants and people reached on security, for one site and period."""
    query = f"site={site}&from={start.isoformat()}&to={end.isoformat()}"
    response = await client.get(f"/api/v1/reports/outcomes?{query}", headers=headers)
    assert response.status_code == 200, response.text
    tables = {table["key"]: table for table in response.json()["tables"]}

    def cell(table: str, row: str) -> float:
        return next(r for r in tables[table]["rows"] if r["key"] == row)["cells"][0]["value"]

    topics = {row["key"]: row["cells"][0]["value"] for row in tables["topics_digital"]["rows"]}
    counts = [cell("activity", "activities"), cell("participants", "named"), *topics.values()]
    assert all(type(value) is int for value in counts), counts  # "12", never "12.0" or "12,00"
    return {
        "learners": tables["learners"]["total"]["cells"][0]["value"],
        "activities": cell("activity", "activities"),
        "hours": cell("activity", "hours"),
        "named": cell("participants", "named"),
        "security": topics.get("securite_numerique", 0),
    }


async def test_changes_to_a_month_already_summed_show_in_the_next_report(open_client, make):
    """Recorded, edited, repeated and deleted workshops, and a participation removed straight in the database,
    each show in the next report over whole months, which reads stored sums in between."""
    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    learners = [await make.learner(site) for _ in range(2)]
    period = (site, MONTH_BEFORE, LAST_MONTH_END)
    created = await open_client.post("/api/v1/activities", json=workshop(learners, LAST_MONTH), headers=adviser)
    [first] = created.json()
    assert await headline(open_client, admin, *period) == {
        "learners": 2,
        "activities": 1,
        "hours": 2.0,
        "named": 2,
        "security": 5,
    }
    assert await ReportMonthFigure.count() > 0  # the month is stored: what follows reads it unless it changed
    assert await headline(open_client, admin, *period) == {
        "learners": 2,
        "activities": 1,
        "hours": 2.0,
        "named": 2,
        "security": 5,
    }

    await open_client.patch(f"/api/v1/activities/{first['id']}", json={"duration_minutes": 60}, headers=adviser)
    assert await headline(open_client, admin, *period) == {
        "learners": 2,
        "activities": 1,
        "hours": 1.0,
        "named": 2,
        "security": 5,
    }
    await open_client.post("/api/v1/activities", json=workshop(learners[:1], MONTH_BEFORE), headers=adviser)
    assert await headline(open_client, admin, *period) == {
        "learners": 2,
        "activities": 2,
        "hours": 3.0,
        "named": 3,
        "security": 9,
    }
    await Table.raw(f"DELETE FROM activity_participant WHERE activity = {first['id']} AND learner = {learners[1]}")
    assert await headline(open_client, admin, *period) == {
        "learners": 1,
        "activities": 2,
        "hours": 3.0,
        "named": 2,
        "security": 8,
    }
    assert (await open_client.delete(f"/api/v1/activities/{first['id']}", headers=adviser)).status_code == 204
    assert await headline(open_client, admin, *period) == {
        "learners": 1,
        "activities": 1,
        "hours": 2.0,
        "named": 1,
        "security": 4,
    }


async def test_a_period_cut_mid_month_counts_only_its_own_days(open_client, make):
    """Workshops the day before, the first day and the last day of a period that starts and ends mid-month:
    only those inside count, activities and learners, whether the months in between are whole or not."""
    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    start, end = MONTH_BEFORE + timedelta(days=14), LAST_MONTH + timedelta(days=9)
    for day in (start - timedelta(days=1), start, MONTH_BEFORE + timedelta(days=20), end, end + timedelta(days=1)):
        learner = await make.learner(site)  # one learner per workshop: learners are counted across the parts
        response = await open_client.post("/api/v1/activities", json=workshop([learner], day), headers=adviser)
        assert response.status_code == 201, response.text

    async def counted(first: date, last: date) -> tuple[int, int]:
        found = await headline(open_client, admin, site, first, last)
        return found["activities"], found["learners"]

    assert await counted(start, end) == (3, 3)
    assert await counted(MONTH_BEFORE, LAST_MONTH_END) == (5, 5)
    assert await counted(start, start) == (1, 1)
    assert await counted(start + timedelta(days=1), end) == (2, 2)
    assert await counted(start + timedelta(days=1), start + timedelta(days=5)) == (0, 0)


async def test_a_period_ending_mid_month_reads_that_month_stored_until_an_activity_comes_later(open_client, make):
    """A period ending mid-month with nothing recorded after its end that month counts its month from stored sums
    (a report up to today); once an activity exists after the end, that one is left out all the same."""
    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    end = LAST_MONTH + timedelta(days=9)
    for day in (MONTH_BEFORE, LAST_MONTH, end):
        response = await open_client.post(
            "/api/v1/activities", json=workshop([await make.learner(site)], day), headers=adviser
        )
        assert response.status_code == 201, response.text
    stored = "SELECT COUNT(*) AS n FROM report_month_figure WHERE site = {} AND month = {}"
    assert (await headline(open_client, admin, site, MONTH_BEFORE, end))["activities"] == 3
    assert (await Table.raw(stored, site, f"{LAST_MONTH:%Y-%m}"))[0]["n"] > 0  # the month ending on day 10: stored
    later = workshop([await make.learner(site)], end + timedelta(days=1))
    assert (await open_client.post("/api/v1/activities", json=later, headers=adviser)).status_code == 201
    found = await headline(open_client, admin, site, MONTH_BEFORE, end)
    assert (found["activities"], found["learners"]) == (3, 3)
    assert (await headline(open_client, admin, site, MONTH_BEFORE, LAST_MONTH_END))["activities"] == 4


@pytest.mark.postgres_only
async def test_two_workshops_written_at_once_at_one_site_do_not_wait_for_each_other(app, make, database_url):
    """PostgreSQL: while one workshop's transaction is still open, another at the same site and month is written
    at once; counting the month's changes locks no row that both would need (the month already has a row)."""
    import asyncpg

    site = await make.site("Espace Carnot")
    insert = "INSERT INTO activity (site, type, date, duration_minutes) VALUES ($1, 'collectif', $2, 60)"
    first, second = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        await first.execute(insert, site, LAST_MONTH)  # the month's first change, committed
        await first.execute("BEGIN")
        await first.execute(insert, site, LAST_MONTH)
        await second.execute("SET lock_timeout = '2s'")
        await second.execute(insert, site, LAST_MONTH + timedelta(days=1))  # waited on the month's row before
        await first.execute("COMMIT")
    finally:
        await first.close()
        await second.close()
    assert await Table.raw("SELECT COUNT(*) AS n FROM activity WHERE site = {}", site) == [{"n": 3}]


@pytest.mark.postgres_only
async def test_a_report_folds_the_changes_it_stored_and_still_reads_the_month_stored(open_client, make):
    """PostgreSQL: after a report stores a month, the month's pending changes are folded into its version, the
    next report reads the stored sums (not the activities), and a later change still shows."""
    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    learners = [await make.learner(site) for _ in range(2)]
    for learner in learners:
        response = await open_client.post("/api/v1/activities", json=workshop([learner], LAST_MONTH), headers=adviser)
        assert response.status_code == 201, response.text
    pending = "SELECT COUNT(*) AS n FROM report_month_change WHERE site = {} AND month <> 'people'"
    assert (await Table.raw(pending, site))[0]["n"] == 6  # 2 workshops: activity, topics, participants
    period = (site, MONTH_BEFORE, LAST_MONTH_END)
    assert (await headline(open_client, admin, *period))["activities"] == 2
    assert await Table.raw(pending, site) == [{"n": 0}]
    await Table.raw("UPDATE activity SET duration_minutes = 999 WHERE site = {}", site)  # the stored sums, not these
    await Table.raw("DELETE FROM report_month_change WHERE site = {}", site)  # ...had the change not been counted
    assert (await headline(open_client, admin, *period))["hours"] == 4.0
    response = await open_client.post("/api/v1/activities", json=workshop([learners[0]], LAST_MONTH), headers=adviser)
    assert response.status_code == 201, response.text
    assert (await headline(open_client, admin, *period))["hours"] == 35.3  # 999 + 999 + 120 minutes


@pytest.mark.postgres_only
async def test_the_daily_fold_empties_pending_changes_and_keeps_stored_months_fresh(open_client, make):
    """PostgreSQL: the daily job folds every month's pending changes, of months no report read since, and a
    month stored before stays read from its stored sums (its count of changes did not move)."""
    from inclusion.reports.months import fold as month_fold

    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    learner = await make.learner(site)
    for day in (MONTH_BEFORE, LAST_MONTH):
        response = await open_client.post("/api/v1/activities", json=workshop([learner], day), headers=adviser)
        assert response.status_code == 201, response.text
    period = (site, LAST_MONTH, LAST_MONTH_END)
    assert (await headline(open_client, admin, *period))["activities"] == 1  # stores and folds LAST_MONTH only
    pending = "SELECT month, COUNT(*) AS n FROM report_month_change WHERE site = {} GROUP BY month ORDER BY month"
    assert await Table.raw(pending, site) == [
        {"month": MONTH_BEFORE.isoformat()[:7], "n": 3},
        {"month": "people", "n": 1},
    ]
    assert await month_fold.fold_pending() == 4  # and the learner's file, counted for the site's shares
    assert await Table.raw(pending, site) == []
    await Table.raw("UPDATE activity SET duration_minutes = 999 WHERE site = {}", site)  # counted: both months move
    await Table.raw("DELETE FROM report_month_change WHERE site = {}", site)  # ...had the change not been counted
    assert (await headline(open_client, admin, *period))["hours"] == 2.0  # still the stored sums
    assert (await headline(open_client, admin, site, MONTH_BEFORE, MONTH_BEFORE.replace(day=28)))["activities"] == 1


SOCLE_AUTONOMOUS = {"appareil": 3, "navigation": 3, "courriel": 3, "comptes": 3, "demarche": 3, "arnaques": 3}


async def trend(client, headers, site: int) -> dict[str, tuple[int, int]]:
    """The monthly fragility trend of LAST_MONTH alone: {month: (learners assessed on the socle, fragile)}."""
    query = f"site={site}&from={LAST_MONTH.isoformat()}&to={LAST_MONTH_END.isoformat()}"
    response = await client.get(f"/api/v1/reports/outcomes?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return {
        table["key"].split(":", 1)[1]: (
            table["total"]["cells"][0]["value"],
            next(row for row in table["rows"] if row["key"] == "fragile")["cells"][0]["value"],
        )
        for table in response.json()["tables"]
        if table["key"].startswith("fragility_month:")
    }


async def test_the_monthly_trend_is_stored_and_follows_new_assessments_and_a_new_socle(open_client, make):
    """A whole month's fragility trend is read from stored figures; an assessment added to that month, then a new
    framework version that takes `courriel` out of the socle, each show in the next report."""
    site = await make.site("Espace Carnot")
    adviser = await make.bearer(await make.user("adviser", site))
    admin = await make.bearer(await make.user("admin"))
    first, second = [await make.learner(site, first_visit_on=MONTH_BEFORE) for _ in range(2)]

    async def assess(learner: int, day: date, **levels: int) -> None:
        payload = {"learner_id": learner, "kind": "intermediaire", "assessed_on": day.isoformat(),
                   "levels": SOCLE_AUTONOMOUS | levels}  # fmt: skip
        response = await open_client.post("/api/v1/assessments", json=payload, headers=adviser)
        assert response.status_code == 201, response.text

    month = LAST_MONTH.isoformat()[:7]
    await assess(first, LAST_MONTH, courriel=1)
    assert await trend(open_client, admin, site) == {month: (1, 1)}
    stored = ReportMonthFigure.update({ReportMonthFigure.n: ReportMonthFigure.n + 5}).where(
        (ReportMonthFigure.site == site) & (ReportMonthFigure.measure == "fragility")
    )
    await stored  # a report that read the assessments again would not see these
    await ReportSitePart.delete(force=True)  # nor one that read the site's whole share, stored with the first
    assert await trend(open_client, admin, site) == {month: (6, 6)}
    await assess(first, LAST_MONTH + timedelta(days=1))  # autonomous by the month's last rating
    assert await trend(open_client, admin, site) == {month: (1, 0)}
    await assess(second, LAST_MONTH + timedelta(days=2), courriel=0)
    assert await trend(open_client, admin, site) == {month: (2, 1)}
    competences = [c | {"socle": False} if c["code"] == "courriel" else c for c in EVERYDAY["competences"]]
    upload = await open_client.post("/api/v1/frameworks", json=EVERYDAY | {"competences": competences}, headers=admin)
    assert upload.status_code == 201, upload.text
    assert await trend(open_client, admin, site) == {month: (2, 0)}  # no assessment changed: the socle did


@pytest.mark.postgres_only
async def test_a_long_lived_connection_looks_up_a_childs_activity_by_index(app, make, database_url):
    """PostgreSQL: a connection that first wrote when `activity` was nearly empty still finds a new participant's
    activity through its index once the table has grown (a plan kept from the start scanned every activity)."""
    import asyncpg

    site = await make.site("Espace Carnot")
    learners = [await make.learner(site) for _ in range(8)]
    connection = await asyncpg.connect(database_url)
    plans: list[str] = []
    try:
        firsts = await connection.fetch(
            "INSERT INTO activity (site, type, date, duration_minutes) "
            "SELECT $1, 'collectif', $2, 60 FROM generate_series(1, 5) RETURNING id",
            site,
            LAST_MONTH,
        )
        await connection.execute(  # a workshop week's participants, as a batch of recordings writes them
            "INSERT INTO activity_participant (activity, learner, present) "
            "SELECT a, l, true FROM unnest($1::int[]) a, unnest($2::int[]) l",
            [row["id"] for row in firsts],
            learners,
        )
        await connection.execute(
            "INSERT INTO activity (site, type, date, duration_minutes) "
            "SELECT $1, 'collectif', $2, 60 FROM generate_series(1, 5000)",
            site,
            LAST_MONTH,
        )
        await connection.execute(
            "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; "
            "SET auto_explain.log_nested_statements = on; SET client_min_messages = log"
        )
        connection.add_log_listener(lambda _, message: plans.append(message.message))
        last = await connection.fetchval("SELECT max(id) FROM activity")
        await connection.execute(
            "INSERT INTO activity_participant (activity, learner, present) VALUES ($1, $2, true)", last, learners[0]
        )
    finally:
        await connection.close()
    lookups = [plan for plan in plans if "to_char(a.date" in plan]  # the months of the participants' activities
    assert lookups and all("Seq Scan on activity" not in plan for plan in lookups), lookups
    assert any("activity_pkey" in plan for plan in lookups)
