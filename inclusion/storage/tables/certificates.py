from piccolo.columns import JSON, Bytea, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


class Certificate(Table):
    """An issued progress certificate: what it certified is frozen in `snapshot`; the PDF's SHA-256 proves it.

    `code` is unique (index in the migration). Revocation sets `revoked_at`; nothing else ever changes,
    except that erasing the learner's file blanks the names in the snapshot."""

    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    learner = ForeignKey(Learner, index=True, on_delete=OnDelete.restrict)
    code = Varchar(length=24)
    period_start = Date()
    period_end = Date()
    snapshot = JSON(default={})
    sha256 = Varchar(length=64)
    size_bytes = Integer(default=0)
    issued_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    issued_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    revoke_reason = Text(default="")


class CertificateFile(Table):
    """The issued PDF, byte for byte, apart from the certificate so lists never load it (unique per certificate)."""

    certificate = ForeignKey(Certificate, on_delete=OnDelete.cascade)
    pdf = Bytea()


class VerificationLookup(Table):
    """One look-up on the public verification page, kept for the rate limit per address."""

    ip = Varchar(length=64)
    looked_up_at = Timestamptz(default=TimestamptzNow(), index=True)
