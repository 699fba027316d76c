from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Framework(Table):
    code = Varchar(length=64, unique=True)
    name = Varchar(length=200)
    description = Text(default="")
    is_default = Boolean(default=False)


class FrameworkVersion(Table):
    """A frozen list of competences and a level scale. No code path changes a version: edits add one."""

    framework = ForeignKey(Framework, index=True)
    number = Integer()
    is_current = Boolean(default=True)
    scale = JSON(default=[])  # [{"level": 0, "code": "non_acquis", "label": "Non acquis"}, …]
    created_at = Timestamptz(default=TimestamptzNow())


class Competence(Table):
    version = ForeignKey(FrameworkVersion, index=True)
    code = Varchar(length=32)
    position = Integer(default=0)
    domain_code = Varchar(length=32, default="")
    domain_label = Varchar(length=200, default="")
    label = Varchar(length=300)
    socle = Boolean(default=False)
    crcn_codes = JSON(default=[])
    topics = JSON(default=[])
