from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from inclusion.storage import db
from inclusion.audit import append_only

ID = "2026-11-23T01:26:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log is append-only"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def refuse_changes():
        statements = append_only.SQLITE if db.is_sqlite() else append_only.POSTGRES
        for statement in statements:
            await Table.raw(statement)

    manager.add_raw(refuse_changes)
    return manager
