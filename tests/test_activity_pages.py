"""The activity pages: the one-screen form (without JavaScript), the week's list, edit and delete."""

from datetime import timedelta

from inclusion.storage.tables.activities import Activity, ActivityParticipant
from tests.support.browser import logged_in
from tests.support.clock import paris_today

TODAY = paris_today()


async def adviser(client, make):
    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("adviser", site))
    return site, csrf


async def test_workshop_with_participants_through_the_form(client, make):
    """Search on the server, tick eight learners (one absent), save: the workshop is in this week's list."""
    site, csrf = await adviser(client, make)
    learners = [await make.learner(site, f"Prénom{index}", "Dubois") for index in range(8)]
    form = await client.get("/activities/new")
    assert form.status_code == 200 and 'value="90"' in form.text
    base = {
        "csrf_token": csrf, "type": "collectif", "date": TODAY.isoformat(), "start_time": "14:00",
        "duration_minutes": "120", "place": "lieu_activite", "title": "Découvrir son smartphone",
        "digital_topics": ["prendre_en_main_du_materiel"],
    }  # fmt: skip
    found = await client.post("/activities/new", data={**base, "participant_q": "dubois", "action": "search"})
    assert found.status_code == 200 and found.text.count('name="participant"') == 8
    assert await Activity.count() == 0
    chosen = {**base, "participant": [str(i) for i in learners], "absent": [str(learners[7])], "action": "save"}
    saved = await client.post("/activities/new", data=chosen)
    assert saved.status_code == 303, saved.text
    listing = await client.get(saved.headers["location"])
    assert "Découvrir son smartphone" in listing.text and "7 présents" in listing.text
    csv_link = listing.text.split('href="/api/v1/activities.csv?')[1].split('"')[0].replace("&amp;", "&")
    exported = await client.get(f"/api/v1/activities.csv?{csv_link}")
    assert exported.status_code == 200 and "Découvrir son smartphone" in exported.content.decode("utf-8-sig")
    assert await ActivityParticipant.count().where(ActivityParticipant.present.eq(False)) == 1
    page = await client.get(f"/learners/{learners[7]}")
    assert "Découvrir son smartphone" in page.text and 'data-label="Présence">Non</td>' in page.text  # gender unknown


async def test_form_remembers_duration_place_and_topics(client, make):
    """The next form starts from the adviser's last duration, place and topics."""
    site, csrf = await adviser(client, make)
    data = {
        "csrf_token": csrf, "type": "individuel", "date": TODAY.isoformat(), "duration_minutes": "45",
        "place": "domicile", "digital_topics": ["email"], "person_age_band": "soixante_dix_plus",
    }  # fmt: skip
    assert (await client.post("/activities/new", data=data)).status_code == 303
    form = await client.get("/activities/new")
    assert 'value="45"' in form.text
    assert '<option value="domicile" selected>' in form.text
    assert 'value="email" checked' in form.text


async def test_form_errors_stay_on_the_page(client, make):
    """A duration over 12 hours and a missing title are shown; nothing is written."""
    _, csrf = await adviser(client, make)
    data = {"csrf_token": csrf, "type": "collectif", "date": TODAY.isoformat(), "duration_minutes": "800"}
    response = await client.post("/activities/new", data=data)
    assert response.status_code == 422
    assert "La durée doit être comprise entre 1 et 720 minutes (12 heures)." in response.text
    assert "Donnez un titre à l&#39;atelier." in response.text
    assert await Activity.count() == 0


async def test_edit_and_delete_with_confirmation(client, make):
    """An activity is edited from the list; deleting asks first."""
    site, csrf = await adviser(client, make)
    activity = await make.activity(site, date=TODAY - timedelta(days=1), title="Atelier courriel")
    form = await client.get(f"/activities/{activity}/edit")
    assert 'value="Atelier courriel"' in form.text
    data = {
        "csrf_token": csrf,
        "date": (TODAY - timedelta(days=1)).isoformat(),
        "duration_minutes": "60",
        "title": "Atelier courriels",
    }
    assert (await client.post(f"/activities/{activity}/edit", data=data)).status_code == 303
    assert (await Activity.select(Activity.title, Activity.duration_minutes).first()) == {
        "title": "Atelier courriels",
        "duration_minutes": 60,
    }
    confirm = await client.get(f"/activities/{activity}/delete")
    assert "Supprimer l'atelier « Atelier courriels »" in confirm.text and await Activity.count() == 1
    assert (await client.post(f"/activities/{activity}/delete", data={"csrf_token": csrf})).status_code == 303
    assert await Activity.count() == 0


async def test_search_as_you_type_answers_json(client, make):
    """The progressive-enhancement endpoint returns matching files of the caller's sites only."""
    site, _ = await adviser(client, make)
    await make.learner(site, "Hélène", "Dupré")
    await make.learner(await make.site("Ailleurs"), "Hélène", "Autre")
    response = await client.get("/learners/search?q=helene")
    assert [row["name"] for row in response.json()] == ["Hélène Dupré"]


async def test_attendance_page_records_today(client, make):
    """The site's attendance page records today's visitors and lists them with the days that had activities."""
    site, csrf = await adviser(client, make)
    await make.activity(site, date=TODAY - timedelta(days=2), title="Atelier")
    saved = await client.post(f"/sites/{site}/attendance", data={"csrf_token": csrf, "visitors": "17", "open": "on"})
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Fréquentation enregistrée." in page.text
    assert page.text.count(">Oui</td>") == 2 and ">17</td>" in page.text
