"""Running in production: JSON log lines with a request id, and a SIGTERM that lets the request in flight finish."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.support.clock import paris_today
from tests.support.processes import cli_env, free_port, wait_for_health
from tests.test_voucher_race import admin_token


def start_server(env: dict[str, str], port: int, log=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--no-demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )


def wait_for_line(path, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in path.read_text():
        assert time.monotonic() < deadline, f"{text} never reached the log while the server ran"
        time.sleep(0.05)


def stop_server(server: subprocess.Popen) -> tuple[str, str]:
    if server.poll() is None:
        server.terminate()
    return server.communicate(timeout=60)


def test_json_logs_give_each_request_an_id_and_leave_queries_out(fresh_database_url, tmp_path):
    """With INCLUSION_LOG_FORMAT=json every line of the log is a JSON object; each request's access line, written
    while the server runs, carries the id returned in X-Request-ID (the proxy's own when it sends a valid one), and
    no search term is written."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_FORMAT="json", INCLUSION_LOG_LEVEL="INFO")
    token = admin_token(env)
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log_file:
        server = start_server(env, port, log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, server)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            search = client.get("/api/v1/learners", params={"q": "Dupontel"})
            relayed = client.get("/api/v1/sites", headers={"X-Request-ID": "nginx-7f3a.2"})
            refused = client.get("/api/v1/sites", headers={"X-Request-ID": "x" * 65})
            missing = client.get("/api/v1/nulle-part")
        wait_for_line(log_path, missing.headers["x-request-id"])  # access lines come out while serving too
    finally:
        stop_server(server)
    log = log_path.read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # fails on any line that is not JSON
    access = {line["request_id"]: line for line in lines if line["logger"] == "inclusion.access"}
    assert search.status_code == relayed.status_code == refused.status_code == 200
    assert relayed.headers["x-request-id"] == "nginx-7f3a.2"
    assert len(refused.headers["x-request-id"]) == 16 and "x" * 65 not in log
    for response in (search, relayed, refused, missing):
        line = access[response.headers["x-request-id"]]
        assert (line["method"], line["path"], line["status"]) == ("GET", response.url.path, response.status_code)
        assert line["level"] == "INFO" and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")
    assert "Dupontel" not in log
    assert any(line["message"] == "Application shutdown complete." for line in lines)


def workshop(site_id: int, learner_ids: list[int]) -> bytes:
    participants = [{"learner_id": learner_id, "present": True} for learner_id in learner_ids]
    body = {
        "site_id": site_id,
        "type": "collectif",
        "date": paris_today().isoformat(),
        "duration_minutes": 90,
        "title": "Atelier de la dernière minute",
        "digital_topics": ["securite_numerique"],
        "participants": participants,
    }
    return json.dumps(body).encode()


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_sigterm_finishes_the_request_in_flight_then_exits(fresh_database_url, tmp_path):
    """A SIGTERM stops new connections at once, yet the workshop whose body was still arriving is recorded and
    answered 201; the server then shuts down cleanly and the workshop is there after a restart."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="INFO")
    token = admin_token(env)
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        wait_for_health(base, server)
        with httpx.Client(base_url=base, headers=headers) as client:
            new_site = {"name": "Espace Arrêt", "kind": "france_services", "insee_code": "62160"}
            site = client.post("/api/v1/sites", json=new_site).json()
            learners = [
                client.post("/api/v1/learners", json={"site_id": site["id"], "first_name": name, "last_name": "Arrêt"})
                for name in ("Léa", "Marc", "Inès")
            ]
        body = workshop(site["id"], [learner.json()["id"] for learner in learners])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            head = (
                f"POST /api/v1/activities HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
            )
            connection.sendall(head.encode())
            assert connection.recv(100).startswith(b"HTTP/1.1 100 Continue")  # the app is reading the body now
            server.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 20
            while not refuses_connections(port):
                assert time.monotonic() < deadline, "the server still accepts connections after SIGTERM"
                time.sleep(0.1)
            connection.sendall(body)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        output, log = server.communicate(timeout=60)
    finally:
        stop_server(server)
    status_line, _, payload = answer.partition(b"\r\n\r\n")
    assert status_line.startswith(b"HTTP/1.1 201"), answer
    [recorded] = json.loads(payload)  # a list: one item per week of a series
    assert server.returncode in (0, -signal.SIGTERM) and "Traceback" not in log
    assert "Application shutdown complete." in log
    again = start_server(env, port)
    try:
        wait_for_health(base, again)
        stored = httpx.get(f"{base}/api/v1/activities/{recorded['id']}", headers=headers).json()
    finally:
        stop_server(again)
    assert stored["title"] == "Atelier de la dernière minute"
    assert sorted(p["learner_id"] for p in stored["participants"]) == sorted(p.json()["id"] for p in learners)
