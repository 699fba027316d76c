"""A period's activities in La Coop's export format: its columns and labels, one row per accompaniment, from the
API (CSV, XLSX) and from the export page."""

import csv
import io

from inclusion.activities.coop import HEADER
from tests.support.browser import logged_in
from tests.support.clock import paris_today
from tests.support.xlsx import read_sheet

TODAY = paris_today()


async def setup(client, make) -> dict:
    """A session at a person's home (two devices, a démarche, a referral) and a workshop of two present learners, one
    absent and two people without a file."""
    site = await make.site(
        "Espace Carnot", address="12 rue Carnot", postal_code="62480", city="Le Portel", insee_code="62667"
    )
    adviser = await make.user("adviser", site)
    headers = await make.bearer(adviser)
    marie = await make.learner(site, "Marie", "Durand", gender="feminin", age_band="soixante_dix_plus",
                               social_status="retraite", insee_code="62160")  # fmt: skip
    paul, absent = await make.learner(site, "Paul", "Roue"), await make.learner(site, "Jean", "Absent")
    session = {
        "type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 50, "learner_id": marie,
        "devices": ["telephone", "ordinateur"], "place": "domicile", "place_insee_code": "62160",
        "place_postal_code": "62200", "place_city": "Boulogne-sur-Mer",
        "digital_topics": ["aide_aux_demarches_administratives"], "admin_topics": ["social_sante"],
        "procedure_name": "Déclaration trimestrielle RSA", "autonomy": "partiellement_autonome",
        "referral": {"type": "aide_sociale", "name": "CCAS"}, "note": "=HYPERLINK(\"http://x\")",
    }  # fmt: skip
    workshop = {
        "type": "collectif", "date": TODAY.isoformat(), "duration_minutes": 120, "title": "Courriels",
        "level": "debutant", "digital_topics": ["email"], "devices": ["ordinateur"],
        "participants": [{"learner_id": marie}, {"learner_id": paul}, {"learner_id": absent, "present": False}],
        "anonymous_count": 2, "anonymous_breakdown": {"gender": {"masculin": 1, "feminin": 1}},
    }  # fmt: skip
    for body in (session, workshop):
        response = await client.post("/api/v1/activities", json=body, headers=headers)
        assert response.status_code == 201, response.text
    return {"site": site, "headers": headers, "adviser": adviser}


def by_column(row: list) -> dict:
    return dict(zip(HEADER, row, strict=True))


async def test_the_coop_csv_has_one_row_per_accompaniment_in_its_words(client, make):
    """The CSV has the Coop's header; the session is one row in its labels, the workshop one row per person present
    (named, then without a file, their genders from the breakdown), and user text never runs as a formula."""
    setup_ = await setup(client, make)
    response = await client.get(f"/api/v1/activities.coop.csv?date_from={TODAY}", headers=setup_["headers"])
    assert response.status_code == 200 and "coop-activites" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER and len(rows) == 1 + 1 + 4
    session, *workshop = [by_column(row) for row in rows[1:]]
    assert session["Type"] == "Accompagnement individuel" and session["Participants"] == "1"
    assert session["Bénéficiaire"] == "Marie Durand" and session["Canaux d’accompagnement"] == "À domicile"
    assert (session["Nom du lieu"], session["Commune"], session["Code postal"], session["Code Insee"]) == (
        "",
        "Boulogne-sur-Mer",
        "62200",
        "62160",
    )
    assert session["Matériel numérique utilisé"] == "Téléphone\nOrdinateur"
    assert session["Thématique(s) d’accompagnement"] == "Aide aux démarches administratives\nSocial - Santé"
    assert session["Nom de la démarche administrative"] == "Déclaration trimestrielle RSA"
    assert session["Niveau d’autonomie (ou de l’atelier)"] == "2/3" and session["Bénéficiaire réorienté"] == "Oui"
    assert session["Structure de redirection"].startswith("Structure d’aide sociale")
    assert (session["Genre du bénéficiaire"], session["Tranche d’âge du bénéficiaire"]) == ("Féminin", "70 ans et plus")
    assert session["Statut du bénéficiaire"] == "Retraité" and session["Code Insee du bénéficiaire"] == "62160"
    assert session["Notes supplémentaires"] == '\'=HYPERLINK("http://x")' and len(session["ID CRA"]) == 36
    assert [row["Participants"] for row in workshop] == ["1/4", "2/4", "3/4", "4/4"]
    assert [row["Bénéficiaire"] for row in workshop] == ["Marie Durand", "Paul Roue"] + ["Bénéficiaire anonyme"] * 2
    assert [row["Genre du bénéficiaire"] for row in workshop[2:]] == ["Masculin", "Féminin"]
    assert {row["Nom du lieu"] for row in workshop} == {"Espace Carnot"} and workshop[0]["Commune"] == "Le Portel"
    assert {row["Niveau d’autonomie (ou de l’atelier)"] for row in workshop} == {"1/3"}
    assert {row["ID CRA"] for row in workshop} != {session["ID CRA"]} and len({r["ID CRA"] for r in workshop}) == 1
    again = await client.get(f"/api/v1/activities.coop.csv?date_from={TODAY}", headers=setup_["headers"])
    assert again.content == response.content  # the same ids at every export


async def test_the_coop_xlsx_opens_with_its_export_block_then_the_table(client, make):
    """The XLSX starts with "Informations export" (total of accompaniments) and the period, then the table with a
    date cell per row; the export page gives it under the Coop's name."""
    setup_ = await setup(client, make)
    response = await client.get(
        f"/api/v1/activities.coop.xlsx?date_from={TODAY}&date_to={TODAY}", headers=setup_["headers"]
    )
    assert response.status_code == 200
    sheet = read_sheet(response.content)
    assert sheet.rows[0][0] == "Informations export" and ["Total", 5] in [row[:2] for row in sheet.rows[:8]]
    start = next(index for index, row in enumerate(sheet.rows) if row and row[0] == "Date")
    assert sheet.rows[start] == HEADER and sheet.rows[start + 1][0] == TODAY and len(sheet.rows) == start + 6
    await logged_in(client, setup_["adviser"])
    page = await client.get("/activities/export")
    assert 'name="model" value="coop"' in page.text
    download = await client.get(f"/activities/export?date_from={TODAY}&date_to={TODAY}&format=csv&model=coop")
    assert download.status_code == 200 and "coop-activites-espace-carnot" in download.headers["content-disposition"]
    assert download.content.decode("utf-8-sig").splitlines()[0].startswith("Date;Enregistré le;")
    wrong = await client.get(f"/activities/export?date_from={TODAY}&date_to={TODAY}&format=csv&model=autre")
    assert wrong.status_code == 422 and "Choisissez le modèle : national ou La Coop." in wrong.text
