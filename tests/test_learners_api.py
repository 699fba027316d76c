"""Learner files through the API: validation, duplicates, search, anonymisation, merging."""

from datetime import date

from inclusion.storage.tables.learners import Learner
from tests.support.clock import paris_today

NADIA = {"first_name": "Nadia", "last_name": "Benali", "birth_year": 1960, "gender": "feminin"}


async def staff(make, role="adviser"):
    site = await make.site("Espace Carnot")
    return site, await make.bearer(await make.user(role, site))


async def test_adviser_creates_a_learner_file(client, make):
    """A file needs only a name; the site, the first visit and the age band are derived."""
    site, headers = await staff(make)
    response = await client.post("/api/v1/learners", json=NADIA, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["site_id"] == site and body["display_name"] == "Nadia Benali"
    assert body["age_band"] == "soixante_soixante_neuf" and body["first_visit_on"] == paris_today().isoformat()
    assert body["last_contact_on"] == body["first_visit_on"]


async def test_a_pseudonym_is_enough(client, make):
    """A learner who wants no name stored is filed under a pseudonym."""
    _, headers = await staff(make)
    body = (
        await client.post(
            "/api/v1/learners", json={"pseudonym": "Tulipe", "age_band": "soixante_dix_plus"}, headers=headers
        )
    ).json()
    assert body["display_name"] == "Tulipe" and body["first_name"] == "" and body["age_band"] == "soixante_dix_plus"


async def test_bad_file_is_refused_field_by_field(client, make):
    """No name, a future birth year, a bad commune code, email and phone are each named; nothing is stored."""
    _, headers = await staff(make)
    bad = {"birth_year": 2050, "insee_code": "999", "email": "nadia", "phone": "abc", "first_visit_on": "2999-01-01"}
    response = await client.post("/api/v1/learners", json=bad, headers=headers)
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {
        "last_name", "birth_year", "insee_code", "email", "phone", "first_visit_on",
    }  # fmt: skip
    full_date = await client.post("/api/v1/learners", json={**NADIA, "birth_year": "1956-03-02"}, headers=headers)
    assert full_date.status_code == 422
    assert await Learner.count() == 0


async def test_same_person_twice_is_a_409_unless_confirmed(client, make):
    """Same name (ignoring case, accents, hyphens) and birth year at the same site: 409 with a link."""
    site, headers = await staff(make)
    first = (await client.post("/api/v1/learners", json={**NADIA, "first_name": "Nadia-Élise"}, headers=headers)).json()
    again = {**NADIA, "first_name": "nadia elise", "last_name": "BENALI"}
    response = await client.post("/api/v1/learners", json=again, headers=headers)
    assert response.status_code == 409
    body = response.json()
    assert "Une fiche existe déjà pour « Nadia-Élise Benali » (né·e en 1960)" in body["message"]
    assert body["details"] == [{"field": "existing_learner", "message": f"/learners/{first['id']}"}]
    other_year = await client.post("/api/v1/learners", json={**again, "birth_year": 1961}, headers=headers)
    assert other_year.status_code == 201
    confirmed = await client.post("/api/v1/learners", json={**again, "confirm_duplicate": True}, headers=headers)
    assert confirmed.status_code == 201
    assert await Learner.count() == 3


async def test_search_ignores_accents_and_case(client, make):
    """Searching « helene » finds Hélène; pseudonyms are searched too."""
    site, headers = await staff(make)
    await make.learner(site, "Hélène", "Dupré")
    await make.learner(site, "", "", pseudonym="Coquelicot")
    await make.learner(site, "Paul", "Durand")
    found = (await client.get("/api/v1/learners?q=HELENE", headers=headers)).json()
    assert [item["display_name"] for item in found["items"]] == ["Hélène Dupré"]
    flower = (await client.get("/api/v1/learners?q=coquel", headers=headers)).json()
    assert [item["display_name"] for item in flower["items"]] == ["Coquelicot"]


async def test_list_filters_and_pages(client, make):
    """Filters by gender and pagination apply together."""
    site, headers = await staff(make)
    for index in range(7):
        await make.learner(site, f"Prénom{index}", "Nom", gender="feminin" if index % 2 else "masculin")
    women = (await client.get("/api/v1/learners?gender=feminin&per_page=2&page=2", headers=headers)).json()
    assert (women["total"], women["pages"], len(women["items"])) == (3, 2, 1)


async def test_other_sites_are_out_of_reach(client, make):
    """A learner of another site is 404, and so is creating one there."""
    _, headers = await staff(make)
    other = await make.site("Ailleurs")
    stranger = await make.learner(other)
    assert (await client.get(f"/api/v1/learners/{stranger}", headers=headers)).status_code == 404
    response = await client.post("/api/v1/learners", json={**NADIA, "site_id": other}, headers=headers)
    assert response.status_code == 404
    assert (await client.get("/api/v1/learners", headers=headers)).json()["total"] == 0


async def test_update_recomputes_the_age_band(client, make):
    """Changing the birth year changes the age band; a bad change is refused whole."""
    site, headers = await staff(make)
    learner = await make.learner(site, birth_year=1990, age_band="vingt_cinq_trente_neuf")
    response = await client.patch(f"/api/v1/learners/{learner}", json={"birth_year": 1950}, headers=headers)
    assert response.status_code == 200 and response.json()["age_band"] == "soixante_dix_plus"
    refused = await client.patch(
        f"/api/v1/learners/{learner}", json={"phone": "06 12 34 56 78", "email": "x"}, headers=headers
    )
    assert refused.status_code == 422
    assert (await Learner.select(Learner.phone).first())["phone"] == ""


async def test_anonymising_erases_identity_and_keeps_statistics(client, make):
    """DELETE erases names, contacts, notes and birth year; age band, gender and status stay."""
    site, headers = await staff(make)
    learner = await make.learner(
        site, "Jean", "Valjean", birth_year=1950, age_band="soixante_dix_plus", gender="masculin",
        social_status="retraite", phone="0612345678", email="jean@exemple.fr", notes="Très motivé",
    )  # fmt: skip
    response = await client.delete(f"/api/v1/learners/{learner}", headers=headers)
    assert response.status_code == 200
    stored = await Learner.select().where(Learner.id == learner).first()
    assert (stored["first_name"], stored["last_name"], stored["phone"], stored["email"], stored["notes"]) == ("",) * 5
    assert stored["birth_year"] is None and stored["name_key"] == "" and stored["anonymised_at"] is not None
    assert (stored["age_band"], stored["gender"], stored["social_status"]) == (
        "soixante_dix_plus",
        "masculin",
        "retraite",
    )
    assert response.json()["display_name"] == "Fiche anonymisée"
    assert (await client.get("/api/v1/learners", headers=headers)).json()["total"] == 0
    assert (await client.delete(f"/api/v1/learners/{learner}", headers=headers)).status_code == 409
    assert (await client.patch(f"/api/v1/learners/{learner}", json={"notes": "x"}, headers=headers)).status_code == 409


async def test_merging_keeps_one_file(client, make):
    """Merging moves the duplicate's assessments, fills the kept file's gaps, and hides the duplicate."""
    site, headers = await staff(make)
    keep = await make.learner(site, "Nadia", "Benali", first_visit_on=date(2025, 3, 1))
    duplicate = await make.learner(
        site, "Nadia", "Benali", phone="0611223344", first_visit_on=date(2024, 11, 5), last_contact_on=date(2025, 6, 1)
    )
    moved = await make.assessment(duplicate, {"navigation": 1})
    response = await client.post(f"/api/v1/learners/{keep}/merge", json={"duplicate_id": duplicate}, headers=headers)
    assert response.status_code == 200, response.text
    assessments = (await client.get(f"/api/v1/assessments?learner={keep}", headers=headers)).json()
    assert [item["id"] for item in assessments["items"]] == [moved]
    body = response.json()
    assert body["phone"] == "0611223344" and body["first_visit_on"] == "2024-11-05"
    assert body["last_contact_on"] == "2025-06-01"
    listed = (await client.get("/api/v1/learners", headers=headers)).json()
    assert [item["id"] for item in listed["items"]] == [keep]
    hidden = (await client.get(f"/api/v1/learners/{duplicate}", headers=headers)).json()
    assert hidden["merged_into_id"] == keep and hidden["phone"] == ""


async def test_merging_across_sites_is_refused(client, make):
    """Two files of different sites cannot be merged, even by an admin."""
    headers = await make.bearer(await make.user("admin"))
    one, two = await make.learner(await make.site()), await make.learner(await make.site())
    response = await client.post(f"/api/v1/learners/{one}/merge", json={"duplicate_id": two}, headers=headers)
    assert response.status_code == 422
