"""In a real browser (Debian's Chromium, 390×844, Playwright's network emulation): the offline page records
sessions with no network, keeps them across a reload, and sends each exactly once when the network returns, even
when it drops mid-sync; a session the server refuses waits "à revoir" with its reason; logout removes the learners."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.chromium import (  # noqa: F401  (fixtures: the demo server on a fresh database, Chromium)
    assert_accessible,
    browser_fixture,
    log_in,
    module_database_url_fixture,
    page_fixture,
    server_fixture,
    skip_without_chromium,
)

skip_without_chromium()
BUS = ("mediatrice.bus@demo.inclusion.test", "inclusion-demo")
TOPIC = "navigation_sur_internet"
KEPT = """() => new Promise((resolve) => {
    const open = indexedDB.open("inclusion-hors-ligne", 1);
    open.onsuccess = () => {
        const get = open.result.transaction("kv").objectStore("kv").get("learners");
        get.onsuccess = () => { resolve(get.result ? get.result.items.length : 0); open.result.close(); };
    };
})"""
CACHED = """() => caches.keys()
    .then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys()))))
    .then((lists) => lists.flat().map((request) => new URL(request.url).pathname))"""


def kept_count_becomes(page, expected: int) -> bool:
    """Poll the device's learner copy (scripts clear it without a sign on the page)."""
    for _ in range(50):
        if page.evaluate(KEPT) == expected:
            return True
        page.wait_for_timeout(100)
    return False


def prepare(page) -> None:
    """Open the page online: learners kept, service worker active."""
    log_in(page, BUS)
    page.goto("/hors-ligne/")
    expect(page.locator("#offline-state")).to_contain_text("Prêt hors ligne")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def note_session(page, learner: dict) -> None:
    page.fill("#offline-q", learner["name"])
    page.locator("#offline-found button").first.click()
    page.click("label[for=offline-d45]")
    page.click(f"label[for='offline-t-{TOPIC}']")
    page.click("#offline-form button.save")


def kept_learners(page) -> list[dict]:
    return page.request.get("/hors-ligne/donnees").json()["learners"]


def sessions_of_today(page) -> list[dict]:
    items = page.request.get("/api/v1/activities?type=individuel&per_page=200").json()["items"]
    return [item for item in items if item["note"] == "" and item["duration_minutes"] == 45]


def test_twenty_sessions_noted_offline_arrive_once_after_the_tab_is_closed(page):
    """Offline, 20 sessions are noted and survive closing the tab; back online they exist once each on the server."""
    prepare(page)
    assert_accessible(page, "/hors-ligne/")
    learners = kept_learners(page)[:20]
    before = {item["id"] for item in sessions_of_today(page)}
    page.context.set_offline(True)
    for count, learner in enumerate(learners, start=1):
        note_session(page, learner)
        expect(page.locator("#queue-count")).to_have_text(str(count))
    context = page.context
    page.close()  # the tab is closed, then opened again with no network: the service worker serves the page
    page = context.new_page()
    page.goto("/hors-ligne/")
    expect(page.locator("#queue-count")).to_have_text("20")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0", timeout=20_000)
    expect(page.locator("#last-sync")).to_contain_text("20 enregistrements envoyés")
    created = [item for item in sessions_of_today(page) if item["id"] not in before]
    assert sorted(item["learner_id"] for item in created) == sorted(learner["id"] for learner in learners)


def test_a_sync_cut_in_the_middle_resumes_without_duplicate(page):
    """The network drops after the server wrote the third session: resent under its key, it is not written twice."""
    prepare(page)
    learners = kept_learners(page)[20:25]
    before = len(sessions_of_today(page))
    page.context.set_offline(True)
    for learner in learners:
        note_session(page, learner)
    expect(page.locator("#queue-count")).to_have_text("5")
    calls = []

    def cut_third(route):
        calls.append(route.request.headers.get("idempotency-key"))
        response = route.fetch()  # the server writes the session…
        if len(calls) == 3:
            route.abort("internetdisconnected")  # …and the answer never arrives
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/activities", cut_third)
    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("3")
    page.unroute("**/api/v1/activities")
    page.click("#sync-now")
    expect(page.locator("#queue-count")).to_have_text("0")
    assert len(sessions_of_today(page)) - before == 5


def test_a_refused_session_waits_for_review_with_the_servers_reason(page):
    """A learner anonymised while the session waited: the session lands "à revoir" with the server's reason, and
    abandoning it takes a confirmation."""
    prepare(page)
    learner = kept_learners(page)[-1]
    csrf = page.request.get("/hors-ligne/donnees").json()["csrf_token"]
    page.context.set_offline(True)
    note_session(page, learner)
    erased = page.request.delete(f"/api/v1/learners/{learner['id']}", headers={"X-CSRF-Token": csrf})
    assert erased.ok, erased.text()  # from another device, while this one had no network
    page.context.set_offline(False)
    expect(page.locator("#review-count")).to_have_text("1")
    assert re.search(r"anonymis", page.inner_text("#review-list"), re.I), page.inner_text("#review-list")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#review-list button:has-text('Abandonner')")
    expect(page.locator("#review")).to_be_hidden()


