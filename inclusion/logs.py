"""Logs: one line per event, as JSON or text, each carrying the id of the request it belongs to.

What a line never holds: a query string (a learner search carries a name), a capability in a path (a report
share link's token is logged as its link id, `/shared/reports/#12`; a certificate's verification code as a short
hash, `/verify/#3f9a0c2e71`; a questionnaire link's token as its link id, `/avis/#7`), a typed login identifier
(a keyed hash: `accounts/throttle.py`), or a raw control character: the text format writes them escaped
(`\\n`, `\\u0000`), so a `%0a` in a path cannot forge a line.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import threading
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import msgspec

from inclusion.settings import Settings

REQUEST_ID_HEADER = b"x-request-id"
request_id: ContextVar[str] = ContextVar("request_id", default="")
access_logger = logging.getLogger("inclusion.access")

_ACCEPTED_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")  # what a reverse proxy sends (nginx's $request_id)
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id", "color_message"}
_encode = msgspec.json.Encoder().encode
_SHARE_PATH = re.compile(r"^/shared/reports/([^/]+?)(\.pdf|\.csv)?$")
_VERIFY_PATH = re.compile(r"^/verify/([^/]+)(.*)$", re.S)
_FEEDBACK_PATH = re.compile(r"^/(avis|feedback)/([^/]+)$", re.S)
_CALENDAR_PATH = re.compile(r"^/calendars/([^/]+?)(\.ics)?$", re.S)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def short_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:10]


def redacted_path(path: str) -> str:
    """The path as logs may show it: capability URLs keep their shape but lose their secret."""
    if path.startswith("/shared/reports/") and (share := _SHARE_PATH.match(path)):
        token, extension = share.group(1), share.group(2) or ""
        link_id = token.split(".", 1)[0]
        shown = link_id if link_id.isdigit() and len(link_id) <= 18 and "." in token else short_hash(token)
        return f"/shared/reports/#{shown}{extension}"
    if path.startswith("/verify/") and (verify := _VERIFY_PATH.match(path)):
        return f"/verify/#{short_hash(verify.group(1))}{verify.group(2)}"
    if path.startswith(("/avis/", "/feedback/")) and (feedback := _FEEDBACK_PATH.match(path)):
        link_id, dash, _ = feedback.group(2).partition("-")
        shown = link_id if link_id.isdigit() and len(link_id) <= 18 and dash else short_hash(feedback.group(2))
        return f"/{feedback.group(1)}/#{shown}"
    if path.startswith("/calendars/") and (calendar := _CALENDAR_PATH.match(path)):
        return f"/calendars/#{short_hash(calendar.group(1))}{calendar.group(2) or ''}"
    return path


def escape_controls(text: str) -> str:
    """Control characters (and Unicode line separators) written as escapes: one record, one line."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group()) or f"\\u{ord(m.group()):04x}", text)


