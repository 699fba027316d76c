"""Frameworks, assessments and progression through the API."""

from datetime import date, timedelta

from inclusion.storage.tables.assessments import Assessment
from inclusion.storage.tables.learners import Learner
from tests.support.clock import paris_today


async def adviser_and_learner(make, **learner_values):
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    return headers, await make.learner(site, **learner_values)


async def test_builtin_frameworks_are_listed(client, make):
    """Both built-in frameworks are there: everyday autonomy (default, 6 socle) and CRCN (16 competences, 0–8)."""
    headers = await make.bearer(await make.user("funder", await make.site()))
    frameworks = {f["code"]: f for f in (await client.get("/api/v1/frameworks", headers=headers)).json()}
    everyday = frameworks["autonomie_quotidien"]
    assert everyday["is_default"] is True
    version = everyday["versions"][0]
    assert [step["code"] for step in version["scale"]] == [
        "non_acquis", "entierement_accompagne", "partiellement_autonome", "autonome",
    ]  # fmt: skip
    assert len(version["competences"]) == 12 and sum(c["socle"] for c in version["competences"]) == 6
    assert all(c["crcn_codes"] and c["topics"] for c in version["competences"])
    crcn = frameworks["crcn"]["versions"][0]
    assert [c["code"] for c in crcn["competences"]][:3] == ["1.1", "1.2", "1.3"] and len(crcn["competences"]) == 16
    assert [step["level"] for step in crcn["scale"]] == list(range(9))


