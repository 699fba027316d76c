"""Activities in La Coop's model: several devices, long durations, the démarche's name and rule, the place's
commune, the referral flag; the report's device table with several devices per activity."""

import importlib.util
import re
from pathlib import Path

from inclusion.storage.tables.activities import Activity
from tests.support.clock import paris_today

TODAY = paris_today()


async def adviser(make):
    site = await make.site("Espace Carnot")
    return site, await make.bearer(await make.user("adviser", site))


def session(**changes):
    return {
        "type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 45,
        "anonymous_person": {"age_band": "soixante_dix_plus"}, "digital_topics": ["email"], **changes,
    }  # fmt: skip


async def post(client, headers, body):
    return await client.post("/api/v1/activities", json=body, headers=headers)


def fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {detail["field"]: detail["message"] for detail in response.json()["details"]}


async def test_devices_duration_procedure_commune_and_referral_are_kept(client, make):
    """A session with two devices, 23 h 59, a démarche and its name, a home visit's commune and a referral is
    stored and read back as sent; `device` alone is still read, as a list of one."""
    _, headers = await adviser(make)
    body = session(
        duration_minutes=1439, devices=["telephone", "ordinateur"], place="domicile",
        place_insee_code="62160", place_postal_code="62200", place_city="Boulogne-sur-Mer",
        digital_topics=["aide_aux_demarches_administratives"], admin_topics=["social_sante"],
        procedure_name="Déclaration trimestrielle RSA", referral={"type": "aide_sociale", "name": "CCAS"},
    )  # fmt: skip
    response = await post(client, headers, body)
    assert response.status_code == 201, response.text
    [made] = response.json()
    read = (await client.get(f"/api/v1/activities/{made['id']}", headers=headers)).json()
    for shown in (made, read):
        assert shown["devices"] == ["telephone", "ordinateur"] and shown["device"] == "telephone"
        assert shown["duration_minutes"] == 1439 and shown["procedure_name"] == "Déclaration trimestrielle RSA"
        assert (shown["place_insee_code"], shown["place_postal_code"], shown["place_city"]) == (
            "62160",
            "62200",
            "Boulogne-sur-Mer",
        )
        assert shown["referred"] is True
    [old] = (await post(client, headers, session(device="tablette"))).json()
    assert old["devices"] == ["tablette"] and old["referred"] is None
    moved = await client.patch(f"/api/v1/activities/{made['id']}", json={"place": "lieu_activite"}, headers=headers)
    assert moved.status_code == 200 and moved.json()["place_city"] == "" and moved.json()["place_insee_code"] == ""


async def test_coop_rules_are_said_field_by_field(client, make):
    """Démarches without « Aide aux démarches administratives », a commune for the site itself, a bad INSEE code,
    two devices that cannot go together, a referral said not to be one, 1,440 min: each named, nothing written."""
    _, headers = await adviser(make)
    refused = fields(
        await post(
            client,
            headers,
            session(
                admin_topics=["logement"],
                procedure_name="Demande de logement social",
                place_city="Outreau",
                devices=["aucun", "telephone"],
                referral={"type": "autre"},
                referred=False,
                duration_minutes=1440,
            ),
        )  # fmt: skip
    )
    assert refused == {
        "duration_minutes": "La durée doit être comprise entre 1 et 1 439 minutes (23 h 59).",
        "devices": "« Pas de matériel » ne se combine pas avec un autre matériel.",
        "admin_topics": "Les démarches administratives se choisissent avec la thématique "
        "« Aide aux démarches administratives ».",
        "procedure_name": "Le nom de la démarche se note avec la thématique « Aide aux démarches administratives ».",
        "place_insee_code": "La commune se note pour un autre lieu que le lieu d'activité "
        "(à domicile, à distance, autre lieu).",
        "referred": "Une structure d'orientation est indiquée : la personne est donc orientée (referred).",
    }
    codes = fields(await post(client, headers, session(place="autre", place_insee_code="6216", place_postal_code="6")))
    assert set(codes) == {"place_insee_code", "place_postal_code"}
    twice = fields(await post(client, headers, session(devices=["tablette", "tablette"])))
    assert twice == {"devices": "Un même matériel est choisi deux fois."}
    assert await Activity.count() == 0


async def test_a_workshop_is_not_referred(client, make):
    """`referred` is a session's field: a workshop that says it is refused on `autonomy`, like a referral."""
    _, headers = await adviser(make)
    workshop = session(type="collectif", anonymous_person=None, title="Courriels", anonymous_count=2, referred=True)
    assert "autonomy" in fields(await post(client, headers, workshop))


async def test_an_activity_counts_once_for_each_device_in_the_report(client, make):
    """Two devices count in both lines of the device table, whose total stays the number of activities."""
    site, headers = await adviser(make)
    for devices in (["telephone", "ordinateur"], ["telephone"], []):
        response = await post(client, headers, session(date="2025-03-04", devices=devices))
        assert response.status_code == 201, response.text
    staff = await make.bearer(await make.user("coordinator", site))
    report = await client.get(f"/api/v1/reports/outcomes?site={site}&from=2025-03-01&to=2025-03-31", headers=staff)
    table = next(table for table in report.json()["tables"] if table["key"] == "devices")
    counts = {row["key"]: row["cells"][-1]["value"] for row in table["rows"]}
    assert counts == {"telephone": 2, "ordinateur": 1, "": 1} and table["total"]["cells"][-1]["value"] == 3
    assert any("compte pour chacun" in note for note in table["notes"])


