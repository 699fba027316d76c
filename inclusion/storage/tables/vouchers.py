from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


class VoucherScheme(Table):
    """A voucher scheme (dispositif): a Pass numérique, a département's chèque numérique…"""

    name = Varchar(length=200)
    operator = Varchar(length=200, default="")
    face_value_cents = Integer()
    valid_until = Date()
    tolerance_days = Integer(default=0)
    minutes_per_voucher = Integer()  # how much activity one voucher pays for
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SchemeSite(Table):
    """A site that accepts a scheme (unique per pair)."""

    scheme = ForeignKey(VoucherScheme, index=True, on_delete=OnDelete.cascade)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.cascade)


class Booklet(Table):
    """A booklet (carnet) a site received from a prescriber (number unique per scheme)."""

    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    scheme = ForeignKey(VoucherScheme, index=True, on_delete=OnDelete.restrict)
    number = Varchar(length=40)
    prescriber_name = Varchar(length=200)
    prescriber_type = Varchar(length=16)
    received_on = Date()
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Claim(Table):
    """A reimbursement claim (bordereau) of one site for one scheme and one period."""

    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    scheme = ForeignKey(VoucherScheme, index=True, on_delete=OnDelete.restrict)
    date_from = Date()
    date_to = Date()
    status = Varchar(length=8, default="open")
    voucher_count = Integer(default=0)
    total_cents = Integer(default=0)
    paid_amount_cents = Integer(null=True, default=None)
    paid_on = Date(null=True, default=None)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Voucher(Table):
    """One voucher. Its status only moves by conditional UPDATEs (see vouchers/lifecycle.py): never twice."""

    # no single-column index on scheme: SQLite would name it "voucher_scheme", the schemes table's name;
    # the unique (scheme, number) index serves lookups by scheme
    scheme = ForeignKey(VoucherScheme, on_delete=OnDelete.restrict)
    booklet = ForeignKey(Booklet, index=True, on_delete=OnDelete.restrict)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)  # the booklet's site, for scoping
    number = Varchar(length=40, index=True)
    value_cents = Integer()  # the scheme's face value when the booklet arrived
    status = Varchar(length=16, default="in_stock", index=True)
    learner = ForeignKey(Learner, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    issued_on = Date(null=True, default=None)
    activity = ForeignKey(Activity, null=True, default=None, on_delete=OnDelete.restrict)  # indexed with learner
    redeemed_on = Date(null=True, default=None)  # the activity's date
    claim = ForeignKey(Claim, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    ended_on = Date(null=True, default=None)  # expired or cancelled on
    updated_at = Timestamptz(default=TimestamptzNow())


class VoucherEvent(Table):
    """One transition of a voucher's life: from, to, when, who, and what it concerned."""

    voucher = ForeignKey(Voucher, index=True, on_delete=OnDelete.restrict)
    from_status = Varchar(length=16, null=True, default=None)
    to_status = Varchar(length=16)
    at = Timestamptz(default=TimestamptzNow())
    actor = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    actor_email = Varchar(length=254, default="")
    learner = ForeignKey(Learner, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    activity = ForeignKey(Activity, null=True, default=None, on_delete=OnDelete.restrict)
    claim = ForeignKey(Claim, null=True, default=None, on_delete=OnDelete.restrict)
    note = Varchar(length=300, default="")
