"""Triggers that count the changes to every site's month of activities and assessments.

Any insert, update or delete on `activity`, `activity_topic`, `activity_participant` or `assessment` (which
every write of its levels updates: `inclusion.assessments.packing`), whatever wrote it, counts one more change
to the (site, month) of the row before and after the change, in the same transaction, so a figure the report
stored at an older count is never read again (`inclusion.reports.months.stored`).
A child row whose activity is already gone (a cascade) counts nothing: deleting the activity counted.

SQLite has one writer at a time: its row triggers add one to `report_month.version`. On PostgreSQL the count
is `report_month.version` plus the month's rows in `report_month_change` (`live_months`), which writers only
insert; a report folds them into the version (`fold`).
"""

from __future__ import annotations

from inclusion.storage import db

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX report_month_unique ON report_month (site, month)",
    "CREATE UNIQUE INDEX report_month_figure_unique ON report_month_figure (site, month, measure, key)",
    "CREATE UNIQUE INDEX report_month_learner_unique ON report_month_learner (site, month, learner)",
]
CHILDREN = ("activity_topic", "activity_participant")


def _bump(rows: str) -> str:
    """Bump (or start at 1) the version of each (site, month) that the query `rows` selects."""
    return (
        f"INSERT INTO report_month (site, month, version) {rows} "
        "ON CONFLICT (site, month) DO UPDATE SET version = report_month.version + 1"
    )


def backfill(sqlite: bool) -> str:
    month = "substr(date, 1, 7)" if sqlite else "to_char(date, 'YYYY-MM')"
    return f"INSERT INTO report_month (site, month, version) SELECT DISTINCT site, {month}, 1 FROM activity"


def sqlite_statements() -> list[str]:
    """Row triggers: one bump per row written."""
    statements = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        own = " ".join(_bump(f"SELECT {row}.site, substr({row}.date, 1, 7), 1 WHERE true") + ";" for row in rows)
        statements.append(
            f"CREATE TRIGGER report_month_activity_{event.lower()} AFTER {event} ON activity BEGIN {own} END"
        )
        for child in CHILDREN:
            bumps = " ".join(
                _bump(f"SELECT a.site, substr(a.date, 1, 7), 1 FROM activity a WHERE a.id = {row}.activity") + ";"
                for row in rows
            )
            statements.append(
                f"CREATE TRIGGER report_month_{child}_{event.lower()} AFTER {event} ON {child} BEGIN {bumps} END"
            )
    return [*UNIQUE_INDEXES, *statements, backfill(sqlite=True)]


def postgres_functions() -> list[str]:
    """Statement triggers' functions over transition tables. They only insert: a `report_month` row for a month
    seen for the first time (none is ever locked), and one `report_month_change` row per (site, month) the
    statement touched. A version bump instead would lock the month's one row until commit, and every adviser of
    a site recording at once would queue behind it. A child's months are those of its activities, looked up by
    id."""
    month = "to_char({}.date, 'YYYY-MM')"
    functions = []
    for kind, rows in (
        ("touched", "SELECT * FROM touched"),
        ("moved", "SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows"),
    ):
        own = f"SELECT DISTINCT t.site, {month.format('t')} FROM ({rows}) t"
        child = f"SELECT DISTINCT a.site, {month.format('a')} FROM activity a WHERE a.id = ANY(v_ids)"
        functions.append(_change_function(f"activity_{kind}", own))
        functions.append(_change_function(f"child_{kind}", child, f"SELECT t.activity FROM ({rows}) t"))
    return functions


