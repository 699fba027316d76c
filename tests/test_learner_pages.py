"""The learner pages: list, file with its progression chart, forms with inline errors, assessment form."""

from datetime import date

from inclusion.storage.tables.assessments import Assessment
from inclusion.storage.tables.learners import Learner
from tests.support.browser import logged_in
from tests.support.clock import paris_today


async def adviser(client, make):
    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("adviser", site))
    return site, csrf


async def test_empty_list_invites_to_create(client, make):
    """With no learner, the list says so and links to the form."""
    await adviser(client, make)
    page = await client.get("/learners")
    assert "Aucun apprenant pour l'instant." in page.text and 'href="/learners/new"' in page.text


async def test_create_a_file_from_the_form(client, make):
    """The form creates a file from a birth year and redirects to it."""
    _, csrf = await adviser(client, make)
    data = {
        "csrf_token": csrf,
        "first_name": "Lucie",
        "last_name": "Marchand",
        "birth_year": "1950",
        "gender": "feminin",
    }
    response = await client.post("/learners/new", data=data)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Lucie Marchand" in page.text and "70 ans et plus" in page.text and "Fiche enregistrée." in page.text
    assert "Aucune évaluation pour l'instant." in page.text


async def test_form_errors_show_beside_their_fields(client, make):
    """No name and a bad email are shown inline; nothing is stored."""
    _, csrf = await adviser(client, make)
    response = await client.post("/learners/new", data={"csrf_token": csrf, "email": "lucie"})
    assert response.status_code == 422
    assert 'id="email-error">Adresse électronique invalide.' in response.text
    assert 'id="last_name-error">Indiquez le prénom et le nom, ou seulement un pseudonyme.' in response.text
    year = await client.post("/learners/new", data={"csrf_token": csrf, "pseudonym": "Tulipe", "birth_year": "19x0"})
    assert year.status_code == 422 and 'id="birth_year-error">Valeur attendue : un nombre entier' in year.text
    assert await Learner.count() == 0


