"""HTTP throughput of the running `inclusion` service, measured as a real process.

Starts `python -m inclusion serve` on a free port with a throw-away data directory
(demo data is seeded on first start), then measures:

* idle RSS of the server process and of all its descendants (uvicorn workers), in MiB;
* requests/s, p50/p99 latency and non-200 count for `GET /health` (no auth) and
  `GET /api/v1/sites` (Bearer token of the demo admin), using a minimal asyncio
  HTTP/1.1 keep-alive client with C concurrent connections. Each run lasts --seconds
  after a 2 s discarded warm-up; each scenario is repeated --repeats times and the
  median requests/s is reported.

The server is always stopped at the end (SIGTERM, then SIGKILL after 10 s).

Run from the project root:

    .venv/bin/python bench/http_throughput.py --seconds 10
    .venv/bin/python bench/http_throughput.py --workers 2 \\
        --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench
    .venv/bin/python bench/http_throughput.py --json   # also print a JSON object

For PostgreSQL the database is created with `psql` if it does not exist; nothing is dropped.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator

WARMUP_SECONDS = 2.0
SCENARIOS = [("GET /health", "/health", False), ("GET /api/v1/sites", "/api/v1/sites", True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(url: str, sql: str) -> subprocess.CompletedProcess:
    parts = urllib.parse.urlsplit(url)
    command = ["psql", "-h", parts.hostname or "127.0.0.1", "-U", parts.username or "postgres", "-d", "postgres"]
    if parts.port:
        command += ["-p", str(parts.port)]
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(parts.password)) if parts.password else None
    return subprocess.run([*command, "-c", sql], capture_output=True, text=True, env=env)


def ensure_postgres_database(url: str) -> None:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    done = _psql(url, f'CREATE DATABASE "{name}"')
    if done.returncode != 0 and "already exists" not in done.stderr:
        raise SystemExit(f"cannot create database {name}: {done.stderr.strip()}")


@contextlib.contextmanager
def scratch_postgres_database(url: str) -> Iterator[str]:
    """A new database beside the one `url` names (its name plus `_run` and this process's id), dropped at the end:
    every run starts from the same empty state, whatever earlier runs left (and autovacuum may be off)."""
    parts = urllib.parse.urlsplit(url)
    scratch = parts._replace(path=f"{parts.path}_run{os.getpid()}").geturl()
    name = urllib.parse.urlsplit(scratch).path.lstrip("/")
    done = _psql(url, f'CREATE DATABASE "{name}"')
    if done.returncode != 0:
        raise SystemExit(f"cannot create database {name}: {done.stderr.strip()}")
    try:
        yield scratch
    finally:
        _psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def http_status(port: int, path: str) -> int | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            return int(sock.recv(64).split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        return None


def wait_healthy(server: subprocess.Popen, port: int, timeout: float = 60.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.poll() is not None:
            raise SystemExit(f"server exited during startup (code {server.returncode})")
        if http_status(port, "/health") == 200:
            return time.monotonic() - start
        time.sleep(0.2)
    raise SystemExit(f"server not healthy after {timeout:.0f} s")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def create_token(env: dict[str, str], email: str = "admin@demo.inclusion.test") -> str:
    command = [sys.executable, "-m", "inclusion", "token", "create", email, "--name", "bench"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("Token"):
            return line.split()[-1]
    raise SystemExit(f"no token in output: {done.stdout!r}")


def total_rss(pid: int) -> float:
    """RSS of a process and all its descendants (uvicorn workers), in MiB."""
    total = 0.0
    for each in [pid, *descendants(pid)]:
        try:
            total += rss_mib(each)
        except OSError:
            pass
    return total


def bench_env(tmpdir: str, database_url: str | None) -> tuple[str, dict[str, str]]:
    """The database kind and the server's environment: a SQLite file in tmpdir unless a URL is given."""
    url = database_url or f"sqlite:///{tmpdir}/bench.db"
    kind = "postgres" if url.startswith(("postgresql:", "postgres:")) else "sqlite"
    if kind == "postgres":
        ensure_postgres_database(url)
    env = dict(os.environ, INCLUSION_DATA_DIR=tmpdir, INCLUSION_DATABASE_URL=url, INCLUSION_LOG_LEVEL="WARNING")
    return kind, env


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    """`inclusion serve` (migrates, seeds the demo) on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL), port


async def connection(port: int, request: bytes, deadline: float, results: list[tuple[float, float, int]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (start := time.perf_counter()) < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
            length = next((int(v) for k, v in headers.items() if k.strip().lower() == "content-length"), 0)
            if length:
                await reader.readexactly(length)
            results.append((start, time.perf_counter() - start, status))
    finally:
        writer.close()


async def run_load(port: int, path: str, token: str | None, concurrency: int, seconds: float) -> dict:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n".encode()
    results: list[tuple[float, float, int]] = []
    begin = time.perf_counter()
    measured_from = begin + WARMUP_SECONDS
    deadline = measured_from + seconds
    await asyncio.gather(*(connection(port, request, deadline, results) for _ in range(concurrency)))
    kept = [(latency, status) for start, latency, status in results if start >= measured_from]
    latencies = sorted(latency * 1000 for latency, _ in kept)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")  # noqa: E731
    return {
        "requests": len(kept),
        "rps": len(kept) / seconds,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "errors": sum(1 for _, status in kept if status != 200),
    }


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print a JSON object on stdout")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, args.workers)
        try:
            startup = wait_healthy(server, port)
            time.sleep(2)
            parent_rss = rss_mib(server.pid)
            all_rss = total_rss(server.pid)
            token = create_token(env)
            scenarios = {}
            for label, path, needs_auth in SCENARIOS:
                runs = [
                    asyncio.run(run_load(port, path, token if needs_auth else None, args.concurrency, args.seconds))
                    for _ in range(args.repeats)
                ]
                best = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
                scenarios[label] = {
                    "median_rps": statistics.median(run["rps"] for run in runs),
                    "rps_runs": [round(run["rps"], 1) for run in runs],
                    "p50_ms": best["p50_ms"],
                    "p99_ms": best["p99_ms"],
                    "errors": sum(run["errors"] for run in runs),
                }
        finally:
            stop(server)

    print(
        f"database: {kind}   workers: {args.workers}   concurrency: {args.concurrency}   "
        f"seconds: {args.seconds:g} x {args.repeats}   startup: {startup:.1f} s"
    )
    print(f"{'scenario':<20} {'median req/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  runs req/s")
    for label, row in scenarios.items():
        print(
            f"{label:<20} {row['median_rps']:>12.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['errors']:>7}  {row['rps_runs']}"
        )
    print(f"idle RSS: server {parent_rss:.1f} MiB, with descendants {all_rss:.1f} MiB")
    if args.json:
        print(
            json.dumps(
                {
                    "database": kind,
                    "workers": args.workers,
                    "concurrency": args.concurrency,
                    "seconds": args.seconds,
                    "repeats": args.repeats,
                    "startup_s": round(startup, 2),
                    "idle_rss_mib": {"server": round(parent_rss, 1), "total": round(all_rss, 1)},
                    "scenarios": {
                        label: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}
                        for label, row in scenarios.items()
                    },
                }
            )
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
