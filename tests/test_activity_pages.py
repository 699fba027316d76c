"""The activity pages without JavaScript: "atelier ou séance ?", the workshop and session forms (the learner picker
searching on the server), nothing pre-filled but on request, inline errors, weekly series, the week's list."""

import re
from datetime import timedelta

from inclusion.clock import now, short_day
from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic
from inclusion.storage.tables.learners import Learner
from tests.support.browser import logged_in
from tests.support.clock import paris_today

TODAY = paris_today()


async def adviser(client, make):
    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("adviser", site))
    return site, csrf


def workshop_form(csrf: str, **fields) -> dict:
    return {
        "csrf_token": csrf, "date": TODAY.isoformat(), "start_time": "14:00", "title": "Découvrir son smartphone",
        "duration_minutes": "120", "digital_topics": ["prendre_en_main_du_materiel"], "action": "save", **fields,
    }  # fmt: skip


async def test_new_activity_asks_workshop_or_session_first(client, make):
    """/activities/new offers the two forms; each shows only its own fields."""
    await adviser(client, make)
    choice = await client.get("/activities/new")
    assert 'href="/activities/new/workshop"' in choice.text and 'href="/activities/new/session"' in choice.text
    workshop = (await client.get("/activities/new/workshop")).text
    session = (await client.get("/activities/new/session")).text
    assert 'name="title"' in workshop and 'name="participant_q"' in workshop and 'name="learner_q"' not in workshop
    assert 'name="learner_q"' in session and 'name="title"' not in session and 'name="anonymous"' in session
    assert workshop.index('id="participants"') < workshop.index('id="digital_topics"')  # who came, then what


async def test_workshop_with_participants_through_the_form(client, make):
    """Search on the server (a name typed but not picked stops the save), tick nine learners, remove one, mark
    one absent: the workshop is saved with the eight, and listed in this week with its topic."""
    site, csrf = await adviser(client, make)
    learners = [await make.learner(site, f"Prénom{index}", "Dubois") for index in range(9)]
    search = workshop_form(csrf, participant_q="DUBO", action="search")
    found = await client.post("/activities/new/workshop", data=search)
    assert found.status_code == 200 and found.text.count('type="checkbox" id="participant_q-found-') == 9
    not_picked = await client.post("/activities/new/workshop", data={**search, "action": "save"})
    assert not_picked.status_code == 422 and "« DUBO » n&#39;est pas ajouté : choisissez la fiche" in not_picked.text
    assert await Activity.count() == 0
    ticked = workshop_form(csrf, participant=[str(i) for i in learners], remove=str(learners[8]))
    shown = await client.post("/activities/new/workshop", data=ticked)
    kept = re.findall(r'type="hidden" name="participant" value="(\d+)"', shown.text)
    assert shown.status_code == 200 and kept == [str(i) for i in learners[:8]] and await Activity.count() == 0
    chosen = workshop_form(csrf, participant=[str(i) for i in learners[:8]], absent=[str(learners[7])])
    saved = await client.post("/activities/new/workshop", data=chosen)
    assert saved.status_code == 303, saved.text
    listing = await client.get(saved.headers["location"])
    assert "Activité enregistrée." in listing.text and "Découvrir son smartphone" in listing.text
    assert "7 présents" in listing.text and "Prendre en main du matériel" in listing.text
    assert await ActivityParticipant.count().where(ActivityParticipant.present.eq(False)) == 1
    page = await client.get(f"/learners/{learners[7]}")
    assert "Découvrir son smartphone" in page.text and 'data-label="Présence">Non</td>' in page.text  # gender unknown


