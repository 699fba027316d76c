"""Territorial levels: a report above one département answers by département, above one région by région, each
group column summing its sites; a territory can be chosen; the table by site comes on demand, paged or as files."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.support.browser import logged_in
from tests.support.xlsx import notes, read_sheet
from tests.test_outcomes_pdf import poppler
from tests.test_outcomes_privacy import PERIOD, crowd, lines_of
from tests.test_outcomes_quality import give

API = "/api/v1/reports/outcomes"
ARRAS, LILLE, PARIS = "62041", "59350", "75056"  # Pas-de-Calais and Nord (Hauts-de-France), Paris (Île-de-France)


async def network(make, *codes: str) -> list[int]:
    """One site per INSEE code, named by its place in the list, each with a workshop in 2025."""
    sites = []
    for index, code in enumerate(codes):
        site = await make.site(f"Site {index + 1}", insee_code=code)
        await make.activity(site, date=date(2025, 4, 1 + index))
        sites.append(site)
    return sites


def query(sites: list[int], extra: str = "") -> str:
    return "&".join([*(f"site={site}" for site in sites), PERIOD, *([extra] if extra else [])])


def cells(body: dict, table: str, row: str) -> list:
    """One row's values (the total row for "total"), one per column then the whole set."""
    found = next(t for t in body["tables"] if t["key"] == table)
    line = found["total"] if row == "total" else next(r for r in found["rows"] if r["key"] == row)
    return [cell["value"] for cell in line["cells"]]


async def test_the_level_follows_where_the_sites_are(client, make):
    """Sites in one département: a column per site; in the Pas-de-Calais and the Nord: per département; in the
    Pas-de-Calais and Paris: per région; a site without a known commune has its own column, last."""
    headers = await make.bearer(await make.user("admin"))
    arras, lille, paris, other_arras, nowhere = await network(make, ARRAS, LILLE, PARIS, "62041", "")
    expected = {
        (arras, other_arras): ("site", ["Site 1", "Site 4"]),
        (arras, lille): ("departement", ["Nord (59)", "Pas-de-Calais (62)"]),
        (arras, paris): ("region", ["Hauts-de-France", "Île-de-France"]),
        (arras, lille, paris, nowhere): ("region", ["Hauts-de-France", "Île-de-France", "Territoire non renseigné"]),
        (arras, nowhere): ("site", ["Site 1", "Site 5"]),
    }
    for sites, (level, labels) in expected.items():
        body = (await client.get(f"{API}?{query(list(sites))}", headers=headers)).json()
        assert body["level"] == level and [c["label"] for c in body["columns"]] == labels, sites
        assert body["site_count"] == len(sites)
        assert len(body["sites"]) == (len(sites) if level == "site" else 0)
        assert all(len(row["cells"]) == len(labels) + 1 for table in body["tables"] for row in table["rows"])
    body = (await client.get(f"{API}?{query([arras, lille, paris, nowhere])}", headers=headers)).json()
    assert [(c["key"], c["level"], c["code"], c["sites"], c["exact"]) for c in body["columns"]] == [
        ("region:32", "region", "32", 2, True),
        ("region:11", "region", "11", 1, True),
        ("region:", "region", "", 1, True),
    ]
    assert "site_ids" not in body["columns"][0]


async def test_a_group_column_sums_its_sites(client, make):
    """By région, each column holds the figures the report of its sites alone gives for their whole set, and the
    whole set is the same as by site."""
    headers = await make.bearer(await make.user("admin"))
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await crowd(make, arras, {"feminin": 5, "masculin": 3})
    await crowd(make, lille, {"feminin": 2})
    await crowd(make, paris, {"feminin": 4, "masculin": 6})
    by_region = (await client.get(f"{API}?{query([arras, lille, paris])}", headers=headers)).json()
    north = (await client.get(f"{API}?{query([arras, lille])}", headers=headers)).json()
    capital = (await client.get(f"{API}?{query([paris])}", headers=headers)).json()
    assert north["level"] == "departement" and capital["level"] == "site"
    compared = 0
    for table in by_region["tables"]:
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            values = [cell["value"] for cell in row["cells"]]
            for column, alone in ((0, north), (1, capital)):
                other = next((t for t in alone["tables"] if t["key"] == table["key"]), None)
                lines = (
                    {r["key"]: r for r in [*other["rows"], *([other["total"]] if other["total"] else [])]}
                    if other
                    else {}
                )
                if row["key"] in lines:
                    assert values[column] == lines[row["key"]]["cells"][-1]["value"], (table["key"], row["key"])
                    compared += 1
                else:
                    assert not values[column], (table["key"], row["key"])
            assert values[-1] == sum(values[:-1]), (table["key"], row["key"])
    assert compared > 100
    assert cells(by_region, "learners", "total") == [10, 10, 20]
    assert cells(by_region, "gender", "masculin") == [3, 6, 9]


