"""A mixed workload against `inclusion serve --workers 2`: advisers recording and reading, funders reading reports.

Builds a seeded network through the API (`mixed_data.py`: --sites sites, their advisers, a few hundred learners per
site with 18 months of history, funders with grants), then runs --concurrency keep-alive connections, one virtual
user each with its own account's token, back to back for a warm-up and --seconds:

- adviser virtual users (the 70 + 20 shares of --mix) each draw every request, writes 70 : reads 20: writes are
  an individual session (40 %), a workshop with 4-10 named learners of the site (25 %), an assessment of 4-12
  competences (25 %), a new learner file (10 %); reads are a learner search (40 %), the activity list (30 %), a
  learner's progression (30 %). An adviser touches only its site's learners;
- funder virtual users (the last share, at least one) ask for the outcomes report of their funded sites over
  the last 12 months (all of them, or one in 3 times), as CSV one time in 4.

Per request kind, per group and overall: requests, errors (non-2xx; the first 3 bodies shown), req/s over the
measured window, p50, p99 and max latency (ms). Then the server's stderr lines and its first distinct errors.

    .venv/bin/python bench/mixed_load.py --seconds 10 --sites 5
    .venv/bin/python bench/mixed_load.py --json      # PostgreSQL, --workers 2, 60 s

PostgreSQL runs in a new database beside the one named (`_run<pid>`), dropped at the end; `sqlite:///...` works too.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mixed_data  # noqa: E402
from activities_write import run_command  # noqa: E402
from http_throughput import (  # noqa: E402
    bench_env,
    create_token,
    free_port,
    scratch_postgres_database,
    stop,
    total_rss,
    wait_healthy,
)
from learners_assessments import Client  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/inclusion_bench_mixed"
ADMIN = "admin@bench.inclusion.test"
WARMUP_SECONDS = 3.0
WRITES = (("session", 40), ("workshop", 25), ("assessment", 25), ("learner", 10))
READS = (("search", 40), ("activities", 30), ("progression", 30))
GROUPS = {
    "adviser writes": ("POST activity (session)", "POST activity (workshop)", "POST assessment", "POST learner"),
    "adviser reads": ("GET learners?q=", "GET activities", "GET progression"),
    "funder reads": ("GET report", "GET report.csv"),
}
Request = tuple[str, str, str, dict | None, Callable[[bytes], None] | None]  # label, method, path, body, on 2xx


def adviser_requests(site: mixed_data.SiteData, codes: list[str], mix: list[int], rng: random.Random, today: date):
    """Draws an adviser's next request (writes and reads of its own site)."""
    write_kinds, write_weights = zip(*WRITES, strict=True)
    read_kinds, read_weights = zip(*READS, strict=True)

    def draw() -> Request:
        if rng.random() * (mix[0] + mix[1]) < mix[0]:
            kind = rng.choices(write_kinds, write_weights)[0]
        else:
            kind = rng.choices(read_kinds, read_weights)[0]
        learner_id, last_name, _ = rng.choice(site.learners)
        if kind == "session":
            anonymous = rng.random() < 0.2
            body = mixed_data.session_body(rng, None if anonymous else learner_id, today)
            return "POST activity (session)", "POST", "/api/v1/activities", body, None
        if kind == "workshop":
            ids = [learner[0] for learner in site.learners]
            return (
                "POST activity (workshop)",
                "POST",
                "/api/v1/activities",
                mixed_data.workshop_body(rng, ids, today),
                None,
            )
        if kind == "assessment":
            levels = {code: rng.randint(0, 3) for code in rng.sample(codes, rng.randint(4, min(12, len(codes))))}
            assessed = learner_id in site.assessed
            step = ("intermediaire", "final")[rng.random() < 0.2] if assessed else "initial"
            body = {"learner_id": learner_id, "kind": step, "assessed_on": today.isoformat(), "levels": levels}
            return "POST assessment", "POST", "/api/v1/assessments", body, lambda _: site.assessed.add(learner_id)
        if kind == "learner":
            body = mixed_data.learner_body(rng, today) | {"first_visit_on": today.isoformat()}

            def remember(payload: bytes) -> None:
                site.learners.append((json.loads(payload)["id"], body["last_name"], today))

            return "POST learner", "POST", "/api/v1/learners", body, remember
        if kind == "search":
            prefix = last_name[: rng.randint(3, 5)]
            return "GET learners?q=", "GET", f"/api/v1/learners?q={quote(prefix, safe='')}&per_page=20", None, None
        if kind == "activities":
            page = rng.choice((1, 1, 1, 2, 3))
            return "GET activities", "GET", f"/api/v1/activities?page={page}&per_page=20", None, None
        learner_id = rng.choice(sorted(site.assessed)) if site.assessed else learner_id
        return "GET progression", "GET", f"/api/v1/learners/{learner_id}/progression", None, None

    return draw


