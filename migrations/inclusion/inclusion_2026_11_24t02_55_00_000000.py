from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T02:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Changes to learners' files are counted per site: a report keeps each site's share while none happens"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def unique_and_triggers():
        from inclusion.storage.db import is_sqlite
        from inclusion.reports import site_parts
        from inclusion.reports.months import triggers as month_triggers

        await Table.raw(site_parts.UNIQUE_INDEX)
        if is_sqlite():
            statements = month_triggers.people_sqlite_statements()
        else:
            statements = month_triggers.people_postgres_statements()
        for statement in statements:
            await Table.raw(statement)

    manager.add_raw(unique_and_triggers)
    return manager
