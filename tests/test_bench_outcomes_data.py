"""bench/outcomes_data.py: a small build on PostgreSQL follows the app's rules, is reused, and refuses foreign data."""

from __future__ import annotations

import asyncio
import sys
import urllib.parse
from pathlib import Path

import asyncpg
import pytest

from inclusion.assessments.packing import packed_of
from tests.conftest import TEST_DATABASE_URL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import outcomes_data  # noqa: E402

pytestmark = pytest.mark.postgres_only

NAME = "inclusion_bench_outcomes_test"
SCALE = 0.002  # 6 sites, 8 advisers, 2,000 learners, 10,000 activities

# each query counts rows breaking a rule the app enforces when it writes (or a foreign key the COPY skipped)
BROKEN = {
    "session with both or neither learner and person": "SELECT count(*) FROM activity WHERE type = 'individuel'"
    " AND (learner IS NULL) = (person_gender IS NULL)",
    "workshop without title, or with a learner": "SELECT count(*) FROM activity WHERE type = 'collectif'"
    " AND (title = '' OR learner IS NOT NULL OR autonomy IS NOT NULL)",
    "activity without a digital topic": "SELECT count(*) FROM activity a WHERE NOT EXISTS"
    " (SELECT 1 FROM activity_topic t WHERE t.activity = a.id AND t.kind = 'digital')",
    "workshop without any participant": "SELECT count(*) FROM activity a WHERE type = 'collectif'"
    " AND anonymous_count = 0 AND NOT EXISTS (SELECT 1 FROM activity_participant p WHERE p.activity = a.id)",
    "learner seen outside first visit..last contact or at another site": "SELECT count(*) FROM activity a"
    " JOIN learner l ON l.id = a.learner WHERE a.date NOT BETWEEN l.first_visit_on AND l.last_contact_on"
    " OR a.site <> l.site",
    "participant outside its dates or site": "SELECT count(*) FROM activity_participant p JOIN activity a"
    " ON a.id = p.activity JOIN learner l ON l.id = p.learner"
    " WHERE a.date NOT BETWEEN l.first_visit_on AND l.last_contact_on OR a.site <> l.site",
    "assessment outside its learner's dates or site": "SELECT count(*) FROM assessment a JOIN learner l"
    " ON l.id = a.learner WHERE a.assessed_on NOT BETWEEN l.first_visit_on AND l.last_contact_on"
    " OR a.site <> l.site",
    "adviser not working at the site": "SELECT count(*) FROM activity a WHERE NOT EXISTS"
    ' (SELECT 1 FROM user_site u WHERE u."user" = a.adviser AND u.site = a.site)',
    "breakdown not adding up": "SELECT count(*) FROM activity, json_each_text(anonymous_breakdown) b"
    " WHERE (SELECT sum(value::int) FROM json_each_text(b.value::json)) <> anonymous_count",
    "date in the future": "SELECT count(*) FROM activity WHERE date > current_date",
    "stale file not anonymised": "SELECT count(*) FROM learner WHERE anonymised_at IS NULL"
    " AND last_contact_on < current_date - interval '24 months' - interval '1 day'",
    "level outside the scale": "SELECT count(*) FROM assessment_level WHERE level NOT BETWEEN 0 AND 3",
    "dangling participant": "SELECT count(*) FROM activity_participant p LEFT JOIN learner l ON l.id = p.learner"
    " LEFT JOIN activity a ON a.id = p.activity WHERE l.id IS NULL OR a.id IS NULL",
    "dangling level": "SELECT count(*) FROM assessment_level v LEFT JOIN assessment a ON a.id = v.assessment"
    " LEFT JOIN competence c ON c.id = v.competence WHERE a.id IS NULL OR c.id IS NULL",
    "dangling topic": "SELECT count(*) FROM activity_topic t LEFT JOIN activity a ON a.id = t.activity"
    " WHERE a.id IS NULL",
    "month with activities but no report_month version": "SELECT count(*) FROM (SELECT DISTINCT site,"
    " to_char(date, 'YYYY-MM') AS month FROM activity) a WHERE NOT EXISTS (SELECT 1 FROM report_month m"
    " WHERE m.site = a.site AND m.month = a.month)",
    "packed levels not what the triggers would write": "SELECT count(*) FROM assessment a"
    f" WHERE a.levels_packed <> {packed_of('a.id', sqlite=False)}",
}


