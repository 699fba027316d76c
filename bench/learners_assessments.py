"""Write and read load on learner files and assessments, against the real `inclusion` server.

Starts `python -m inclusion serve` on a free port with a throw-away data directory (demo data
is seeded on first start, INCLUSION_LOG_LEVEL=WARNING), creates an API token for the demo admin,
then runs three phases through a minimal asyncio HTTP/1.1 keep-alive client with --concurrency
connections:

1. POST /api/v1/learners: --learners seeded learners on the demo site "Espace Carnot" (else the
   first site listed);
2. POST /api/v1/assessments: --assessments assessments spread evenly over those learners
   (initial, then intermediaire..., then final; dates increasing from the learner's first visit
   to today; 4-12 competences of the default framework's current version, levels mostly rising);
3. GET /api/v1/learners/{id}/progression for --progression-requests random learners.

For each phase: request count, errors (non-2xx, first 3 bodies printed), requests/s over the
phase's wall time, p50/p95/max latency. Then total wall time and the final RSS of the server process
and its descendants. The server is always stopped at the end (SIGTERM, then SIGKILL after 10 s).

Run from the project root:

    .venv/bin/python bench/learners_assessments.py --learners 300 --assessments 900 --progression-requests 200
    .venv/bin/python bench/learners_assessments.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_learners --json

For PostgreSQL the database is created with `psql` if it does not exist; nothing is dropped.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from http_throughput import bench_env, create_token, rss_mib, start_server, stop, total_rss, wait_healthy  # noqa: E402

FIRST_NAMES = (
    "Marie Jean Nathalie Pierre Isabelle Michel Sylvie Alain Catherine Philippe Fatima Mohamed Françoise "
    "Bernard Monique Daniel Aïcha Karim Chantal Gérard Léa Lucas Chloé Hugo Emma Nadia Youssef Josiane "
    "René Odile"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet "
    "François Martinez Benali Nguyen Diallo Traoré Haddad Lemaire Caron Fontaine Chevalier Blanc Guérin"
).split()
GENDERS = ["feminin", "masculin", "non_communique"]


# --------------------------------------------------------------------------- HTTP client


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects after the server closes it."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            "Accept: application/json\r\n"
        )
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        payload = head.encode() + b"\r\n" + (body or b"")
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                fresh = True
            else:
                fresh = False
            try:
                self.writer.write(payload)
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if fresh or attempt == 2:  # only a reused (possibly idle-closed) connection is retried
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            length = int(headers.get("content-length", "0"))
            body = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body


Job = tuple[str, str, bytes | None, object]  # method, path, body, tag


async def run_phase(
    port: int, token: str, jobs: list[Job], concurrency: int, on_success: Callable[[object, bytes], None] | None = None
) -> dict:
    """Send every job over `concurrency` keep-alive connections; return the phase's figures."""
    queue: Iterator[Job] = iter(jobs)
    latencies: list[float] = []
    errors: list[tuple[int, str]] = []

    async def worker() -> None:
        client = Client(port, token)
        try:
            for method, path, body, tag in queue:
                start = time.perf_counter()
                try:
                    status, payload = await client.request(method, path, body)
                except (OSError, asyncio.IncompleteReadError) as error:
                    status, payload = 0, f"{type(error).__name__}: {error}".encode()
                latencies.append(time.perf_counter() - start)
                if 200 <= status < 300:
                    if on_success is not None:
                        on_success(tag, payload)
                else:
                    errors.append((status, f"{method} {path}: {payload[:500].decode('utf-8', 'replace')}"))
        finally:
            await client.close()

    begin = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(jobs))))))
    wall = time.perf_counter() - begin
    ordered = sorted(latency * 1000 for latency in latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": [f"{status} {text}" for status, text in errors[:3]],
        "wall_s": wall,
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "max_ms": ordered[-1] if ordered else float("nan"),
    }


