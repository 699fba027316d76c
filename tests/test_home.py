"""The home page is "today" for each role: what to record, whom to reassess, which Pass end soon, for the
coordinator the claims to send and the week's figures, for a funder the report's headline and never a name."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from inclusion.app import create_app
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.storage.tables.frameworks import Competence, FrameworkVersion
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.vouchers import Voucher
from tests.support.browser import logged_in
from tests.support.clock import paris_today

SOCLE_OK = {"appareil": 3, "navigation": 3, "courriel": 3, "comptes": 3, "demarche": 3, "arnaques": 3}


def block(page: str, title: str) -> str:
    """The text of the home block whose heading is `title`, tags removed."""
    for section in re.findall(r"<section.*?</section>", page, re.S):
        if f">{title}</h2>" in section:
            return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)))
    raise AssertionError(f"no block « {title} »")


def client_of(settings, **changes) -> AsyncTestClient:
    """A client on an app built with these settings changed (the shared app keeps the defaults)."""
    client = AsyncTestClient(app=create_app(settings.with_changes(**changes)))
    client.follow_redirects = False  # as the `client` fixture: `logged_in` looks at the login's redirect
    return client


def monday() -> object:
    today = paris_today()
    return today - timedelta(days=today.weekday())


async def test_adviser_home_shows_what_to_do_today(client, make):
    """Record buttons, the learner search, the week's activities, who to reassess and Pass ending soon."""
    site, other = await make.site("Espace Carnot"), await make.site("Ailleurs")
    today = paris_today()
    aline = await make.learner(site, "Aline", "Seance")
    await make.activity(site, type="individuel", learner=aline, date=today, title="")
    workshop = await make.activity(site, date=monday(), title="Premiers pas sur le smartphone", anonymous_count=2)
    await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=aline, present=True)).run()
    old = await make.learner(site, "Bruno", "Ancien")
    await make.assessment(old, SOCLE_OK, today - timedelta(days=120))
    fragile = await make.learner(site, "Chloe", "Fragile")
    await make.assessment(fragile, {**SOCLE_OK, "demarche": 1}, today - timedelta(days=3))
    fine = await make.learner(site, "Denis", "Autonome")
    await make.assessment(fine, SOCLE_OK, today - timedelta(days=3))
    scheme = await make.scheme(site, name="Chèque numérique", valid_until=today + timedelta(days=10))
    await make.voucher(site, scheme, "CN-0001", learner=aline, issued_on=today - timedelta(days=20))
    await make.voucher(site, scheme, "CN-0002")  # in stock: nobody to remind
    stranger = await make.learner(other, "Zoe", "Etrangere")
    await make.assessment(stranger, {"demarche": 0}, today)
    await make.activity(other, date=today, title="Atelier d'ailleurs")
    await logged_in(client, await make.user("adviser", site))

    page = (await client.get("/")).text
    assert 'href="/activities/new/workshop"' in page and 'href="/activities/new/session"' in page
    assert re.search(r'<form[^>]*action="/learners"[^>]*role="search"', page) and 'name="q"' in page
    week = block(page, "Cette semaine")
    assert "Séance : Aline Seance" in week and "Premiers pas sur le smartphone" in week
    assert "1 présent + 2 anonymes" in week and f'href="/activities?week={monday().isoformat()}"' in page
    due = block(page, "À réévaluer")
    assert "Bruno Ancien" in due and "Chloe Fragile" in due and "Socle à consolider" in due
    assert "Denis Autonome" not in due
    assert f'href="/learners/{fragile}/assess"' in page and f'href="/learners/{old}/assess"' in page
    expiring = block(page, "Pass numérique qui expirent bientôt")
    assert "Aline Seance" in expiring and "CN-0001" in expiring and "CN-0002" not in expiring
    assert "Etrangere" not in page and "Atelier d'ailleurs" not in page  # another site never shows
    assert "Demandes de remboursement" not in page and "La semaine en chiffres" not in page


async def test_reassessment_list_is_capped_and_links_to_all(client, make):
    """Six learners on the home page, those seen most recently first, then "voir tous" a page away."""
    site = await make.site()
    today = paris_today()
    for number in range(8):
        seen = today - timedelta(days=number)
        learner = await make.learner(site, "Personne", f"Numero{number}", first_visit_on=seen)
        await make.assessment(learner, {"navigation": 1}, today - timedelta(days=200))
    await logged_in(client, await make.user("adviser", site))
    due = block((await client.get("/")).text, "À réévaluer")
    assert due.count("Évaluer") == 6 and "Voir tous les apprenants à réévaluer" in due
    assert "Numero0" in due and "Numero5" in due and "Numero6" not in due
    everyone = (await client.get("/learners/due")).text
    assert all(f"Numero{number}" in everyone for number in range(8)) and "Suivants" not in everyone


