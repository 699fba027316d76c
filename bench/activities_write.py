"""Write load on `POST /api/v1/activities` (a workshop with 8 named participants), next to a floor.

Runs `uvicorn bench.activities_app:app --factory` (the real app plus `POST /bench/floor`, one plain
INSERT through the raw driver, `POST /bench/no-write`, the real route's authentication and body
decoding without its writes, and on SQLite `POST /bench/floor-plan-writer`, the same INSERT through
the app's group-committing write path, for information: see bench/activities_app.py) on a free port,
after `inclusion migrate` and `inclusion demo`, with a throw-away data directory and
INCLUSION_LOG_LEVEL=WARNING. Token of the demo adviser of "Espace Carnot" (so the site is inferred);
participants drawn from that site's demo learners.

Each run: 2 s discarded warm-up, then --seconds of --concurrency keep-alive connections sending
back-to-back requests. Floor, no-write and real runs alternate --repeats times. Per scenario: requests and
errors (non-201, summed over runs), median req/s, median p50/p99, worst max latency; then the
issue's targets: no request over 1 s, p99 under 100 ms, at least half the floor's throughput.

Run from the project root:

    .venv/bin/python bench/activities_write.py --seconds 5 --repeats 1
    .venv/bin/python bench/activities_write.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_activities --json

For PostgreSQL each run works in a new database beside the one named (its name plus `_run<pid>`), dropped at the end.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

from http_throughput import (  # noqa: E402
    bench_env,
    create_token,
    free_port,
    scratch_postgres_database,
    stop,
    wait_healthy,
)
from learners_assessments import Client, get_json  # noqa: E402

WARMUP_SECONDS = 2.0
ADVISER = "conseiller@demo.inclusion.test"
PARTICIPANTS = 8


class BenchClient(Client):
    """The keep-alive client of learners_assessments.py; without a token it sends no Authorization header."""

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.token:
            return await super().request(method, path, body)
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        self.writer.write(f"{head}Content-Length: {len(body or b'')}\r\n\r\n".encode() + (body or b""))
        return await self._response()


def run_command(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "inclusion", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"inclusion {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def production_logging(env: dict[str, str], tmpdir: str) -> list[str]:
    """uvicorn options and environment for the production log: INFO, JSON lines, the app's own access line."""
    from inclusion.logs import logging_config
    from inclusion.settings import Settings

    env.update(INCLUSION_LOG_LEVEL="INFO", INCLUSION_LOG_FORMAT="json")
    path = os.path.join(tmpdir, "logging.json")
    with open(path, "w") as config:
        json.dump(logging_config(Settings(log_level="INFO", log_format="json")), config)
    return ["--log-config", path, "--log-level", "info", "--no-access-log"]


def activity_body(rng: random.Random, learner_ids: list[int], today: str) -> bytes:
    participants = [{"learner_id": i, "present": True} for i in rng.sample(learner_ids, PARTICIPANTS)]
    return json.dumps(
        {
            "type": "collectif",
            "date": today,
            "start_time": "14:00",
            "duration_minutes": 120,
            "title": "Atelier bench",
            "level": "debutant",
            "digital_topics": ["prendre_en_main_du_materiel", "securite_numerique"],
            "participants": participants,
            "anonymous_count": 2,
            "anonymous_breakdown": {"gender": {"feminin": 1, "masculin": 1}},
        }
    ).encode()


async def run_load(port: int, token: str, path: str, bodies, concurrency: int, seconds: float) -> dict:
    """Back-to-back POSTs on `concurrency` connections; figures over the window after the warm-up."""
    results: list[tuple[float, float, int]] = []
    samples: list[str] = []
    measured_from = time.perf_counter() + WARMUP_SECONDS
    deadline = measured_from + seconds

    async def worker() -> None:
        client = BenchClient(port, token)
        try:
            while (start := time.perf_counter()) < deadline:
                try:
                    status, payload = await client.request("POST", path, bodies())
                except (OSError, asyncio.IncompleteReadError) as error:
                    status, payload = 0, f"{type(error).__name__}: {error}".encode()
                    await client.close()
                results.append((start, time.perf_counter() - start, status))
                if status != 201 and start >= measured_from and len(samples) < 3:
                    samples.append(f"{status} {payload[:300].decode('utf-8', 'replace')}")
        finally:
            await client.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    kept = [(latency * 1000, status) for start, latency, status in results if start >= measured_from]
    ordered = sorted(latency for latency, _ in kept)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return {
        "requests": len(kept),
        "errors": sum(1 for _, status in kept if status != 201),
        "rps": len(kept) / seconds,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": ordered[-1] if ordered else float("nan"),
        "over_1s": sum(1 for latency in ordered if latency > 1000),
        "error_samples": samples,
    }


