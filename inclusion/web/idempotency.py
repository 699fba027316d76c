"""`Idempotency-Key` on the API's writes: a write sent again with the same key gets the first answer, once.

A device that queued records offline (the digital bus) sends each with a key of its own making and may send it
again when the network drops mid-sync. For an unsafe method under `/api/v1/` carrying the header, the write runs
in one transaction with the storing of its answer, so either both are kept or neither: a replay finds the stored
answer (`Idempotent-Replayed: true`); the same key with another request is refused (422); two copies sent at once
end with one write, the other answered from the first. Only successful answers are kept (7 days, then purged
as new ones are stored): a refusal is not remembered, so a corrected record may be sent again under its key."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from inclusion import clock
from inclusion.errors import InvalidData
from inclusion.storage import db, sql

HEADER = b"idempotency-key"
KEEP_DAYS = 7
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEY = re.compile(r"^[\x21-\x7e]{8,128}$")
MISUSED = "Cette clé d'idempotence a déjà servi pour une autre requête : générez-en une nouvelle."
MALFORMED = "L'en-tête Idempotency-Key doit compter de 8 à 128 caractères imprimables, sans espace."


class _Refused(Exception):
    """The answer was not a success: roll its writes back, remember nothing, send it as it is."""


class _Answer:
    """The response the app sent, held back until its transaction has committed."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def status(self) -> int:
        return self.start["status"] if self.start else 500

    def header(self, name: bytes) -> str:
        return _header((self.start or {}).get("headers", []), name) or ""

    async def replay(self, send: Send) -> None:
        await send(self.start or {"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b"".join(self.chunks)})


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """One header of a scope's or a response's raw list."""
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def fingerprint(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


async def _stored(user_id: int, key: str) -> dict[str, Any] | None:
    rows = await sql.fetch(
        'SELECT fingerprint, status, content_type, body FROM idempotent_request WHERE "user" = {} AND key = {}',
        user_id,
        key,
    )
    return rows[0] if rows else None


async def _replay(stored: dict[str, Any], expected: str, send: Send) -> None:
    if stored["fingerprint"] != expected:
        raise InvalidData({"Idempotency-Key": MISUSED}, MISUSED)
    answer = _Answer()
    headers = [(b"idempotent-replayed", b"true")]
    if stored["content_type"]:
        headers.append((b"content-type", stored["content_type"].encode("latin-1")))
    answer.start = {"type": "http.response.start", "status": stored["status"], "headers": headers}
    answer.chunks = [bytes(stored["body"])]
    await answer.replay(send)


def _remembered(user_id: int, key: str, print_: str, answer: _Answer) -> sql.Plan[None]:
    moment = clock.now()
    yield "DELETE FROM idempotent_request WHERE created_at < {}", [moment - timedelta(days=KEEP_DAYS)]
    row = {
        "user": user_id,
        "key": key,
        "fingerprint": print_,
        "status": answer.status,
        "content_type": answer.header(b"content-type"),
        "body": b"".join(answer.chunks),
        "created_at": moment,
    }
    yield sql.insert_statement("idempotent_request", row)


class IdempotencyMiddleware:
    """After authentication (it keys answers by account); every other request passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = scope.get("user")
        key = _header(scope.get("headers", []), HEADER) if scope["type"] == "http" else None
        if (
            key is None
            or caller is None
            or not caller.user_id
            or scope["method"] in SAFE_METHODS
            or not scope["path"].startswith("/api/v1/")
        ):
            await self.app(scope, receive, send)
            return
        if not _KEY.match(key):
            raise InvalidData({"Idempotency-Key": MALFORMED}, MALFORMED)
        body = await _body(receive)
        print_ = fingerprint(scope, body)
        if (stored := await _stored(caller.user_id, key)) is not None:
            await _replay(stored, print_, send)
            return
        answer = _Answer()
        try:
            async with db.write_transaction():
                await self.app(scope, _replaying(body), answer.send)
                if not 200 <= answer.status < 300:
                    raise _Refused
                await sql.transact(_remembered(caller.user_id, key, print_, answer))
        except _Refused:
            pass
        except Exception as error:
            if not db.is_integrity_error(error) or (stored := await _stored(caller.user_id, key)) is None:
                raise
            await _replay(stored, print_, send)  # the same key sent twice at once: the other copy won
            return
        await answer.replay(send)
