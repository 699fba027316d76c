"""What a report process runs (`pool`): one outcomes report, and the file or page context made from it.

Each process opens its own engine on the service's database at start (`start`) and keeps one event loop for its
life; a job is a plain tuple in, the report (and the file's bytes, or the page's context) out. Domain errors
cross back pickled whole (`DomainError.__reduce__`) and are raised in the server as if raised there."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from datetime import datetime
from typing import Any, NamedTuple

import msgspec

from inclusion import clock
from inclusion.settings import Settings
from inclusion.storage import db, engines

_loop: asyncio.AbstractEventLoop | None = None
_opened: Any = None
WATCH_SECONDS = 2
POOL_SIZE = 4  # connections per report process: a report sends its families of statements side by side


class Job(NamedTuple):
    """`kind`: "caller" (`services.outcomes_report`'s args), "scope" (`services.scope_report`'s) or "sites"
    (`site_table.site_table`'s: the table by site) or "upkeep" (the daily upkeep: `months.fold.upkeep`);
    `output`: None (the report), "context" (the dashboard's printed context), "json" (the API's answer), "csv",
    "xlsx" or "pdf" (then the server gets the bytes and the report's period only)."""

    kind: str
    args: tuple
    output: str | None = None
    generated_at: datetime | None = None


def start(settings: Settings, server_pid: int) -> None:
    """A report process's start: the service's zone, its database, a loop kept for its life, and a watch that ends
    it when the server process has gone (killed, or ended by a re-raised SIGTERM: no exit hook ran)."""
    global _loop, _opened
    for number in (signal.SIGINT, signal.SIGTERM):  # the server ends its report processes itself (`pool`)
        signal.signal(number, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(server_pid,), name="report-watch", daemon=True).start()
    clock.use_zone(settings.time_zone)
    engine = engines.create_engine(settings)
    db.bind(engine)
    _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    _opened = db.running(engine, POOL_SIZE)  # kept: collected, it would close the connections mid-report
    _loop.run_until_complete(_opened.__aenter__())  # closed with the process


def _end_with(server_pid: int) -> None:
    """End this process once the server that started it has gone (this process then has another parent)."""
    while os.getppid() == server_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def ready() -> bool:
    """A no-op a new process answers once started: the pool starts its processes before the first report."""
    return _loop is not None


def run(job: Job) -> tuple[dict[str, Any], Any]:
    assert _loop is not None, "start() runs first"
    return _loop.run_until_complete(_run(job))


async def _run(job: Job) -> tuple[dict[str, Any], Any]:
    from inclusion.reports import services, site_table
    from inclusion.reports.months import fold

    if job.kind == "upkeep":
        return {}, await fold.upkeep(clock.today())
    if job.kind == "caller":
        report = await services.outcomes_report(*job.args)
    elif job.kind == "sites":
        report = await site_table.site_table(*job.args)
    else:
        report = await services.scope_report(*job.args)
    made = _output(report, job)
    if isinstance(made, bytes):  # the server needs only the file and its period: the report stays here
        return {"date_from": report["date_from"], "date_to": report["date_to"]}, made
    return report, made


def _output(report: dict[str, Any], job: Job) -> Any:
    from inclusion.documents import pdf
    from inclusion.reports import document, exports, site_files, workbook
    from inclusion.reports.schemas import OutcomesReport, SiteFiguresPage

    if job.kind == "sites":
        if job.output == "json":
            return msgspec.json.encode(msgspec.convert(report, SiteFiguresPage))
        if job.output in ("csv", "xlsx"):
            return site_files.sites_xlsx(report) if job.output == "xlsx" else site_files.sites_csv(report)
        return None
    if job.output == "json":  # the API's answer, encoded here: the server passes the bytes on
        return msgspec.json.encode(msgspec.convert(report, OutcomesReport))
    if job.output == "context":
        return document.printed_context(report)
    if job.output == "csv":
        return exports.report_csv(report)
    if job.output == "xlsx":
        return workbook.report_xlsx(report)
    if job.output == "pdf":
        return pdf.render_pdf_sync("pdf/outcomes.html", document.pdf_context(report, job.generated_at))
    return None
