import msgspec
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T00:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one questionnaire per code and version, one offer per activity, one receipt per key"

INDEXES = [
    "CREATE UNIQUE INDEX feedback_form_version_unique ON feedback_form (code, version)",
    "CREATE UNIQUE INDEX feedback_offer_activity_unique ON feedback_offer (activity)",
    "CREATE UNIQUE INDEX feedback_receipt_key_unique ON feedback_receipt (key)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes_and_questionnaire():
        from inclusion.feedback.questionnaire import BUILTIN

        for statement in INDEXES:
            await Table.raw(statement)
        for form in BUILTIN:
            await Table.raw(
                "INSERT INTO feedback_form (code, version, is_current, title, questions, created_at) "
                "VALUES ({}, {}, {}, {}, {}, CURRENT_TIMESTAMP)",
                form["code"],
                form["version"],
                True,
                form["title"],
                msgspec.json.encode(form["questions"]).decode(),
            )

    manager.add_raw(indexes_and_questionnaire)
    return manager
