from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T01:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one participation per learner and workshop, one attendance row per site and day"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX activity_participant_unique ON activity_participant (activity, learner)",
    "CREATE UNIQUE INDEX site_day_unique ON site_day (site, day)",
    "CREATE INDEX activity_site_date ON activity (site, date)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in UNIQUE_INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    return manager
