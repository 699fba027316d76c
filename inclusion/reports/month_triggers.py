"""Triggers that bump `report_month.version` for every site and month whose activities change.

Any insert, update or delete on `activity`, `activity_topic` or `activity_participant`, whatever wrote it,
bumps the version of the (site, month) of the activity before and after the change in the same transaction,
so a figure the report stored for an older version is never read again (`inclusion.reports.months`). A child
row whose activity is already gone (a cascade) bumps nothing: deleting the activity bumped its month.
"""

from __future__ import annotations

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


def postgres_statements() -> list[str]:
    """Statement triggers over transition tables: one bump per (site, month) a statement touched, in a fixed
    order so that two transactions lock the same versions in the same order."""
    month = "to_char({}.date, 'YYYY-MM')"
    own = "SELECT DISTINCT t.site, {m}, 1 FROM ({rows}) t ORDER BY 1, 2".format(m=month.format("t"), rows="{rows}")
    child = (
        "SELECT DISTINCT a.site, {m}, 1 FROM ({rows}) t JOIN activity a ON a.id = t.activity ORDER BY 1, 2"
    ).format(m=month.format("a"), rows="{rows}")
    statements = [*UNIQUE_INDEXES]
    for name, query in (("activity", own), ("child", child)):
        for kind, rows in (
            ("touched", "SELECT * FROM touched"),
            ("moved", "SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows"),
        ):
            statements.append(
                f"CREATE FUNCTION report_month_{name}_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{_bump(query.format(rows=rows))}; RETURN NULL; END $$"
            )
    for table in ("activity", *CHILDREN):
        name = "activity" if table == "activity" else "child"
        for event, referencing, kind in (
            ("INSERT", "NEW TABLE AS touched", "touched"),
            ("DELETE", "OLD TABLE AS touched", "touched"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "moved"),
        ):
            statements.append(
                f"CREATE TRIGGER report_month_{table}_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION report_month_{name}_{kind}()"
            )
    return [*statements, backfill(sqlite=False)]
