"""The Piccolo app: every table of the service, and where its migrations live."""

from piccolo.conf.apps import AppConfig

from inclusion.settings import MIGRATIONS_DIR
from inclusion.storage.tables.accounts import ApiToken, IdempotentRequest, LoginAttempt, Session, User, UserSite
from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic, SiteDay
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.certificates import Certificate, CertificateFile, VerificationLookup
from inclusion.storage.tables.feedback import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackLink,
    FeedbackOffer,
    FeedbackReceipt,
)
from inclusion.storage.tables.frameworks import Competence, Framework, FrameworkVersion
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.reports import (
    ReportMonth,
    ReportMonthChange,
    ReportMonthFigure,
    ReportMonthLearner,
    ReportRollup,
    ReportShare,
    ReportSitePart,
)
from inclusion.storage.tables.sites import Site
from inclusion.storage.tables.vouchers import Booklet, Claim, SchemeSite, Voucher, VoucherEvent, VoucherScheme

APP_CONFIG = AppConfig(
    app_name="inclusion",
    migrations_folder_path=str(MIGRATIONS_DIR / "inclusion"),
    table_classes=[
        Site,
        User,
        UserSite,
        Session,
        ApiToken,
        LoginAttempt,
        IdempotentRequest,
        Learner,
        AuditEntry,
        Framework,
        FrameworkVersion,
        Competence,
        Assessment,
        AssessmentLevel,
        Activity,
        ActivityTopic,
        ActivityParticipant,
        SiteDay,
        VoucherScheme,
        SchemeSite,
        Booklet,
        Claim,
        Voucher,
        VoucherEvent,
        Certificate,
        CertificateFile,
        VerificationLookup,
        Funder,
        Grant,
        FunderUser,
        FeedbackForm,
        FeedbackOffer,
        FeedbackLink,
        FeedbackAnswer,
        FeedbackReceipt,
        ReportShare,
        ReportMonth,
        ReportMonthChange,
        ReportMonthFigure,
        ReportMonthLearner,
        ReportSitePart,
        ReportRollup,
    ],
    migration_dependencies=[],
    commands=[],
)
