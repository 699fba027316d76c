"""In a real browser (Debian's Chromium, phone sizes): the adviser hands the phone over after a session and the
person answers in four taps; a workshop's QR code opens a public questionnaire that a participant answers without
an account. Both pages pass axe, fit 320 px, and the answers reach the counts, never a name."""

from __future__ import annotations

import re

from tests.support.adviser_flows import Counted, find_picks, record_session
from tests.support.chromium import (  # noqa: F401  (fixtures: the demo server on a fresh database, Chromium)
    assert_accessible,
    browser_fixture,
    log_in,
    module_database_url_fixture,
    page_fixture,
    server_fixture,
    skip_without_chromium,
)
from tests.support.clock import paris_today

skip_without_chromium()


def answer(counted: Counted) -> None:
    """Three choices, each moving on to the next question, then send: four taps."""
    counted.tap("label.feedback-option:has-text('Beaucoup')")
    counted.tap("label.feedback-option:has-text('En partie')")
    counted.tap("label.feedback-option:has-text('Plutôt oui')")
    counted.tap("button.feedback-send")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_after_a_session_the_person_answers_on_the_advisers_phone_in_four_taps(page):
    """From the saved notice, one tap opens the questionnaire (no menu, no name); four taps answer; the adviser
    gets the activity's page back with the answer counted."""
    log_in(page)
    [pick] = find_picks(page, 1)
    page.goto(f"/learners/{pick.learner_id}")
    record_session(page)
    page.click(".notice a:has-text('Faire donner son avis')")
    page.wait_for_url(re.compile(r"/avis/questionnaire$"))
    assert page.locator("header, nav").count() == 0 and pick.name not in page.inner_text("body")
    assert fits(page)
    assert_accessible(page, "questionnaire on the adviser's phone")
    assert page.locator("fieldset.feedback-step:visible").count() == 1  # one question a screen
    counted = Counted(page)
    answer(counted)
    page.locator("text=Votre avis est enregistré.").wait_for()
    assert counted.count == 4, counted.actions
    page.click("text=Reprendre (conseiller)")
    page.wait_for_url(re.compile(r"/avis\?merci=1$"))
    assert "1 avis reçu sur 1 personne" in page.inner_text("main")


def test_a_workshops_qr_code_opens_a_public_questionnaire(page, browser, server):
    """A workshop's page makes a QR code; its address, opened without an account at 320 px, takes an answer."""
    log_in(page)
    workshop = page.request.get(f"/api/v1/activities?type=collectif&per_page=1&date_to={paris_today()}").json()[
        "items"
    ][0]
    page.goto(f"/activities?week={workshop['date']}")
    page.click(f"a[href='/activities/{workshop['id']}/avis']")
    page.click("text=Créer le code QR")
    page.locator("figure.qr img").wait_for()
    assert fits(page)
    assert_accessible(page, "an activity's feedback page with its QR code")
    address = page.locator("figure.qr a").get_attribute("href")
    assert re.fullmatch(rf"{re.escape(server)}/avis/\d+-[\w-]+", address)
    stranger = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    try:
        stranger.goto(address)
        assert workshop["title"] in stranger.inner_text("main") and fits(stranger)
        assert_accessible(stranger, "public questionnaire")
        counted = Counted(stranger)
        answer(counted)
        stranger.locator("text=Vous pouvez fermer cette page.").wait_for()
    finally:
        stranger.context.close()
    counts = page.request.get(f"/api/v1/activities/{workshop['id']}/feedback").json()
    assert counts["answers"] == 1 and counts["links"][0]["answers"] == 1