def funder_requests(funder: mixed_data.FunderData, rng: random.Random, today: date):
    period = f"from={(today - timedelta(days=365)).isoformat()}&to={today.isoformat()}"

    def draw() -> Request:
        sites = [rng.choice(funder.site_ids)] if rng.random() < 1 / 3 else funder.site_ids
        csv = rng.random() < 0.25
        path = f"/api/v1/reports/outcomes{'.csv' if csv else ''}?{period}" + "".join(f"&site={s}" for s in sites)
        return ("GET report.csv" if csv else "GET report"), "GET", path, None, None

    return draw


async def virtual_user(port: int, token: str, draw, measured_from: float, deadline: float, results: list) -> None:
    client = Client(port, token)
    try:
        while (start := time.perf_counter()) < deadline:
            label, method, path, body, on_success = draw()
            try:
                status, payload = await client.request(method, path, json.dumps(body).encode() if body else None)
            except (OSError, asyncio.IncompleteReadError) as error:
                status, payload = 0, f"{type(error).__name__}: {error}".encode()
                await client.close()
            elapsed = time.perf_counter() - start
            if 200 <= status < 300 and on_success is not None:
                on_success(payload)
            if start >= measured_from:
                sample = (
                    None
                    if 200 <= status < 300
                    else f"{status} {method} {path}: {payload[:400].decode('utf-8', 'replace')}"
                )
                results.append((label, elapsed * 1000, status, sample))
    finally:
        await client.close()