async def test_a_funder_reads_group_columns_suppressed_and_an_administrator_exactly(client, make):
    """The administrator's région columns are exact ("diffusion restreinte"); the funder of the same sites gets
    them suppressed: small cells "s", never a line with one hidden cell, no name."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await crowd(make, arras, {"feminin": 15, "masculin": 15})
    await crowd(make, lille, {"feminin": 4}, first_name="Zéphyrine")
    await crowd(make, paris, {"feminin": 3, "masculin": 2}, first_name="Zéphyrine")
    admin = await make.bearer(await make.user("admin"))
    funder = await make.bearer(await make.user("funder", arras, lille, paris))
    exact = (await client.get(f"{API}?{query([arras, lille, paris])}", headers=admin)).json()
    hidden = await client.get(f"{API}?{query([arras, lille, paris])}", headers=funder)
    assert hidden.status_code == 200 and "Zéphyrine" not in hidden.text and "Quasimodo" not in hidden.text
    hidden = hidden.json()
    assert exact["restricted"] and all(column["exact"] for column in exact["columns"])
    assert not hidden["restricted"] and not any(column["exact"] for column in hidden["columns"])
    assert hidden["level"] == "region" and hidden["sites"] == []
    assert cells(exact, "gender", "masculin") == [15, 2, 17]
    assert cells(hidden, "gender", "masculin")[1] is None  # Île-de-France: 2 men
    for table in hidden["tables"]:
        for line in lines_of(table):
            assert len([cell for cell in line if cell["value"] is None]) != 1, table["key"]
            assert all(cell["display"] == "s" for cell in line if cell["value"] is None)


async def test_a_region_or_a_departement_narrows_the_report(client, make):
    """`region=32` keeps the Hauts-de-France sites (by département), `departement=62` the Pas-de-Calais ones (by
    site); an unknown code answers 422 naming the field in French; a territory without the caller's sites, 404."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    headers = await make.bearer(await make.user("admin"))
    body = (await client.get(f"{API}?{PERIOD}&region=32", headers=headers)).json()
    assert body["level"] == "departement" and body["site_count"] == 2
    assert [column["label"] for column in body["columns"]] == ["Nord (59)", "Pas-de-Calais (62)"]
    body = (await client.get(f"{API}?{PERIOD}&departement=62", headers=headers)).json()
    assert body["level"] == "site" and [site["id"] for site in body["sites"]] == [arras]
    body = (await client.get(f"{API}?site={lille}&site={paris}&{PERIOD}&region=11", headers=headers)).json()
    assert [site["id"] for site in body["sites"]] == [paris]
    wrong = await client.get(f"{API}?{PERIOD}&region=99&departement=6", headers=headers)
    assert wrong.status_code == 422
    assert {detail["field"]: detail["message"] for detail in wrong.json()["details"]} == {
        "region": "Région inconnue : « 99 » (attendu : un code de région de l'INSEE, ex. 32).",
        "departement": "Département inconnu : « 6 » (attendu : un code de département de l'INSEE, ex. 62 ou 2A).",
    }
    assert (await client.get(f"{API}?{PERIOD}&region=84", headers=headers)).status_code == 404
    funder = await make.bearer(await make.user("funder", arras))
    assert (await client.get(f"{API}?{PERIOD}&departement=59", headers=funder)).status_code == 404
    assert (await client.get(f"{API}.csv?{PERIOD}&departement=62", headers=funder)).status_code == 200