async def test_whole_reassessment_list_pages_without_losing_anyone(client, make):
    """55 learners due: 50 on the first page, the other 5 on the next, each once."""
    site = await make.site()
    await cohort(site, fragile_at_entry=0, fragile_at_latest=55, size=55)
    await logged_in(client, await make.user("adviser", site))
    first = (await client.get("/learners/due")).text
    following = re.search(r'href="(/learners/due\?after=[^"]+)">Suivants', first).group(1)
    second = (await client.get(following.replace("&amp;", "&"))).text
    names = re.findall(r">Lucienne (Cohorte\d+)<", first) + re.findall(r">Lucienne (Cohorte\d+)<", second)
    assert len(re.findall(r">Lucienne (Cohorte\d+)<", first)) == 50
    assert sorted(names) == sorted(f"Cohorte{number}" for number in range(55))
    assert "Suivants" not in second and "Revenir au début" in second


async def test_reassessment_delay_is_the_setting(app, settings, make):
    """A learner autonomous on the socle is due once INCLUSION_REASSESS_AFTER_DAYS have passed, not before."""
    site = await make.site()
    learner = await make.learner(site, "Aline", "Trente")
    await make.assessment(learner, SOCLE_OK, paris_today() - timedelta(days=30))
    user = await make.user("adviser", site)
    for days, due in ((90, False), (20, True)):
        async with client_of(settings, reassess_after_days=days) as client:
            await logged_in(client, user)
            assert ("Aline Trente" in block((await client.get("/")).text, "À réévaluer")) is due


async def test_empty_home_explains_each_block(client, make):
    """With nothing recorded yet, each block says what it is for and what to do."""
    await logged_in(client, await make.user("adviser", await make.site()))
    page = (await client.get("/")).text
    assert "Aucune activité enregistrée cette semaine" in block(page, "Cette semaine")
    assert "Personne à réévaluer pour l'instant" in block(page, "À réévaluer")
    assert "n'expire dans les 30 prochains jours" in block(page, "Pass numérique qui expirent bientôt")


async def test_coordinator_sees_claims_to_send_and_the_weeks_figures(client, make):
    """Redeemed Pass on no claim, per scheme with their value, and this week against last week."""
    site, other = await make.site(), await make.site()
    today = paris_today()
    scheme = await make.scheme(site, name="Pass numérique", face_value_cents=1000)
    for number in ("PN-1", "PN-2", "PN-3"):
        voucher = await make.voucher(site, scheme, number)
        await Voucher.update({Voucher.status: "redeemed"}).where(Voucher.id == voucher["id"]).run()
    elsewhere = await make.voucher(other, await make.scheme(other, name="Pass d'ailleurs"), "PA-1")
    await Voucher.update({Voucher.status: "redeemed"}).where(Voucher.id == elsewhere["id"]).run()
    aline = await make.learner(site, "Aline", "Vue", first_visit_on=today)
    bruno = await make.learner(site, "Bruno", "Vu", first_visit_on=monday() - timedelta(days=3))
    await make.activity(site, type="individuel", learner=aline, date=today, duration_minutes=45, title="")
    workshop = await make.activity(site, date=today, duration_minutes=120)
    for learner in (aline, bruno):
        await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=learner, present=True)).run()
    await make.activity(site, type="individuel", learner=bruno, date=monday() - timedelta(days=4), title="")
    await make.activity(other, date=today)
    await logged_in(client, await make.user("coordinator", site))
    page = (await client.get("/")).text
    claims = block(page, "Demandes de remboursement à préparer")
    assert "Pass numérique 3 Pass · 30,00" in claims and "ailleurs" not in claims and 'href="/claims"' in page
    figures = block(page, "La semaine en chiffres")
    expected = [
        ("Activités", 2, 1),
        ("Ateliers", 1, 0),
        ("Séances individuelles", 1, 1),
        ("Personnes accompagnées", 2, 1),
        ("Heures", "2 h 45", "1 h 30"),
        ("Nouveaux apprenants", 1, 1),
    ]
    for label, this_week, last_week in expected:
        assert f"{label} {this_week} {last_week} " in figures, figures
    assert 'href="/team"' in page


