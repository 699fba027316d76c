from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-05T00:25:01:758738"
VERSION = "1.38.0"
DESCRIPTION = "Activities: their ID CRA in La Coop, when imported from there"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Activity",
        tablename="activity",
        column_name="coop_id",
        db_column_name="coop_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 36,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