def get_json(port: int, token: str, path: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


# --------------------------------------------------------------------------- seeded data


def learner_plans(rng: random.Random, count: int, site_id: int, today: date) -> list[dict]:
    plans = []
    for _ in range(count):
        plans.append(
            {
                "site_id": site_id,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "birth_year": rng.randint(1940, 2005),
                "gender": rng.choice(GENDERS),
                # within the last 3 years, and at least two weeks ago so later assessments have room
                "first_visit_on": (today - timedelta(days=rng.randint(14, 3 * 365))).isoformat(),
                "confirm_duplicate": True,
            }
        )
    return plans


def assessment_plans(rng: random.Random, learners: list[dict], total: int, codes: list[str], today: date) -> list:
    """(learner index, body without learner_id) in sending order: every learner's 1st, then every 2nd, ..."""
    n = len(learners)
    if n == 0:
        return []
    per_learner = [total // n + (1 if index < total % n else 0) for index in range(n)]
    sequences: list[list[dict]] = []
    for index, learner in enumerate(learners):
        k = per_learner[index]
        first_visit = date.fromisoformat(learner["first_visit_on"])
        span = (today - first_visit).days
        offsets = sorted(rng.sample(range(span + 1), k)) if k <= span + 1 else sorted(rng.choices(range(span + 1), k=k))
        pool = rng.sample(codes, min(len(codes), rng.randint(8, 16)))
        current = {code: rng.choice((0, 0, 1, 1, 2)) for code in pool}
        sequence = []
        for step, offset in enumerate(offsets):
            kind = "initial" if step == 0 else ("final" if step == k - 1 else "intermediaire")
            assessed = rng.sample(pool, min(len(pool), rng.randint(4, 12)))
            levels = {}
            for code in assessed:
                if step:
                    move = rng.choices((-1, 0, 1, 2), weights=(1, 3, 5, 1))[0]
                    current[code] = max(0, min(3, current[code] + move))
                levels[code] = current[code]
            sequence.append(
                {"kind": kind, "assessed_on": (first_visit + timedelta(days=offset)).isoformat(), "levels": levels}
            )
        sequences.append(sequence)
    rounds = range(max(per_learner))
    return [(index, sequences[index][step]) for step in rounds for index in range(n) if step < per_learner[index]]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--learners", type=int, default=10000)
    parser.add_argument("--assessments", type=int, default=30000)
    parser.add_argument("--progression-requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print a JSON object on stdout")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    today = date.today()
    phases: dict[str, dict] = {}
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, args.workers)
        try:
            startup = wait_healthy(server, port)
            token = create_token(env)
            sites = get_json(port, token, "/api/v1/sites?per_page=100")["items"]
            # sites are listed by name, so "Bus numérique…" comes before "Espace Carnot…"
            site = next((s for s in sites if s["name"].startswith("Espace Carnot")), sites[0])
            framework = next(f for f in get_json(port, token, "/api/v1/frameworks") if f["is_default"])
            version = next(v for v in framework["versions"] if v["is_current"])
            codes = [competence["code"] for competence in version["competences"]]

            learners = learner_plans(rng, args.learners, site["id"], today)
            plans = assessment_plans(rng, learners, args.assessments if learners else 0, codes, today)
            ids: dict[int, int] = {}

            def remember(tag: object, payload: bytes) -> None:
                ids[tag] = json.loads(payload)["id"]  # type: ignore[index]

            phase_began = time.perf_counter()
            jobs: list[Job] = [
                ("POST", "/api/v1/learners", json.dumps(body).encode(), index) for index, body in enumerate(learners)
            ]
            phases["POST /learners"] = asyncio.run(run_phase(port, token, jobs, args.concurrency, remember))

            jobs = [
                ("POST", "/api/v1/assessments", json.dumps({"learner_id": ids[index], **body}).encode(), None)
                for index, body in plans
                if index in ids
            ]
            skipped = len(plans) - len(jobs)
            phases["POST /assessments"] = asyncio.run(run_phase(port, token, jobs, args.concurrency))
            phases["POST /assessments"]["skipped_no_learner"] = skipped

            created = sorted(ids.values())
            picks = [rng.choice(created) for _ in range(args.progression_requests)] if created else []
            jobs = [("GET", f"/api/v1/learners/{learner_id}/progression", None, None) for learner_id in picks]
            phases["GET /progression"] = asyncio.run(run_phase(port, token, jobs, args.concurrency))
            load_wall = time.perf_counter() - phase_began
            final_rss = total_rss(server.pid)
            server_rss = rss_mib(server.pid)
        finally:
            stop(server)
    wall = time.perf_counter() - began

    print(
        f"database: {kind}   workers: {args.workers}   concurrency: {args.concurrency}   seed: {args.seed}   "
        f"startup: {startup:.1f} s   site: {site['name']} (#{site['id']})   "
        f"framework: {framework['code']} v{version['number']} ({len(codes)} competences)"
    )
    columns = ("requests", "errors", "req/s", "p50 ms", "p95 ms", "max ms", "wall s")
    print(f"{'phase':<20} " + " ".join(f"{column:>8}" for column in columns))
    for label, row in phases.items():
        print(
            f"{label:<20} {row['requests']:>8} {row['errors']:>8} {row['rps']:>8.1f} "
            f"{row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['max_ms']:>8.0f} {row['wall_s']:>8.1f}"
        )
    for label, row in phases.items():
        for sample in row["error_samples"]:
            print(f"  {label} error: {sample}")
    if skipped:
        print(f"  {skipped} assessments not sent: their learner was not created")
    print(f"load wall time: {load_wall:.1f} s   total wall time (with startup/shutdown): {wall:.1f} s")
    print(f"final RSS: server {server_rss:.1f} MiB, with descendants {final_rss:.1f} MiB")
    if args.json:
        print(
            json.dumps(
                {
                    "database": kind,
                    "workers": args.workers,
                    "concurrency": args.concurrency,
                    "seed": args.seed,
                    "sizes": {
                        "learners": args.learners,
                        "assessments": args.assessments,
                        "progression_requests": args.progression_requests,
                    },
                    "startup_s": round(startup, 2),
                    "phases": {
                        label: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}
                        for label, row in phases.items()
                    },
                    "load_wall_s": round(load_wall, 2),
                    "total_wall_s": round(wall, 2),
                    "final_rss_mib": {"server": round(server_rss, 1), "total": round(final_rss, 1)},
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
