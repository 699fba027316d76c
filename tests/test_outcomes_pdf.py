"""The outcomes report as a PDF: read back with poppler, it carries the JSON's figures and hidden cells, the charts
with their tables, the period, the sites, page numbers, and no name."""

from __future__ import annotations

import re
import subprocess

from tests.support.browser import logged_in
from tests.support.clock import paris_today
from tests.test_outcomes_privacy import PERIOD, crowd

API = "/api/v1/reports/outcomes"


def poppler(tool: str, document: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(document)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def displayed(text: str, cells: list[dict]) -> bool:
    """Whether the cells' displays follow one another on one line of the laid-out text."""
    pattern = r"\s+".join(re.escape(cell["display"]).replace(r"\ ", r"\s") for cell in cells)
    return re.search(rf"(^|\s){pattern}(\s|$)", text, flags=re.M) is not None


async def test_the_pdf_matches_the_json_and_names_nobody(client, make, tmp_path):
    """Every count row of every table shows the JSON's displays, "s" included; title, period, sites, pages."""
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
    text = poppler("pdftotext", response.content, tmp_path, "-layout")
    info = poppler("pdfinfo", response.content, tmp_path)
    assert "Title:           Rapport d'impact du 01/01/2025 au 31/12/2025" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2 and f"Page {pages} / {pages}" in text
    assert "Zéphyrine" not in text and "Quasimodo" not in text
    fonts = poppler("pdffonts", response.content, tmp_path)
    assert "Inter" in fonts and "DejaVu" not in fonts  # the charts' text too: the bundled face, not the system's
    assert "du 01/01/2025 au 31/12/2025" in text and "Petit site" in text and "Grand site" in text
    assert "« s » : secret statistique" in text and f"édité le {paris_today():%d/%m/%Y}" in text
    hidden = 0
    for table in body["tables"]:
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            assert displayed(text, row["cells"]), (table["key"], row["label"], [c["display"] for c in row["cells"]])
            hidden += sum(cell["value"] is None for cell in row["cells"])
    assert hidden > 0  # the small site's cells are hidden, and printed as "s"
    for title in ("Activités par mois", "Taux de fragilité numérique, à l'entrée et à la dernière évaluation"):
        assert title in text
    assert "À l'entrée" in text and "Dernière évaluation" in text  # the chart's figures, as a table


async def test_wide_per_site_tables_go_on_landscape_pages(client, make, tmp_path):
    """With four sites or more, the per-site tables are printed on landscape A4 pages, the charts on portrait."""
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
    assert 'href="/api/v1/reports/outcomes.pdf?from=2025-01-01&amp;to=2025-12-31">PDF</a>' in html
    response = await client.get(f"{API}.pdf?{PERIOD}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "Espace Jaurès" in poppler("pdftotext", response.content, tmp_path)
