from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T00:01:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Each activity's single device becomes its list of one"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def devices_from_device():
        """Each activity's single device becomes its list of one."""
        from inclusion.storage.db import is_sqlite

        if is_sqlite():
            await Table.raw("UPDATE activity SET devices = json_array(device) WHERE device IS NOT NULL")
        else:
            await Table.raw("UPDATE activity SET devices = json_build_array(device) WHERE device IS NOT NULL")

    manager.add_raw(devices_from_device)
    return manager