async def test_duplicate_asks_for_confirmation_in_the_form(client, make):
    """Filing the same person twice shows a link to the existing file; ticking the box creates it anyway."""
    site, csrf = await adviser(client, make)
    existing = await make.learner(site, "Lucie", "Marchand", birth_year=1950)
    data = {"csrf_token": csrf, "first_name": "lucie", "last_name": "MARCHAND", "birth_year": "1950"}
    response = await client.post("/learners/new", data=data)
    assert response.status_code == 409
    assert f'href="/learners/{existing}"' in response.text and 'name="confirm_duplicate"' in response.text
    confirmed = await client.post("/learners/new", data={**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 303
    assert await Learner.count() == 2


async def test_file_page_shows_progression_as_svg_and_table(client, make):
    """The file shows an SVG chart with a title and description, and the same levels as a table."""
    site, _ = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand")
    await make.assessment(learner, {"navigation": 1, "courriel": 0}, date(2025, 2, 1))
    await make.assessment(learner, {"navigation": 3, "courriel": 2}, date(2025, 6, 1), "final")
    page = await client.get(f"/learners/{learner}")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text and '<title id="chart-title">' in page.text
    assert "en progrès" in page.text
    assert "Naviguer et rechercher une information sur internet" in page.text and "1 → 3" in page.text
    assert "en fragilité numérique" in page.text


async def test_assessment_form_records_taps_and_shows_previous_levels(client, make):
    """The form shows each competence's previous level; the tapped levels are recorded."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand")
    await make.assessment(learner, {"navigation": 1}, date(2025, 2, 1))
    form = await client.get(f"/learners/{learner}/assess")
    assert "Précédemment : Entièrement accompagné (01/02/2025)" in form.text and "Jamais évaluée" in form.text
    version_id = form.text.split('name="version_id" value="')[1].split('"')[0]
    data = {
        "csrf_token": csrf, "version_id": version_id, "kind": "intermediaire", "assessed_on": paris_today().isoformat(),
        "level_navigation": "2", "level_courriel": "3", "level_visio": "",
    }  # fmt: skip
    response = await client.post(f"/learners/{learner}/assess", data=data)
    assert response.status_code == 303 and response.headers["location"] == f"/learners/{learner}?assessed=1"
    assert await Assessment.count() == 2


async def test_assessment_form_errors_stay_in_the_form(client, make):
    """Nothing tapped, or a future date, re-shows the form with the message; nothing is written."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand")
    data = {"csrf_token": csrf, "kind": "initial", "assessed_on": "2999-01-01", "level_navigation": "2"}
    response = await client.post(f"/learners/{learner}/assess", data=data)
    assert response.status_code == 422
    assert "La date d&#39;évaluation ne peut pas être dans le futur." in response.text
    assert await Assessment.count() == 0


async def test_anonymising_asks_for_confirmation(client, make):
    """The erase link leads to a confirmation page; only the POST erases."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand")
    confirm = await client.get(f"/learners/{learner}/anonymise")
    assert "Anonymiser la fiche de Lucie Marchand ?" in confirm.text
    assert (await Learner.select(Learner.first_name).first())["first_name"] == "Lucie"
    done = await client.post(f"/learners/{learner}/anonymise", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert (await Learner.select(Learner.first_name).first())["first_name"] == ""


async def test_export_page_is_readable(client, make):
    """The access-right page lists the file, its assessments and the access log."""
    site, _ = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand", phone="0611223344")
    await make.assessment(learner, {"navigation": 1})
    page = await client.get(f"/learners/{learner}/export")
    assert "Données conservées sur Lucie Marchand" in page.text and "0611223344" in page.text
    assert "Évaluations (1)" in page.text and "Journal des accès" in page.text


async def test_funders_never_see_learner_pages(client, make):
    """A funder gets a 403 page on the learner list and files."""
    site = await make.site()
    learner = await make.learner(site)
    await logged_in(client, await make.user("funder", site))
    for url in ("/learners", f"/learners/{learner}", f"/learners/{learner}/export", f"/learners/{learner}/assess"):
        assert (await client.get(url)).status_code == 403, url


async def test_coordinator_reads_the_audit_page(client, make):
    """The audit page lists who opened which file; empty filters are ignored."""
    site = await make.site()
    learner = await make.learner(site, "Lucie", "Marchand")
    await logged_in(client, await make.user("coordinator", site))
    await client.get(f"/learners/{learner}")
    page = await client.get("/audit?learner=&action=")
    assert page.status_code == 200 and f"Fiche n° {learner}" in page.text and "Consultation" in page.text
    assert "Lucie" not in page.text


async def test_merge_compares_then_merges(client, make):
    """Merging from the file shows both files first; confirming moves the duplicate's assessments."""
    site, csrf = await adviser(client, make)
    keep = await make.learner(site, "Lucie", "Marchand")
    duplicate = await make.learner(site, "Lucie", "Marchand", birth_year=1950)
    moved = await make.assessment(duplicate, {"navigation": 2})
    compare = await client.get(f"/learners/{keep}/merge?duplicate={duplicate}")
    assert compare.status_code == 200 and "Fusionner définitivement" in compare.text and "1950" in compare.text
    wrong = await client.get(f"/learners/{keep}/merge?duplicate=999999")
    assert wrong.status_code == 422 and "Aucune fiche n° 999999 sur vos sites." in wrong.text
    done = await client.post(f"/learners/{keep}/merge", data={"csrf_token": csrf, "duplicate": str(duplicate)})
    assert done.status_code == 303
    assert (await Assessment.select(Assessment.learner).where(Assessment.id == moved).first())["learner"] == keep
    page = await client.get(done.headers["location"])
    assert "Fiches fusionnées" in page.text and "1950" in page.text
