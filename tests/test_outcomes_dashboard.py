"""The outcomes dashboard: the synthèse first (the sentence on the same people, the divide chart, the key figures),
then the details in sections opened one at a time, every table and column with a human title."""

from __future__ import annotations

import re
from datetime import date

from tests.support.browser import logged_in


async def cohort(make, site: int) -> None:
    for index in range(30):  # 18 fragile at entry, 11 at the latest assessment: the same 30 people
        learner = await make.learner(site, "Zéphyrine", f"Quasimodo{index}")
        await make.activity(site, type="individuel", date=date(2025, 3, 4), learner=learner)
        await make.assessment(learner, {"appareil": 1 if index < 18 else 3, "navigation": 3}, date(2025, 3, 4))
        await make.assessment(learner, {"appareil": 1 if index < 11 else 3}, date(2025, 5, 6))


async def test_the_dashboard_opens_with_the_synthese_then_details(client, make):
    """A funder reads the sentence, the divide chart (title, description, intervals) and the key figures before any
    detail; details are closed sections whose tables have captions and column titles; no name, no "Ligne"."""
    site = await make.site("Espace Jaurès")
    await cohort(make, site)
    await logged_in(client, await make.user("funder", site))
    response = await client.get("/reports/outcomes?from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200, response.text
    html = response.text
    assert "Zéphyrine" not in html and "Quasimodo" not in html
    sentence = "Sur 30 personnes évaluées deux fois, la part en fragilité numérique est passée de 60,0 % à 36,7 %."
    first_detail = html.index('<details class="report-section"')
    assert html.index(sentence) < first_detail and html.index('id="divide-title"') < first_detail
    assert html.index("Personnes accompagnées") < first_detail and html.index("Pass numérique remis") < first_detail
    assert "60,0 % [42,3 – 75,4]" in html and "36,7 % [21,9 – 54,5]" in html  # the chart's labels
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 3 and all("<title id=" in svg and "<desc id=" in svg for svg in svgs)
    sections = re.findall(r'<details class="report-section"( open)? id="detail-(\w+)">', html)
    assert [key for _, key in sections] == ["divide", "months", "publics", "activities", "vouchers", "quality"]
    assert not any(opened for opened, _ in sections)
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    captions = [re.search(r"<caption>(.*?)</caption>", table).group(1) for table in tables]
    assert len(captions) == len(set(captions)) > 15  # each table once
    for table in tables:
        assert all(name.strip() for name in re.findall(r'<th scope="col">(.*?)</th>', table))
    assert ">Ligne<" not in html and "(participants)" not in html
    assert "« s » : secret statistique" in html and "Diffusion restreinte" not in html
    assert 'href="/api/v1/reports/outcomes.pdf?from=2025-01-01&amp;to=2025-12-31" data-download="PDF"' in html
    assert 'id="download-status" role="status"' in html and 'src="/static/report-downloads.js"' in html


async def test_staff_see_that_their_exact_figures_are_not_for_circulation(client, make):
    """A coordinator's dashboard says "Diffusion restreinte" before the synthèse, and how to share instead."""
    site = await make.site("Espace Jaurès")
    await cohort(make, site)
    await logged_in(client, await make.user("coordinator", site))
    html = (await client.get("/reports/outcomes?from=2025-01-01&to=2025-12-31")).text
    assert html.index("<strong>Diffusion restreinte.</strong>") < html.index('id="synthese-title"')
    assert "partagez un lien, dont les petits effectifs sont masqués" in html


async def test_a_bad_period_comes_back_with_the_message_beside_the_field(client, make):
    """A period running backwards is refused with the French message beside "Au", its section open."""
    await logged_in(client, await make.user("coordinator", await make.site()))
    response = await client.get("/reports/outcomes?from=2025-06-01&to=2025-01-01")
    assert response.status_code == 422
    assert 'id="to-error"' in response.text and "doit être postérieure" in response.text
    assert '<details class="report-section" open>' in response.text
