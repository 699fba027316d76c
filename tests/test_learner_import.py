"""Learner files from a spreadsheet, in our template or La Coop's beneficiary import template: all or nothing,
every bad line named, a dry run, and a second import that changes nothing."""

from inclusion.storage.tables.learners import Learner

OURS = """nom;prenom;annee_naissance;genre;tranche_age;statut;code_insee;telephone;email;notes
Durand;Marie;1950;feminin;;retraite;62667;0601020304;marie@example.org;Vient le mardi
Roue;Paul;;Masculin;40 - 59 ans;En emploi;;;;
"""
COOP = """Instructions d'utilisation :;;;;;;;;;
Nom;Prénom;Année de naissance;Commune;Code INSEE;Code postal;N° de téléphone;E-mail;Genre;Notes supplémentaires
Blaziert;Léa;1990;Bourg-en-Bresse;01053;01000;0102030405;;Féminin;
Martin;Jean;;;;;;;N;
"""


async def test_our_template_and_the_coops_import_once(client, make):
    """Both templates make their files (the Coop's gender read from its first letter); a dry run writes nothing;
    importing again adds nobody."""
    site = await make.site("Espace Carnot")
    headers = await make.bearer(await make.user("adviser", site))
    trial = await client.post("/api/v1/learners/import", json={"csv": OURS, "dry_run": True}, headers=headers)
    assert trial.status_code == 200, trial.text
    assert trial.json() == {"dry_run": True, "lines": 2, "created": 2, "already": 0} and await Learner.count() == 0
    for text in (OURS, COOP):
        done = await client.post("/api/v1/learners/import", json={"csv": text}, headers=headers)
        assert done.json()["created"] == 2, done.text
    rows = {row["last_name"]: row for row in await Learner.select().where(Learner.site == site)}
    marie, paul, lea = rows["Durand"], rows["Roue"], rows["Blaziert"]
    assert (marie["birth_year"], marie["age_band"], marie["social_status"], marie["insee_code"]) == (
        1950,
        "soixante_dix_plus",
        "retraite",
        "62667",
    )
    assert (paul["gender"], paul["age_band"], paul["social_status"]) == (
        "masculin",
        "quarante_cinquante_neuf",
        "en_emploi",
    )
    assert (lea["gender"], lea["insee_code"], lea["phone"]) == ("feminin", "01053", "0102030405")
    assert rows["Martin"]["gender"] == "non_communique"
    again = await client.post("/api/v1/learners/import", json={"csv": COOP}, headers=headers)
    assert again.json() == {"dry_run": False, "lines": 2, "created": 0, "already": 2} and await Learner.count() == 4


async def test_a_bad_line_refuses_the_whole_file(client, make):
    """A bad gender, a bad INSEE code, a person twice and a name missing are each named with their line; nothing is
    written."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    bad = OURS + "Durand;Marie;1950;;;;;;;\nX;Y;;Z;;;6266;;;\n;;1960;;;;;;;\n"
    refused = await client.post("/api/v1/learners/import", json={"csv": bad}, headers=headers)
    assert refused.status_code == 422
    messages = {detail["field"]: detail["message"] for detail in refused.json()["details"]}
    assert messages["csv[ligne 4]"] == "Ligne 4 : La même personne figure déjà ligne 2."
    assert "Genre « Z » inconnu" in messages["csv[ligne 5]"] and "Code INSEE invalide" in messages["csv[ligne 5]"]
    assert "Indiquez le prénom et le nom" in messages["csv[ligne 6]"]
    assert await Learner.count() == 0


async def test_the_coops_template_as_a_workbook(client, make):
    """La Coop's template as it comes (instructions, the commune's three columns under one heading, an example row),
    sent as XLSX in base64, makes its files; a file that is no workbook is refused on `xlsx`."""
    import base64
    import io

    from inclusion.documents.spreadsheets import workbook

    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Instructions d'utilisation :\n- Nom et Prénom sont obligatoires"])
    sheet.write_row(1, 0, ["Nom", "Prénom", "Année de naissance", "Commune", "", "", "N° de téléphone", "E-mail",
                           "Genre", "Notes supplémentaires"])  # fmt: skip
    sheet.write_row(2, 0, ["", "", "", "Nom", "Code INSEE", "Code postal"])
    sheet.write_row(3, 0, ["Exemple", "Léa", 1970, "Blaziert", "32057", "32100", "0102030405", "", "Féminin"])
    sheet.write_row(4, 0, ["Sénéchal", "Hélène", 1948, "Le Portel", "62667", "62480", "", "", "Femme", "Voisine"])
    book.close()
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    sent = {"xlsx": base64.b64encode(buffer.getvalue()).decode()}
    done = await client.post("/api/v1/learners/import", json=sent, headers=headers)
    assert done.json() == {"dry_run": False, "lines": 1, "created": 1, "already": 0}, done.text
    [helene] = await Learner.select().where(Learner.site == site)
    assert (helene["first_name"], helene["birth_year"], helene["insee_code"], helene["gender"]) == (
        "Hélène",
        1948,
        "62667",
        "feminin",
    )
    assert helene["notes"] == "Voisine"
    junk = await client.post("/api/v1/learners/import", json={"xlsx": "bm9uCg=="}, headers=headers)
    assert junk.status_code == 422 and junk.json()["details"][0]["field"] == "xlsx"


async def test_a_note_on_several_lines_keeps_the_line_numbers_of_the_file(client, make):
    """A note written on three lines (quoted, as a spreadsheet saves it): the bad line after it is named by the
    file's own line number, the one a person sees in a text editor."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    text = OURS.replace("Vient le mardi", '"Vient le mardi\nparfois le jeudi\navec sa fille"') + "X;Y;;Z;;;;;;\n"
    refused = await client.post("/api/v1/learners/import", json={"csv": text}, headers=headers)
    assert refused.status_code == 422
    fields = [detail["field"] for detail in refused.json()["details"]]
    assert fields == ["csv[ligne 6]"], refused.json()
    assert await Learner.count() == 0
