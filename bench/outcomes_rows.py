"""The rows phase of `outcomes_data.py`: every site's learners, assessments and levels, then its activities, topics
and participants, then its attendance days, copied while they are drawn; in one process, or in several, each with
its share of the sites and its own connections.

Each site draws from its own `random.Random(f"{seed}:{site}:…")` and learner ids are planned per site, so the rows do
not depend on the number of processes; only the ids of the other tables do: process k of n numbers its rows k + 1,
k + 1 + n, k + 1 + 2n… (gaps are harmless: the sequences are moved past the largest id afterwards).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import outcomes_activities as acts
import outcomes_load as bulk
import outcomes_people as gen

TABLES = {
    "learner": gen.LEARNER_COLUMNS,
    "assessment": gen.ASSESSMENT_COLUMNS,
    "assessment_level": gen.LEVEL_COLUMNS,
    "activity": acts.ACTIVITY_COLUMNS,
    "activity_topic": acts.TOPIC_COLUMNS,
    "activity_participant": acts.PARTICIPANT_COLUMNS,
    "site_day": acts.SITE_DAY_COLUMNS,
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load_sites(url: str, sites: list, seed: int, today: date, framework: tuple, first_id: int, step: int, say):
    """Draw and copy these sites' rows, all seven tables at once (PostgreSQL ingests on seven backends);
    return the rows per table. `say` gets a progress line about every 10 % of the sites."""
    calendar = gen.Calendar(today)
    people = gen.People(calendar, *framework, first_id=first_id, step=step)
    activities = acts.Activities(calendar, first_id, step)
    clock = time.perf_counter()
    sinks = await bulk.Sinks.open(url, TABLES)
    try:
        every = max(1, len(sites) // 10)
        for number, site in enumerate(sites, 1):
            spans: list[tuple[int, int]] = []  # the site's learners' (first visit, last contact), for activities
            own = random.Random(f"{seed}:{site.id}:people")
            for _ in people.site(site, own, spans, sinks["learner"], sinks["assessment"], sinks["assessment_level"]):
                await sinks.tick()
            own = random.Random(f"{seed}:{site.id}:activities")
            out = (sinks["activity"], sinks["activity_topic"], sinks["activity_participant"])
            for _ in activities.site(site, spans, own, *out):
                await sinks.tick()
            activities.site_days(site, random.Random(f"{seed}:{site.id}:days"), sinks["site_day"])
            await sinks.tick()
            if say and number % every == 0 and number < len(sites):
                done, elapsed = sinks.pending_rows(), time.perf_counter() - clock
                say(f"  rows: {number}/{len(sites)} sites, {done:,} rows, {done / elapsed:,.0f} rows/s, "
                    f"peak RSS {peak_rss_mib():.0f} MiB")  # fmt: skip
    finally:
        counts = await sinks.close()
    return counts


def share(sites: list, index: int, workers: int) -> list:
    """Sites dealt by size, largest first, so each process gets about as many rows (back in id order)."""
    by_size = sorted(sites, key=lambda site: -site.learners)
    return sorted(by_size[index::workers], key=lambda site: site.id)


def _process(url: str, scale: float, seed: int, today: date, framework: tuple, index: int, workers: int, talk: bool):
    sites = gen.plan_network(scale, random.Random(seed))  # the same plan as the parent's
    say = print if talk and index == 0 else None
    counts = asyncio.run(load_sites(url, share(sites, index, workers), seed, today, framework, index + 1, workers, say))
    return counts, peak_rss_mib()


async def load_rows(url: str, scale: float, seed: int, today: date, sites: list, framework: tuple, workers: int, say):
    """Rows per table and the peak RSS of each process used (MiB)."""
    if workers <= 1:
        counts = await load_sites(url, sites, seed, today, framework, 1, 1, say)
        return counts, [peak_rss_mib()]
    if say:
        say(f"  rows: {workers} processes; progress of the first one:")
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")  # no fork of a process holding an event loop and connections
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        jobs = [
            loop.run_in_executor(pool, _process, url, scale, seed, today, framework, i, workers, say is not None)
            for i in range(workers)
        ]
        results = await asyncio.gather(*jobs)
    counts = {table: sum(result[0][table] for result in results) for table in TABLES}
    return counts, [peak_rss_mib()] + [result[1] for result in results]
