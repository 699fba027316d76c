"""`inclusion serve` as a real process: migrates, seeds the demo, prints where to go, serves pages."""

import signal
import subprocess
import sys

import httpx

from tests.support.browser import csrf_from
from tests.support.processes import cli_env, free_port, wait_for_health


def test_serve_starts_with_demo_data_and_a_working_login(fresh_database_url, tmp_path):
    """A first start migrates, seeds the demo, prints the URL and logins; the printed login works."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "inclusion", "serve", "--port", str(port)],
        env=cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="WARNING"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process)
        with httpx.Client(base_url=base) as browser:
            form = browser.get("/login")
            data = {
                "email": "conseiller@demo.inclusion.test",
                "password": "inclusion-demo",
                "csrf_token": csrf_from(form),
            }
            logged = browser.post("/login", data=data, follow_redirects=True)
            assert "Bonjour Karim Conseiller" in logged.text
            assert "Espace Carnot — Maison France Services, Le Portel" in logged.text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"inclusion est prêt : {base}/" in output
    assert "admin@demo.inclusion.test" in output and "mot de passe : inclusion-demo" in output
    assert process.returncode in (0, -signal.SIGTERM)  # uvicorn shuts down, then re-raises SIGTERM
    assert "Traceback" not in output


def test_two_servers_on_one_database_share_logins(fresh_database_url, tmp_path):
    """Two server processes on one database and data directory (as `serve --workers 2` runs): a login made on one
    is valid on the other, and a logout on the other ends it on both."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="WARNING")
    servers, bases = [], []
    try:
        for _ in range(2):  # one after the other: the first migrates and seeds the demo
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "inclusion", "serve", "--port", str(port)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
            wait_for_health(bases[-1], servers[-1])
        with httpx.Client(base_url=bases[0]) as first:
            form = first.get("/login")
            data = {"email": "conseiller@demo.inclusion.test", "password": "inclusion-demo"}
            data["csrf_token"] = csrf_from(form)
            assert "Bonjour Karim Conseiller" in first.post("/login", data=data, follow_redirects=True).text
            with httpx.Client(base_url=bases[1], cookies=first.cookies) as second:
                home = second.get("/", follow_redirects=True)
                assert "Bonjour Karim Conseiller" in home.text
                second.post("/logout", data={"csrf_token": csrf_from(home)}, follow_redirects=True)
            assert "/login" in str(first.get("/", follow_redirects=True).url)
    finally:
        for server in servers:
            server.terminate()
        outputs = [server.communicate(timeout=30)[0] for server in servers]
    assert all("Traceback" not in output for output in outputs)
