from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T00:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one membership per user and site"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def unique_user_site():
        # A unique index rather than a constraint: SQLite cannot ALTER TABLE ADD CONSTRAINT.
        await Table.raw('CREATE UNIQUE INDEX user_site_user_site_unique ON user_site ("user", site)')

    manager.add_raw(unique_user_site)
    return manager