def test_logout_takes_the_learners_off_the_device(page):
    """After logout the device keeps no learner list (unsent records stay, for the same account's next login)."""
    prepare(page)
    assert page.evaluate(KEPT) > 0
    page.locator("header details.menu > summary").click()
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r"/login"))
    assert kept_count_becomes(page, 0)


def pick(page, name: str) -> None:
    page.fill("#offline-q", name)
    page.locator("#offline-found button").first.click()


def new_file(page, first: str, last: str, birth_year: int) -> None:
    page.fill("#offline-q", f"{first} {last}")
    page.click("button.offline-new-button")
    page.fill("#offline-birth", str(birth_year))
    page.click("#offline-new-add")


def finish(page) -> None:
    page.click("label[for=offline-d90]")
    page.click(f"label[for='offline-t-{TOPIC}']")
    page.click("#offline-form button.save")


def test_workshops_and_a_new_file_noted_offline_arrive_in_order(page):
    """Three workshops noted offline, one with a file made offline: the file is created first and named in its
    workshop; each record exists once."""
    prepare(page)
    learners = kept_learners(page)[25:31]
    page.context.set_offline(True)
    for number in range(3):
        page.click("label[for=offline-kind-collectif]")
        page.fill("#offline-title", f"Atelier du bus {number}")
        pick(page, learners[2 * number]["name"])
        pick(page, learners[2 * number + 1]["name"])
        if number == 2:
            new_file(page, "Zoé", "Nouvelle-Venue", 1951)
        finish(page)
    expect(page.locator("#queue-count")).to_have_text("4")
    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0", timeout=20_000)
    found = page.request.get("/api/v1/learners?q=Nouvelle-Venue").json()["items"]
    assert [learner["display_name"] for learner in found] == ["Zoé Nouvelle-Venue"]
    workshops = page.request.get("/api/v1/activities?type=collectif&per_page=200").json()["items"]
    ours = {item["title"]: item for item in workshops if item["title"].startswith("Atelier du bus")}
    assert sorted(ours) == ["Atelier du bus 0", "Atelier du bus 1", "Atelier du bus 2"]
    named = [participant["learner_id"] for participant in ours["Atelier du bus 2"]["participants"]]
    assert named == [learners[4]["id"], learners[5]["id"], found[0]["id"]]


def test_a_new_file_like_an_existing_one_is_flagged_then_created_on_purpose(page):
    """A file made offline with the name and birth year of an existing one waits "à revoir" as a likely duplicate,
    its session waiting behind it; "Créer quand même" sends both."""
    prepare(page)
    existing = page.request.get(f"/api/v1/learners/{kept_learners(page)[31]['id']}").json()
    page.context.set_offline(True)
    new_file(page, existing["first_name"], existing["last_name"], existing["birth_year"])
    finish(page)
    expect(page.locator("#queue-count")).to_have_text("2")
    page.context.set_offline(False)
    expect(page.locator("#review-count")).to_have_text("1")
    expect(page.locator("#queue-count")).to_have_text("1")  # the session, waiting for its file
    assert "existe déjà" in page.inner_text("#review-list") or "même" in page.inner_text("#review-list")
    page.click("#review-list button:has-text('Créer quand même')")
    expect(page.locator("#queue-count")).to_have_text("0")
    expect(page.locator("#review")).to_be_hidden()


def test_five_assessments_noted_offline_arrive_once_with_their_levels(page):
    """Offline, the assessment form shows each learner's previous level; five assessments arrive once each."""
    prepare(page)
    learners = kept_learners(page)[:5]
    before = {item["id"] for item in page.request.get("/api/v1/assessments?per_page=200").json()["items"]}
    page.context.set_offline(True)
    page.click("label[for=offline-kind-evaluation]")
    for count, learner in enumerate(learners, start=1):
        pick(page, learner["name"])
        assert "Précédemment" in page.inner_text("#assessment-competences") or "Jamais" in page.inner_text(
            "#assessment-competences"
        )
        page.click("label[for=offline-l-courriel-3]")
        page.click("label[for=offline-l-navigation-2]")
        page.click("#offline-form button.save")
        expect(page.locator("#queue-count")).to_have_text(str(count))
    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0", timeout=20_000)
    items = page.request.get("/api/v1/assessments?per_page=200").json()["items"]
    ours = [item for item in items if item["id"] not in before]
    assert sorted(item["learner_id"] for item in ours) == sorted(learner["id"] for learner in learners)


def test_an_ended_session_takes_the_learners_off_and_the_cache_holds_no_answer(page):
    """The session ended elsewhere: the next visit lands on the login page and the learner list is gone; the service
    worker's cache holds the page's shell and static files only, never an API answer or the learner data."""
    prepare(page)
    note_session(page, kept_learners(page)[0])
    assert page.evaluate(KEPT) > 0
    cached = set(page.evaluate(CACHED))
    assert cached and all(
        path == "/hors-ligne/" or path.startswith(("/static/", "/hors-ligne/manifest")) for path in cached
    )
    csrf = page.request.get("/hors-ligne/donnees").json()["csrf_token"]
    assert page.request.post("/logout", form={"csrf_token": csrf}).ok  # as if it had expired
    page.goto("/hors-ligne/")
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator("form[action='/login']")).to_be_visible()
    assert kept_count_becomes(page, 0)