async def test_assessment_is_recorded_with_its_version(client, make):
    """A partial assessment stores one level per competence, names its version and updates the last contact."""
    headers, learner = await adviser_and_learner(make)
    payload = {"learner_id": learner, "kind": "initial", "levels": {"navigation": 1, "courriel": 0}}
    response = await client.post("/api/v1/assessments", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["framework_code"] == "autonomie_quotidien" and body["version_number"] == 1
    assert body["assessed_on"] == paris_today().isoformat() and body["assessor_name"].startswith("Personne")
    assert [(level["competence"], level["level_label"]) for level in body["levels"]] == [
        ("navigation", "Entièrement accompagné"),
        ("courriel", "Non acquis"),
    ]
    stored = await Learner.select(Learner.last_contact_on).where(Learner.id == learner).first()
    assert stored["last_contact_on"] == paris_today()


async def test_the_answer_to_a_new_assessment_is_what_reading_it_gives(client, make):
    """The assessment a POST answers with (levels in the framework's order, whatever the order sent) is the one a
    later GET reads back from the database."""
    headers, learner = await adviser_and_learner(make)
    levels = {"courriel": 2, "navigation": 1, "demarche": 0}
    payload = {"learner_id": learner, "kind": "initial", "levels": levels, "note": "  Bonne première séance "}
    created = await client.post("/api/v1/assessments", json=payload, headers=headers)
    read = await client.get(f"/api/v1/assessments/{created.json()['id']}", headers=headers)
    assert created.status_code == 201 and read.status_code == 200
    assert created.json() == read.json()
    assert [level["competence"] for level in read.json()["levels"]] == ["navigation", "courriel", "demarche"]


async def test_bad_assessment_is_refused_field_by_field(client, make):
    """A level off the scale, an unknown competence, a future date are each named; nothing is written."""
    headers, learner = await adviser_and_learner(make)
    payload = {
        "learner_id": learner,
        "kind": "initial",
        "levels": {"navigation": 4, "astrologie": 2},
        "assessed_on": (paris_today() + timedelta(days=1)).isoformat(),
    }
    response = await client.post("/api/v1/assessments", json=payload, headers=headers)
    assert response.status_code == 422
    assert {d["field"]: d["message"] for d in response.json()["details"]} == {
        "levels.navigation": "Niveau hors de l'échelle (0 à 3).",
        "levels.astrologie": "Compétence inconnue dans cette version du référentiel.",
        "assessed_on": "La date d'évaluation ne peut pas être dans le futur.",
    }
    before_first_visit = {**payload, "levels": {"navigation": 1}, "assessed_on": "2024-12-31"}
    early = await client.post("/api/v1/assessments", json=before_first_visit, headers=headers)
    assert early.json()["details"] == [
        {
            "field": "assessed_on",
            "message": "La date d'évaluation précède la première venue de l'apprenant (06/01/2025).",
        }
    ]
    empty = await client.post("/api/v1/assessments", json={**payload, "levels": {}}, headers=headers)
    assert empty.status_code == 422
    bad_kind = await client.post("/api/v1/assessments", json={**payload, "kind": "examen"}, headers=headers)
    assert bad_kind.status_code == 422
    assert await Assessment.count() == 0


async def test_assessing_another_sites_learner_is_404(client, make):
    """A learner of another site cannot be assessed: 404, nothing written."""
    headers, _ = await adviser_and_learner(make)
    stranger = await make.learner(await make.site())
    payload = {"learner_id": stranger, "kind": "initial", "levels": {"navigation": 1}}
    assert (await client.post("/api/v1/assessments", json=payload, headers=headers)).status_code == 404
    assert await Assessment.count() == 0


async def test_progression_gives_first_latest_path_and_fragility(client, make):
    """Three assessments give each competence's first and latest level, its dated path, and fragility then and now."""
    headers, learner = await adviser_and_learner(make)
    socle = ["appareil", "navigation", "courriel", "comptes", "demarche", "arnaques"]
    await make.assessment(learner, {code: 1 for code in socle} | {"visio": 0}, date(2025, 2, 1), "initial")
    await make.assessment(learner, {"navigation": 2, "courriel": 3}, date(2025, 5, 1), "intermediaire")
    await make.assessment(learner, {code: 3 for code in socle}, date(2025, 9, 1), "final")
    body = (await client.get(f"/api/v1/learners/{learner}/progression", headers=headers)).json()
    assert body["assessments"] == 3
    navigation = next(c for c in body["competences"] if c["code"] == "navigation")
    assert navigation["first"] == {"assessed_on": "2025-02-01", "level": 1, "kind": "initial"}
    assert navigation["latest"] == {"assessed_on": "2025-09-01", "level": 3, "kind": "final"}
    assert [point["level"] for point in navigation["path"]] == [1, 2, 3]
    visio = next(c for c in body["competences"] if c["code"] == "visio")
    assert visio["first"] == visio["latest"] and visio["socle"] is False
    assert body["fragility_at_entry"] == {"fragile": True, "socle_assessed": 6, "socle_autonomous": 0, "socle_total": 6}
    assert body["fragility_now"] == {"fragile": False, "socle_assessed": 6, "socle_autonomous": 6, "socle_total": 6}


async def test_progression_without_assessment_is_unknown(client, make):
    """A learner never assessed has no competence and an unknown fragility."""
    headers, learner = await adviser_and_learner(make)
    body = (await client.get(f"/api/v1/learners/{learner}/progression", headers=headers)).json()
    assert body["competences"] == [] and body["fragility_now"]["fragile"] is None


async def test_new_version_leaves_the_used_one_untouched(client, make):
    """Uploading a framework with an existing code adds version 2; version 1 and its assessments stay as they were."""
    headers, learner = await adviser_and_learner(make)
    old = (await client.post(
        "/api/v1/assessments", json={"learner_id": learner, "kind": "initial", "levels": {"visio": 2}}, headers=headers
    )).json()  # fmt: skip
    admin = await make.bearer(await make.user("admin"))
    upload = {
        "code": "autonomie_quotidien",
        "name": "Autonomie numérique du quotidien",
        "is_default": True,
        "scale": [{"level": 0, "code": "non", "label": "Non"}, {"level": 1, "code": "oui", "label": "Oui"}],
        "competences": [{"code": "visio", "label": "Appeler en vidéo", "socle": True, "crcn_codes": ["2.1"]}],
    }
    response = await client.post("/api/v1/frameworks", json=upload, headers=admin)
    assert response.status_code == 201, response.text
    versions = response.json()["versions"]
    assert [(v["number"], v["is_current"], len(v["competences"])) for v in versions] == [(1, False, 12), (2, True, 1)]
    assert versions[0]["competences"][7]["label"] == "Passer un appel vidéo"
    again = (await client.get(f"/api/v1/assessments/{old['id']}", headers=headers)).json()
    assert again["version_number"] == 1 and again["levels"][0]["level_label"] == "Partiellement autonome"
    new = await client.post(
        "/api/v1/assessments", json={"learner_id": learner, "kind": "final", "levels": {"visio": 1}}, headers=headers
    )
    assert new.json()["version_number"] == 2 and new.json()["levels"][0]["level_label"] == "Oui"
    progression = (await client.get(f"/api/v1/learners/{learner}/progression", headers=headers)).json()
    visio = progression["competences"][0]
    assert [p["level"] for p in visio["path"]] == [2, 1]


async def test_bad_framework_upload_is_refused(client, make):
    """Duplicate codes, a gap in the scale and an unknown CRCN code are each named; only admins upload."""
    admin = await make.bearer(await make.user("admin"))
    upload = {
        "code": "maison",
        "name": "Référentiel maison",
        "scale": [{"level": 0, "code": "a", "label": "A"}, {"level": 2, "code": "c", "label": "C"}],
        "competences": [
            {"code": "x", "label": "X", "crcn_codes": ["9.9"]},
            {"code": "x", "label": "X bis"},
        ],
    }
    response = await client.post("/api/v1/frameworks", json=upload, headers=admin)
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {
        "scale", "competences[0].crcn_codes", "competences[1].code",
    }  # fmt: skip
    adviser = await make.bearer(await make.user("adviser", await make.site()))
    assert (await client.post("/api/v1/frameworks", json=upload, headers=adviser)).status_code == 403