async def test_nothing_comes_from_the_last_activity_unless_asked(client, make):
    """After a 45-minute session, the workshop form has today's date and nothing else chosen; "Reprendre le dernier
    atelier" offers the last workshop (not the session) and fills its title, level, topics and participants (those
    whose file is still live)."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Hélène", "Sénéchal")
    gone = await make.learner(site, "Paul", "Parti")
    two_days_ago = (TODAY - timedelta(days=2)).isoformat()
    workshop = workshop_form(csrf, date=two_days_ago, participant=[str(learner), str(gone)], level="debutant")
    assert (await client.post("/activities/new/workshop", data=workshop)).status_code == 303
    await Learner.update({Learner.anonymised_at: now()}).where(Learner.id == gone)
    session = {
        "csrf_token": csrf, "date": TODAY.isoformat(), "duration_minutes": "45", "digital_topics": ["email"],
        "place": "domicile", "learner_id": str(learner), "action": "save",
    }  # fmt: skip
    assert (await client.post("/activities/new/session", data=session)).status_code == 303
    form = (await client.get("/activities/new/workshop")).text
    assert f'name="date" type="date" value="{TODAY.isoformat()}"' in form
    assert " checked" not in form and "Hélène" not in form and 'value="domicile" selected' not in form
    [last] = await Activity.select(Activity.id).where(Activity.type == "collectif")
    assert f'href="/activities/new/workshop?reprendre={last["id"]}"' in form and "Découvrir son smartphone" in form
    taken = (await client.get(f"/activities/new/workshop?reprendre={last['id']}")).text
    assert 'value="Découvrir son smartphone"' in taken and 'value="debutant" selected' in taken
    assert 'value="prendre_en_main_du_materiel" checked' in taken and "Hélène Sénéchal" in taken
    assert f'name="participant" value="{gone}"' not in taken and " 1 participant. Vérifiez" in taken
    assert " checked" not in taken.split('id="duration_minutes"')[1].split("</fieldset>")[0]  # duration not taken
    assert f'value="{TODAY.isoformat()}"' in taken


async def test_missing_duration_topic_participant_and_title_are_said_beside_each_field(client, make):
    """A workshop without duration, topic, participant or title is refused, each message beside its field."""
    _, csrf = await adviser(client, make)
    data = {"csrf_token": csrf, "date": TODAY.isoformat(), "action": "save"}
    response = await client.post("/activities/new/workshop", data=data)
    assert response.status_code == 422
    for field, message in (
        ("duration_minutes", "Choisissez la durée : touchez l&#39;une des durées proposées"),
        ("digital_topics", "Choisissez au moins une thématique numérique."),
        ("participants", "Ajoutez au moins un participant"),
        ("title", "Donnez un titre à l&#39;atelier."),
    ):
        assert f'<p class="field-error" id="{field}-error">{message}' in response.text, field
    long = await client.post("/activities/new/workshop", data=workshop_form(csrf, duration_other="1440"))
    assert "La durée doit être comprise entre 1 et 1 439 minutes (23 h 59)." in long.text
    assert await Activity.count() == 0


async def test_a_weekly_series_from_the_form(client, make):
    """Repeating a workshop 3 weeks from two weeks ago saves 3, and the list says so with their dates; a series
    reaching past a year ahead is refused with its dates shown, and nothing is written."""
    site, csrf = await adviser(client, make)
    start = TODAY - timedelta(weeks=2)
    dates = [start + timedelta(weeks=week) for week in range(3)]
    series = workshop_form(csrf, date=start.isoformat(), anonymous_count="4", repeat="on", repeat_weeks="3")
    saved = await client.post("/activities/new/workshop", data=series)
    assert saved.status_code == 303 and await Activity.count() == 3
    listing = await client.get(saved.headers["location"])
    assert f"3 activités enregistrées, une par semaine : {sentence(dates)}" in listing.text
    far = TODAY + timedelta(weeks=50)
    far_dates = [far + timedelta(weeks=week) for week in range(4)]
    too_far = await client.post(
        "/activities/new/workshop", data={**series, "date": far.isoformat(), "repeat_weeks": "4"}
    )
    last = far_dates[-1]
    assert too_far.status_code == 422 and f"La dernière séance ({short_day(last)} {last.year})" in too_far.text
    assert f"4 séances : {sentence(far_dates)}" in too_far.text
    assert await Activity.count() == 3


def sentence(days) -> str:
    """ "ven. 4 déc., ven. 11 déc." with a single full stop."""
    text = ", ".join(short_day(day) for day in days)
    return text if text.endswith(".") else f"{text}."


async def test_a_session_from_the_learners_page(client, make):
    """The file's "Séance" button opens the session form with that learner chosen; saving goes back to the file,
    which lists the session; the week's list names the learner."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Hélène", "Sénéchal")
    file = (await client.get(f"/learners/{learner}")).text
    for href in ("/activities/new/session?learner=", f"/learners/{learner}/assess", f"/learners/{learner}/vouchers/"):
        assert href in file, href
    form = (await client.get(f"/activities/new/session?learner={learner}")).text
    assert f'<input type="hidden" name="learner_id" value="{learner}">' in form and "Hélène Sénéchal" in form
    data = {
        "csrf_token": csrf, "date": TODAY.isoformat(), "duration_minutes": "30", "digital_topics": ["email"],
        "learner_id": str(learner), "return_to": str(learner), "action": "save",
    }  # fmt: skip
    saved = await client.post("/activities/new/session", data=data)
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"/learners/{learner}?session_saved=")
    back = (await client.get(saved.headers["location"])).text
    assert "Séance individuelle enregistrée." in back and "30 min" in back
    week = (await client.get("/activities")).text
    assert f'<strong>Séance individuelle</strong> : <a href="/learners/{learner}">Hélène Sénéchal</a>' in week
    assert "E-mail" in week