async def test_the_migration_turns_each_single_device_into_a_list(app, make):
    """An activity recorded with one device before the list has that device as its list after the migration."""
    site = await make.site()
    kept = await make.activity(site, device="tablette", devices=[])
    none = await make.activity(site, devices=[])
    path = next(Path("migrations/inclusion").glob("inclusion_2026_12_05t00_01_30_000000.py"))
    spec = importlib.util.spec_from_file_location("devices_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manager = await module.forwards()
    for function in manager.raw:
        await function()
    rows = await Activity.select(Activity.id, Activity.devices).output(load_json=True).order_by(Activity.id)
    assert [(row["id"], row["devices"]) for row in rows] == [(kept, ["tablette"]), (none, [])]


async def test_a_demarche_session_names_its_france_services_partner(client, make):
    """A démarche session keeps its partner; without « Aide aux démarches administratives », or in a workshop, the
    partner is refused on its field."""
    _, headers = await adviser(make)
    helped = session(digital_topics=["aide_aux_demarches_administratives"], partner="cnaf")
    [made] = (await post(client, headers, helped)).json()
    assert made["partner"] == "cnaf"
    assert fields(await post(client, headers, session(partner="dgfip"))) == {
        "partner": "Le partenaire se note avec la thématique « Aide aux démarches administratives »."
    }
    workshop = helped | {"type": "collectif", "anonymous_person": None, "title": "Impôts", "anonymous_count": 3}
    assert fields(await post(client, headers, workshop)) == {
        "partner": "Le partenaire France Services se note en séance individuelle."
    }


async def test_the_report_counts_sessions_by_partner_and_month_hidden_for_funders(client, make):
    """Staff read the sessions per month and partner exactly; a funder sees a count under 11 as "s", and another
    cell of its column hidden with it, so that the total does not give it away."""
    site, headers = await adviser(make)
    helped = session(digital_topics=["aide_aux_demarches_administratives"])
    for day, partner, times in (("2025-03-04", "cnaf", 12), ("2025-03-05", "dgfip", 2), ("2025-04-01", "cnaf", 11)):
        for _ in range(times):
            assert (await post(client, headers, helped | {"date": day, "partner": partner})).status_code == 201
    assert (await post(client, headers, helped | {"date": "2025-04-02"})).status_code == 201  # no partner named
    query = f"site={site}&from=2025-03-01&to=2025-04-30"
    staff = await make.bearer(await make.user("coordinator", site))
    tables = (await client.get(f"/api/v1/reports/outcomes?{query}", headers=staff)).json()["tables"]
    table = next(table for table in tables if table["key"] == "partners")
    assert [(row["key"], row["label"], row["cells"][-1]["value"]) for row in table["rows"]] == [
        ("2025-03:cnaf", "03/2025 · CNAF (Caf)", 12),
        ("2025-03:dgfip", "03/2025 · DGFiP (impôts)", 2),
        ("2025-04:cnaf", "04/2025 · CNAF (Caf)", 11),
    ]
    assert table["total"]["cells"][-1]["value"] == 25
    funder = await make.bearer(await make.user("funder", site))
    shown = (await client.get(f"/api/v1/reports/outcomes?{query}", headers=funder)).json()["tables"]
    hidden = next(table for table in shown if table["key"] == "partners")
    displays = {row["key"]: row["cells"][-1]["display"] for row in hidden["rows"]}
    column = [*displays.values(), hidden["total"]["cells"][-1]["display"]]
    assert displays["2025-03:dgfip"] == "s" and column.count("s") >= 2


async def test_the_session_form_takes_devices_a_demarche_its_partner_and_a_commune(client, make):
    """The session form ticks several devices, names the démarche and its partner, and the commune of a home visit;
    a démarche without its topic comes back with the message beside the démarches, and the edit form shows it all."""
    from tests.support.browser import logged_in

    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("adviser", site))
    learner = await make.learner(site, "Hélène", "Sénéchal")
    data = {
        "csrf_token": csrf, "date": TODAY.isoformat(), "duration_minutes": "30", "learner_id": str(learner),
        "digital_topics": ["email"], "admin_topics": ["argent_impots"], "procedure_name": "Avis d'imposition",
        "partner": "dgfip", "devices": ["telephone", "ordinateur"], "place": "domicile", "place_postal_code": "62480",
        "place_city": "Le Portel", "place_insee_code": "62667", "action": "save",
    }  # fmt: skip
    refused = await client.post("/activities/new/session", data=data)
    assert refused.status_code == 422
    assert '<p class="field-error" id="admin_topics-error">Les démarches administratives se choisissent' in refused.text
    assert 'value="Avis d&#39;imposition"' in refused.text and 'id="dv_ordinateur" name="devices"' in refused.text
    saved = await client.post(
        "/activities/new/session", data=data | {"digital_topics": ["email", "aide_aux_demarches_administratives"]}
    )
    assert saved.status_code == 303, saved.text
    row = await Activity.select().output(load_json=True).first()
    assert (row["devices"], row["partner"], row["procedure_name"]) == (
        ["telephone", "ordinateur"],
        "dgfip",
        "Avis d'imposition",
    )
    assert (row["place_postal_code"], row["place_city"], row["place_insee_code"]) == ("62480", "Le Portel", "62667")
    edit = (await client.get(f"/activities/{row['id']}/edit")).text
    assert re.search(r'id="dv_ordinateur" name="devices" value="ordinateur" checked', edit)
    assert '<option value="dgfip" selected>DGFiP (impôts)</option>' in edit and 'value="Le Portel"' in edit
