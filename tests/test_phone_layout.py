"""On a phone (390×844 and 320×640), every page each demo role reaches by following links fits the screen: no
sideways scrolling, a small top bar whose menu opens without JavaScript, controls big enough for a finger,
readable charts, and no axe-core violation."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.chromium import (  # noqa: F401
    ADMIN,
    ADVISER,
    COORDINATOR,
    FUNDER,
    axe_violations,
    browser_fixture,
    log_in,
    module_database_url_fixture,
    server_fixture,
    skip_without_chromium,
)

skip_without_chromium()

ROLES = {"adviser": ADVISER, "coordinator": COORDINATOR, "admin": ADMIN, "funder": FUNDER, "public": None}
PHONES = ((390, 844), (320, 640))
PAGES_PER_ROLE = 60
VARIANTS_PER_PAGE = 4
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
CHECKS = (Path(__file__).parent / "support" / "phone_checks.js").read_text(encoding="utf-8")
NOT_A_PAGE = re.compile(r"^/(logout|api/|schema|static/)|\.(csv|xlsx|pdf|zip|json)$")
# Detail pages reached through lists: the crawl must get there for each role, or it proves little.
MUST_REACH = {
    "adviser": {"/learners/{id}", "/activities/{id}/edit", "/vouchers/{id}", "/sites/{id}", "/verify/{id}"},
    "coordinator": {"/learners/{id}", "/claims/{id}", "/vouchers/{id}", "/sites/{id}", "/certificates/{id}/revoke"},
    "admin": {"/learners/{id}", "/funders/{id}", "/sites/{id}"},
    "funder": {"/reports/outcomes", "/sites/{id}"},
    "public": {"/login"},
}


@dataclass
class Crawl:
    role: str
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    widest: dict[int, tuple[int, str]] = field(default_factory=dict)  # screen width -> (page width, path)

    def report(self) -> str:
        widest = ", ".join(f"{w} px: {page} px ({path})" for w, (page, path) in sorted(self.widest.items()))
        return (
            f"{self.role}: {len(self.problems)} problem(s); widest page per screen: {widest}\n"
            + "\n".join(self.problems)
            + f"\nvisited ({len(self.visited)}): "
            + " ".join(self.visited)
        )


def pattern(path: str) -> str:
    """The page's kind: /learners/12/edit and /learners/40/edit are one page for this test, and so are two
    certificates' verification pages (a code may hold no digit: INC-EFGF-GFJR-BFKC-GHNT)."""
    return re.sub(r"/[^/]*\d[^/]*", "/{id}", re.sub(r"^/verify/[^/]+", "/verify/0", path))


def links(page, origin: tuple[str, str]) -> list[tuple[str, str]]:
    """The same-origin pages the current page links to, as (path, query)."""
    found = []
    for href in page.eval_on_selector_all("a[href]", "anchors => anchors.map(a => a.href)"):
        parts = urlsplit(urljoin(page.url, href))
        if (parts.scheme, parts.netloc) == origin and not NOT_A_PAGE.search(parts.path):
            found.append((parts.path or "/", parts.query))
    return found


def measure(page, crawl: Crawl, path: str, width: int) -> None:
    result = page.evaluate(CHECKS)
    widest = crawl.widest.get(width, (0, ""))
    if result["scrollWidth"] > widest[0]:
        crawl.widest[width] = (result["scrollWidth"], path)
    crawl.problems += [f"[{width}] {path} {p['kind']}: {p['element']}: {p['detail']}" for p in result["problems"]]


def check_menu(page, crawl: Crawl, path: str, width: int) -> None:
    """Opened, the menu's links and buttons are 44 px tall and the page still does not scroll sideways."""
    summary = page.locator("body > header details > summary")
    if summary.count():
        summary.first.click()
    for handle in page.query_selector_all("body > header nav a, body > header button"):
        box = handle.bounding_box()
        if handle.is_visible() and box and box["height"] < 43.5:
            crawl.problems.append(f"[{width}] {path} menu-link: «{handle.inner_text()}»: {box['height']:.1f} px tall")
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        crawl.problems.append(f"[{width}] {path} menu-open: the open menu makes the page scroll sideways")
    if summary.count():
        summary.first.click()


