import msgspec
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T01:32:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "built-in frameworks; one row per version number, competence code and assessed competence"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX framework_version_number_unique ON framework_version (framework, number)",
    "CREATE UNIQUE INDEX competence_version_code_unique ON competence (version, code)",
    "CREATE UNIQUE INDEX assessment_level_unique ON assessment_level (assessment, competence)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes_and_builtin_frameworks():
        from inclusion.frameworks.builtin import BUILTIN
        from inclusion.frameworks.schemas import FrameworkUpload
        from inclusion.frameworks.services import install

        for statement in UNIQUE_INDEXES:
            await Table.raw(statement)
        for framework in BUILTIN:
            await install(msgspec.convert(framework, FrameworkUpload))

    manager.add_raw(indexes_and_builtin_frameworks)
    return manager