async def test_admin_sees_every_site_and_the_team(client, make):
    """The administrator's home covers every site and links to the team page."""
    first, second = await make.site(), await make.site()
    for site, name in ((first, "Aline Premier"), (second, "Bruno Second")):
        learner = await make.learner(site, *name.split())
        await make.assessment(learner, {"navigation": 0}, paris_today())
    await logged_in(client, await make.user("admin"))
    page = (await client.get("/")).text
    due = block(page, "À réévaluer")
    assert "Aline Premier" in due and "Bruno Second" in due
    assert "La semaine en chiffres" in page and 'href="/team"' in page


async def cohort(site: int, fragile_at_entry: int, fragile_at_latest: int, size: int) -> None:
    """`size` learners assessed twice: the first `fragile_at_entry` fragile at first, `fragile_at_latest` at last.
    Written in four statements (one per table): on PostgreSQL each factory call opens a connection."""
    today = paris_today()
    version = (
        await FrameworkVersion.select(FrameworkVersion.id)
        .where(FrameworkVersion.framework.code == "autonomie_quotidien", FrameworkVersion.is_current.eq(True))
        .first()
    )
    competences = await Competence.select(Competence.id, Competence.code).where(Competence.version == version["id"])
    ids = {row["code"]: row["id"] for row in competences}
    learners = [
        Learner(site=site, first_name="Lucienne", last_name=f"Cohorte{n}", first_visit_on=today, last_contact_on=today)
        for n in range(size)
    ]
    learner_ids = [row["id"] for row in await Learner.insert(*learners).returning(Learner.id).run()]
    moments = [
        (today - timedelta(days=60), "initial", fragile_at_entry),
        (today - timedelta(days=5), "final", fragile_at_latest),
    ]
    assessments = [
        Assessment(learner=learner, site=site, version=version["id"], assessed_on=day, kind=kind)
        for learner in learner_ids
        for day, kind, _ in moments
    ]
    assessment_ids = [row["id"] for row in await Assessment.insert(*assessments).returning(Assessment.id).run()]
    levels = []
    for index, assessment in enumerate(assessment_ids):
        number, (_, _, fragile) = divmod(index, 2)[0], moments[index % 2]
        for code, level in SOCLE_OK.items():
            low = code == "demarche" and number < fragile
            levels.append(AssessmentLevel(assessment=assessment, competence=ids[code], level=1 if low else level))
    await AssessmentLevel.insert(*levels).run()


async def test_funder_home_gives_the_reports_headline_and_no_name(app, settings, make):
    """The funder's home shows the report's own paired fragility cells, intervals and its sentence; no name."""
    site = await make.site()
    await cohort(site, fragile_at_entry=20, fragile_at_latest=6, size=30)
    funder = await make.user("funder", site)
    async with client_of(settings, small_cell_k=3) as client:
        await logged_in(client, funder)
        page = (await client.get("/")).text
        report = (await client.get("/reports/outcomes")).text
    headline = block(page, "La fracture numérique se réduit-elle ?")
    assert "66,7 % [48,8 – 80,8] (20 sur 30)" in headline and "20,0 % [9,5 – 37,3] (6 sur 30)" in headline
    assert "66,7 % [48,8 – 80,8]" in report and "20,0 % [9,5 – 37,3]" in report  # the report's own figures
    assert (
        "Sur 30 personnes évaluées deux fois, la part en fragilité numérique est passée de 66,7 % à 20,0 % : "
        "la fracture numérique se réduit." in headline
    )
    assert 'href="/reports/outcomes"' in page
    assert "Lucienne" not in page and "Cohorte" not in page
    assert "Enregistrer un atelier" not in page and "À réévaluer" not in page


async def test_funder_home_keeps_hidden_cells_hidden(client, make):
    """With fewer learners than K, the headline shows the report's mark "s", not the figures."""
    site = await make.site()
    await cohort(site, fragile_at_entry=4, fragile_at_latest=1, size=5)
    await logged_in(client, await make.user("funder", site))
    headline = block((await client.get("/")).text, "La fracture numérique se réduit-elle ?")
    assert " s (s sur s) " in headline
    assert "Trop peu de personnes ont été évaluées deux fois" in headline
    assert not re.search(r"\b(80|20|5|4|1) ?%", headline)
