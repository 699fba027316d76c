"""In a real browser (Debian's Chromium): record a workshop, find it, edit it, export it — by mouse and by
keyboard alone — and no page has a serious or critical accessibility violation (axe-core)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.clock import paris_today
from tests.support.processes import cli_env

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADVISER = ("conseiller@demo.inclusion.test", "inclusion-demo")
COORDINATOR = ("coordination@demo.inclusion.test", "inclusion-demo")
ADMIN = ("admin@demo.inclusion.test", "inclusion-demo")
FUNDER = ("financeur@demo.inclusion.test", "inclusion-demo")

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Chromium absent : apt-get install chromium pour les tests en navigateur.", allow_module_level=True)


@pytest.fixture(scope="module")
def server(module_database_url, tmp_path_factory) -> Iterator[str]:
    """`inclusion serve` on a fresh database of the kind under test, with its demo data."""
    from tests.test_serve import free_port, wait_for_health

    database_url = module_database_url
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "inclusion", "serve", "--port", str(port)],
        env=cli_env(database_url, tmp_path_factory.mktemp("browser"), INCLUSION_LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory) -> Iterator[str]:
    from tests.conftest import fresh_database

    with fresh_database(tmp_path_factory.mktemp("browser-db")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), "Chromium is required (apt-get install chromium)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(server, browser):  # the server first: its database is made before Playwright runs a loop
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def log_in(page, who=ADVISER) -> None:
    page.goto("/login")
    page.fill("#email", who[0])
    page.fill("#password", who[1])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def assert_accessible(page, label: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{label}: " + "; ".join(f"{v['id']} ({len(v['nodes'])})" for v in serious)


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus (the keyboard is the only input)."""
    target = page.locator(selector).first.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_record_find_edit_and_export_a_workshop(page):
    """An adviser records a workshop with 8 participants found as they type, finds it, edits it and exports it."""
    log_in(page)
    page.click("nav >> text=Activités")
    page.click("text=Nouvelle activité")
    page.fill("#title", "Atelier navigateur")
    page.fill("#participant_q", "le")
    page.wait_for_selector("#participant-list input[name=participant] >> nth=7")
    boxes = page.locator("#participant-list input[name=participant]")
    for index in range(8):
        page.check(f"#participant-list li >> nth={index} >> input[name=participant]")
    page.check("#participant-list li >> nth=7 >> input[name=absent]")
    assert boxes.count() >= 8
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/activities\?week="))
    row = page.locator("tr", has_text="Atelier navigateur")
    assert "7 présents" in row.inner_text()
    row.locator("text=Modifier").click()
    page.fill("#duration_minutes", "75")
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r"saved=1"))
    assert "75 min" in page.locator("tr", has_text="Atelier navigateur").inner_text()
    with page.expect_download() as download:
        page.click("text=CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Atelier navigateur" in content and paris_today().strftime("%d/%m/%Y") in content


def test_the_same_path_works_with_the_keyboard_alone(page):
    """Login, a workshop with participants and saving all work with Tab, typing, Space and Enter."""
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(ADVISER[0])
    tab_to(page, "#password")
    page.keyboard.type(ADVISER[1])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/activities/new")
    tab_to(page, "#title")
    page.keyboard.type("Atelier clavier")
    tab_to(page, "#participant_q")
    page.keyboard.type("le")
    page.wait_for_selector("#participant-list input[name=participant] >> nth=2")
    for index in range(3):
        tab_to(page, f"#participant-list li >> nth={index} >> input[name=participant]")
        page.keyboard.press("Space")
    tab_to(page, "button[name=action][value=save]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activities\?week="))
    assert "3 présents" in page.locator("tr", has_text="Atelier clavier").inner_text()