def summarize(runs: list[dict]) -> dict:
    return {
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "rps": statistics.median(run["rps"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "max_ms": max(run["max_ms"] for run in runs),
        "over_1s": sum(run["over_1s"] for run in runs),
        "rps_runs": [round(run["rps"], 1) for run in runs],
        "error_samples": [sample for run in runs for sample in run["error_samples"]][:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print a JSON object on stdout")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (the same for every scenario)")
    parser.add_argument("--only", help="run only these scenarios (comma-separated labels), e.g. for a profiler")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds before the load (to attach a profiler)")
    parser.add_argument(
        "--access-log", action="store_true", help="log as in production: INFO, JSON lines, one access line per request"
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    today = date.today().isoformat()
    runs: dict[str, list[dict]] = {"floor": [], "no_write": [], "real": []}
    if not args.database_url:
        runs["floor_plan_writer"] = []
    scratch = scratch_postgres_database(args.database_url) if args.database_url else contextlib.nullcontext(None)
    with scratch as database_url, tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        kind, env = bench_env(tmpdir, database_url)
        run_command(env, "migrate")
        run_command(env, "demo")
        token = create_token(env, ADVISER)
        port = free_port()
        log_path = os.path.join(tmpdir, "server.log")
        command = [sys.executable, "-m", "uvicorn", "bench.activities_app:app", "--factory", "--port", str(port)]
        command += ["--workers", str(args.workers)] if args.workers > 1 else []
        command += production_logging(env, tmpdir) if args.access_log else ["--log-level", "warning"]
        with open(log_path, "w") as log:
            server = subprocess.Popen(command, cwd=os.path.dirname(BENCH_DIR), env=env, stdout=log, stderr=log)
        try:
            startup = wait_healthy(server, port)
            items = get_json(port, token, "/api/v1/learners?per_page=200")["items"]
            learners = [i["id"] for i in items if not i["anonymised"] and i["merged_into_id"] is None]
            site_ids = sorted({i["site_id"] for i in items})
            if len(learners) < PARTICIPANTS:
                raise SystemExit(f"only {len(learners)} demo learners visible to {ADVISER}")
            scenarios = {
                "floor": ("/bench/floor", "", lambda: json.dumps({"n": rng.random(), "note": "bench"}).encode()),
                "no_write": ("/bench/no-write", token, lambda: activity_body(rng, learners, today)),
                "real": ("/api/v1/activities", token, lambda: activity_body(rng, learners, today)),
            }
            if "floor_plan_writer" in runs:
                floor_body = scenarios["floor"][2]
                scenarios["floor_plan_writer"] = ("/bench/floor-plan-writer", "", floor_body)
            if args.only:
                scenarios = {label: scenarios[label] for label in args.only.split(",")}
            print(f"server pid {server.pid}", file=sys.stderr, flush=True)
            time.sleep(args.pause)
            for _ in range(args.repeats):
                for label, (path, auth, bodies) in scenarios.items():
                    runs[label].append(asyncio.run(run_load(port, auth, path, bodies, args.concurrency, args.seconds)))
        finally:
            stop(server)
        with open(log_path, errors="replace") as log:
            server_log = log.read().splitlines()

    rows = {label: summarize(label_runs) for label, label_runs in runs.items() if label_runs}
    if args.only:  # a partial run (profiling): its figures, no comparison
        for label, row in rows.items():
            runs_rps = row["rps_runs"]
            print(f"{label}: {row['rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms {runs_rps}")
        return
    real, floor, no_write = rows["real"], rows["floor"], rows["no_write"]
    ratio = real["rps"] / floor["rps"] if floor["rps"] else float("nan")
    ceiling = no_write["rps"] / floor["rps"] if floor["rps"] else float("nan")
    targets = {
        "no request over 1 s": real["max_ms"] <= 1000,
        "p99 under 100 ms": real["p99_ms"] < 100,
        "throughput >= 1/2 floor": ratio >= 0.5,
        "no errors": real["errors"] == 0,
    }
    print(
        f"database: {kind}   concurrency: {args.concurrency}   seconds: {args.seconds:g} x {args.repeats} "
        f"(alternating)   startup: {startup:.1f} s   learners: {len(learners)} on site(s) {site_ids}"
    )
    print("requests/errors: sums over runs; req/s, p50, p99: medians; max: worst run")
    columns = ("requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms", ">1 s")
    print(f"{'scenario':<30} " + " ".join(f"{column:>8}" for column in columns) + "  runs req/s")
    labelled = [
        ("floor POST /bench/floor", floor),
        ("no-write POST /bench/no-write", no_write),
        ("real POST /api/v1/activities", real),
    ]
    if "floor_plan_writer" in rows:
        labelled.insert(1, ("floor via the plan writer", rows["floor_plan_writer"]))
    for label, row in labelled:
        print(
            f"{label:<30} {row['requests']:>8} {row['errors']:>8} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['max_ms']:>8.0f} {row['over_1s']:>8}  {row['rps_runs']}"
        )
    print(f"real/floor throughput: {ratio:.2f}   (no-write/floor: {ceiling:.2f}, the most any real route could reach)")
    if "floor_plan_writer" in rows:
        grouped = rows["floor_plan_writer"]["rps"]
        print(f"floor via the plan writer: {grouped:.1f} req/s; real/that: {real['rps'] / grouped:.2f} (information)")
    for label, row in rows.items():
        for sample in row["error_samples"]:
            print(f"  {label} error: {sample}")
    for name, passed in targets.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    notable = dict.fromkeys(line for line in server_log if any(w in line for w in ("Error", "locked", "deadlock")))
    print(f"server stderr: {len(server_log)} lines" + "".join(f"\n  | {line[:200]}" for line in list(notable)[:5]))
    if args.json:
        summary = {
            "database": kind,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "repeats": args.repeats,
            "startup_s": round(startup, 2),
            "scenarios": {
                label: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}
                for label, row in rows.items()
            },
            "real_over_floor": round(ratio, 3),
            "no_write_over_floor": round(ceiling, 3),
            "targets": targets,
            "server_stderr_lines": len(server_log),
            "server_error_lines": list(notable)[:5],
        }
        print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
