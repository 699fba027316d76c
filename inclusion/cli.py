"""The `inclusion` command: serve, migrate, demo data, purge, backups, voucher expiry, accounts and API tokens."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from inclusion import clock
from inclusion.commands.french import Group, speak_french
from inclusion.errors import DomainError, InvalidData
from inclusion.settings import Settings, SettingsError
from inclusion.storage import db, engines
from inclusion.storage import migrate as migrations
from inclusion.storage.db import DatabaseUnreachable

speak_french()  # click's own words ("Usage:", "Options", its errors) in French too
CONTEXT = {"help_option_names": ["-h", "--help"]}
OPTION_OF = {
    "site_ids": "--site",
    "display_name": "--name",
    "role": "--role",
    "name": "--name",
    "expires_on": "--expires",
    "password": "mot de passe",
}


def fail(message: str, code: int = 1) -> None:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(code)


def load_settings() -> Settings:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        fail(str(error), 2)
        raise  # unreachable
    clock.use_zone(settings.time_zone)
    return settings


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    async def then_close() -> Any:
        try:
            return await coroutine
        finally:
            if db.is_bound():
                await db.close(db.current_engine())

    try:
        return asyncio.run(then_close())
    except DatabaseUnreachable as error:
        fail(str(error))
    except InvalidData as error:
        fail("\n".join(f"{OPTION_OF.get(field, field)} : {message}" for field, message in error.fields.items()))
    except DomainError as error:
        fail(error.message)


async def connect(settings: Settings) -> None:
    """Bind the tables to the configured database and make sure it answers."""
    engine = engines.create_engine(settings)
    db.bind(engine)
    await db.ping(engine)
    await db.prepare(engine)


@click.group(cls=Group, context_settings=CONTEXT, help="inclusion : suivi de l'accompagnement au numérique.")
def main() -> None:
    pass


@main.command(help="Applique les migrations puis sert l'application web.")
@click.option(
    "--host", default=None, metavar="ADRESSE", help="Adresse d'écoute (défaut : INCLUSION_HOST ou 127.0.0.1)."
)
@click.option("--port", type=int, default=None, metavar="PORT", help="Port d'écoute (défaut : INCLUSION_PORT ou 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N", help="Nombre de processus.")
@click.option("--no-demo", is_flag=True, help="Ne pas créer les données de démonstration au premier démarrage.")
def serve(host: str | None, port: int | None, workers: int | None, no_demo: bool) -> None:
    import uvicorn

    from inclusion.demo import seed as demo
    from inclusion.logs import logging_config

    settings = load_settings()
    settings = settings.with_changes(
        host=host or settings.host, port=port or settings.port, workers=workers or settings.workers
    )

    async def prepare() -> bool:
        await connect(settings)
        await migrations.apply()
        if settings.is_production or no_demo or await demo.has_users():
            return False
        await demo.seed_demo(settings.base_url)
        return True

    seeded = run(prepare())
    click.echo(f"inclusion est prêt : {settings.base_url}/")
    if seeded:
        click.echo(f"Données de démonstration créées. Comptes (mot de passe : {demo.DEMO_PASSWORD}) :")
        for account in demo.ACCOUNTS:
            click.echo(f"  {account.email:<36} {account.role_label}")
    if settings.workers == 1:
        from inclusion.app import create_app

        target: Any = create_app(settings)
        factory = False
    else:
        target, factory = "inclusion.asgi:app_from_env", True
    uvicorn.run(
        target,
        factory=factory,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        log_config=logging_config(settings),
        log_level=settings.log_level.lower(),
        access_log=False,  # the app writes its own access line, with the request id and without the query string
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


@main.command(help="Applique les migrations en attente (--check : vérifie seulement).")
@click.option(
    "--check", is_flag=True, help="Sortie non nulle si des migrations manquent ou ne décrivent pas les tables."
)
def migrate(check: bool) -> None:
    settings = load_settings()

    async def go() -> list[str]:
        await connect(settings)
        if not check:
            await migrations.apply(verbose=True)
            return []
        problems = [f"migration non appliquée : {name}" for name in await migrations.pending()]
        problems += [f"changement de table sans migration : {line}" for line in await migrations.drift()]
        return problems

    problems = run(go())
    if problems:
        fail("La base et les migrations ne concordent pas :\n  " + "\n  ".join(problems))
    click.echo("Base à jour : migrations appliquées et conformes aux tables." if check else "Migrations appliquées.")


@main.command(help="Crée les données de démonstration (sans effet si elles existent déjà).")
def demo() -> None:
    from inclusion.demo import seed as demo_data

    settings = load_settings()
    if settings.is_production:
        fail("Les données de démonstration sont refusées en production (INCLUSION_ENV=production).")

    async def go() -> int:
        await connect(settings)
        await migrations.apply()
        return await demo_data.seed_demo(settings.base_url)

    added = run(go())
    click.echo(f"Données de démonstration : {added} enregistrement(s) ajouté(s).")
    for account in demo_data.ACCOUNTS:
        click.echo(f"  {account.email:<36} {account.role_label} (mot de passe : {demo_data.DEMO_PASSWORD})")


@main.command(help="Anonymise les fiches sans contact depuis INCLUSION_RETENTION_MONTHS mois (24 par défaut).")
@click.option("--dry-run", is_flag=True, help="Affiche combien de fiches seraient anonymisées, sans rien changer.")
def purge(dry_run: bool) -> None:
    from inclusion.learners.retention import purge as purge_learners

    settings = load_settings()

    async def go() -> int:
        await connect(settings)
        return await purge_learners(settings.retention_months, dry_run)

    count = run(go())
    months = settings.retention_months
    if dry_run:
        click.echo(f"{count} fiche(s) sans contact depuis {months} mois seraient anonymisée(s) (simulation).")
    else:
        click.echo(f"{count} fiche(s) sans contact depuis {months} mois anonymisée(s).")


@main.command(
    help="Sauvegarde toute la base dans un fichier, service en marche (SQLite : copie en ligne ; PostgreSQL : pg_dump)."
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER")
def backup(path: Path) -> None:
    from inclusion.storage import backups

    settings = load_settings()
    try:
        size = backups.backup(settings.database_url, path)
    except backups.BackupFailed as error:
        fail(error.message)
    click.echo(f"Sauvegarde écrite : {path} ({size:,} octets).".replace(",", " "))


@main.command(help="Remplace toutes les données par celles d'une sauvegarde. Arrêtez le service avant.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER")
@click.option("--yes", is_flag=True, help="Confirme le remplacement de toutes les données, sans question.")
def restore(path: Path, yes: bool) -> None:
    from inclusion.storage import backups

    settings = load_settings()
    if not yes and not click.confirm("Toutes les données actuelles seront remplacées par la sauvegarde. Continuer ?"):
        fail("Restauration annulée : aucune donnée n'a été modifiée.")
    try:
        backups.restore(settings.database_url, path)
    except backups.BackupFailed as error:
        fail(error.message)
    click.echo(f"Données restaurées depuis {path}.")


@main.group(context_settings=CONTEXT, help="Pass numérique.")
def vouchers() -> None:
    pass


@vouchers.command("expire", help="Marque expirés les Pass en stock ou remis après leur fin de validité et tolérance.")
def expire_vouchers() -> None:
    from inclusion.vouchers.expiry import expire

    settings = load_settings()

    async def go() -> int:
        await connect(settings)
        return await expire()

    count = run(go())
    click.echo(f"{count} Pass expiré(s).")


@main.group(context_settings=CONTEXT, help="Rapports d'impact.")
def reports() -> None:
    pass


@reports.command(
    "rebuild",
    help="Calcule et enregistre les chiffres des rapports des 12 derniers mois (après un import en masse ou une "
    "restauration).",
)
def rebuild_reports() -> None:
    from inclusion.reports.rebuild import rebuild

    settings = load_settings()

    async def go() -> dict[str, int]:
        await connect(settings)
        return await rebuild(clock.today(), click.echo)

    run(go())


@main.group(context_settings=CONTEXT, help="Comptes utilisateurs.")
def user() -> None:
    pass


@user.command("create", help="Crée un compte ; le mot de passe est demandé, ou généré et affiché une fois.")
@click.argument("email")
@click.option("--name", "display_name", required=True, metavar="NOM", help="Nom affiché.")
@click.option(
    "--role",
    type=click.Choice(["admin", "coordinator", "adviser", "funder"]),
    required=True,
    help="Rôle : admin, coordinator (coordinateur), adviser (conseiller), funder (financeur).",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="SITE",
    help="Site (identifiant ou nom exact) ; répétable. Pas pour un financeur : ses subventions donnent ses sites.",
)
@click.option("--generate-password", is_flag=True, help="Génère le mot de passe au lieu de le demander.")
def create_user(email: str, display_name: str, role: str, sites: tuple[str, ...], generate_password: bool) -> None:
    from inclusion.accounts import passwords, users
    from inclusion.scoping import Role
    from inclusion.storage.tables.sites import Site

    settings = load_settings()
    generated = generate_password or not sys.stdin.isatty()
    if generated:
        password = passwords.generate_password()
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")
        if problem := passwords.password_problem(password, email):
            fail(f"Mot de passe refusé : {problem}")

    async def go() -> dict[str, Any]:
        await connect(settings)
        site_ids = []
        for site in sites:
            clause = Site.id == int(site) if site.isdigit() else Site.name == site
            row = await Site.select(Site.id).where(clause).first().run()
            if row is None:
                raise InvalidData({"--site": f"site inconnu : {site}"})
            site_ids.append(row["id"])
        return await users.create_user(email, display_name, Role(role), site_ids, password)

    row = run(go())
    click.echo(f"Compte créé : {row['email']} ({role}, sites {row['site_ids'] or 'aucun'}).")
    if generated:
        click.echo(f"Mot de passe (affiché une seule fois) : {password}")


@main.group(context_settings=CONTEXT, help="Tokens d'API personnels.")
def token() -> None:
    pass


def expiry_day(raw: str | None) -> Any:
    """`--expires`: a number of days from today, or a last valid day AAAA-MM-JJ."""
    from datetime import date, timedelta

    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return clock.today() + timedelta(days=int(raw))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"--expires : « {raw} » n'est ni un nombre de jours ni une date AAAA-MM-JJ.")


@token.command("create", help="Crée un token d'API pour un compte et l'affiche une seule fois.")
@click.argument("email")
@click.option("--name", default="CLI", show_default=True, metavar="NOM", help="Nom du token, pour le reconnaître.")
@click.option(
    "--expires",
    default=None,
    metavar="JOURS|AAAA-MM-JJ",
    help="Expiration : un nombre de jours (90) ou le dernier jour de validité (AAAA-MM-JJ). Défaut : jamais.",
)
def create_token(email: str, name: str, expires: str | None) -> None:
    from inclusion.accounts import tokens

    settings = load_settings()
    expires_on = expiry_day(expires)

    async def go() -> str:
        await connect(settings)
        user_id = await tokens.user_id_by_email(email)
        if user_id is None:
            raise InvalidData({"email": f"aucun compte pour {email}"})
        raw, _ = await tokens.create_token(user_id, name, expires_on)
        return raw

    raw = run(go())
    if expires_on is not None:
        click.echo(f"Valable jusqu'au {expires_on:%d/%m/%Y} inclus.")
    click.echo(f"Token (affiché une seule fois) : {raw}")


@main.command(
    help="Délivre les attestations des apprenants d'un site actifs depuis une date, dans un dossier ou un ZIP."
)
@click.option("--site", "site", required=True, metavar="SITE", help="Site (identifiant ou nom exact).")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    metavar="AAAA-MM-JJ",
    help="Activité ou évaluation depuis (AAAA-MM-JJ).",
)
@click.option(
    "--by", "by", required=True, metavar="ADRESSE", help="Adresse du compte qui délivre et signe les attestations."
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    metavar="CHEMIN",
    help="Dossier, ou fichier .zip, où écrire les PDF.",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, metavar="N", help="Processus de rendu."
)
def certificates(site: str, since: datetime, by: str, output: Path, workers: int) -> None:
    from inclusion.certificates.command import issue_batch, summary_lines

    settings = load_settings()
    summary = run(issue_batch(settings, site, since.date(), by, output, workers, connect))
    click.echo("\n".join(summary_lines(summary, output)))
    for learner_id, reason in summary["refused"]:
        click.echo(f"  fiche {learner_id} : {reason}", err=True)