def _change_function(name: str, months: str, activities: str | None = None) -> str:
    """The trigger function `report_month_{name}`: the (site, month) rows that `months` selects get a month row if
    they had none, and one change each. `months` may read `v_ids`, the ids that `activities` selects.

    plpgsql keeps each query's plan for the connection's life: one made while `activity` was small, or its
    statistics stale (autovacuum off), scanned every activity at each statement, each slower than the last. The
    functions run with sequential scans off (`enable_seqscan`): every table they read has the index they need,
    so their plans are those indexes whatever the statistics, and are kept without being made again."""
    return (
        f"CREATE OR REPLACE FUNCTION report_month_{name}() RETURNS trigger LANGUAGE plpgsql "
        "SET enable_seqscan = off AS $$ "
        "DECLARE v_ids int[]; v_sites int[]; v_months text[]; BEGIN "
        + (f"SELECT array_agg(DISTINCT i) INTO v_ids FROM ({activities}) a(i); " if activities else "")
        + f"SELECT array_agg(d.site), array_agg(d.month) INTO v_sites, v_months FROM ({months}) d(site, month); "
        "IF v_sites IS NULL THEN RETURN NULL; END IF; "
        "WITH months (site, month) AS MATERIALIZED (SELECT * FROM unnest(v_sites, v_months)), "
        "first_seen AS (INSERT INTO report_month (site, month, version) SELECT site, month, 0 FROM months n "
        "WHERE NOT EXISTS (SELECT 1 FROM report_month m WHERE m.site = n.site AND m.month = n.month) "
        "ORDER BY 1, 2 ON CONFLICT (site, month) DO NOTHING) "
        "INSERT INTO report_month_change (site, month) SELECT site, month FROM months; RETURN NULL; END $$"
    )


def assessment_sqlite_statements() -> list[str]:
    """Row triggers on `assessment` (a level written or changed repacks its assessment, an UPDATE: counted too),
    and a month row for every month that has assessments but no activity."""
    statements = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        bumps = " ".join(
            _bump(f"SELECT {row}.site, substr({row}.assessed_on, 1, 7), 1 WHERE true") + ";" for row in rows
        )
        statements.append(
            f"CREATE TRIGGER report_month_assessment_{event.lower()} AFTER {event} ON assessment BEGIN {bumps} END"
        )
    return [*statements, _assessment_backfill("substr(assessed_on, 1, 7)")]


def assessment_postgres_statements() -> list[str]:
    """Statement triggers on `assessment`, as on `activity`: changes counted in `report_month_change`."""
    statements = assessment_functions()
    for event, referencing, kind in _EVENTS:
        statements.append(
            f"CREATE TRIGGER report_month_assessment_{event.lower()} AFTER {event} ON assessment "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION report_month_assessment_{kind}()"
        )
    return [*statements, _assessment_backfill("to_char(assessed_on, 'YYYY-MM')")]


def assessment_functions() -> list[str]:
    month = "to_char(t.assessed_on, 'YYYY-MM')"
    return [
        _change_function(f"assessment_{kind}", f"SELECT DISTINCT t.site, {month} FROM ({rows}) t")
        for kind, rows in (
            ("touched", "SELECT * FROM touched"),
            ("moved", "SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows"),
        )
    ]


def _assessment_backfill(month: str) -> str:
    return (
        f"INSERT INTO report_month (site, month, version) SELECT DISTINCT site, {month}, 1 FROM assessment WHERE true "
        "ON CONFLICT (site, month) DO NOTHING"
    )


CHANGE_INDEX = "CREATE INDEX IF NOT EXISTS report_month_change_month ON report_month_change (site, month)"


_EVENTS = (
    ("INSERT", "NEW TABLE AS touched", "touched"),
    ("DELETE", "OLD TABLE AS touched", "touched"),
    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "moved"),
)


def postgres_statements() -> list[str]:
    """Unique indexes, the functions and a statement trigger per table and event, and the months already there."""
    statements = [*UNIQUE_INDEXES, *postgres_functions()]
    for table in ("activity", *CHILDREN):
        name = "activity" if table == "activity" else "child"
        for event, referencing, kind in _EVENTS:
            statements.append(
                f"CREATE TRIGGER report_month_{table}_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION report_month_{name}_{kind}()"
            )
    return [*statements, backfill(sqlite=False)]


