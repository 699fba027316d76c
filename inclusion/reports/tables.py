from piccolo.columns import JSON, Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.accounts.tables import User


class ReportShare(Table):
    """A read-only link to an outcomes report, frozen to the scope its creator had when making it.

    `scope` holds the sites and, per site, the days counted (a funder's grant windows, clipped to the period);
    `token_sha256` is the SHA-256 of the link's token, never the token itself."""

    creator = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    date_from = Date()
    date_to = Date()
    scope = JSON(default={})
    expires_on = Date()
    token_sha256 = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
