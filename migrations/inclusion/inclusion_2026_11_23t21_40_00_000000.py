from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "PostgreSQL: triggers count changes to months of activities in report_month_change instead of a bump"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def change_log_triggers():
        from inclusion.storage.db import is_sqlite
        from inclusion.reports.months import triggers as month_triggers

        if is_sqlite():
            return
        for statement in [month_triggers.CHANGE_INDEX, *month_triggers.postgres_functions()]:
            await Table.raw(statement)

    manager.add_raw(change_log_triggers)
    return manager
