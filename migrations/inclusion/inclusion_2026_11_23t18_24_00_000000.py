from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T18:24:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "competence slots, triggers keeping assessment.levels_packed, and the integers of existing assessments"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def view_triggers_and_backfill():
        from inclusion.assessments import packing
        from inclusion.storage.db import is_sqlite

        statements = packing.sqlite_statements() if is_sqlite() else packing.postgres_statements()
        for statement in statements:
            await Table.raw(statement)

    manager.add_raw(view_triggers_and_backfill)
    return manager
