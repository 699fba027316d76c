"""Activities imported from a La Coop export: the round trip through our own Coop export, idempotence on the ID
CRA, the dry run, and a bad file refused whole with every bad line named."""

import csv
import io

from inclusion.activities.coop import HEADER
from inclusion.storage.tables.activities import Activity
from tests.test_coop_export import setup as two_activities

KEPT = (
    "type", "date", "duration_minutes", "place", "place_insee_code", "place_postal_code", "place_city",
    "digital_topics", "admin_topics", "devices", "procedure_name", "autonomy", "level", "referred", "title",
    "anonymous_count", "anonymous_breakdown", "note", "anonymous_person",
)  # fmt: skip


def shown(activity: dict) -> dict:
    """What the Coop's format carries of an activity (names of the present participants, the referral's type)."""
    return {name: activity[name] for name in KEPT} | {
        "people": [p["display_name"] for p in activity["participants"] if p["present"]],
        "learner": activity["learner_name"],
        "referral": (activity["referral"] or {}).get("type"),
    }


async def activities(client, headers, site) -> list[dict]:
    body = (await client.get(f"/api/v1/activities?site={site}", headers=headers)).json()
    return sorted((shown(item) for item in body["items"]), key=lambda item: item["type"])


async def test_our_coop_export_imported_elsewhere_gives_the_same_activities_once(client, make):
    """Exported in the Coop's format and imported into another site with the same people, the activities come back
    as they were (what the format carries); a dry run writes nothing; importing the file again, or into the site it
    came from, adds nothing."""
    first = await two_activities(client, make)
    other = await make.site("Médiathèque")
    for first_name, last_name in (("Marie", "Durand"), ("Paul", "Roue")):
        await make.learner(other, first_name, last_name)
    headers = await make.bearer(await make.user("coordinator", first["site"], other))
    export = await client.get(f"/api/v1/activities.coop.csv?site={first['site']}", headers=headers)
    file = export.content.decode("utf-8-sig")
    trial = await client.post(
        "/api/v1/activities/import/coop", json={"site_id": other, "dry_run": True, "csv": file}, headers=headers
    )
    assert trial.status_code == 200, trial.text
    assert trial.json() == {"dry_run": True, "lines": 5, "created": 2, "already": 0}
    assert await Activity.count().where(Activity.site == other) == 0
    done = await client.post("/api/v1/activities/import/coop", json={"site_id": other, "csv": file}, headers=headers)
    assert done.json() == {"dry_run": False, "lines": 5, "created": 2, "already": 0}
    assert await activities(client, headers, other) == await activities(client, headers, first["site"])
    again = await client.post("/api/v1/activities/import/coop", json={"site_id": other, "csv": file}, headers=headers)
    assert again.json()["created"] == 0 and again.json()["already"] == 2
    home = await client.post(
        "/api/v1/activities/import/coop", json={"site_id": first["site"], "csv": file}, headers=headers
    )
    assert home.json()["created"] == 0 and await Activity.count() == 4


async def test_a_bad_file_is_refused_whole_with_each_bad_line(client, make):
    """An unknown type, an unknown beneficiary, a bad date and an unknown device are each named with their line;
    the good activity beside them is not written."""
    first = await two_activities(client, make)
    export = await client.get(f"/api/v1/activities.coop.csv?site={first['site']}", headers=first["headers"])
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    rows[1][HEADER.index("Type")] = "Permanence"
    rows[2][HEADER.index("Bénéficiaire")] = "Inconnue Personne"
    rows[2][HEADER.index("Date")] = "31/02/2025"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    await Activity.delete(force=True)
    refused = await client.post(
        "/api/v1/activities/import/coop", json={"csv": buffer.getvalue()}, headers=first["headers"]
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["message"] == "Fichier refusé : 2 lignes en erreur, rien n'a été importé."
    messages = {detail["field"]: detail["message"] for detail in body["details"]}
    assert messages["csv[ligne 2]"].startswith("Ligne 2 : Type « Permanence » inconnu")
    text = buffer.getvalue()  # the first activity's cells hold line breaks: its second starts further down
    second = f"csv[ligne {text[: text.index('31/02/2025')].count(chr(10)) + 1}]"
    assert sorted(messages) == ["csv[ligne 2]", second] and second != "csv[ligne 3]"
    assert "Date « 31/02/2025 » illisible" in messages[second]
    assert "Bénéficiaire « Inconnue Personne » : aucune fiche de ce nom" in messages[second]
    assert await Activity.count() == 0
    empty = await client.post("/api/v1/activities/import/coop", json={"csv": "Nom;Prénom\n"}, headers=first["headers"])
    assert empty.status_code == 422 and "est-ce un export d'activités de La Coop" in empty.text


async def test_the_coops_xlsx_export_imports_too(client, make):
    """The XLSX export, sent in base64, is read like its CSV: its "Informations export" block skipped, its date
    cells read as days."""
    import base64

    first = await two_activities(client, make)
    other = await make.site("Médiathèque")
    for first_name, last_name in (("Marie", "Durand"), ("Paul", "Roue")):
        await make.learner(other, first_name, last_name)
    headers = await make.bearer(await make.user("coordinator", first["site"], other))
    workbook = (await client.get(f"/api/v1/activities.coop.xlsx?site={first['site']}", headers=headers)).content
    sent = {"site_id": other, "xlsx": base64.b64encode(workbook).decode()}
    done = await client.post("/api/v1/activities/import/coop", json=sent, headers=headers)
    assert done.json() == {"dry_run": False, "lines": 5, "created": 2, "already": 0}, done.text
    assert await activities(client, headers, other) == await activities(client, headers, first["site"])


async def test_the_import_page_checks_then_imports(client, make):
    """On /activities/import an adviser checks the Coop's beneficiaries then imports them, then the activities of a
    Coop export; a bad file is listed line by line and nothing is written."""
    from inclusion.storage.tables.learners import Learner
    from tests.support.browser import logged_in
    from tests.test_learner_import import OURS

    first = await two_activities(client, make)
    export = (await client.get(f"/api/v1/activities.coop.csv?site={first['site']}", headers=first["headers"])).content
    other = await make.site("Médiathèque")
    csrf = await logged_in(client, await make.user("adviser", other))
    assert 'href="/activities/import"' in (await client.get("/activities")).text
    form = await client.get("/activities/import")
    assert form.status_code == 200 and 'name="kind" value="learners" checked' in form.text

    async def send(kind: str, content: bytes, action: str):
        data = {"csrf_token": csrf, "kind": kind, "action": action}
        return await client.post("/activities/import", data=data, files={"file": ("f.csv", content, "text/csv")})

    checked = await send("learners", OURS.encode(), "check")
    assert "Vérification réussie" in checked.text and "2 à créer" in checked.text
    assert await Learner.count().where(Learner.site == other) == 0
    done = await send("learners", OURS.encode(), "import")
    assert "Import terminé :</strong> 2 créés, 0 déjà là" in done.text
    activities_done = await send("activities", export, "import")
    assert "Import terminé :</strong> 2 créés" in activities_done.text, activities_done.text
    assert await Activity.count().where(Activity.site == other) == 2
    refused = await send("activities", b"Date;Type\n", "import")
    assert refused.status_code == 422 and "Colonne(s) manquante(s)" in refused.text
