"""The outcomes report as a PDF, read back with poppler: the synthèse on page 1, then an annex where each table
appears once with the JSON's displays ("s" included), human titles, page numbers, the bundled font, no name; one
site's report on at most 4 pages."""

from __future__ import annotations

import random
import re
import subprocess

from inclusion.reports.printed import sections
from tests.support.browser import logged_in
from tests.support.clock import paris_today
from tests.test_outcomes_correctness import build
from tests.test_outcomes_privacy import PERIOD, crowd

API = "/api/v1/reports/outcomes"


def poppler(tool: str, document: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(document)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def displayed(text: str, label: str, values: list[str]) -> bool:
    """Whether a row's label (its start) and values follow one another on one line of the laid-out text."""
    words = r"\s+".join(re.escape(word) for word in label.split()[:3])
    pattern = words + r".*?" + r"\s+".join(re.escape(value).replace(r"\ ", r"\s") for value in values)
    return re.search(rf"{pattern}(\s|$)", text, flags=re.M) is not None


def pages(document: bytes, tmp_path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", document, tmp_path)).group(1))


async def test_the_pdf_opens_with_the_synthese_and_prints_each_table_once(client, make, tmp_path):
    """Page 1: title, period, sites, the sentence, the key figures, the "s" legend; then every printed table once,
    each row with the JSON's displays; metadata, page numbers, Inter everywhere, no name."""
    small, large = await make.site("Petit site"), await make.site("Grand site")
    await crowd(make, small, {"feminin": 8, "masculin": 4}, first_name="Zéphyrine")
    await crowd(make, large, {"feminin": 15, "masculin": 15})
    headers = await make.bearer(await make.user("funder", small, large))
    query = f"site={small}&site={large}&{PERIOD}"
    body = (await client.get(f"{API}?{query}", headers=headers)).json()
    response = await client.get(f"{API}.pdf?{query}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="rapport-impact-2025-01-01-2025-12-31.pdf"' in response.headers["content-disposition"]
    first = " ".join(poppler("pdftotext", response.content, tmp_path, "-f", "1", "-l", "1").split())
    assert body["headline"] in first
    assert "Chiffres clés" in first and "Personnes accompagnées" in first and "« s » : secret statistique" in first
    assert "du 01/01/2025 au 31/12/2025" in first.lower() and "Petit site" in first and "Grand site" in first
    assert "Annexe —" not in first
    text = poppler("pdftotext", response.content, tmp_path, "-layout")
    info = poppler("pdfinfo", response.content, tmp_path)
    assert "Title:           Rapport d'impact du 01/01/2025 au 31/12/2025" in info
    count = pages(response.content, tmp_path)
    assert f"Page {count} / {count}" in text and f"édité le {paris_today():%d/%m/%Y}" in text
    assert "Zéphyrine" not in text and "Quasimodo" not in text and "Ligne" not in text
    fonts = poppler("pdffonts", response.content, tmp_path)
    assert "Inter" in fonts and "DejaVu" not in fonts  # the charts' text too: the bundled face, not the system's
    printed = [table for section in sections(body, {}) for table in section.tables]
    assert len(printed) > 15
    for table in printed:
        assert len(re.findall(rf"^\s*{re.escape(table.title)}\s*$", text, flags=re.M)) == 1, table.title
        assert all(name for name in table.header)
        for label, values, _ in table.rows:
            assert displayed(text, label, values), (table.key, label, values)
    assert re.search(r"\ss(\s|$)", text, flags=re.M)  # hidden cells, printed as "s"


async def test_one_sites_report_holds_on_four_pages(client, make, tmp_path):
    """A site with a year of sessions, workshops, assessments and Pass: the synthèse on page 1, at most 4 pages."""
    site = await make.site("Espace Carnot — Maison France Services")
    await build(make, random.Random(3), {site: 90})
    headers = await make.bearer(await make.user("funder", site))
    response = await client.get(f"{API}.pdf?{PERIOD}", headers=headers)
    assert response.status_code == 200, response.text
    assert pages(response.content, tmp_path) <= 4
    first = poppler("pdftotext", response.content, tmp_path, "-f", "1", "-l", "1")
    assert "personnes évaluées deux fois" in first and "Chiffres clés" in first


async def test_wide_per_site_tables_go_on_landscape_pages(client, make, tmp_path):
    """With four sites or more, the annex is printed on landscape A4 pages, the synthèse on portrait."""
    sites = [await make.site(f"Site numéro {index}") for index in range(5)]
    headers = await make.bearer(await make.user("admin"))
    query = "&".join(f"site={site}" for site in sites)
    response = await client.get(f"{API}.pdf?{query}&{PERIOD}", headers=headers)
    assert response.status_code == 200, response.text
    info = poppler("pdfinfo", response.content, tmp_path, "-f", "1", "-l", "99")
    sizes = [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    assert sizes[0] == (595, 842)  # A4 portrait
    assert (842, 595) in sizes  # A4 landscape


async def test_the_dashboard_links_the_pdf_and_a_funder_may_download_it(client, make, tmp_path):
    """The dashboard's downloads list the PDF; a funder gets it for its own sites."""
    site = await make.site("Espace Jaurès")
    await logged_in(client, await make.user("funder", site))
    html = (await client.get(f"/reports/outcomes?{PERIOD}")).text
    assert 'href="/api/v1/reports/outcomes.pdf?from=2025-01-01&amp;to=2025-12-31" data-download="PDF">PDF</a>' in html
    response = await client.get(f"{API}.pdf?{PERIOD}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "Espace Jaurès" in poppler("pdftotext", response.content, tmp_path)
