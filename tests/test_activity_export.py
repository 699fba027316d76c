"""The activity export page: a period (this month by default), a site among the caller's, XLSX or CSV; the file is
named after the site and the period, and an XLSX opens with date cells, a frozen header and sized columns."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from urllib.parse import quote

from tests.support.browser import logged_in
from tests.support.clock import paris_today
from tests.support.xlsx import read_sheet

TODAY = paris_today()
FIRST = TODAY.replace(day=1)
LAST = TODAY.replace(day=calendar.monthrange(TODAY.year, TODAY.month)[1])
PREVIOUS = (FIRST - timedelta(days=1)).replace(day=1)
LONG_TITLE = "Sécuriser ses comptes et reconnaître les arnaques en ligne"


async def record(client, headers, site, day: date, title: str, learner: int) -> None:
    body = {
        "type": "collectif",
        "site_id": site,
        "date": day.isoformat(),
        "start_time": "14:00",
        "duration_minutes": 120,
        "title": title,
        "digital_topics": ["securite_numerique"],
        "participants": [{"learner_id": learner, "present": True}],
        "anonymous_count": 2,
    }
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text


async def setup(client, make) -> dict:
    """Espace Carnot and the bus, each with a workshop this month; Carnot also one last month."""
    carnot = await make.site("Espace Carnot — Maison France Services, Le Portel")
    bus = await make.site("Bus numérique du Boulonnais")
    coordinator = await make.user("coordinator", carnot, bus)
    headers = await make.bearer(coordinator)
    learner, rider = await make.learner(carnot, "Marie", "Durand"), await make.learner(bus, "Paul", "Roue")
    await record(client, headers, carnot, FIRST, LONG_TITLE, learner)
    await record(client, headers, carnot, PREVIOUS + timedelta(days=9), "Atelier du mois dernier", learner)
    await record(client, headers, bus, FIRST, "Atelier du bus", rider)
    return {"carnot": carnot, "bus": bus, "coordinator": coordinator}


async def test_the_page_offers_this_month_and_the_callers_sites(client, make):
    """The form starts on this month's first and last days, offers the coordinator's two sites (all by default)
    and both formats; an adviser of one site sees that site named; the week of activities links to it."""
    sites = await setup(client, make)
    await logged_in(client, sites["coordinator"])
    page = await client.get("/activities/export")
    assert page.status_code == 200
    assert f'name="date_from" type="date" value="{FIRST.isoformat()}"' in page.text
    assert f'name="date_to" type="date" value="{LAST.isoformat()}"' in page.text
    assert '<option value="">Tous mes sites</option>' in page.text
    assert "Bus numérique du Boulonnais</option>" in page.text and 'value="xlsx" checked' in page.text
    assert 'href="/activities/export"' in (await client.get(f"/activities?week={FIRST.isoformat()}")).text
    client.cookies.clear()
    await logged_in(client, await make.user("adviser", sites["bus"]))
    alone = await client.get("/activities/export")
    assert "Site : <strong>Bus numérique du Boulonnais</strong>" in alone.text and "<select" not in alone.text
    client.cookies.clear()
    await logged_in(client, await make.user("funder", sites["carnot"]))
    assert (await client.get("/activities/export")).status_code == 403


async def test_xlsx_of_a_month_has_date_cells_a_frozen_header_and_sized_columns(client, make):
    """This month at Espace Carnot: one row, its date a real date cell shown dd/mm/yyyy; the header stays in view;
    each column is as wide as its longest text; the file is named « activites-espace-carnot-AAAA-MM.xlsx »."""
    sites = await setup(client, make)
    await logged_in(client, sites["coordinator"])
    query = f"date_from={FIRST}&date_to={LAST}&site={sites['carnot']}&format=xlsx"
    response = await client.get(f"/activities/export?{query}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.openxml")
    name = f"activites-espace-carnot-{FIRST:%Y-%m}.xlsx"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote('activités')}-espace-carnot-{FIRST:%Y-%m}.xlsx"
    )
    sheet = read_sheet(response.content)
    header, *rows = sheet.rows
    assert sheet.frozen_rows == 1 and len(rows) == 1
    row = dict(zip(header, rows[0], strict=False))
    assert row["titre"] == LONG_TITLE and row["date"] == FIRST
    assert sheet.formats[f"{chr(65 + header.index('date'))}2"] == "dd/mm/yyyy"
    widths = [sheet.widths[index] for index in range(len(header))]
    assert all(width >= len(name) for width, name in zip(widths, header, strict=True))
    assert widths[header.index("titre")] >= len(LONG_TITLE) > widths[header.index("id")]


async def test_csv_of_some_days_is_named_after_them(client, make):
    """The 1st to the 15th of last month, at Espace Carnot: that period's activity only, dates dd/mm/yyyy, in a
    file named « activites-espace-carnot-AAAA-MM-01-au-AAAA-MM-15.csv »; all sites by default."""
    sites = await setup(client, make)
    await logged_in(client, sites["coordinator"])
    end = PREVIOUS + timedelta(days=14)
    response = await client.get(
        f"/activities/export?date_from={PREVIOUS}&date_to={end}&site={sites['carnot']}&format=csv"
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    name = f"activites-espace-carnot-{PREVIOUS}-au-{end}.csv"
    assert f'filename="{name}"' in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Atelier du mois dernier" in lines[1]
    assert f";{PREVIOUS + timedelta(days=9):%d/%m/%Y};" in lines[1]
    every = await client.get(f"/activities/export?date_from={FIRST}&date_to={LAST}&format=csv")
    assert f'filename="activites-tous-les-sites-{FIRST:%Y-%m}.csv"' in every.headers["content-disposition"]
    assert {"Atelier du bus", LONG_TITLE} <= set(every.content.decode("utf-8-sig").split(";"))


async def test_a_bad_request_answers_the_form_with_its_messages(client, make):
    """An end before the start, more than 366 days, a date that is not one, another's site or an unknown format:
    the form comes back (422) with a French message beside each field, and no file."""
    sites = await setup(client, make)
    elsewhere = await make.site("Ailleurs")
    await logged_in(client, await make.user("adviser", sites["carnot"]))
    cases = [
        (f"date_from={LAST}&date_to={FIRST}&format=csv", "date_to", "le jour de son début ou après"),
        (f"date_from={FIRST - timedelta(days=400)}&date_to={FIRST}&format=csv", "date_to", "366 jours"),
        (f"date_from=31/02/2026&date_to={LAST}&format=xlsx", "date_from", "Date de début invalide"),
        (f"date_from=&date_to={LAST}&format=xlsx", "date_from", "Indiquez la date de début"),
        (f"date_from={FIRST}&date_to={LAST}&site={elsewhere}&format=csv", "site", "un de vos sites"),
        (f"date_from={FIRST}&date_to={LAST}&format=pdf", "format", "XLSX ou CSV"),
    ]
    for query, field, message in cases:
        response = await client.get(f"/activities/export?{query}")
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html"), query
        assert f'id="{field}-error">' in response.text and message in response.text, query
        assert "content-disposition" not in response.headers
    typed = await client.get(f"/activities/export?date_from={FIRST:%d/%m/%Y}&date_to={LAST:%d/%m/%Y}&format=csv")
    assert typed.status_code == 200  # a day typed by hand as JJ/MM/AAAA is read too