def test_pages_have_no_serious_accessibility_violation(page):
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the service's pages."""
    page.goto("/login")
    assert_accessible(page, "/login")
    log_in(page)
    page.goto("/learners")
    learner = page.locator("table a").first.get_attribute("href")
    urls = ["/", "/sites", "/sites/1", "/account", "/learners", "/learners/new", learner, f"{learner}/assess",
            f"{learner}/export", f"{learner}/anonymise", "/activities", "/activities/new", "/schema",
            "/sites/1/attendance", "/vouchers", "/vouchers?within=7", "/vouchers/1", f"{learner}/vouchers/issue",
            "/activities/1/vouchers", "/vouchers/find?number=INCONNU", "/reports/outcomes"]  # fmt: skip
    for url in urls:
        page.goto(url)
        assert_accessible(page, url)
    page.goto("/activities/new")
    page.fill("#title", "Atelier axe")
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/activities\?week="))
    assert_accessible(page, "/activities with a saved notice")
    page.locator("tr", has_text="Atelier axe").locator("text=Modifier").click()
    assert_accessible(page, "activity edit form")
    page.goto("/activities/new")
    page.fill("#duration_minutes", "900")
    page.click("button[name=action][value=save]")
    assert_accessible(page, "activity form with errors")
    page.goto("/activities/1/vouchers")
    page.fill("#number", "PN-62-000001")
    page.click("form[action='/activities/1/vouchers'] button[type=submit]")
    assert page.locator("#number-error").is_visible()
    assert_accessible(page, "Pass refused on an activity")
    certificate_pages(page, learner)
    log_in(page, COORDINATOR)
    for url in ["/audit", "/sites/1/edit", "/claims", "/claims/1", "/booklets/new", "/booklets/import",
                "/vouchers/1/cancel"]:  # fmt: skip
        page.goto(url)
        assert_accessible(page, url)
    page.goto("/claims")
    page.fill("#date_from", "2000-01-01")
    page.fill("#date_to", "2000-01-31")
    page.select_option("#site_id", index=1)
    page.click("form[action='/claims'] button[type=submit]")
    assert "Rien à réclamer" in page.content()
    assert_accessible(page, "claim refused")
    log_in(page, ADMIN)
    for url in ["/voucher-schemes", "/voucher-schemes/new", "/voucher-schemes/1/edit", "/funders", "/funders/1"]:
        page.goto(url)
        assert_accessible(page, url)
    page.goto(learner)
    page.locator("a", has_text="Révoquer").first.click()
    assert_accessible(page, "certificate revoke confirmation")
    page.click("button[type=submit].danger")
    assert_accessible(page, "revoke form with an error")
    page.fill("#reason", "Période erronée")
    page.click("button[type=submit].danger")
    page.wait_for_url(re.compile(r"revoked=1"))
    assert_accessible(page, "learner page with a revoked certificate")
    page.goto("/reports/outcomes?from=2030-01-01&to=2029-01-01")
    assert_accessible(page, "outcomes dashboard with an error")
    page.goto("/funders/1")
    page.fill("#starts_on", "2026-06-01")
    page.fill("#ends_on", "2026-01-01")
    page.click("form[action='/funders/1/grants'] button[type=submit]")
    assert page.locator("#ends_on-error").is_visible()
    assert_accessible(page, "grant refused")
    log_in(page, FUNDER)
    page.click("nav >> text=Impact")
    assert page.locator("svg[role=img]").count() >= 2
    assert_accessible(page, "funder's outcomes dashboard")