async def test_a_session_names_its_learner_or_says_there_is_none(client, make):
    """Without a learner chosen and without "Personne sans fiche", the form asks for one; found by part of the
    name, the learner is then chosen; ticked, the session is saved for an anonymous person."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Hélène", "Sénéchal")
    data = {"csrf_token": csrf, "date": TODAY.isoformat(), "duration_minutes": "45", "digital_topics": ["email"]}
    refused = await client.post("/activities/new/session", data={**data, "action": "save"})
    assert refused.status_code == 422 and "Choisissez l&#39;apprenant (tapez quelques lettres" in refused.text
    found = await client.post("/activities/new/session", data={**data, "learner_q": "sene"})  # Enter, no JS
    assert found.status_code == 200 and f'type="radio" id="learner_q-found-{learner}"' in found.text
    anonymous = {**data, "anonymous": "on", "person_age_band": "soixante_dix_plus", "action": "save"}
    assert (await client.post("/activities/new/session", data=anonymous)).status_code == 303
    stored = await Activity.select(Activity.learner, Activity.person_age_band).first()
    assert stored == {"learner": None, "person_age_band": "soixante_dix_plus"}


async def test_edit_uses_the_form_of_its_kind_and_delete_asks_first(client, make):
    """A workshop opens in the workshop form with its participants, a session in the session form; deleting asks."""
    site, csrf = await adviser(client, make)
    learner = await make.learner(site, "Lucie", "Marchand")
    activity = await make.activity(site, date=TODAY - timedelta(days=1), title="Atelier courriel")
    await ActivityParticipant.insert(ActivityParticipant(activity=activity, learner=learner, present=True))
    form = (await client.get(f"/activities/{activity}/edit")).text
    assert 'value="Atelier courriel"' in form and "Lucie Marchand" in form and 'name="repeat"' not in form
    data = workshop_form(csrf, date=(TODAY - timedelta(days=1)).isoformat(), title="Atelier courriels")
    data |= {"duration_minutes": "", "duration_other": "75", "participant": [str(learner)], "absent": [str(learner)]}
    assert (await client.post(f"/activities/{activity}/edit", data=data)).status_code == 303
    assert await Activity.select(Activity.title, Activity.duration_minutes).first() == {
        "title": "Atelier courriels",
        "duration_minutes": 75,
    }
    assert await ActivityParticipant.select(ActivityParticipant.present).first() == {"present": False}
    assert [row["topic"] for row in await ActivityTopic.select(ActivityTopic.topic)] == ["prendre_en_main_du_materiel"]
    session = await make.activity(site, type="individuel", title="", learner=learner, date=TODAY)
    assert 'name="learner_q"' in (await client.get(f"/activities/{session}/edit")).text
    confirm = await client.get(f"/activities/{activity}/delete")
    assert "Supprimer l'atelier « Atelier courriels »" in confirm.text and await Activity.count() == 2
    assert (await client.post(f"/activities/{activity}/delete", data={"csrf_token": csrf})).status_code == 303
    assert await Activity.count() == 1


async def test_the_picker_finds_by_a_few_letters_whatever_the_accents_and_case(client, make):
    """The picker's endpoint finds "Sénéchal" from "sene" and "Dupont" from "DUP", last names first, leaves out
    those already chosen and the files of other sites."""
    site, _ = await adviser(client, make)
    senechal = await make.learner(site, "Hélène", "Sénéchal", birth_year=1952)
    dupont = await make.learner(site, "Jean", "Dupont")
    await make.learner(site, "Dupré", "Alain")  # a first name starting the same way: after the last names
    await make.learner(await make.site("Ailleurs"), "Hélène", "Sénéchal")
    assert (await client.get("/learners/search?q=sene")).json() == [
        {"id": senechal, "name": "Hélène Sénéchal", "detail": "né·e en 1952"}
    ]
    assert [row["name"] for row in (await client.get("/learners/search?q=DUP")).json()] == [
        "Jean Dupont",
        "Dupré Alain",
    ]
    assert [row["id"] for row in (await client.get(f"/learners/search?q=dup&exclude={dupont}")).json()] != [dupont]
    assert (await client.get("/learners/search?q=d")).json() == []


async def test_attendance_page_records_today(client, make):
    """The site's attendance page records today's visitors and lists them with the days that had activities."""
    site, csrf = await adviser(client, make)
    await make.activity(site, date=TODAY - timedelta(days=2), title="Atelier")
    saved = await client.post(f"/sites/{site}/attendance", data={"csrf_token": csrf, "visitors": "17", "open": "on"})
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Fréquentation enregistrée." in page.text
    assert page.text.count(">Oui</td>") == 2 and ">17</td>" in page.text
