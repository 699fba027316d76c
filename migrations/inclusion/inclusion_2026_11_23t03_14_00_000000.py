from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T03:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one certificate per code, one PDF per certificate, look-ups found by address and time"

INDEXES = [
    "CREATE UNIQUE INDEX certificate_code_unique ON certificate (code)",
    "CREATE UNIQUE INDEX certificate_file_unique ON certificate_file (certificate)",
    "CREATE INDEX verification_lookup_ip_time ON verification_lookup (ip, looked_up_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    return manager
