"""Build, empty and fill the test database through the real tables."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from piccolo.table import Table, sort_table_classes

from inclusion.accounts import tokens
from inclusion.audit import append_only
from inclusion.frameworks.builtin import BUILTIN
from inclusion.frameworks.services import forget_versions
from inclusion.scoping import Role
from inclusion.settings import Settings
from inclusion.storage import db, engines, migrate
from inclusion.storage.piccolo_app import APP_CONFIG
from inclusion.storage.tables.accounts import User, UserSite
from inclusion.storage.tables.feedback import FeedbackForm
from inclusion.storage.tables.frameworks import Competence, Framework, FrameworkVersion
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site
from tests.support.clock import paris_today

TEST_PASSWORD = "mot-de-passe-de-test"
_counter = itertools.count(1)


async def reset_and_migrate(url: str, secret: str) -> None:
    engine = engines.create_engine(Settings(database_url=url, secret_key=secret))
    db.bind(engine)
    await db.ping(engine)
    if db.is_sqlite(engine):
        await db.prepare(engine)
    else:
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
    await migrate.apply()


REFERENCE_TABLES = (Framework, FrameworkVersion, Competence, FeedbackForm)  # seeded by migrations: kept, restored


async def empty_tables() -> None:
    forget_versions()  # uploaded versions are dropped below, and SQLite may give their ids again
    tables = [table for table in APP_CONFIG.table_classes if table not in REFERENCE_TABLES]
    if db.is_sqlite():
        async with db.write_transaction():
            for statement in append_only.SQLITE_DROP:  # the audit log refuses DELETE, even here
                await Table.raw(statement).run()
            for table in reversed(sort_table_classes(list(tables))):
                await table.delete(force=True).run()
            for statement in append_only.SQLITE:
                await Table.raw(statement).run()
            for statement in restore_builtin_frameworks():
                await Table.raw(statement).run()
        return
    ordered = [table._meta.tablename for table in reversed(sort_table_classes(list(tables)))]
    restart = ", ".join(f"setval(pg_get_serial_sequence('\"{name}\"', 'id'), 1, false)" for name in ordered)
    statements = [  # DELETE: a few rows each; TRUNCATE of 30 tables rewrote their files, 0.2 s a test
        "TRUNCATE audit_entry",  # append-only: refuses DELETE, even here
        *(f'DELETE FROM "{name}"' for name in ordered if name != "audit_entry"),
        f"SELECT {restart}",
        *restore_builtin_frameworks(),
    ]
    connection = await db.current_engine().get_new_connection()
    try:
        await connection.execute("; ".join(statements))  # one connection, one round trip
    finally:
        await connection.close()


def restore_builtin_frameworks() -> list[str]:
    """SQL dropping the frameworks and versions a test uploaded; the seeded version 1 of each is current again."""
    builtin = ", ".join(f"'{framework['code']}'" for framework in BUILTIN)
    added = (
        "SELECT v.id FROM framework_version v JOIN framework f ON f.id = v.framework "
        f"WHERE v.number > 1 OR f.code NOT IN ({builtin})"
    )
    return [
        f"DELETE FROM competence WHERE version IN ({added})",
        f"DELETE FROM framework_version WHERE id IN ({added})",
        f"DELETE FROM framework WHERE code NOT IN ({builtin})",
        "UPDATE framework_version SET is_current = true",
        "UPDATE framework SET is_default = (code = 'autonomie_quotidien')",
    ]


class Factory:
    """Records made straight in the database, for the state a test starts from."""

    def __init__(self, password_hash: str) -> None:
        self.password_hash = password_hash

    async def site(self, name: str | None = None, **values: Any) -> int:
        site = Site(
            name=name or f"Site {next(_counter)}",
            kind=values.pop("kind", "france_services"),
            insee_code=values.pop("insee_code", "62667"),
            **values,
        )
        await site.save().run()
        return site.id

    async def user(self, role: Role | str, *site_ids: int, email: str | None = None, active: bool = True) -> dict:
        email = email or f"{Role(role).value}{next(_counter)}@test.inclusion.test"
        user = User(
            email=email, display_name=f"Personne {email.split('@')[0]}", role=Role(role).value, is_active=active
        )
        user.password_hash = self.password_hash
        await user.save().run()
        if Role(role) == Role.funder and site_ids:  # its funder's grants, one per site covering any date
            await self.funder([(site_id, date(2000, 1, 1), date(2099, 12, 31)) for site_id in site_ids], user.id)
        for site_id in site_ids if Role(role) != Role.funder else ():
            await UserSite.insert(UserSite(user=user.id, site=site_id)).run()
        return {"id": user.id, "email": email, "password": TEST_PASSWORD}

    async def funder(self, grants: list[tuple[int, date, date]], *user_ids: int, name: str = "") -> int:
        """A funder with these grants (site, first day, last day) and these accounts."""
        funder = Funder(name=name or f"Financeur {next(_counter)}", type="etat_prefecture")
        await funder.save().run()
        for site_id, starts_on, ends_on in grants:
            await Grant.insert(Grant(funder=funder.id, site=site_id, starts_on=starts_on, ends_on=ends_on)).run()
        for user_id in user_ids:
            await FunderUser.insert(FunderUser(funder=funder.id, user=user_id)).run()
        return funder.id

    async def learner(
        self, site_id: int, first_name: str = "Marie", last_name: str | None = None, **values: Any
    ) -> int:
        from datetime import date

        from inclusion.learners.names import name_key, search_key

        last_name = last_name if last_name is not None else f"Martin{next(_counter)}"
        first_visit = values.pop("first_visit_on", date(2025, 1, 6))
        learner = Learner(
            site=site_id,
            first_name=first_name,
            last_name=last_name,
            name_key=name_key(first_name, last_name),
            search_key=search_key(first_name, last_name, values.get("pseudonym", "")),
            first_visit_on=first_visit,
            last_contact_on=values.pop("last_contact_on", first_visit),
            **values,
        )
        await learner.save().run()
        return learner.id

    async def assessment(
        self, learner_id: int, levels: dict[str, int], assessed_on=None, kind: str = "initial", framework: str = ""
    ) -> int:
        from datetime import date

        from inclusion.storage.tables.assessments import Assessment, AssessmentLevel

        version = (
            await FrameworkVersion.select(FrameworkVersion.id)
            .where(
                FrameworkVersion.framework.code == (framework or "autonomie_quotidien"),
                FrameworkVersion.is_current.eq(True),
            )
            .first()
        )
        codes = await Competence.select(Competence.id, Competence.code).where(Competence.version == version["id"])
        ids = {row["code"]: row["id"] for row in codes}
        site = (await Learner.select(Learner.site).where(Learner.id == learner_id).first())["site"]
        assessment = Assessment(
            learner=learner_id, site=site, version=version["id"], assessed_on=assessed_on or date(2025, 2, 1), kind=kind
        )
        await assessment.save().run()
        await AssessmentLevel.insert(
            *[
                AssessmentLevel(assessment=assessment.id, competence=ids[code], level=level)
                for code, level in levels.items()
            ]
        ).run()
        return assessment.id

    async def activity(
        self, site_id: int, topics: tuple[str, ...] = ("navigation_sur_internet",), **values: Any
    ) -> int:
        """An activity as the rules accept it: a digital topic, and for a workshop one participant without a file
        (unless `anonymous_count` is given; add named ones with ActivityParticipant)."""
        from datetime import date

        from inclusion.storage.tables.activities import Activity, ActivityTopic

        kind = values.pop("type", "collectif")
        activity = Activity(
            site=site_id,
            type=kind,
            date=values.pop("date", date(2025, 3, 4)),
            duration_minutes=values.pop("duration_minutes", 90),
            title=values.pop("title", "Atelier découverte"),
            anonymous_count=values.pop("anonymous_count", 1 if kind == "collectif" else 0),
            **values,
        )
        await activity.save().run()
        if topics:
            await ActivityTopic.insert(
                *[ActivityTopic(activity=activity.id, kind="digital", topic=topic) for topic in topics]
            ).run()
        return activity.id

    async def scheme(self, *site_ids: int, name: str | None = None, **values: Any) -> int:
        """A voucher scheme accepted by `site_ids` (10 €, valid to 2030, 2 h per voucher unless told)."""
        from datetime import date

        from inclusion.storage.tables.vouchers import SchemeSite, VoucherScheme

        scheme = VoucherScheme(
            name=name or f"Pass numérique {next(_counter)}",
            operator=values.pop("operator", "Opérateur test"),
            face_value_cents=values.pop("face_value_cents", 1000),
            valid_until=values.pop("valid_until", date(2030, 12, 31)),
            tolerance_days=values.pop("tolerance_days", 0),
            minutes_per_voucher=values.pop("minutes_per_voucher", 120),
            **values,
        )
        await scheme.save().run()
        for site_id in site_ids:
            await SchemeSite.insert(SchemeSite(scheme=scheme.id, site=site_id)).run()
        return scheme.id

    async def booklet(self, site_id: int, scheme_id: int, numbers: list[str], **values: Any) -> int:
        """A booklet received by the site, its vouchers in stock (with their first history row)."""
        from datetime import date

        from inclusion.storage import sql
        from inclusion.storage.tables.vouchers import VoucherScheme
        from inclusion.vouchers.booklets import insert_booklets

        scheme = await VoucherScheme.select().where(VoucherScheme.id == scheme_id).first()
        row = {
            "number": values.pop("number", f"C{next(_counter)}"),
            "prescriber_name": values.pop("prescriber_name", "CAF du Pas-de-Calais"),
            "prescriber_type": values.pop("prescriber_type", "caf"),
            "received_on": values.pop("received_on", date(2025, 1, 6)),
        }
        [booklet_id] = await sql.transact(insert_booklets(None, site_id, scheme, [(row, numbers)]))
        return booklet_id

    async def voucher(
        self, site_id: int, scheme_id: int | None = None, number: str | None = None, **values: Any
    ) -> dict[str, Any]:
        """One voucher at the site (a new scheme and booklet unless given); `learner` and `issued_on` hand it."""
        from datetime import date

        from inclusion.storage.tables.vouchers import Voucher

        scheme_id = scheme_id or await self.scheme(site_id)
        number = number or f"PN-{next(_counter):06d}"
        booklet = await self.booklet(site_id, scheme_id, [number], **values.pop("booklet", {}))
        changes = dict(values)
        if changes.get("learner") is not None:
            changes.setdefault("issued_on", date(2025, 3, 1))
            changes.setdefault("status", "issued")
        if changes:
            await Voucher.update(changes).where(Voucher.booklet == booklet).run()
        row = await Voucher.select(Voucher.id, Voucher.number).where(Voucher.booklet == booklet).first()
        return {**row, "scheme_id": scheme_id, "booklet_id": booklet}

    async def certificate(self, learner_id: int, pdf: bytes = b"%PDF-1.7 factory", **values: Any) -> int:
        """An issued certificate written straight to the tables (no rendering): for scoping and lists."""
        import hashlib
        from datetime import date

        from inclusion.certificates.codes import new_code
        from inclusion.storage.tables.certificates import Certificate, CertificateFile

        site = (await Learner.select(Learner.site).where(Learner.id == learner_id).first())["site"]
        code = values.pop("code", new_code())
        snapshot = {"issued_on": paris_today().isoformat(), "learner": {"public_name": "Marie M."}, "code": code}
        certificate = Certificate(
            site=site,
            learner=learner_id,
            code=code,
            period_start=values.pop("period_start", date(2025, 1, 6)),
            period_end=values.pop("period_end", date(2025, 6, 30)),
            snapshot=values.pop("snapshot", snapshot),
            sha256=hashlib.sha256(pdf).hexdigest(),
            size_bytes=len(pdf),
            **values,
        )
        await certificate.save().run()
        await CertificateFile.insert(CertificateFile(certificate=certificate.id, pdf=pdf)).run()
        return certificate.id

    async def bearer(self, user: dict) -> dict[str, str]:
        raw, _ = await tokens.create_token(user["id"], "tests")
        return {"Authorization": f"Bearer {raw}"}


async def create_postgres_database(template_url: str):
    """Create an empty database beside the test one; return its URL and a coroutine function dropping it."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    parts = urlsplit(template_url)
    name = f"inclusion_fresh_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop
