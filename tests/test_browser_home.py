"""In a real browser (Debian's Chromium, 390×844): from the home page to a learner's file by typing part of a
name, and a coordinator's new adviser logging in with the password the team page showed."""

from __future__ import annotations

import re
import unicodedata

from tests.support.chromium import (  # noqa: F401  (fixtures: the demo server on a fresh database, Chromium)
    ADVISER,
    COORDINATOR,
    assert_accessible,
    browser_fixture,
    log_in,
    module_database_url_fixture,
    page_fixture,
    server_fixture,
    skip_without_chromium,
)

skip_without_chromium()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def test_adviser_finds_a_learner_from_home(page):
    """Typing part of a name, in capitals and without accents, on the home page leads to the learner's file."""
    log_in(page, ADVISER)
    learner = page.request.get("/api/v1/learners?per_page=1").json()["items"][0]
    typed = plain(learner["last_name"]).upper()[:5]
    assert fits_the_screen(page)
    page.fill("#home-q", typed)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learners\?q="))
    page.click(f"a[href='/learners/{learner['id']}']")
    page.wait_for_url(re.compile(rf"/learners/{learner['id']}$"))
    assert learner["last_name"] in page.locator("h1").inner_text()


def test_coordinator_adds_an_adviser_who_logs_in(page):
    """A coordinator creates an adviser account on the team page; the adviser logs in with the password shown."""
    log_in(page, COORDINATOR)
    page.click("main >> text=Gérer l'équipe")
    page.wait_for_url(re.compile(r"/team$"))
    assert fits_the_screen(page)
    assert_accessible(page, "/team")
    page.click("text=Ajouter un compte")
    assert_accessible(page, "/team/new")
    page.fill("#display_name", "Inès Nouvelle")
    page.fill("#email", "ines.nouvelle@demo.inclusion.test")
    page.check("label:has-text('Espace Carnot')")
    page.click("form[action='/team/new'] button[type=submit]")
    password = page.locator("#password").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert fits_the_screen(page)
    assert_accessible(page, "new account's password")
    page.context.clear_cookies()
    log_in(page, ("ines.nouvelle@demo.inclusion.test", password))
    assert "Bonjour Inès Nouvelle" in page.locator("h1").inner_text()
    assert fits_the_screen(page)
