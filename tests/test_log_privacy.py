"""What the real log output of `inclusion serve` leaves out: share-link tokens and verification codes (capability
URLs), typed login identifiers, and raw control characters that would forge a line."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import httpx

from tests.support.browser import csrf_from
from tests.support.processes import cli_env, free_port, run_cli, wait_for_health

CODE = "INC-2345-6789-ABCD-EFGH"
TYPED = "nadia.typo@exemple.fr"


def test_access_lines_hide_capabilities_and_escape_control_characters(fresh_database_url, tmp_path):
    """A share link or a questionnaire link is logged as its link id, a verification code or a calendar token as a
    short hash, a failed login's typed address as a keyed hash; a %0a in a path stays on its line, escaped."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_FORMAT="text", INCLUSION_LOG_LEVEL="INFO")
    for command in (["migrate"], ["user", "create", "admin@journal.test", "--name", "Admin", "--role", "admin"]):
        assert run_cli(*command, env=env).returncode == 0
    token = run_cli("token", "create", "admin@journal.test", env=env).stdout.strip().split()[-1]
    port = free_port()
    command = [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--no-demo"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, server)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            site = client.post(
                "/api/v1/sites", json={"name": "Espace Carnot", "kind": "france_services", "insee_code": "62667"}
            ).json()
            shared = client.post(
                "/api/v1/reports/outcomes/shares",
                json={"sites": [site["id"]], "from": "2025-01-01", "to": "2025-12-31"},
            ).json()
            link = shared["url"].removeprefix(base)
            assert client.get(link).status_code == 200 and client.get(f"{link}.csv").status_code == 200
            assert client.get(f"/verify/{CODE}").status_code == 404
            assert client.get("/avis/7-questionnaire-secret").status_code == 404
            calendar = client.patch(f"/api/v1/sites/{site['id']}", json={"calendar_public": True}).json()
            assert client.get(calendar["calendar_path"]).status_code == 200
            assert client.get("/nulle-part%0a2026-01-01 00:00:00,000 INFO inclusion.access FAUX").status_code == 404
        with httpx.Client(base_url=base, timeout=30) as browser:
            form = {"email": TYPED, "password": "pas le bon", "csrf_token": csrf_from(browser.get("/login"))}
            assert browser.post("/login", data=form).status_code == 401
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    secret = link.rsplit("/", 1)[-1]
    assert secret not in output and secret.split(".", 1)[1] not in output
    assert (
        f"GET /shared/reports/#{shared['id']} 200" in output
        and f"GET /shared/reports/#{shared['id']}.csv 200" in output
    )
    assert CODE not in output
    assert "questionnaire-secret" not in output and "GET /avis/#7 404" in output
    calendar_token = calendar["calendar_path"].removeprefix("/calendars/").removesuffix(".ics")
    assert calendar_token not in output
    assert f"GET /calendars/#{hashlib.sha256(calendar_token.encode()).hexdigest()[:10]}.ics 200" in output
    assert f"GET /verify/#{hashlib.sha256(CODE.encode()).hexdigest()[:10]} 404" in output
    assert TYPED not in output and "Échec de connexion pour le compte " in output
    assert "GET /nulle-part\\n2026-01-01 00:00:00,000 INFO inclusion.access FAUX 404" in output
    assert not any(line.startswith("2026-01-01 00:00:00,000") for line in output.splitlines())
