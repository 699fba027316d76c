from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T03:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "one stored sum per territory and period"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def unique_rollup():
        # A unique index rather than a constraint: SQLite cannot ALTER TABLE ADD CONSTRAINT.
        await Table.raw("CREATE UNIQUE INDEX report_rollup_unique ON report_rollup (territory, scope_key)")

    manager.add_raw(unique_rollup)
    return manager
