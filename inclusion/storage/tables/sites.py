from piccolo.columns import JSON, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Site(Table):
    """A place where advisers work: a France Services, a library, a digital bus…"""

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
