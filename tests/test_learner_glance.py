"""The learner list at a glance: last activity attended and where each learner stands on the socle, in the page
and in the API list."""

from __future__ import annotations

import re
from datetime import timedelta

from inclusion.storage.tables.activities import ActivityParticipant
from tests.support.browser import logged_in
from tests.support.clock import paris_today

SOCLE_OK = {"appareil": 3, "navigation": 3, "courriel": 3, "comptes": 3, "demarche": 3, "arnaques": 3}


def row_of(page_text: str, name: str) -> str:
    """The text of the table row naming this learner, tags removed."""
    for row in re.findall(r"<tr>(.*?)</tr>", page_text, re.S):
        if name in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    raise AssertionError(f"{name} is not in the list")


async def attended(make, site: int, learner: int, on, present: bool = True) -> None:
    workshop = await make.activity(site, date=on)
    await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=learner, present=present)).run()


async def test_list_shows_last_activity_and_socle(client, make):
    """Each row says when the learner was last at an activity and whether the socle is to consolidate."""
    site = await make.site()
    today = paris_today()
    seen = await make.learner(site, "Aline", "Session")
    await make.activity(site, type="individuel", learner=seen, date=today - timedelta(days=3), title="")
    await make.activity(site, type="individuel", learner=seen, date=today - timedelta(days=40), title="")
    absent = await make.learner(site, "Bruno", "Absent")
    await attended(make, site, absent, today - timedelta(days=1), present=False)
    await attended(make, site, absent, today - timedelta(days=70))
    ahead = await make.learner(site, "Chloé", "Avenir")
    await attended(make, site, ahead, today + timedelta(days=7))  # a repeated workshop recorded ahead
    fragile = await make.learner(site, "Denis", "Fragile")
    await make.assessment(fragile, {**SOCLE_OK, "courriel": 2}, today - timedelta(days=5))
    grew = await make.learner(site, "Emma", "Progres")
    await make.assessment(grew, {**SOCLE_OK, "navigation": 1}, today - timedelta(days=60))
    await make.assessment(grew, {"navigation": 3, "visio": 1}, today - timedelta(days=2), "final")
    await logged_in(client, await make.user("adviser", site))
    page = (await client.get("/learners")).text
    assert "il y a 3 jours" in row_of(page, "Aline Session")
    assert (today - timedelta(days=70)).strftime("le %d/%m/%Y") in row_of(page, "Bruno Absent")
    assert "Aucune activité" in row_of(page, "Chloé Avenir")
    assert "Socle à consolider" in row_of(page, "Denis Fragile")
    assert "Autonome sur le socle" in row_of(page, "Emma Progres")  # each socle competence's latest rating
    assert "Pas encore évalué·e" in row_of(page, "Aline Session")
    assert 'class="socle socle-fragile"' in page  # a badge beside the words, never colour alone


async def test_api_list_gives_the_same_two_fields(client, make):
    """/api/v1/learners gives last_activity_on and fragility, and the OpenAPI document describes them."""
    site = await make.site()
    today = paris_today()
    seen = await make.learner(site, "Aline", "Session")
    await make.activity(site, type="individuel", learner=seen, date=today - timedelta(days=3), title="")
    await make.assessment(seen, SOCLE_OK, today - timedelta(days=3))
    never = await make.learner(site, "Bruno", "Jamais")
    fragile = await make.learner(site, "Denis", "Fragile")
    await make.assessment(fragile, {"arnaques": 0}, today)
    headers = await make.bearer(await make.user("adviser", site))
    items = {item["id"]: item for item in (await client.get("/api/v1/learners", headers=headers)).json()["items"]}
    assert items[seen]["last_activity_on"] == (today - timedelta(days=3)).isoformat()
    assert items[seen]["fragility"] == "autonome_socle"
    assert items[never]["last_activity_on"] is None and items[never]["fragility"] == "non_evalue"
    assert items[fragile]["fragility"] == "fragile"
    schema = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    fields = schema["LearnerListItem"]["properties"]
    assert "dernière activité" in fields["last_activity_on"]["description"].lower()
    assert "fragile" in fields["fragility"]["description"]


async def test_another_sites_activity_never_shows(client, make):
    """Only the caller's learners are listed, with their own dates."""
    mine, other = await make.site(), await make.site()
    await make.learner(mine, "Aline", "Mienne")
    stranger = await make.learner(other, "Zoé", "Ailleurs")
    await make.activity(other, type="individuel", learner=stranger, date=paris_today(), title="")
    await logged_in(client, await make.user("adviser", mine))
    page = (await client.get("/learners")).text
    assert "Aline Mienne" in page and "Ailleurs" not in page
