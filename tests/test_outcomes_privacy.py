"""The outcomes report never names anyone, and hides every small cell from readers who cannot open the records
(funders, share links) so that no total gives one away; every hidden cell reads "s"."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest

from inclusion.settings import Settings, SettingsError
from tests.support.xlsx import notes, read_sheet, sheet_names

K = 11
PERIOD = "from=2025-01-01&to=2025-12-31"


async def crowd(make, site: int, genders: dict[str, int], first_name: str = "Marie") -> list[int]:
    """Learners with one individual session each in 2025 and one assessment; the first half are new."""
    learners = []
    for gender, count in genders.items():
        for index in range(count):
            learner = await make.learner(
                site,
                first_name,
                f"Quasimodo{len(learners)}",
                gender=gender,
                age_band="soixante_dix_plus" if index % 2 else "quarante_cinquante_neuf",
                first_visit_on=date(2025, 2, 1) if len(learners) % 2 else date(2024, 5, 1),
            )
            await make.activity(site, type="individuel", date=date(2025, 3, 4), learner=learner)
            await make.assessment(learner, {"appareil": 3 if index % 3 else 1, "navigation": 2}, date(2025, 3, 4))
            learners.append(learner)
    return learners


def lines_of(table: dict) -> list[list[dict]]:
    """Every group of cells whose sum is published: each row across sites then the whole set, and, when the
    table has a total row, each column down its rows then the total."""
    rows = [row["cells"] for row in table["rows"]] + ([table["total"]["cells"]] if table["total"] else [])
    lines = [list(cells) for cells in rows]
    if table["total"] and table["rows"]:
        lines += [[cells[column] for cells in rows] for column in range(len(rows[0]))]
    return lines


@pytest.fixture
async def report(client, make):
    small, large = await make.site("Petit site"), await make.site("Grand site")
    await crowd(make, small, {"feminin": 8, "masculin": 4}, first_name="Zéphyrine")
    await crowd(make, large, {"feminin": 15, "masculin": 15})
    headers = await make.bearer(await make.user("funder", small, large))
    response = await client.get(f"/api/v1/reports/outcomes?site={small}&site={large}&{PERIOD}", headers=headers)
    assert response.status_code == 200, response.text
    return {"json": response.json(), "headers": headers, "query": f"site={small}&site={large}&{PERIOD}"}


async def test_every_small_cell_is_hidden_and_no_line_leaves_one_alone(report):
    """For a funder, with a site of 12 learners, counts below K read "s" and no row or column holds one hidden cell
    alone."""
    body = report["json"]
    assert [site["name"] for site in body["sites"]] == ["Grand site", "Petit site"]
    checked = 0
    for table in body["tables"]:
        for line in lines_of(table):
            hidden = [cell for cell in line if cell["value"] is None]
            assert len(hidden) != 1, (table["key"], line)
            for cell in line:
                if cell["value"] is None:
                    assert cell["display"] == "s"
                elif table["suppressed"]:
                    assert cell["value"] >= K, (table["key"], line)
            checked += 1
    assert checked > 50
    gender = next(table for table in body["tables"] if table["key"] == "gender")
    cells = {row["key"]: [cell["display"] for cell in row["cells"]] for row in gender["rows"]}
    # columns: large site, small site, whole set. 8 women and 4 men at the small site: both hidden, and the
    # large site's 15 and 15 too, else whole − large = small. Nobody "non communiqué" (0 < K): hidden, so the
    # whole set's smallest other cell (19 men) goes too, else 42 − 23 − 19 = 0 would show.
    assert cells["feminin"] == ["s", "s", "23"] and cells["masculin"] == ["s", "s", "s"]
    assert cells["non_communique"] == ["s", "s", "s"]
    assert [cell["display"] for cell in gender["total"]["cells"]] == ["30", "12", "42"]


async def test_a_total_shared_by_several_tables_is_hidden_alike(client, make):
    """Learners accompanied, the total of five tables, is hidden in all of them or in none."""
    sites = [await make.site(f"Site {index}") for index in range(3)]
    for site, size in zip(sites, (5, 14, 30), strict=True):
        await crowd(make, site, {"feminin": size})
    headers = await make.bearer(await make.user("funder", *sites))
    body = (await client.get(f"/api/v1/reports/outcomes?{PERIOD}", headers=headers)).json()
    totals = [
        [cell["display"] for cell in table["total"]["cells"]]
        for table in body["tables"]
        if table["key"] in ("learners", "age_band", "gender", "social_status", "qpv")
    ]
    assert len(totals) == 5 and all(total == totals[0] for total in totals)
    assert totals[0] == ["s", "s", "30", "49"]  # 5 is small, 14 goes with it: 49 − 30 − 14 would give 5


async def test_levels_and_became_autonomous_do_not_give_each_other_away(client, make):
    """The 5 autonomous at entry are hidden, so "not autonomous at entry" (25) is too: 30 − 25 would give them."""
    site = await make.site()
    for index in range(30):
        learner = await make.learner(site)
        await make.activity(site, type="individuel", date=date(2025, 3, 4), learner=learner)
        level = 0 if index < 12 else 1 if index < 25 else 3
        await make.assessment(learner, {"appareil": level}, date(2025, 3, 4))
    headers = await make.bearer(await make.user("funder", site))
    body = (await client.get(f"/api/v1/reports/outcomes?{PERIOD}", headers=headers)).json()
    tables = {table["key"]: table for table in body["tables"]}
    levels, autonomy = tables["levels:appareil:entry"], tables["autonomy:appareil"]
    assert [cell["display"] for cell in levels["rows"][3]["cells"]] == ["s", "s"]
    assert [cell["display"] for cell in levels["total"]["cells"]] == ["30", "30"]
    assert [cell["display"] for cell in autonomy["total"]["cells"]] == ["s", "s"]
    for table in (levels, autonomy):
        for line in lines_of(table):
            assert len([cell for cell in line if cell["value"] is None]) != 1


async def test_rates_are_hidden_with_their_counts(report):
    """A rate whose numerator is hidden has no value (rate × total would give the count back): "s", or a bound."""
    seen = 0
    for table in report["json"]["tables"]:
        if table["rate"]:
            for rate, cell in zip(table["rate"]["cells"], table["rows"][0]["cells"], strict=True):
                if cell["value"] is None:
                    assert rate["value"] is None and rate["low"] is None
                    assert rate["display"] == "s" or rate["display"].startswith(("≥ ", "≤ ", "entre "))
                    seen += 1
    assert seen


def no_learner_keys(value) -> bool:
    if isinstance(value, dict):
        return all("learner" not in key and no_learner_keys(item) for key, item in value.items())
    if isinstance(value, list):
        return all(no_learner_keys(item) for item in value)
    return True


async def test_no_name_and_no_learner_id_in_any_format(client, report):
    """Neither a learner's name nor a learner field appears in the JSON, CSV or XLSX."""
    assert no_learner_keys(report["json"])
    texts = [str(report["json"])]
    for extension in ("csv", "xlsx"):
        response = await client.get(
            f"/api/v1/reports/outcomes.{extension}?{report['query']}", headers=report["headers"]
        )
        assert response.status_code == 200
        texts.append(response.content.decode("utf-8-sig") if extension == "csv" else xlsx_text(response.content))
    for text in texts:
        assert "Zéphyrine" not in text and "Quasimodo" not in text


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


