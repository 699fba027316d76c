"""Run the `inclusion` command as a real process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx


def cli_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("INCLUSION_")}
    env.update(INCLUSION_DATABASE_URL=database_url, INCLUSION_DATA_DIR=str(data_dir))
    env.setdefault("INCLUSION_REPORT_PROCESSES", "1")  # a test server spawns one report process, not two
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inclusion", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else f"exited with {process.returncode}"
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the server never answered /health")


@dataclass
class Served:
    base: str
    output: str = ""  # what the server wrote (stdout and stderr), once it has stopped


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int = 2) -> Iterator[Served]:
    """`inclusion serve --workers N --no-demo` on the database of `env`, until the block ends; then its output."""
    port = free_port()
    command = [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--workers", str(workers), "--no-demo"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}")
    try:
        wait_for_health(served.base, server)
        yield served
    finally:
        server.terminate()
        served.output, _ = server.communicate(timeout=30)