async def run_load(port: int, network: mixed_data.Network, args, today: date) -> tuple[list, dict[str, int]]:
    rng = random.Random(f"{args.seed}:load")
    funder_users = max(1, round(args.concurrency * args.mix[2] / 100)) if args.mix[2] else 0
    adviser_users = args.concurrency - funder_users if args.mix[0] + args.mix[1] else 0
    users = []
    for n in range(adviser_users):
        site = network.sites[n % len(network.sites)]
        token = site.tokens[(n // len(network.sites)) % len(site.tokens)]
        users.append((token, adviser_requests(site, network.codes, args.mix, random.Random(rng.random()), today)))
    for n in range(funder_users):
        funder = network.funders[n % len(network.funders)]
        users.append((funder.token, funder_requests(funder, random.Random(rng.random()), today)))
    results: list = []
    measured_from = time.perf_counter() + WARMUP_SECONDS
    deadline = measured_from + args.seconds
    await asyncio.gather(*(virtual_user(port, t, draw, measured_from, deadline, results) for t, draw in users))
    return results, {"adviser": adviser_users, "funder": funder_users}


def figures(rows: list, seconds: float) -> dict:
    ordered = sorted(latency for _, latency, _, _ in rows)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return {
        "requests": len(rows),
        "errors": sum(1 for _, _, status, _ in rows if not 200 <= status < 300),
        "rps": len(rows) / seconds,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": ordered[-1] if ordered else float("nan"),
        "error_samples": [sample for *_, sample in rows if sample][:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help="PostgreSQL (a scratch database beside it), sqlite (a temporary file) or sqlite:///PATH (a new file)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--advisers-per-site", type=int, default=2)
    parser.add_argument("--learners-per-site", type=int, default=300)
    parser.add_argument("--funders", type=int, default=5)
    parser.add_argument("--mix", default="70,20,10", help="adviser writes, adviser reads, funder reads (shares)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print a JSON object on stdout")
    args = parser.parse_args()
    args.mix = [int(part) for part in args.mix.split(",")]
    if len(args.mix) != 3 or min(args.mix) < 0 or not sum(args.mix):
        parser.error("--mix takes three non-negative shares, e.g. 70,20,10")

    today = date.today()
    began = time.perf_counter()
    postgres = not args.database_url.startswith("sqlite")
    given = None if args.database_url == "sqlite" else args.database_url  # "sqlite": a file in the temporary directory
    scratch = scratch_postgres_database(args.database_url) if postgres else contextlib.nullcontext(given)
    with scratch as database_url, tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        kind, env = bench_env(tmpdir, database_url)
        database_url = env["INCLUSION_DATABASE_URL"]
        run_command(env, "migrate")
        run_command(env, "user", "create", ADMIN, "--name", "Admin bench", "--role", "admin", "--generate-password")
        admin_token = create_token(env, ADMIN)
        port = free_port()
        log_path = os.path.join(tmpdir, "server.log")
        command = [sys.executable, "-m", "inclusion", "serve", "--no-demo", "--port", str(port)]
        with open(log_path, "w") as log:
            server = subprocess.Popen([*command, "--workers", str(args.workers)], env=env, stdout=log, stderr=log)
        try:
            startup = wait_healthy(server, port)
            network = mixed_data.build(port, admin_token, database_url, args, today)
            setup = time.perf_counter() - began
            print(f"setup {setup:.0f} s: {network.counts}", file=sys.stderr, flush=True)
            results, users = asyncio.run(run_load(port, network, args, today))
            rss = total_rss(server.pid)
        finally:
            stop(server)
        with open(log_path, errors="replace") as log:
            server_log = log.read().splitlines()

    rows = {
        label: figures([r for r in results if r[0] == label], args.seconds) for label in sorted({r[0] for r in results})
    }
    groups = {name: figures([r for r in results if r[0] in labels], args.seconds) for name, labels in GROUPS.items()}
    overall = figures(results, args.seconds)
    seconds = {name: round(value, 1) for name, value in network.seconds.items()}
    print(
        f"database: {kind}   workers: {args.workers}   concurrency: {args.concurrency} "
        f"({users['adviser']} advisers, {users['funder']} funders)   mix: {args.mix}   seed: {args.seed}   "
        f"seconds: {args.seconds:g} after {WARMUP_SECONDS:g} s warm-up"
    )
    print(f"data: {network.counts}")
    print(f"setup: {setup:.0f} s (server start {startup:.1f} s; {seconds})")
    columns = ("requests", "share", "errors", "req/s", "p50 ms", "p99 ms", "max ms")
    print(f"{'request':<26} " + " ".join(f"{column:>8}" for column in columns))
    for label, row in [*rows.items(), *groups.items(), ("overall", overall)]:
        if label == next(iter(groups)) or label == "overall":
            print("-" * 90)
        share = row["requests"] / overall["requests"] * 100 if overall["requests"] else 0.0
        print(
            f"{label:<26} {row['requests']:>8} {share:>7.1f}% {row['errors']:>8} {row['rps']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.0f}"
        )
    for label, row in rows.items():
        for sample in row["error_samples"]:
            print(f"  {label} error: {sample}")
    words = ("Error", "Traceback", "deadlock", "ERROR")
    notable = dict.fromkeys(line for line in server_log if any(w in line for w in words)) or dict.fromkeys(server_log)
    print(f"server stderr: {len(server_log)} lines" + "".join(f"\n  | {line[:200]}" for line in list(notable)[:5]))
    print(f"RSS of the server and its workers at the end: {rss:.0f} MiB")
    if args.json:
        rounded = lambda row: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}  # noqa: E731
        summary = {
            "database": kind,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "virtual_users": users,
            "mix": args.mix,
            "seed": args.seed,
            "seconds": args.seconds,
            "data": network.counts,
            "setup_s": round(setup, 1),
            "setup_phases_s": seconds,
            "requests": {label: rounded(row) for label, row in rows.items()},
            "groups": {label: rounded(row) for label, row in groups.items()},
            "overall": rounded(overall),
            "server_stderr_lines": len(server_log),
            "server_error_lines": list(notable)[:5],
            "rss_mib": round(rss, 1),
        }
        print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