def certificate_pages(page, learner: str) -> None:
    """The certificate pages: the issue form, the file listing a certificate, a cycle's page, public verification."""
    page.goto(f"{learner}/certificates/new")
    assert_accessible(page, "certificate form")
    if "pas encore accepté" in page.content():
        page.goto(f"{learner}/edit")
        page.check("#consent_certificate")
        page.click("form[action$='/edit'] button[type=submit]")
        page.wait_for_url(re.compile(r"saved=1"))
        page.goto(f"{learner}/certificates/new")
    page.fill("#period_end", (paris_today() + timedelta(days=5)).isoformat())
    page.click("form[action$='/certificates/new'] button[type=submit]")
    assert_accessible(page, "certificate form with an error")
    page.fill("#period_end", paris_today().isoformat())
    page.click("form[action$='/certificates/new'] button[type=submit]")
    page.wait_for_url(re.compile(r"certified="))
    assert_accessible(page, "learner page with a certificate")
    code = page.locator("a[href^='/verify/']").first.inner_text()
    page.goto("/activities/new")
    page.fill("#title", "Atelier cycle")
    page.fill("#participant_q", "le")
    page.wait_for_selector("#participant-list input[name=participant] >> nth=1")
    page.check("#participant-list li >> nth=0 >> input[name=participant]")
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/activities\?week="))
    page.locator("tr", has_text="Atelier cycle").locator("a", has_text="Attestations").click()
    assert_accessible(page, "workshop cycle certificates")
    for url in ["/verify", f"/verify/{code}", "/verify/INC-2222-3333-4444-5555"]:
        page.goto(url)
        assert_accessible(page, url)


def test_a_shared_report_is_accessible_without_login(page):
    """A coordinator shares the dashboard's report (no JavaScript needed), copies the URL shown once, and the
    report opens read-only without login; every page on the way has no serious accessibility violation."""
    log_in(page, COORDINATOR)
    page.goto("/reports/outcomes")
    page.click("summary:has-text('Partager ce rapport')")
    assert_accessible(page, "dashboard with the share form")
    page.fill("#expires_on", (paris_today() + timedelta(days=7)).isoformat())
    page.click("form[action='/reports/outcomes/shares'] button[type=submit]")
    url = page.locator("#share-url").input_value()
    assert "/shared/reports/" in url
    assert_accessible(page, "share link created")
    page.locator("a", has_text="Révoquer").first.click()
    assert_accessible(page, "share revoke confirmation")
    page.context.clear_cookies()
    page.goto(url[url.index("/shared/reports/") :])
    assert "lecture seule" in page.content() and page.locator("svg[role=img]").count() >= 1
    assert page.locator("#site").count() == 0 and page.locator("text=Partager ce rapport").count() == 0
    assert_accessible(page, "shared report")


def test_the_report_answers_on_a_phone(page):
    """A funder on a 390×844 phone reads the sentence, the divide chart and the key figures within two screens,
    opens one detail section at a time; at 320 px nothing scrolls sideways and chart text stays at 12 px or more;
    the PDF download says it is being prepared, then hands over a PDF."""
    log_in(page, FUNDER)
    page.goto("/reports/outcomes")
    assert "personnes évaluées deux fois" in page.locator(".report-sentence").inner_text()
    bottom = page.evaluate("document.querySelector('.report-synthese').getBoundingClientRect().bottom + scrollY")
    assert bottom <= 2 * 844
    sections = page.locator("details.report-section")
    assert sections.count() >= 5 and page.locator("details.report-section[open]").count() == 0
    page.click("summary:has-text('Fracture numérique : le détail')")
    assert page.locator("#detail-divide table").first.is_visible()
    assert page.locator("#detail-publics table").first.is_hidden()
    page.set_viewport_size({"width": 320, "height": 700})
    page.click("summary:has-text('Mois par mois')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sizes = page.evaluate("""Array.from(document.querySelectorAll('svg.chart text'))
        .filter(t => t.getBoundingClientRect().width > 0)
        .map(t => parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getBoundingClientRect().width
                  / t.ownerSVGElement.viewBox.baseVal.width)""")
    assert len(sizes) > 5 and min(sizes) >= 12, sizes
    with page.expect_download() as download:
        page.click("a[data-download=PDF]")
        assert "PDF" in page.locator("#download-status").inner_text()  # "Préparation du fichier PDF…"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.wait_for_function("document.getElementById('download-status').textContent.includes('prêt')")
    assert_accessible(page, "funder's report with a section open")
