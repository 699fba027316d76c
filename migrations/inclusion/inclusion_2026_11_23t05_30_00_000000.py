from datetime import UTC, date, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T05:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one funder per account; funder accounts' sites become grants; outcomes report read by site and date"

INDEXES = [
    'CREATE UNIQUE INDEX funder_user_unique ON funder_user ("user")',
    "CREATE INDEX funder_grant_site_period ON funder_grant (site, starts_on, ends_on)",
    "CREATE INDEX assessment_site_date ON assessment (site, assessed_on)",
    "CREATE INDEX voucher_site_issued ON voucher (site, issued_on)",
    "CREATE INDEX voucher_site_redeemed ON voucher (site, redeemed_on)",
]


_FUNDER_ACCOUNTS_WITH_SITES = """
SELECT u.id, u.display_name FROM app_user u
WHERE u.role = 'funder' AND EXISTS (SELECT 1 FROM user_site m WHERE m."user" = u.id)
AND NOT EXISTS (SELECT 1 FROM funder_user f WHERE f."user" = u.id)
"""


async def move_funder_sites_to_grants() -> int:
    """Each funder account that had sites gets its own funder, with a grant on each of those sites covering any
    date (2000–2099), so it sees what it saw before; its user_site rows go. Returns how many accounts moved."""
    accounts = await Table.raw(_FUNDER_ACCOUNTS_WITH_SITES)
    moment = datetime.now(UTC)
    for account in accounts:
        name = f"Financeur de {account['display_name']} (compte {account['id']})"[:200]
        created = await Table.raw(
            "INSERT INTO funder (name, type, created_at) VALUES ({}, {}, {}) RETURNING id", name, "autre", moment
        )
        funder_id = created[0]["id"]
        await Table.raw(
            "INSERT INTO funder_grant (funder, site, starts_on, ends_on, amount_cents, created_at) "
            'SELECT {}, site, {}, {}, NULL, {} FROM user_site WHERE "user" = {}',
            funder_id,
            date(2000, 1, 1),
            date(2099, 12, 31),
            moment,
            account["id"],
        )
        await Table.raw('INSERT INTO funder_user (funder, "user") VALUES ({}, {})', funder_id, account["id"])
        await Table.raw('DELETE FROM user_site WHERE "user" = {}', account["id"])
    return len(accounts)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    manager.add_raw(move_funder_sites_to_grants)
    return manager
