from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Text, Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-05T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outcomes report: stored sums of the sites of each département and région"


def _params(**more):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    } | more


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)
    manager.add_table(class_name="ReportRollup", tablename="report_rollup", schema=None, columns=None)
    for name, kind, params in (
        ("territory", Varchar, _params(length=24, default="")),
        ("scope_key", Varchar, _params(length=64, default="")),
        ("members", Text, _params(default="")),
        ("payload", Text, _params(default="")),
        ("computed_on", Date, _params(default=DateNow())),
    ):
        manager.add_column(
            table_class_name="ReportRollup",
            tablename="report_rollup",
            column_name=name,
            db_column_name=name,
            column_class_name=kind.__name__,
            column_class=kind,
            params=params,
            schema=None,
        )
    return manager
