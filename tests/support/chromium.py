"""Debian's Chromium driven by Playwright against a real `inclusion serve` with its demo data: the fixtures and
helpers the browser tests share. A test module imports the `*_fixture` functions to use the fixtures they
name: `module_database_url`, `server` and `browser`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

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


def skip_without_chromium() -> None:
    """Skip the calling test module where Chromium is missing, except in CI where it must be there."""
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip("Chromium absent : apt-get install chromium pour les tests en navigateur.", allow_module_level=True)


@pytest.fixture(scope="module", name="module_database_url")
def module_database_url_fixture(tmp_path_factory) -> Iterator[str]:
    from tests.conftest import fresh_database

    with fresh_database(tmp_path_factory.mktemp("browser-db")) as url:
        yield url


@pytest.fixture(scope="module", name="server")
def server_fixture(module_database_url, tmp_path_factory) -> Iterator[str]:
    """`inclusion serve` on a fresh database of the kind under test, with its demo data."""
    from tests.support.processes import free_port, wait_for_health

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "inclusion", "serve", "--port", str(port)],
        env=cli_env(module_database_url, tmp_path_factory.mktemp("browser"), INCLUSION_LOG_LEVEL="WARNING"),
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


@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), "Chromium is required (apt-get install chromium)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def log_in(page, who=ADVISER) -> None:
    page.goto("/login")
    page.fill("#email", who[0])
    page.fill("#password", who[1])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def axe_violations(page, tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """axe-core's violations of the rules tagged `tags` on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": list(tags), "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def assert_accessible(page, label: str) -> None:
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not serious, f"{label}: " + "; ".join(f"{v['id']} ({len(v['nodes'])})" for v in serious)


def follow_menu(page, label: str) -> None:
    """Click the main menu's link `label`, opening the menu first where it is folded (a phone)."""
    summary = page.locator("header details.menu > summary")
    if summary.is_visible() and page.locator("header details.menu[open]").count() == 0:
        summary.click()
    page.locator("header nav").get_by_role("link", name=label, exact=True).click()


@pytest.fixture(name="page")
def page_fixture(server, browser):  # the server first: its database is made before Playwright runs a loop
    """A 390×844 tab on the demo server, downloads accepted."""
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
