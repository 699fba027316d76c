"""The outcomes report's PDF for one site (issue 24), next to a plain WeasyPrint floor measured in the same run.

On the demo data (a fresh SQLite file seeded by `inclusion migrate` and `inclusion demo` in a temporary data
directory), as the demo funder sees Espace Carnot over the default period (the last 12 months):

- `report`: computing the report (`services.outcomes_report`), warm (stored site shares);
- `pdf`: rendering its PDF (`document.report_pdf`: Jinja, then WeasyPrint with the app's light stylesheet and
  per-thread caches), median and max over `--repeats` after a warm-up;
- `floor`: the same final HTML rendered by `pdf.plain_weasyprint_pdf` (WeasyPrint's own stylesheet, a fresh
  font configuration);
- the page count. Target: one site's PDF renders in under 1.5 s and has at most 4 pages.

    .venv/bin/python bench/outcomes_pdf.py --repeats 5
    .venv/bin/python bench/outcomes_pdf.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FUNDER = "financeur@demo.inclusion.test"
TARGET_SECONDS = 1.5
TARGET_PAGES = 4


def seed(directory: Path) -> dict[str, str]:
    env = {**os.environ, "INCLUSION_DATA_DIR": str(directory), "INCLUSION_LOG_LEVEL": "WARNING"}
    env.pop("INCLUSION_DATABASE_URL", None)
    for command in (["migrate"], ["demo"]):
        subprocess.run([sys.executable, "-m", "inclusion", *command], env=env, check=True, capture_output=True)
    return env


async def measure(repeats: int) -> dict:
    from inclusion import cli, clock
    from inclusion.documents import pdf
    from inclusion.funders.services import grant_periods
    from inclusion.reports import document, services
    from inclusion.scoping import Caller, Role
    from inclusion.settings import Settings
    from inclusion.storage import db
    from inclusion.storage.tables.accounts import User

    settings = Settings.from_env()
    clock.use_zone(settings.time_zone)
    await cli.connect(settings)
    try:
        user = await User.select(User.id).where(User.email == FUNDER).first().run()
        sites = frozenset(await grant_periods(user["id"]))
        caller = Caller(user["id"], FUNDER, "Financeur", Role.funder, sites, "token")
        today = clock.today()
        timings: dict[str, list[float]] = {"report": [], "pdf": [], "floor": []}
        report = await services.outcomes_report(caller, [], None, None, settings.small_cell_k, today)  # warm-up
        body = await document.report_pdf(report, clock.now())
        context = getattr(document, "pdf_context", None)  # absent before issue 24: no floor then
        html = pdf.render_html("pdf/outcomes.html", context(report, clock.now())) if context else None
        if html:
            pdf.plain_weasyprint_pdf(html)
        for _ in range(repeats):
            start = time.perf_counter()
            report = await services.outcomes_report(caller, [], None, None, settings.small_cell_k, today)
            timings["report"].append(time.perf_counter() - start)
            start = time.perf_counter()
            body = await document.report_pdf(report, clock.now())
            timings["pdf"].append(time.perf_counter() - start)
            if html:
                start = time.perf_counter()
                pdf.plain_weasyprint_pdf(html)
                timings["floor"].append(time.perf_counter() - start)
    finally:
        await db.close(db.current_engine())
    with tempfile.NamedTemporaryFile(suffix=".pdf") as document_file:
        document_file.write(body)
        document_file.flush()
        info = subprocess.run(["pdfinfo", document_file.name], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return {
        "site": report["sites"][0]["name"] if report["sites"] else "",
        "pages": pages,
        "bytes": len(body),
        **{
            f"{name}_{stat}": round(function(values) * 1000)
            for name, values in timings.items()
            if values
            for stat, function in (("p50_ms", statistics.median), ("max_ms", max))
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outcomes-pdf-") as directory:
        started = time.perf_counter()
        os.environ.update(seed(Path(directory)))
        seeded = time.perf_counter() - started
        found = asyncio.run(measure(options.repeats))
    found["seed_s"] = round(seeded, 1)
    if options.json:
        print(json.dumps(found))
        return
    print(f"demo data seeded in {found['seed_s']} s; {found['site']}, {found['pages']} pages, {found['bytes']:,} bytes")
    print(f"{'step':<8}{'p50':>9}{'max':>9}")
    for name in [name for name in ("report", "pdf", "floor") if name + "_p50_ms" in found]:
        print(f"{name:<8}{found[name + '_p50_ms']:>7}ms{found[name + '_max_ms']:>7}ms")
    total = found["report_p50_ms"] + found["pdf_p50_ms"]
    print(f"  {'PASS' if total <= TARGET_SECONDS * 1000 else 'FAIL'}  report + PDF p50 {total} ms <= 1.5 s")
    print(f"  {'PASS' if found['pages'] <= TARGET_PAGES else 'FAIL'}  {found['pages']} pages <= {TARGET_PAGES}")


if __name__ == "__main__":
    main()
