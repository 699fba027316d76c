from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-23T05:40:21:006745"
VERSION = "1.38.0"
DESCRIPTION = "Drop indexes covered by composite ones"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="inclusion", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Activity",
        tablename="activity",
        column_name="site",
        db_column_name="site",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="ActivityParticipant",
        tablename="activity_participant",
        column_name="activity",
        db_column_name="activity",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