async def test_the_table_by_site_pages_and_hides_like_the_report(client, make):
    """`/reports/outcomes/sites` gives each site's place and main figures, page by page, by région then
    département; a funder reads the same cells ("s" when hidden) as in its département's report, staff exactly."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await crowd(make, arras, {"feminin": 15, "masculin": 15})
    await crowd(make, lille, {"feminin": 4})
    await crowd(make, paris, {"feminin": 12})
    for role in ("admin", "funder"):
        headers = await make.bearer(await make.user(role, *([] if role == "admin" else [arras, lille, paris])))
        first = (await client.get(f"{API}/sites?{PERIOD}&per_page=2", headers=headers)).json()
        second = (await client.get(f"{API}/sites?{PERIOD}&per_page=2&page=2", headers=headers)).json()
        assert (first["total"], first["pages"], first["page"], second["page"]) == (3, 2, 1, 2)
        beyond = (await client.get(f"{API}/sites?{PERIOD}&per_page=2&page=3", headers=headers)).json()
        assert beyond["items"] == [] and beyond["total"] == 3
        rows = first["items"] + second["items"]
        assert [(r["name"], r["commune"], r["departement"], r["region"]) for r in rows] == [
            ("Site 2", "Lille", "Nord (59)", "Hauts-de-France"),
            ("Site 1", "Arras", "Pas-de-Calais (62)", "Hauts-de-France"),
            ("Site 3", "Paris", "Paris (75)", "Île-de-France"),
        ]
        learners = [row["learners"]["display"] for row in rows]
        assert [row["activities"]["value"] for row in rows] == [5, 31, 13]  # activities count nobody: never hidden
        if role == "admin":
            assert learners == ["4", "30", "12"] and all(row["exact"] for row in rows)
            assert [row["fragile_entry"]["value"] for row in rows] == [4, 30, 12]
        else:
            assert learners[0] == "s" and not any(row["exact"] for row in rows)
            assert [row["new_learners"]["display"] for row in rows][0] == "s"
        for row, code in zip(rows, ("59", "62", "75"), strict=True):
            alone = (await client.get(f"{API}?{PERIOD}&departement={code}", headers=headers)).json()
            for name, table, line in (("learners", "learners", "total"), ("assessed", "fragility_entry", "total")):
                assert row[name]["value"] == cells(alone, table, line)[0], (code, name)
    wrong = await client.get(f"{API}/sites?{PERIOD}&departement=ZZ", headers=headers)
    assert wrong.status_code == 422 and [d["field"] for d in wrong.json()["details"]] == ["departement"]


async def test_the_table_by_site_downloads_as_csv_and_xlsx(client, make):
    """The CSV and the XLSX list every site with the same displays as the JSON; a site name that looks like a
    formula is written as text."""
    arras, paris = await network(make, ARRAS, PARIS)
    trap = await make.site('=HYPERLINK("http://x")', insee_code=LILLE)
    await crowd(make, arras, {"feminin": 12})
    headers = await make.bearer(await make.user("funder", arras, paris, trap))
    listed = (await client.get(f"{API}/sites?{PERIOD}", headers=headers)).json()["items"]
    response = await client.get(f"{API}/sites.csv?{PERIOD}", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = lines.index(next(line for line in lines if line and line[0] == "Identifiant"))
    rows = lines[header + 1 :]
    assert lines[header][:7] == [
        "Identifiant",
        "Site",
        "Code INSEE",
        "Commune",
        "Département",
        "Région",
        "Chiffres exacts",
    ]
    assert [row[1] for row in rows] == ['\'=HYPERLINK("http://x")', "Site 1", "Site 2"]
    assert [row[1] for row in rows][1:] == [item["name"] for item in listed][1:]
    assert rows[1][7:] == [item["display"] for item in list(listed[1].values())[7:]]
    workbook = (await client.get(f"{API}/sites.xlsx?{PERIOD}", headers=headers)).content
    sheet = read_sheet(workbook, 1)
    assert sheet.rows[2][:2] == ["Identifiant", "Site"] and sheet.frozen_rows == 3
    assert sheet.rows[3][1] == '\'=HYPERLINK("http://x")'  # text, never a formula
    assert sheet.rows[4][:7] == [arras, "Site 1", ARRAS, "Arras", "Pas-de-Calais (62)", "Hauts-de-France", "non"]
    assert sheet.rows[4][7] == listed[1]["activities"]["value"] and sheet.rows[4][11] == 12
    hidden = [
        column for column, item in enumerate(listed[0].values()) if isinstance(item, dict) and item["value"] is None
    ]
    assert hidden and all(notes(workbook, 1)[f"{chr(65 + column)}4"] == "s : secret statistique" for column in hidden)


async def test_the_pdf_prints_the_region_columns(client, make, tmp_path):
    """The PDF of a report by région heads its tables with the régions and names no site."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await crowd(make, arras, {"feminin": 12})
    headers = await make.bearer(await make.user("admin"))
    response = await client.get(f"{API}.pdf?{PERIOD}", headers=headers)
    assert response.status_code == 200
    text = " ".join(poppler("pdftotext", response.content, tmp_path).split())
    assert "3 sites, par région : Hauts-de-France (2), Île-de-France (1)" in text
    assert "Hauts-de-France Île-de-France Ensemble" in text
    assert "Site 1" not in text


