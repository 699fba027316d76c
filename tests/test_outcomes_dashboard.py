"""The outcomes dashboard page: charts with a title, a description and the same figures as a table."""

from __future__ import annotations

import re
from datetime import date

from tests.support.browser import logged_in


async def test_the_dashboard_draws_charts_and_prints_their_figures(client, make):
    """A funder's dashboard: accessible SVG charts (title, description), the figures as tables, downloads, no name."""
    site = await make.site("Espace Jaurès")
    for index in range(30):  # 18 fragile at entry, 11 at the latest assessment
        learner = await make.learner(site, "Zéphyrine", f"Quasimodo{index}")
        await make.activity(site, type="individuel", date=date(2025, 3, 4), learner=learner)
        await make.assessment(learner, {"appareil": 1 if index < 18 else 3, "navigation": 3}, date(2025, 3, 4))
        await make.assessment(learner, {"appareil": 1 if index < 11 else 3}, date(2025, 5, 6))
    await logged_in(client, await make.user("funder", site))
    response = await client.get("/reports/outcomes?from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200, response.text
    html = response.text
    assert "Zéphyrine" not in html and "Quasimodo" not in html
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 3 and all("<title id=" in svg and "<desc id=" in svg for svg in svgs)
    assert "entrée : 60,0 % (intervalle à 95 %" in html and "Dernière évaluation : 36,7 %" in html
    assert ">60,0 %</td>" in html and ">36,7 %</td>" in html  # the chart's rates, as a table
    assert 'href="/api/v1/reports/outcomes.csv?from=2025-01-01&amp;to=2025-12-31"' in html


async def test_a_bad_period_comes_back_with_the_message_beside_the_field(client, make):
    """A period running backwards is refused with the French message beside "Au"."""
    await logged_in(client, await make.user("coordinator", await make.site()))
    response = await client.get("/reports/outcomes?from=2025-06-01&to=2025-01-01")
    assert response.status_code == 422
    assert 'id="to-error"' in response.text and "doit être postérieure" in response.text