def crawl_as(browser, server: str, role: str, axed: set[tuple[str, str]], certified: str) -> Crawl:
    """Visit each kind of page the role reaches by links from its home page, and measure it. Query strings only
    page or filter here: a page is visited once, without them; its paged or filtered versions are only looked
    through (a few per page) for links to kinds of pages not met yet, such as an activity of an earlier week.
    Staff visit the learner page of `certified` first among learners, so that a certificate's pages are met."""
    crawl = Crawl(role)
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    origin = urlsplit(server)[:2]
    try:
        start = "/login" if role == "public" else "/"
        if role != "public":
            log_in(page, ROLES[role])
        pages, kinds = deque([start]), {pattern(start)}
        if role in ("adviser", "coordinator", "admin"):
            pages.append(certified)
            kinds.add(pattern(certified))
        variants, queued, looked_through = deque(), set(), Counter()
        while len(crawl.visited) < PAGES_PER_ROLE and (pages or variants):
            measured = bool(pages)
            url = pages.popleft() if measured else variants.popleft()
            if not measured:
                looked_through[urlsplit(url).path] += 1
            page.set_viewport_size({"width": 390, "height": 844})
            response = page.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status != 200:
                crawl.problems.append(f"{url} answered {response.status}")
            found = []
            for path, query in links(page, origin):
                if pattern(path) not in kinds:
                    kinds.add(pattern(path))
                    pages.append(path)
                elif query and looked_through[path] < VARIANTS_PER_PAGE and f"{path}?{query}" not in queued:
                    queued.add(f"{path}?{query}")
                    found.append(f"{path}?{query}")
            variants.extendleft(reversed(found))  # depth first, in the page's order: "← Semaine précédente" again
            variants = deque(url for url in variants if looked_through[urlsplit(url).path] < VARIANTS_PER_PAGE)
            if measured:
                crawl.visited.append(url)
                check_page(page, crawl, url, axed)
        missing = MUST_REACH[role] - {pattern(path) for path in crawl.visited}
        crawl.problems += [f"never reached {kind}" for kind in sorted(missing)]
    finally:
        context.close()
    return crawl


# The elements a page is made of, named by tag, id, classes and form name: two pages alike in this are checked by
# axe-core once (it takes from 0.4 s to 7 s a page), whichever role met them first.
STRUCTURE = """() => [...new Set([...document.querySelectorAll("body *")].map((e) =>
    `${e.tagName}#${e.id}.${e.getAttribute("class") || ""}[${e.getAttribute("name") || ""}]`))].sort().join(" ")"""


def check_page(page, crawl: Crawl, path: str, axed: set[tuple[str, str]]) -> None:
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        measure(page, crawl, path, width)
        if path in ("/", "/login"):
            check_menu(page, crawl, path, width)
        if width == 390 and (structure := (pattern(path), page.evaluate(STRUCTURE))) not in axed:
            axed.add(structure)
            for violation in axe_violations(page, AXE_TAGS):
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                crawl.problems.append(f"[390] {path} axe {violation['id']} ({violation['impact']}): {targets}")


@pytest.fixture(scope="module")
def certified(server, browser) -> str:
    """The page of a learner given a certificate through its form, so that the crawl meets a certificate's pages."""
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, ADVISER)
    page.goto("/learners")
    learner = page.locator("table a").first.get_attribute("href")
    page.goto(f"{learner}/certificates/new")
    if "pas encore accepté" in page.content():
        page.goto(f"{learner}/edit")
        page.check("#consent_certificate")
        page.click("form[action$='/edit'] button[type=submit]")
        page.wait_for_url(re.compile(r"saved=1"))
        page.goto(f"{learner}/certificates/new")
    page.click("form[action$='/certificates/new'] button[type=submit]")
    page.wait_for_load_state()
    if not re.search(r"certified=", page.url):  # no activity in the period: the form asks to confirm
        page.click("form[action$='/certificates/new'] button[name=force]")
        page.wait_for_url(re.compile(r"certified="))
    context.close()
    return learner


@pytest.fixture(scope="module")
def axed() -> set[tuple[str, str]]:
    """The kinds of pages, with the elements they are made of, that axe-core has checked in this module."""
    return set()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(server, browser, certified, axed, role):
    """Every page a role reaches by links, at 390 and 320 px wide: no sideways scroll, small top bar, big enough
    controls, readable charts, tables as cards or in their own scroll box, no axe-core violation."""
    crawl = crawl_as(browser, server, role, axed, certified)
    print(crawl.report())
    assert not crawl.problems, crawl.report()