async def test_csv_and_xlsx_carry_the_same_figures_and_hidden_cells(client, make, report):
    """The CSV (`;`, BOM, dd/mm/yyyy) gives every table row with the JSON's displays, "s" included; the XLSX has a
    sheet per table with numbers, hidden cells empty with the mark in a note, rates as percentages with their
    bounds in their own columns, dates as dates and frozen headers."""
    expected = []
    for table in report["json"]["tables"]:
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            expected.append([table["title"], row["label"], *[cell["display"] for cell in row["cells"]]])
    csv_response = await client.get(f"/api/v1/reports/outcomes.csv?{report['query']}", headers=report["headers"])
    assert csv_response.content.startswith("\ufeff".encode())
    text = csv_response.content.decode("utf-8-sig")
    assert "du 01/01/2025 au 31/12/2025" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert all(line in [row[1:] for row in rows] for line in expected)
    assert sum(line.count("s") for line in expected) > 10
    content = (await client.get(f"/api/v1/reports/outcomes.xlsx?{report['query']}", headers=report["headers"])).content
    names = sheet_names(content)
    assert names[0] == "Synthèse" and {"Genre", "Mêmes personnes, entrée", "Fragilité par mois"} <= set(names)
    synthesis = read_sheet(content, 1)
    assert synthesis.rows[1][:4] == ["Du", date(2025, 1, 1), "au", date(2025, 12, 31)]
    gender_json = next(table for table in report["json"]["tables"] if table["key"] == "gender")
    number = names.index("Genre") + 1
    gender, gender_notes = read_sheet(content, number), notes(content, number)
    assert gender.frozen_rows == 2 and gender.rows[1] == ["Genre", "Grand site", "Petit site", "Ensemble des sites"]
    for index, row in enumerate([*gender_json["rows"], gender_json["total"]]):
        line = gender.rows[2 + index] + [None] * 4  # empty cells at the end of a row are not written
        assert line[0] == row["label"]
        for column, cell in enumerate(row["cells"]):
            assert line[1 + column] == cell["value"]  # a number, or empty
            reference = f"{'BCD'[column]}{3 + index}"
            assert (gender_notes.get(reference) == "s : secret statistique") is (cell["value"] is None)
    number = names.index("Tous évalués, entrée") + 1  # everyone is fragile (navigation 2): 0 are not, hidden
    assert notes(content, number)["E5"] == "≥ 76,1 % (borne publiée)"  # 42 assessed, at most 10 not fragile
    staff = await make.bearer(await make.user("coordinator", *[site["id"] for site in report["json"]["sites"]]))
    exact = (await client.get(f"/api/v1/reports/outcomes.xlsx?{report['query']}", headers=staff)).content
    fragility = read_sheet(exact, number)
    assert fragility.rows[1][-3:] == ["Taux de fragilité", "Borne basse (95 %)", "Borne haute (95 %)"]
    assert fragility.rows[4] == ["Ensemble des sites", 42, 0, 42, 1.0, 0.9162, 1.0]
    assert fragility.formats["E5"] == fragility.formats["F5"] == fragility.formats["G5"] == "0.0 %"


