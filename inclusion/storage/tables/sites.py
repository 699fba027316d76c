from piccolo.columns import JSON, Boolean, DoublePrecision, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Site(Table):
    """A place where advisers work: a France Services, a library, a digital bus…

    The fields after `opening_hours` are those of the national "lieux de médiation numérique" standard
    (v1.0.2); their lists hold the standard's own values (`inclusion/sites/standard.py`)."""

    name = Varchar(length=200)
    kind = Varchar(length=32)
    address = Varchar(length=300, default="")
    postal_code = Varchar(length=5, default="")
    city = Varchar(length=120, default="")
    insee_code = Varchar(length=5, index=True)
    siret = Varchar(length=14, null=True, default=None)
    itinerant = Boolean(default=False)
    opening_hours = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    rna = Varchar(length=10, null=True, default=None)  # an association without SIRET: W + 9 characters
    address_complement = Varchar(length=300, default="")
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    typologies = JSON(default=[])
    summary = Varchar(length=280, default="")
    phone = Varchar(length=16, default="")  # international form, +33…
    email = Varchar(length=254, default="")
    website = Varchar(length=300, default="")
    services = JSON(default=[])
    publics = JSON(default=[])
    specific_support = JSON(default=[])
    fees = JSON(default=[])
    access_modes = JSON(default=[])
    support_modes = JSON(default=[])
    national_programmes = JSON(default=[])
    calendar_public = Boolean(default=False)
    calendar_token = Varchar(length=64, null=True, default=None, index=True)  # of the public feed URL
