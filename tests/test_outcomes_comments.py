"""Learners' comments may name someone: the dashboard shows them to the coordinators of their site only, by month,
and no other reader (funder, adviser, administrator, share link) nor any file (JSON, CSV, XLSX, PDF) holds them."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from tests.support.browser import logged_in
from tests.support.certificates import pdf_text
from tests.test_outcomes_quality import give

PERIOD = "from=2025-01-01&to=2025-12-31"
SECRET = "Madame Quasimodo m'a très bien aidée"
OTHER = "Monsieur Zéphyrin était pressé"


async def sites_with_comments(make) -> tuple[int, int]:
    here, elsewhere = await make.site("Espace Jaurès"), await make.site("Bus du Ternois")
    await give(here, date(2025, 3, 1), 14, [(True, True)] * 13, comment=SECRET)
    await give(here, date(2025, 9, 1), 14, [(False, True)] * 12, comment="Trop de bruit dans la salle")
    await give(elsewhere, date(2025, 5, 1), 14, [(True, True)] * 12, comment=OTHER)
    await give(here, date(2024, 12, 1), 3, [(True, True)], comment="Avant la période")
    return here, elsewhere


async def dashboard(client, user: dict, query: str = PERIOD) -> str:
    client.cookies.clear()
    await logged_in(client, user)
    response = await client.get(f"/reports/outcomes?{query}")
    assert response.status_code == 200, response.text
    return response.text


async def test_the_sites_coordinator_reads_its_comments_by_month(client, make):
    """The coordinator of one site reads its comments of the period, newest month first, with nothing finer than
    the month; not another site's, nor those of a month outside the period."""
    here, elsewhere = await sites_with_comments(make)
    html = await dashboard(client, await make.user("coordinator", here))
    section = html[html.index('id="detail-comments"') :]
    assert (
        section.index("09/2025")
        < section.index("Trop de bruit")
        < section.index("03/2025")
        < section.index("Madame Quasimodo m&#39;a très bien aidée")
    )
    assert OTHER not in html and "Avant la période" not in html
    assert "ne figurent ni dans les fichiers téléchargés, ni dans les liens de partage" in section


async def test_nobody_else_reads_them(client, make):
    """A funder of the site, its adviser and an administrator get no comment section; a coordinator of another
    site reads only that site's comments, and the coordinator of both none of this one's in a report without it."""
    here, elsewhere = await sites_with_comments(make)
    for user in (await make.user("funder", here), await make.user("adviser", here), await make.user("admin")):
        html = await dashboard(client, user)
        assert "Quasimodo" not in html and 'id="detail-comments"' not in html, user["email"]
    both = await make.user("coordinator", here, elsewhere)
    for user, query in ((await make.user("coordinator", elsewhere), PERIOD), (both, f"site={elsewhere}&{PERIOD}")):
        html = await dashboard(client, user, query)
        assert "Quasimodo" not in html and "Zéphyrin était pressé" in html, user["email"]


async def test_no_file_and_no_share_link_holds_a_comment(client, make, tmp_path):
    """The coordinator's own JSON, CSV, XLSX and PDF, and the page, CSV and PDF of the link they share, hold the
    figures but never a comment's text."""
    here, _ = await sites_with_comments(make)
    coordinator = await make.user("coordinator", here)
    headers = await make.bearer(coordinator)
    url = f"/api/v1/reports/outcomes?site={here}&{PERIOD}"
    texts = [(await client.get(url, headers=headers)).text, (await client.get(url.replace("outcomes?", "outcomes.csv?"),
                                                                                headers=headers)).text]  # fmt: skip
    workbook = (await client.get(url.replace("outcomes?", "outcomes.xlsx?"), headers=headers)).content
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        texts.append("".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml")))
    texts.append(pdf_text((await client.get(url.replace("outcomes?", "outcomes.pdf?"), headers=headers)).content,
                          tmp_path))  # fmt: skip
    shared = await client.post(
        "/api/v1/reports/outcomes/shares",
        json={"sites": [here], "from": "2025-01-01", "to": "2025-12-31"},
        headers=headers,
    )
    link = shared.json()["url"][shared.json()["url"].index("/shared/") :]
    texts += [(await client.get(link)).text, (await client.get(f"{link}.csv")).text]
    texts.append(pdf_text((await client.get(f"{link}.pdf")).content, tmp_path))
    assert "Avis reçus" in texts[1] and "Qualité du service rendu" in texts[-1]
    for text in texts:
        assert "Quasimodo" not in text and "Trop de bruit" not in text