def live_months() -> str:
    """SQL usable as a table: (site, month, version) of every month, version counting every change made so far."""
    if db.is_sqlite():
        return "report_month"
    return """(SELECT m.site AS site, m.month AS month, m.version + (SELECT COUNT(*) FROM report_month_change c
  WHERE c.site = m.site AND c.month = m.month) AS version FROM report_month m)"""


FOLD_LOCK = 7_301_001  # an advisory lock: one report at a time folds changes into versions


def fold(where: str) -> str:
    """PostgreSQL: move the changes of the months `where` keeps (on `c.site`, `c.month`) into their version,
    which keeps each month's count of changes as it was. Run under FOLD_LOCK."""
    return f"""WITH gone AS (DELETE FROM report_month_change c WHERE {where} RETURNING c.site, c.month),
counted AS (SELECT site, month, COUNT(*) AS n FROM gone GROUP BY site, month)
UPDATE report_month m SET version = m.version + counted.n FROM counted
WHERE m.site = counted.site AND m.month = counted.month"""


PEOPLE = "people"
"""The `report_month` row of a site that counts changes to its learners' files, rather than to a month: a report
reads their age band, gender, status, QPV, first visit and site (`queries.people`). Month clauses name months, so
this row is never read as one; a site's stamp sums it with its months (`site_parts`)."""
PEOPLE_COLUMNS = ("site", "age_band", "gender", "social_status", "qpv", "first_visit_on")


def people_sqlite_statements() -> list[str]:
    """Row triggers on `learner`: a file added, removed, or changed in a column the report reads."""
    bump = {row: _bump(f"SELECT {row}.site, '{PEOPLE}', 1 WHERE true") + ";" for row in ("OLD", "NEW")}
    columns = ", ".join(PEOPLE_COLUMNS)
    return [
        f"CREATE TRIGGER report_people_insert AFTER INSERT ON learner BEGIN {bump['NEW']} END",
        f"CREATE TRIGGER report_people_update AFTER UPDATE OF {columns} ON learner "
        f"BEGIN {bump['OLD']} {bump['NEW']} END",
        f"CREATE TRIGGER report_people_delete AFTER DELETE ON learner BEGIN {bump['OLD']} END",
    ]


def people_postgres_statements() -> list[str]:
    """Statement triggers on `learner` for files added or removed (a bulk load counts once per site), and a row
    trigger for changes, fired only when a column the report reads changed (PostgreSQL allows no column list on
    a statement trigger with transition tables): the contact date that every activity moves costs nothing."""
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in PEOPLE_COLUMNS)
    row_function = (
        "CREATE OR REPLACE FUNCTION report_month_people_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO report_month (site, month, version) VALUES (OLD.site, '{PEOPLE}', 0), (NEW.site, '{PEOPLE}', 0) "
        "ON CONFLICT (site, month) DO NOTHING; "
        f"INSERT INTO report_month_change (site, month) SELECT DISTINCT s, '{PEOPLE}' FROM (VALUES (OLD.site), "
        "(NEW.site)) v(s); RETURN NULL; END $$"
    )
    return [
        *people_functions(),
        row_function,
        "CREATE TRIGGER report_people_insert AFTER INSERT ON learner REFERENCING NEW TABLE AS touched "
        "FOR EACH STATEMENT EXECUTE FUNCTION report_month_people_touched()",
        "CREATE TRIGGER report_people_delete AFTER DELETE ON learner REFERENCING OLD TABLE AS touched "
        "FOR EACH STATEMENT EXECUTE FUNCTION report_month_people_touched()",
        f"CREATE TRIGGER report_people_update AFTER UPDATE ON learner FOR EACH ROW WHEN ({changed}) "
        "EXECUTE FUNCTION report_month_people_row()",
    ]


def people_functions() -> list[str]:
    return [_change_function("people_touched", f"SELECT DISTINCT t.site, '{PEOPLE}' FROM (SELECT * FROM touched) t")]


def change_functions() -> list[str]:
    """Every statement trigger's function (CREATE OR REPLACE), for a migration that changes how they work."""
    return [*postgres_functions(), *assessment_functions(), *people_functions()]