async def test_the_whole_network_answers_by_region_in_under_a_megabyte(client, make):
    """Sites in three régions: the answer is by région, with no column per site and no list of sites."""
    codes = [ARRAS, LILLE, PARIS, "69123", "13055", "33063"] * 4  # + Lyon, Marseille, Bordeaux: 5 régions
    sites = await network(make, *codes)
    for site in sites[:6]:
        await crowd(make, site, {"feminin": 6, "masculin": 7})
    headers = await make.bearer(await make.user("admin"))
    response = await client.get(f"{API}?{PERIOD}", headers=headers)
    body = response.json()
    assert body["level"] == "region" and body["site_count"] == 24 and body["sites"] == []
    assert len(body["columns"]) == 5 and {c["level"] for c in body["columns"]} == {"region"}
    assert all(len(row["cells"]) == 6 for table in body["tables"] for row in table["rows"])
    print(f"whole-network answer, 24 sites in 5 régions: {len(response.content)} bytes")
    assert len(response.content) < 1_000_000


async def test_a_report_by_region_downloads_and_shares_by_region(client, make):
    """The CSV and XLSX of a report by région head their columns with the régions; a share link of it opens the
    same région columns, suppressed like a funder's view, and names no site."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await crowd(make, arras, {"feminin": 12}, first_name="Zéphyrine")
    admin = await make.bearer(await make.user("admin"))
    funder = await make.bearer(await make.user("funder", arras, lille, paris))
    text = (await client.get(f"{API}.csv?{PERIOD}", headers=admin)).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Sites", "3", "colonnes par région (tableau par site à part)"] in lines
    assert ["rubrique", "tableau", "ligne", "Hauts-de-France", "Île-de-France", "Ensemble des sites"] in lines
    workbook = (await client.get(f"{API}.xlsx?{PERIOD}", headers=admin)).content
    assert read_sheet(workbook, 1).rows[2][0] == "3 sites, par région"
    created = await client.post(
        f"{API}/shares", headers=admin, json={"sites": [arras, lille, paris], "from": "2025-01-01", "to": "2025-12-31"}
    )
    assert created.status_code == 201, created.text
    path = created.json()["url"].split("testserver.local", 1)[-1]
    page = await client.get(path)
    assert page.status_code == 200
    assert "3 sites, par région : Hauts-de-France (2 sites), Île-de-France (1 site)" in page.text
    assert "Site 1" not in page.text and "Zéphyrine" not in page.text and "Voir le détail" not in page.text
    shared = await client.get(f"{path}.csv")
    assert shared.content == (await client.get(f"{API}.csv?{PERIOD}", headers=funder)).content


async def test_the_dashboard_offers_the_territories_and_explains_a_wrong_code(client, make):
    """The dashboard lists the régions and départements of the caller's sites, links each région column to its
    report, and answers a wrong code with the French message beside the field."""
    arras, lille, paris = await network(make, ARRAS, LILLE, PARIS)
    await logged_in(client, await make.user("funder", arras, lille, paris))
    html = (await client.get(f"/reports/outcomes?{PERIOD}")).text
    assert '<option value="32">Hauts-de-France</option>' in html and '<option value="59">Nord (59)</option>' in html
    assert '<optgroup label="Île-de-France"><option value="75">Paris (75)</option></optgroup>' in html
    assert 'href="/reports/outcomes?region=32&amp;from=2025-01-01&amp;to=2025-12-31">Hauts-de-France</a>' in html
    scope = html[html.index('<p class="report-scope">') : html.index("</p>", html.index('<p class="report-scope">'))]
    assert "Tableau par site" in html and "par région" in scope and "Site 1" not in scope
    wrong = await client.get(f"/reports/outcomes?{PERIOD}&departement=999")
    assert wrong.status_code == 422 and 'id="departement-error"' in wrong.text
    assert "Département inconnu : « 999 »" in wrong.text
    table = await client.get(f"/reports/outcomes/sites?{PERIOD}&region=32")
    assert table.status_code == 200 and table.text.count('<th scope="row">') == 2


async def test_a_coordinator_reads_the_comments_of_sites_in_two_regions(client, make):
    """In a report by région, the coordinator of a site in the Pas-de-Calais and one in Paris reads both sites'
    comments, each under its site's name; a funder of the same sites none."""
    arras, paris = await network(make, ARRAS, PARIS)
    await give(arras, date(2025, 3, 1), 14, [(True, True)] * 12, comment="Très bon accueil à Arras")
    await give(paris, date(2025, 5, 1), 14, [(True, True)] * 12, comment="Merci pour la patience")
    await logged_in(client, await make.user("coordinator", arras, paris))
    html = (await client.get(f"/reports/outcomes?{PERIOD}")).text
    assert "par région" in html
    section = html[html.index('id="detail-comments"') :]
    assert section.index("Site 2") < section.index("Merci pour la patience")
    assert section.index("Site 1") < section.index("Très bon accueil à Arras")
    client.cookies.clear()
    await logged_in(client, await make.user("funder", arras, paris))
    assert "Merci pour la patience" not in (await client.get(f"/reports/outcomes?{PERIOD}")).text
