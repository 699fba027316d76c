"""The adviser's two most frequent tasks in a real browser, N times: how many interactions, how much machine time.

Starts `python -m inclusion serve` (demo data) on a free port with a temporary data directory, like
`http_throughput.py` (whose helpers it uses), and drives Debian's Chromium (/usr/bin/chromium, never a downloaded
browser) through Playwright at 390×844, logged in as the demo adviser, with the flows of
`tests/support/adviser_flows.py` that `tests/test_browser.py` runs:

* workshop: from the home page, "Enregistrer un atelier" → title → a duration chip → 8 learners, each picked by
  typing 2 or 3 letters of the last name then Enter → 3 anonymous participants → a topic → save, until the saved
  notice shows;
* session: from a learner's page, Séance → a duration chip → a topic → save, until the saved notice shows.

For each flow it prints the interactions counted (taps, and fields filled, a pick being one) and the machine time
per run (median, p90, max over --runs, after one discarded warm-up run): the time the browser and the server
take, with no human in it (Playwright acts as soon as the page allows). The server is always stopped.

    .venv/bin/python bench/adviser_flows.py --runs 20
    .venv/bin/python bench/adviser_flows.py --runs 20 \\
        --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_flows --json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.dirname(BENCH_DIR))

from http_throughput import bench_env, start_server, stop, wait_healthy  # noqa: E402

from tests.support.adviser_flows import find_picks, record_session, record_workshop  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ADVISER = ("conseiller@demo.inclusion.test", "inclusion-demo")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(base: str, runs: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", ADVISER[0])
        page.fill("#password", ADVISER[1])
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))
        picks = find_picks(page, 9)
        flows = {
            "workshop (8 named + 3 anonymous, from home)": (
                "/",
                lambda n: record_workshop(page, f"Atelier {n}", picks[:8], 3),
            ),
            "session (from the learner's page)": (f"/learners/{picks[8].learner_id}", lambda n: record_session(page)),
        }
        results = {}
        for name, (start, flow) in flows.items():
            seconds, counts = [], set()
            for number in range(runs + 1):
                page.goto(start)
                began = time.perf_counter()
                counted = flow(number)
                if number:  # the first run warms the server and the browser up
                    seconds.append(time.perf_counter() - began)
                counts.add(counted.count)
            results[name] = {
                "interactions": sorted(counts),
                "runs": runs,
                "median_s": statistics.median(seconds),
                "p90_s": percentile(seconds, 0.9),
                "max_s": max(seconds),
            }
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="measured runs of each flow (default 10)")
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    parser.add_argument("--json", action="store_true", help="also print a JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, workers=1)
        try:
            wait_healthy(server, port)
            results = run(f"http://127.0.0.1:{port}", args.runs)
        finally:
            stop(server)
    print(f"database: {kind}; {args.runs} runs of each flow after one warm-up; Chromium at 390×844")
    for name, figures in results.items():
        counts = "/".join(str(count) for count in figures["interactions"])
        print(
            f"{name:45} {counts:>3} interactions  median {figures['median_s']:.2f} s  "
            f"p90 {figures['p90_s']:.2f} s  max {figures['max_s']:.2f} s"
        )
    if args.json:
        print(json.dumps({"database": kind, "flows": results}, indent=2))


if __name__ == "__main__":
    main()