def test_the_threshold_is_a_setting(tmp_path):
    """INCLUSION_SMALL_CELL_K sets K (default 11); below 2 the service refuses to start."""
    base = {"INCLUSION_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).small_cell_k == 11
    assert Settings.from_env(base | {"INCLUSION_SMALL_CELL_K": "5"}).small_cell_k == 5
    with pytest.raises(SettingsError):
        Settings.from_env(base | {"INCLUSION_SMALL_CELL_K": "1"})


async def test_staff_read_their_own_sites_exactly_and_a_funder_does_not(client, make):
    """A coordinator of both sites, and an adviser of the small one, read its 8 women and 4 men exactly, marked
    "diffusion restreinte"; the funder of the same sites reads "s"."""
    small, large = await make.site("Petit site"), await make.site("Grand site")
    await crowd(make, small, {"feminin": 8, "masculin": 4})
    await crowd(make, large, {"feminin": 15, "masculin": 15})
    readers = {
        "coordinator": (await make.user("coordinator", small, large), f"site={small}&site={large}"),
        "adviser": (await make.user("adviser", small), f"site={small}"),
        "admin": (await make.user("admin"), f"site={small}"),
        "funder": (await make.user("funder", small, large), f"site={small}&site={large}"),
    }
    for role, (user, sites) in readers.items():
        body = (await client.get(f"/api/v1/reports/outcomes?{sites}&{PERIOD}", headers=await make.bearer(user))).json()
        gender = next(table for table in body["tables"] if table["key"] == "gender")
        cells = {row["key"]: [cell["display"] for cell in row["cells"]] for row in gender["rows"]}
        small_column = [site["id"] for site in body["sites"]].index(small)
        assert body["restricted"] is (role != "funder")
        assert all(site["exact"] is (role != "funder") for site in body["sites"])
        if role == "funder":
            assert cells["feminin"][small_column] == "s" and cells["masculin"][small_column] == "s"
        else:
            assert cells["feminin"][small_column] == "8" and cells["masculin"][small_column] == "4"
            assert all(cell["value"] is not None for table in body["tables"] for row in table["rows"]
                       for cell in row["cells"])  # fmt: skip
