from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site


class Funder(Table):
    """Who pays for the work: a prefecture, a département, a commune, a CAF, a foundation…"""

    name = Varchar(length=200)
    type = Varchar(length=16)
    created_at = Timestamptz(default=TimestamptzNow())


class Grant(Table, tablename="funder_grant"):
    """A funder pays for one site over a period (both days included). `grant` is an SQL keyword: hence the name."""

    funder = ForeignKey(Funder, index=True, on_delete=OnDelete.cascade)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.cascade)
    starts_on = Date()
    ends_on = Date()
    amount_cents = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class FunderUser(Table):
    """A funder account belongs to one funder (unique per user: index in the migration)."""

    funder = ForeignKey(Funder, index=True, on_delete=OnDelete.cascade)
    user = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
