"""The server while national reports are built: `/health` latency and memory, beside a floor of the same run.

On the dataset of `outcomes_data.py` (PostgreSQL, `--scale`, default 1.0: 3,000 sites), starts
`python -m inclusion serve --no-demo` (one worker), then:

1. floor: `/health` asked every `--interval` ms for `--seconds` seconds with nothing else running;
2. load: the same probe while `--readers` clients ask the whole network's report (no `site`, the last 12 months)
   back to back for `--seconds` seconds, as many funders at once would;

and prints `/health` p50, p99 and max in both phases and their ratio, the reports' p50 and p95 (200s) and how
many were refused (503: more readers than report processes, beyond `INCLUSION_REPORT_WAIT_SECONDS`), the answer's
size, and the peak resident memory (VmHWM) of the server process and of each report process. Targets: `/health`
max under 100 ms while reports run; every process under 300 MiB.

    .venv/bin/python bench/outcomes_health.py --scale 0.05 --seconds 10
    .venv/bin/python bench/outcomes_health.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import outcomes_data  # noqa: E402
from outcomes import percentile, report_server  # noqa: E402


def probe(port: int, seconds: float, interval: float) -> list[float]:
    """`/health` latencies (ms), one request every `interval` seconds."""
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=30) as response:
            response.read()
        found.append((time.perf_counter() - began) * 1000)
        time.sleep(max(0.0, interval - (time.perf_counter() - began)))
    return found


def reader(port: int, token: str, query: str, seconds: float, out: dict) -> None:
    """Ask the report back to back until the time is up; record each answer's time, status and size."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reports/outcomes?{query}")
        request.add_header("Authorization", f"Bearer {token}")
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=900) as response:
                out["sizes"].append(len(response.read()))
                out["times"].append((time.perf_counter() - began) * 1000)
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            out["refused"] += 1
            time.sleep(float(error.headers.get("Retry-After", "1")) / 5)


def peak_memory(root: int) -> dict[str, float]:
    """VmHWM (MiB) of `root` and of each of its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, waiting = {}, [root]
    while waiting:
        pid = waiting.pop()
        waiting += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:60]
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                found[f"{pid} {command}"] = int(line.split()[1]) / 1024
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=outcomes_data.DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=50, help="ms between two /health requests")
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    summary = outcomes_data.build(args.database_url, args.scale, args.seed)
    query = ""  # the report's default period, the last 12 months: the one its stored figures are kept for
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        env = dict(os.environ, INCLUSION_DATA_DIR=tmpdir, INCLUSION_DATABASE_URL=args.database_url,
                   INCLUSION_LOG_LEVEL="WARNING")  # fmt: skip
        with report_server(env, summary["admin_email"]) as (port, token, server):
            warm = {"times": [], "sizes": [], "refused": 0}
            reader(port, token, query, 0.001, warm)  # the first report stores what the next ones read
            floor = probe(port, args.seconds, args.interval / 1000)
            outs = [{"times": [], "sizes": [], "refused": 0} for _ in range(args.readers)]
            threads = [threading.Thread(target=reader, args=(port, token, query, args.seconds, out)) for out in outs]
            for thread in threads:
                thread.start()
            during = probe(port, args.seconds, args.interval / 1000)
            for thread in threads:
                thread.join()
            memory = peak_memory(server.pid)
    times = [value for out in outs for value in out["times"]]
    sizes = [value for out in outs for value in out["sizes"]]
    result = {
        "health_floor": {"p50_ms": statistics.median(floor), "p99_ms": percentile(floor, 0.99), "max_ms": max(floor)},
        "health_during": {"p50_ms": statistics.median(during), "p99_ms": percentile(during, 0.99),
                          "max_ms": max(during), "n": len(during)},  # fmt: skip
        "reports": {"n": len(times), "p50_ms": statistics.median(times) if times else None,
                    "p95_ms": percentile(times, 0.95) if times else None, "refused": sum(o["refused"] for o in outs),
                    "bytes": max(sizes) if sizes else None, "first_ms": warm["times"][0] if warm["times"] else None},
        "peak_mib": memory,
        "load_before": load,
        "load_after": os.getloadavg(),
    }  # fmt: skip
    floor_row, during_row = result["health_floor"], result["health_during"]
    print(f"dataset: scale {args.scale:g}, {summary['rows']['learner']:,} learners, {args.readers} readers of the "
          f"whole network for {args.seconds:g} s; load average before {load[0]:.2f}")  # fmt: skip
    print(f"/health alone         p50 {floor_row['p50_ms']:7.1f} ms  p99 {floor_row['p99_ms']:7.1f} ms  "
          f"max {floor_row['max_ms']:7.1f} ms")  # fmt: skip
    print(
        f"/health with reports  p50 {during_row['p50_ms']:7.1f} ms  p99 {during_row['p99_ms']:7.1f} ms  "
        f"max {during_row['max_ms']:7.1f} ms  (p99 ratio {during_row['p99_ms'] / floor_row['p99_ms']:.1f})"
    )
    reports = result["reports"]
    print(
        f"reports: {reports['n']} answered, p50 {reports['p50_ms'] or 0:.0f} ms, p95 {reports['p95_ms'] or 0:.0f} "
        f"ms, {reports['refused']} refused (503), {reports['bytes'] or 0:,} bytes; first {reports['first_ms']} ms"
    )
    for name, mib in memory.items():
        print(f"peak memory {mib:7.1f} MiB  {name}")
    targets = {
        "/health max < 100 ms during reports": during_row["max_ms"] < 100,
        "every process < 300 MiB": all(mib < 300 for mib in memory.values()),
    }
    for name, passed in targets.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    if args.json:
        print(json.dumps(result | {"targets": targets}, default=str))


if __name__ == "__main__":
    main()
