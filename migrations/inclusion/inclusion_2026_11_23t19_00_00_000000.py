from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "report months: unique indexes, triggers bumping their versions, a version for each month with activities"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes_triggers_and_months():
        from inclusion.storage.db import is_sqlite
        from inclusion.reports.months import triggers as month_triggers

        statements = month_triggers.sqlite_statements() if is_sqlite() else month_triggers.postgres_statements()
        for statement in statements:
            await Table.raw(statement)

    manager.add_raw(indexes_triggers_and_months)
    return manager
