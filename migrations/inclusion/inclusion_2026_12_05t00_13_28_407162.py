from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-05T00:13:28:407162"
VERSION = "1.38.0"
DESCRIPTION = "Activities: the France Services partner a démarche concerned"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Activity",
        tablename="activity",
        column_name="partner",
        db_column_name="partner",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
