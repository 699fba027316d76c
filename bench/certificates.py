"""Certificate rendering, next to its floor measured in the same run.

- one certificate in one process, after warm-up: median over `--repeats` of our pipeline (snapshot → Jinja
  template with the QR code → WeasyPrint PDF, `rendering.render_sync`) and of the floor (the same final HTML
  handed straight to `pdf.plain_weasyprint_pdf`), with the ratio and the process's peak RSS;
- a batch of `--batch` certificates (default 500) with 1 and 2 worker processes, exactly as
  `inclusion certificates` runs them (spawned workers, warmed up, `rendering.render_sync`), beside the floor
  batch (prebuilt HTML, `plain_weasyprint_pdf`): wall time, certificates/s, and peak RSS of the process and its workers.

Targets: ours ≤ 1.3 × floor, ≤ 150 ms median for one certificate, throughput growing with workers,
peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_throughput import total_rss  # noqa: E402
from inclusion.certificates import codes, rendering  # noqa: E402
from inclusion.documents import pdf  # noqa: E402
from inclusion.frameworks.builtin import AUTONOMY_SCALE, EVERYDAY  # noqa: E402

TOPICS = ["Courriels", "Naviguer sur internet", "Prendre en main du matériel", "Sécurité numérique", "Santé"]


def snapshot(index: int) -> dict:
    """A typical learner: five topics, eight competences assessed twice, the socle sentence."""
    code = codes.new_code()
    competences = [
        {"code": c["code"], "label": c["label"], "socle": c["socle"], "entry": i % 3, "latest": min(3, i % 3 + 1),
         "entry_label": "", "latest_label": "", "entry_on": "2025-01-06", "latest_on": "2025-04-01"}
        for i, c in enumerate(EVERYDAY["competences"][:8])
    ]  # fmt: skip
    return {
        "version": 1,
        "code": code,
        "verify_url": f"https://inclusion.example.fr/verify/{code}",
        "issued_on": "2025-06-30",
        "learner": {"first_name": "Marie-Ève", "last_name": f"Durand{index}", "public_name": "Marie-Ève D."},
        "site": {"name": "Espace Carnot", "address": "12 rue Carnot", "postal_code": "62300", "city": "Lens"},
        "period": {"start": "2025-01-06", "end": "2025-06-30"},
        "totals": {"minutes": 1530, "sessions": 4, "workshops": 9},
        "topics": [{"label": label, "sessions": 1, "workshops": 2, "minutes": 150} for label in TOPICS],
        "framework": "Autonomie numérique du quotidien",
        "scale": [{"level": s["level"], "label": s["label"]} for s in AUTONOMY_SCALE],
        "competences": competences,
        "socle": {"total": 6, "assessed": 6, "autonomous": 5, "autonomous_at_entry": 1},
        "adviser": "Camille Conseil",
    }


def median_ms(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


class PeakRss:
    """Samples the RSS of this process and its children every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, total_rss(os.getpid()))
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def batch(work, items: list, workers: int) -> dict:
    """Render every item in `workers` spawned, warmed-up processes (as `inclusion certificates` does)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=rendering.warm_up) as pool:
        list(pool.map(rendering.warm_up_ready, range(workers * 4)))  # every worker has started and warmed up
        with PeakRss() as rss:
            started = time.perf_counter()
            sizes = [len(document) for document in pool.map(work, items, chunksize=4)]
            elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 2), "per_second": round(len(items) / elapsed, 2),
            "peak_rss_mib": round(rss.peak, 1), "mean_kib": round(statistics.mean(sizes) / 1024, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30, help="renders per median (one certificate)")
    parser.add_argument("--batch", type=int, default=500, help="certificates per batch (0: one certificate only)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    one = snapshot(0)
    html = rendering.certificate_html(one)
    for _ in range(3):  # warm-up: imports, fonts, templates
        rendering.render_sync(one)
        pdf.plain_weasyprint_pdf(html)
    ours, floor = [], []
    for _ in range(3):  # interleaved, so both see the same machine load
        ours.append(median_ms(lambda: rendering.render_sync(one), args.repeats // 3))
        floor.append(median_ms(lambda: pdf.plain_weasyprint_pdf(html), args.repeats // 3))
    single = {
        "ours_ms": round(statistics.median(ours), 1),
        "floor_ms": round(statistics.median(floor), 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    single["ratio"] = round(single["ours_ms"] / single["floor_ms"], 2)
    print(f"one certificate, median of {args.repeats} after warm-up:")
    print(f"  ours  {single['ours_ms']:7.1f} ms   floor {single['floor_ms']:7.1f} ms   ratio {single['ratio']:.2f}"
          f"   peak RSS {single['peak_rss_mib']:.0f} MiB")  # fmt: skip

    snapshots = [snapshot(index) for index in range(args.batch)]
    pages = [rendering.certificate_html(item) for item in snapshots]
    batches = {}
    if snapshots:
        print(f"batch of {args.batch}:")
    for workers in args.workers if snapshots else []:
        mine = batch(rendering.render_sync, snapshots, workers)
        base = batch(pdf.plain_weasyprint_pdf, pages, workers)
        batches[workers] = {"ours": mine, "floor": base, "ratio": round(mine["seconds"] / base["seconds"], 2)}
        print(f"  {workers} worker(s): ours {mine['seconds']:6.1f} s ({mine['per_second']:5.2f}/s, "
              f"peak RSS {mine['peak_rss_mib']:.0f} MiB)   floor {base['seconds']:6.1f} s ({base['per_second']:5.2f}/s)"
              f"   ratio {batches[workers]['ratio']:.2f}   {mine['mean_kib']:.0f} KiB/PDF")  # fmt: skip
    if len(batches) > 1:
        low, high = min(args.workers), max(args.workers)
        gain = batches[high]["ours"]["per_second"] / batches[low]["ours"]["per_second"]
        print(f"  throughput {high} vs {low} worker(s): × {gain:.2f}")
    if args.json:
        print(json.dumps({"single": single, "batch": batches}))


if __name__ == "__main__":
    main()