def bench_url() -> str:
    return urllib.parse.urlsplit(TEST_DATABASE_URL)._replace(path=f"/{NAME}").geturl()


async def fetch_facts(url: str) -> dict:
    connection = await asyncpg.connect(url)
    try:
        facts = {"broken": {label: await connection.fetchval(query) for label, query in BROKEN.items()}}
        facts["rows"] = {t: await connection.fetchval(f"SELECT count(*) FROM {t}") for t in outcomes_data.BULK}
        facts["indexes"] = await indexes(connection)
        facts["next_learner"] = await connection.fetchval("SELECT nextval(pg_get_serial_sequence('learner', 'id'))")
        facts["fragile"] = await connection.fetchrow(
            "WITH ends AS (SELECT learner, min(id) AS entry, max(id) AS latest FROM assessment GROUP BY learner),"
            " fragile AS (SELECT v.assessment FROM assessment_level v JOIN competence c ON c.id = v.competence"
            " WHERE c.socle AND v.level < 3 GROUP BY v.assessment)"
            " SELECT avg((entry IN (SELECT assessment FROM fragile))::int)::float AS entry,"
            " avg((latest IN (SELECT assessment FROM fragile))::int)::float AS latest FROM ends"
        )
        return facts
    finally:
        await connection.close()


async def indexes(connection: asyncpg.Connection) -> list[str]:
    rows = await connection.fetch("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexdef")
    return [row["indexdef"] for row in rows]


async def execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def drop(url: str) -> None:
    admin = await asyncpg.connect(urllib.parse.urlsplit(url)._replace(path="/postgres").geturl())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    finally:
        await admin.close()


def test_small_build_follows_the_app_rules_is_reused_and_refuses_foreign_data() -> None:
    """A fresh build (two processes) loads what it reports, breaks no app rule, rebuilds its indexes and moves its
    sequences; the same call again reuses it, anonymising files aged past retention since; foreign rows are refused."""
    url = bench_url()
    try:
        summary = outcomes_data.build(url, scale=SCALE, seed=3, fresh=True, progress=None, workers=2)
        facts = asyncio.run(fetch_facts(url))
        assert facts["rows"] == {table: summary["rows"][table] for table in outcomes_data.BULK}
        assert summary["rows"]["learner"] == 2000 and summary["rows"]["activity"] == 10000
        assert 2.7 < summary["rows"]["assessment"] / summary["rows"]["learner"] < 3.3
        assert {label: count for label, count in facts["broken"].items() if count} == {}
        assert len(facts["indexes"]) > 40 and facts["next_learner"] == 2001
        assert 0.5 < facts["fragile"]["entry"] < 0.7 and facts["fragile"]["latest"] < facts["fragile"]["entry"] - 0.05
        assert summary["sites"] == {"first_id": 1, "last_id": 6, "count": 6}
        assert summary["large_site_learners"] == max(summary["large_site_learners"], summary["median_site_learners"])

        aged = "UPDATE learner SET last_contact_on = '2001-01-01' WHERE id = 2000"  # as if the build had aged
        asyncio.run(execute(url, aged))
        again = outcomes_data.build(url, scale=SCALE, seed=3, progress=None)
        assert again["reused"] and again["rows"] == summary["rows"] and again["aged_anonymised"] == 1

        asyncio.run(drop(url))
        assert asyncio.run(create_foreign(url)) == facts["indexes"]  # every index rebuilt as the migrations made it
        with pytest.raises(outcomes_data.Refused):
            outcomes_data.build(url, scale=SCALE, seed=3, progress=None)
    finally:
        asyncio.run(drop(url))


async def create_foreign(url: str) -> list[str]:
    """A database with the app's tables and one site that this script did not build; its index definitions."""
    admin = await asyncpg.connect(urllib.parse.urlsplit(url)._replace(path="/postgres").geturl())
    try:
        await admin.execute(f'CREATE DATABASE "{NAME}"')
    finally:
        await admin.close()
    outcomes_data.migrate(url)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("INSERT INTO site (name, kind, insee_code) VALUES ('Ailleurs', 'epn', '62667')")
        return await indexes(connection)
    finally:
        await connection.close()
