from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T00:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one remembered answer per account and Idempotency-Key"

INDEXES = ["CREATE UNIQUE INDEX idempotent_request_user_key_unique ON idempotent_request (\"user\", key)"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    return manager
