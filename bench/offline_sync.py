"""Sending an offline queue: how long the offline page takes to send N queued sessions when the network returns.

Starts `python -m inclusion serve` (demo data) like `adviser_flows.py`, logs Debian's Chromium in as the demo
bus adviser at 390×844, opens `/hors-ligne/` online (learners kept on the device), goes offline, puts N sessions
in the page's IndexedDB queue exactly as its form does (one per kept learner, round robin; 45 min, one topic;
each with its own key), reloads the page offline (the service worker serves it), then goes online and times until
the queue is empty: the page sends them one after the other, each with its `Idempotency-Key`. Beside it, in the
same run, the floor: the same number of sessions sent back to back by one Python client with a token and a key
each, no browser. Prints the medians over --runs (default 3).

    .venv/bin/python bench/offline_sync.py --records 200
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

from http_throughput import bench_env, start_server, stop, wait_healthy  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BUS = ("mediatrice.bus@demo.inclusion.test", "inclusion-demo")
QUEUE = """([records, userId]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("inclusion-hors-ligne", 1);
  open.onsuccess = () => {
    const transaction = open.result.transaction("queue", "readwrite");
    const store = transaction.objectStore("queue");
    records.forEach((record, index) => store.put({ ...record, user_id: userId, queued_at: Date.now() + index }));
    transaction.oncomplete = () => { open.result.close(); resolve(records.length); };
    transaction.onerror = () => reject(transaction.error);
  };
})"""


def sessions(learners: list[dict], count: int, day: str) -> list[dict]:
    return [
        {
            "key": str(uuid.uuid4()),
            "label": f"{learners[n % len(learners)]['name']} — bench {n}",
            "body": {
                "type": "individuel",
                "site_id": learners[n % len(learners)]["site_id"],
                "date": day,
                "duration_minutes": 45,
                "learner_id": learners[n % len(learners)]["id"],
                "digital_topics": ["navigation_sur_internet"],
            },
        }
        for n in range(count)
    ]


def browser_run(base: str, count: int) -> float:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", BUS[0])
        page.fill("#password", BUS[1])
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))
        page.goto("/hors-ligne/")
        expect(page.locator("#offline-state")).to_contain_text("Prêt hors ligne")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        data = page.request.get("/hors-ligne/donnees").json()
        day = page.evaluate("new Date().toLocaleDateString('sv-SE')")
        context.set_offline(True)
        page.evaluate(QUEUE, [sessions(data["learners"], count, day), data["user_id"]])
        page.reload()
        expect(page.locator("#queue-count")).to_have_text(str(count))
        began = time.perf_counter()
        context.set_offline(False)
        expect(page.locator("#queue-count")).to_have_text("0", timeout=600_000)
        seconds = time.perf_counter() - began
        browser.close()
    return seconds


def floor_run(base: str, token: str, learners: list[dict], count: int, day: str) -> float:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        began = time.perf_counter()
        for record in sessions(learners, count, day):
            answer = client.post("/api/v1/activities", json=record["body"], headers={"Idempotency-Key": record["key"]})
            answer.raise_for_status()
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    args = parser.parse_args()
    import subprocess

    with tempfile.TemporaryDirectory() as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, workers=1)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(server, port)
            made = subprocess.run(
                [sys.executable, "-m", "inclusion", "token", "create", BUS[0]], env=env, capture_output=True, text=True
            )
            token = made.stdout.strip().split()[-1]
            import httpx

            learners = httpx.get(f"{base}/api/v1/learners?per_page=200", headers={"Authorization": f"Bearer {token}"})
            kept = [
                {"id": row["id"], "site_id": row["site_id"], "name": row["display_name"]}
                for row in learners.json()["items"]
                if not row["anonymised"]
            ]
            day = time.strftime("%Y-%m-%d")
            browser = [browser_run(base, args.records) for _ in range(args.runs)]
            floor = [floor_run(base, token, kept, args.records, day) for _ in range(args.runs)]
        finally:
            stop(server)
    page, plain = statistics.median(browser), statistics.median(floor)
    print(f"database: {kind}; {args.records} queued sessions; medians of {args.runs} runs")
    print(f"offline page, network back → queue empty: {page:.2f} s ({args.records / page:.0f} records/s)")
    print(f"floor, one Python client, same writes:    {plain:.2f} s ({args.records / plain:.0f} records/s)")
    print(f"ratio page / floor: {page / plain:.2f}")


if __name__ == "__main__":
    main()
