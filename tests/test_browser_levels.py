"""In a real browser (Debian's Chromium), on the demo with sites added in the Nord and in Paris: the administrator's
report answers by région, drills down to a région then a département, and opens the table by site; on a 320 px,
390 px and 1366 px screen nothing is wider than the screen."""

from __future__ import annotations

import re

from tests.support.chromium import (  # noqa: F401
    ADMIN,
    assert_accessible,
    browser_fixture,
    log_in,
    module_database_url_fixture,
    page_fixture,
    server_fixture,
    skip_without_chromium,
)

skip_without_chromium()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def add_sites(page) -> None:
    page.goto("/reports/outcomes")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for name, code in (("Espace Moulins", "59350"), ("Point numérique Belleville", "75056")):
        answer = page.request.post(
            "/api/v1/sites",
            data={"name": name, "kind": "france_services", "insee_code": code, "city": name.split()[-1]},
            headers={"X-CSRF-Token": token},
        )
        assert answer.status == 201, answer.text()


def test_a_territory_is_chosen_and_drilled_into_on_a_phone(page, tmp_path):
    """At 390 px the administrator reads the network by région, chooses the Hauts-de-France in the form (by
    département), follows the Pas-de-Calais's link (by site), then opens the table by site; every screen fits
    320, 390 and 1366 px."""
    log_in(page, ADMIN)
    add_sites(page)
    page.goto("/reports/outcomes")
    scope = page.locator(".report-scope").inner_text()
    assert "par région : Hauts-de-France (3 sites), Île-de-France (1 site)" in scope
    assert page.locator("nav.report-drill a").all_inner_texts() == ["Hauts-de-France", "Île-de-France"]
    page.screenshot(path=tmp_path / "national-390.png", full_page=True)
    page.click("summary:has-text('Changer la période, le territoire ou les sites')")
    page.select_option("#region", label="Hauts-de-France")
    page.screenshot(path=tmp_path / "form-390.png", full_page=True)
    page.click("form[action='/reports/outcomes'] button[type=submit]")
    page.wait_for_url(re.compile(r"region=32"))
    assert (
        "par département : Nord (59) (1 site), Pas-de-Calais (62) (2 sites)"
        in page.locator(".report-scope").inner_text()
    )
    page.click("summary:has-text('Les personnes accompagnées')")
    heading = page.locator("#detail-publics th a", has_text="Pas-de-Calais (62)").first
    assert heading.is_visible()
    for width, height in ((320, 700), (390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert fits(page), width
        page.screenshot(path=tmp_path / f"region-{width}.png", full_page=width != 1366)
        heading.scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"region-table-{width}.png")
    assert_accessible(page, "report of a région")
    page.set_viewport_size({"width": 390, "height": 844})
    heading.click()
    page.wait_for_url(re.compile(r"departement=62"))
    assert page.locator("nav.report-drill").count() == 0
    assert "Espace Carnot" in page.locator(".report-scope").inner_text()
    page.click("a:has-text('Tableau par site')")
    page.wait_for_url(re.compile(r"/reports/outcomes/sites\?"))
    rows = page.locator("table.report-table tbody tr")
    assert rows.count() == 2 and "Pas-de-Calais (62)" in rows.first.inner_text()
    for width, height in ((320, 700), (390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert fits(page), width
        page.screenshot(path=tmp_path / f"sites-{width}.png", full_page=True)
    assert_accessible(page, "table by site")
    with page.expect_download() as download:
        page.click("a:has-text('XLSX')")
    assert download.value.suggested_filename.startswith("rapport-impact-sites-")
    print(f"screenshots: {tmp_path}")
