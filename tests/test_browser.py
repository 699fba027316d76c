"""In a real browser (Debian's Chromium): record a workshop and a session within their counted interactions, find,
edit and export the workshop — by touch and by keyboard alone — and no page has a serious or critical accessibility
violation (axe-core)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.support.adviser_flows import SESSION_TOPIC, WORKSHOP_TOPIC, find_picks, record_session, record_workshop
from tests.support.chromium import (  # noqa: F401
    ADMIN,
    ADVISER,
    COORDINATOR,
    FUNDER,
    assert_accessible,
    browser_fixture,
    follow_menu,
    log_in,
    module_database_url_fixture,
    page_fixture,
    server_fixture,
    skip_without_chromium,
)
from tests.support.clock import paris_today

skip_without_chromium()


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus (the keyboard is the only input)."""
    target = page.locator(selector).first.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_a_workshop_of_eleven_takes_at_most_15_interactions_then_is_found_edited_and_exported(page):
    """From the home page, a workshop of 8 learners (each picked by typing 2 or 3 letters, then Enter) and 3 without
    a file takes at most 15 taps and fields; what is saved is what was chosen; it is then found in the week's
    list, edited and exported."""
    log_in(page)
    picks = find_picks(page, 8)
    counted = record_workshop(page, "Atelier navigateur", picks, anonymous=3)
    assert counted.count <= 15, counted.actions
    [saved] = api_items(page, f"type=collectif&date_from={paris_today()}", title="Atelier navigateur")
    assert (saved["date"], saved["duration_minutes"], saved["anonymous_count"]) == (str(paris_today()), 90, 3)
    assert [(p["learner_id"], p["present"]) for p in saved["participants"]] == [(p.learner_id, True) for p in picks]
    assert saved["digital_topics"] == [WORKSHOP_TOPIC]
    row = page.locator(".activity-card", has_text="Atelier navigateur")
    assert "8 présents + 3 anonymes" in row.inner_text()
    row.locator("text=Modifier").click()
    page.fill("#duration_other", "75")
    page.click("button.save")
    page.wait_for_url(re.compile(r"saved=1"))
    assert "75 min" in page.locator(".activity-card", has_text="Atelier navigateur").inner_text()
    with page.expect_download() as download:
        page.click("text=CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Atelier navigateur" in content and paris_today().strftime("%d/%m/%Y") in content


def test_a_session_from_a_learners_page_takes_at_most_6_interactions(page):
    """From a learner's page, an individual session with that learner takes at most 6 taps and fields, and is
    saved for that learner with the duration and topic chosen."""
    log_in(page)
    [pick] = find_picks(page, 1)
    page.goto(f"/learners/{pick.learner_id}")
    counted = record_session(page)
    assert counted.count <= 6, counted.actions
    assert "Séance individuelle enregistrée." in page.inner_text("main")
    [saved] = api_items(page, f"type=individuel&learner={pick.learner_id}&date_from={paris_today()}")
    assert (saved["learner_id"], saved["duration_minutes"], saved["digital_topics"]) == (
        pick.learner_id,
        30,
        [SESSION_TOPIC],
    )


def api_items(page, query: str, **equal) -> list[dict]:
    """The activities the API lists for this query (the browser's session), those with these field values."""
    items = page.request.get(f"/api/v1/activities?{query}").json()["items"]
    return [item for item in items if all(item[name] == value for name, value in equal.items())]


def test_the_same_path_works_with_the_keyboard_alone(page):
    """Login, a workshop (title, duration, two learners picked, a topic) and saving work with Tab, typing, the
    arrow keys, Space and Enter."""
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(ADVISER[0])
    tab_to(page, "#password")
    page.keyboard.type(ADVISER[1])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    picks = find_picks(page, 2)
    page.goto("/activities/new/workshop")
    tab_to(page, "#title")
    page.keyboard.type("Atelier clavier")
    tab_to(page, "#duration_30")
    page.keyboard.press("ArrowRight")  # 45 min
    tab_to(page, "#participant_q")
    for pick in picks:
        page.keyboard.type(pick.letters)
        page.keyboard.press("Enter")
        page.locator(f'.picker-chosen li[data-id="{pick.learner_id}"]').wait_for()
    tab_to(page, "#dt_email")
    page.keyboard.press("Space")
    tab_to(page, "button.save")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activities\?week="))
    assert "2 présents" in page.locator(".activity-card", has_text="Atelier clavier").inner_text()
    [saved] = api_items(page, f"date_from={paris_today()}", title="Atelier clavier")
    assert saved["duration_minutes"] == 45 and saved["digital_topics"] == ["email"]


def test_pages_have_no_serious_accessibility_violation(page):
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the service's pages."""
    page.goto("/login")
    assert_accessible(page, "/login")
    log_in(page)
    page.goto("/learners")
    learner = page.locator("table a").first.get_attribute("href")
    urls = ["/", "/sites", "/sites/1", "/account", "/learners", "/learners/new", learner, f"{learner}/assess",
            f"{learner}/export", f"{learner}/anonymise", "/activities", "/activities/new",
            f"/activities/new/session?learner={learner.rsplit('/', 1)[1]}", "/schema",
            "/sites/1/attendance", "/vouchers", "/vouchers?within=7", "/vouchers/1", f"{learner}/vouchers/issue",
            "/activities/1/vouchers", "/vouchers/find?number=INCONNU", "/reports/outcomes"]  # fmt: skip
    for url in urls:
        page.goto(url)
        assert_accessible(page, url)
    page.goto("/activities/new/workshop")
    page.fill("#title", "Atelier axe")
    page.click("label[for=duration_60]")
    page.fill("#participant_q", "le")
    page.press("#participant_q", "Enter")
    page.locator(".picker-chosen li").first.wait_for()
    page.click("label[for=dt_email]")
    page.click("#repeat")
    page.fill("#repeat_weeks", "3")
    page.fill("#participant_q", "ma")
    page.wait_for_selector("#participant_q-list [role=option]")
    assert_accessible(page, "workshop form with a participant, suggestions, a topic and a series")
    page.fill("#participant_q", "")
    page.fill("#repeat_weeks", "")
    page.click("#repeat")
    page.click("button.save")
    page.wait_for_url(re.compile(r"/activities\?week="))
    assert_accessible(page, "/activities with a saved notice")
    page.locator(".activity-card", has_text="Atelier axe").locator("text=Modifier").click()
    assert_accessible(page, "activity edit form")
    page.goto("/activities/new/workshop")
    page.fill("#duration_other", "1500")
    page.click("button.save")
    assert page.locator("#duration_minutes-error").is_visible()
    assert_accessible(page, "workshop form with errors")
    page.goto("/activities/new/session")
    page.click("button.save")
    assert page.locator("#learner_q-error").is_visible()
    assert_accessible(page, "session form with errors")
    page.goto("/activities/1/vouchers")
    page.fill("#number", "PN-62-000001")
    page.click("form[action='/activities/1/vouchers'] button[type=submit]")
    assert page.locator("#number-error").is_visible()
    assert_accessible(page, "Pass refused on an activity")
    certificate_pages(page, learner)
    log_in(page, COORDINATOR)
    page.goto("/audit")
    page.fill("#learner_q", "le")
    page.press("#learner_q", "Enter")
    page.locator(".picker-chosen li").first.wait_for()
    page.click("form[action='/audit'] button[type=submit]:has-text('Filtrer')")
    assert_accessible(page, "/audit filtered by a learner picked by name")
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
    page.locator("#ends_on-error").wait_for()
    assert_accessible(page, "grant refused")
    log_in(page, FUNDER)
    follow_menu(page, "Impact")
    page.wait_for_url(re.compile(r"/reports/outcomes$"))  # the click returns before the page has come
    page.locator("svg[role=img]").nth(1).wait_for(state="attached")  # two charts at least
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
    page.goto("/activities/new/workshop")
    page.fill("#title", "Atelier cycle")
    page.click("label[for=duration_120]")
    page.fill("#participant_q", "le")
    page.press("#participant_q", "Enter")
    page.locator(".picker-chosen li").first.wait_for()
    page.click("label[for=dt_bureautique]")
    page.click("button.save")
    page.wait_for_url(re.compile(r"/activities\?week="))
    page.locator(".activity-card", has_text="Atelier cycle").locator("a", has_text="Attestations").click()
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


def test_the_coordinator_reads_the_quality_of_the_service_and_the_comments_on_a_phone(page):
    """At 390 px the coordinator reads the quality line in the synthèse, opens the quality section and the
    learners' comments by month without a serious accessibility violation; at 320 px nothing scrolls sideways."""
    log_in(page, COORDINATOR)
    page.goto("/reports/outcomes")
    assert " avis sur " in page.locator(".report-quality").inner_text()
    page.click("summary:has-text('Qualité du service rendu')")
    assert page.locator("#detail-quality table").first.is_visible()
    page.click("summary:has-text('Commentaires des personnes accompagnées')")
    assert page.locator("#detail-comments h3").count() >= 3 and page.locator(".report-comments li").count() >= 5
    assert_accessible(page, "coordinator's quality section and comments")
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
