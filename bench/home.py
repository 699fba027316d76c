"""The home page and the learner list at a glance, on the national dataset of `outcomes_data.py` (PostgreSQL).

Builds (or reuses) the dataset at `--scale` (default 0.05: 150 sites, 50,000 learners, ≈ 150,000 assessments,
250,000 activities) in its own database (`inclusion_bench_outcomes_home`), starts `python -m inclusion serve
--no-demo` on it, logs in through the login form as the adviser of the largest site, the adviser of a median site
and the administrator (every site), and times for each, `--repeats` times after one warm-up: `GET /` (the home's
blocks: the week's activities, learners due for a reassessment, Pass ending soon; for the administrator also the
claims to send and the week's figures), `GET /learners` (a page of 25 with last activity and socle) and
`GET /learners/due` (the whole reassessment list, 50 a page). Prints p50 and p95 (nearest rank) in ms, and the
page sizes.

    .venv/bin/python bench/home.py --scale 0.05 --repeats 5
    .venv/bin/python bench/home.py --scale 0.2 --json

The server is stopped at the end; the database is kept for the next run (see `outcomes_data.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import asyncpg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import outcomes_data  # noqa: E402
from http_throughput import free_port, stop, wait_healthy  # noqa: E402
from outcomes import percentile  # noqa: E402

DEFAULT_URL = f"postgresql://postgres@127.0.0.1:5432/{outcomes_data.PREFIX}_home"
PATHS = ("/", "/learners", "/learners/due")


async def adviser_of(url: str, site_id: int) -> str:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(
            "SELECT u.email FROM app_user u JOIN user_site m ON m.user = u.id "
            "WHERE m.site = $1 AND u.role = 'adviser' ORDER BY u.id LIMIT 1",
            site_id,
        )
    finally:
        await connection.close()


def session(port: int, email: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in through the login form, as a browser."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{port}"
    form = opener.open(f"{base}/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]*)"', form).group(1)
    data = urllib.parse.urlencode({"email": email, "password": outcomes_data.PASSWORD, "csrf_token": token})
    answer = opener.open(f"{base}/login", data=data.encode(), timeout=60)
    if "Bonjour" not in answer.read().decode():
        raise SystemExit(f"login of {email} failed")
    return opener


def timed(opener, port: int, path: str, repeats: int) -> dict:
    def run() -> int:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=300) as response:
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            return len(response.read())

    began = time.perf_counter()
    run()
    first = (time.perf_counter() - began) * 1000
    samples, size = [], 0
    for _ in range(repeats):
        began = time.perf_counter()
        size = run()
        samples.append((time.perf_counter() - began) * 1000)
    return {"first_ms": round(first, 1), "p50_ms": round(sorted(samples)[len(samples) // 2], 1),
            "p95_ms": round(percentile(samples, 0.95), 1), "bytes": size}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    summary = outcomes_data.build(args.database_url, scale=args.scale, seed=args.seed)
    who = {
        "adviser, largest site": asyncio.run(adviser_of(args.database_url, summary["large_site_id"])),
        "adviser, median site": asyncio.run(adviser_of(args.database_url, summary["median_site_id"])),
        "admin, every site": summary["admin_email"],
    }
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        env = dict(os.environ, INCLUSION_DATA_DIR=tmpdir, INCLUSION_DATABASE_URL=args.database_url,
                   INCLUSION_LOG_LEVEL="WARNING")  # fmt: skip
        port = free_port()
        command = [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--no-demo"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_healthy(server, port, timeout=300)
            for label, email in who.items():
                opener = session(port, email)
                for path in PATHS:
                    results[f"{label} {path}"] = found = timed(opener, port, path, args.repeats)
                    print(f"{label:24} {path:15} first {found['first_ms']:8.1f} ms  p50 {found['p50_ms']:8.1f} ms"
                          f"  p95 {found['p95_ms']:8.1f} ms  {found['bytes']:7,} B", flush=True)  # fmt: skip
        finally:
            stop(server)
    if args.json:
        print(json.dumps({"scale": args.scale, "rows": summary.get("rows"), "results": results}))


if __name__ == "__main__":
    main()
