from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "PostgreSQL: the report triggers read tables through their indexes only, whatever the statistics"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def plan_at_each_call():
        from inclusion.storage.db import is_sqlite
        from inclusion.reports.months import triggers as month_triggers

        if is_sqlite():
            return
        for statement in month_triggers.change_functions():
            await Table.raw(statement)

    manager.add_raw(plan_at_each_call)
    return manager