def stamp_request_ids() -> None:
    """Every log record made from now on carries the id of the request being served (empty outside requests)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "stamps_request_id", False):
        return

    def stamped(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    stamped.stamps_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(stamped)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, process id, request id, then the record's
    extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker, with --workers N
        }
        if getattr(record, "request_id", ""):
            line["request_id"] = record.request_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _encode(line).decode()


class TextFormatter(logging.Formatter):
    """`time level logger [request id] message`; the message's control characters escaped (a traceback, added by
    the formatter after it, keeps its lines)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(request_id)s%(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        saved = record.message
        record.message = escape_controls(saved)
        try:
            return super().formatMessage(record)
        finally:
            record.message = saved

    def format(self, record: logging.LogRecord) -> str:
        saved = getattr(record, "request_id", "")
        record.request_id = f"[{saved}] " if saved else ""
        try:
            return super().format(record)
        finally:
            record.request_id = saved


class BlockHandler(logging.Handler):
    """Lines to stderr; access lines in blocks. A write per access line made it a quarter of a fast request's cost
    (the system call, and the other threads taking the interpreter meanwhile), so they wait until another line
    comes, `most` of them wait, or a thread of the handler's own wakes (every `interval` seconds). The app writes
    them out when it stops (`flush_access_lines`); a process killed outright loses its last `interval`."""

    def __init__(self, interval: float = 0.2, most: int = 256) -> None:
        super().__init__()
        self.interval, self.most = interval, most
        self.pending: list[str] = []
        self.ticker: threading.Thread | None = None

    def emit(self, record: logging.LogRecord) -> None:  # called under self.lock
        try:
            self.pending.append(self.format(record))
            if record.name != access_logger.name or len(self.pending) >= self.most:
                self._write()
            elif self.ticker is None:  # started in the process that logs: each worker has its own
                self.ticker = threading.Thread(target=self._tick, name="log-flush", daemon=True)
                self.ticker.start()
        except Exception:  # noqa: BLE001 - logging must never break a request
            self.handleError(record)

    def flush(self) -> None:
        with self.lock:
            self._write()

    def _write(self) -> None:
        if self.pending:
            block = "\n".join(self.pending) + "\n"
            self.pending.clear()
            sys.stderr.write(block)
            sys.stderr.flush()

    def _tick(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()


def flush_access_lines() -> None:
    for handler in logging.getLogger("inclusion").handlers:
        handler.flush()


def logging_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` of a server process: the app's and uvicorn's loggers on stderr, one format."""
    formatter = "inclusion.logs.JsonFormatter" if settings.log_format == "json" else "inclusion.logs.TextFormatter"
    logger = {"handlers": ["stderr"], "level": settings.log_level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "stderr": {"class": "inclusion.logs.BlockHandler", "formatter": "line"},
        },
        "loggers": {"inclusion": logger, "uvicorn": logger, "uvicorn.error": {"level": settings.log_level}},
    }


class RequestLog:
    """ASGI wrapper: gives each HTTP request an id (the proxy's X-Request-ID, or a new one), returns it in the
    response's X-Request-ID and writes one access line (method, path without the query, status, duration, client).
    The query string is left out: a learner search carries a name."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        ident = _incoming_id(scope["headers"]) or os.urandom(8).hex()
        token = request_id.set(ident)
        header = (REQUEST_ID_HEADER, ident.encode())
        status = 0

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                _log_access(scope, status, started)
            request_id.reset(token)


def _incoming_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            return value.decode() if _ACCEPTED_ID.fullmatch(value) else ""
    return ""


class AccessRecord(logging.LogRecord):
    """The access line's record, made with only what formatters read: LogRecord's own constructor also looks up the
    thread, the process name and the caller's module, which was half the line's cost."""

    def __init__(self, message: str, fields: dict[str, Any]) -> None:  # LogRecord.__init__ is not called
        self.__dict__.update(_ACCESS_DEFAULTS)
        self.__dict__.update(fields)
        self.msg = message
        self.created = time.time()
        self.msecs = self.created % 1 * 1000
        self.relativeCreated = (self.created - logging._startTime) * 1000  # type: ignore[attr-defined]
        self.process = os.getpid()
        self.request_id = request_id.get()


_ACCESS_DEFAULTS = {
    "name": access_logger.name,
    "args": (),
    "levelname": "INFO",
    "levelno": logging.INFO,
    "pathname": __file__,
    "filename": os.path.basename(__file__),
    "module": __name__.rpartition(".")[2],
    "lineno": 0,
    "funcName": "_log_access",
    "exc_info": None,
    "exc_text": None,
    "stack_info": None,
    "thread": None,
    "threadName": None,
    "processName": None,
}


def _log_access(scope: Any, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    client = scope.get("client")
    method, path = scope["method"], redacted_path(scope["path"])
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    fields["client"] = client[0] if client else None
    access_logger.handle(AccessRecord(f"{method} {path} {status} {duration_ms} ms", fields))
