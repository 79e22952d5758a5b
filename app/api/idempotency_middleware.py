"""The middleware that owns the answer of a POST sent with an Idempotency-Key: it reads the
body (for the request's fingerprint), holds the answer back until the request's transaction
has committed it (app.api.idempotency), and sends a stored answer to a retry.

Requests without the header pass straight through: nothing is read, held or looked up."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.idempotency import (
    KEY_HEADER,
    REPLAYED_HEADER,
    SCOPE_ENTRY,
    IdempotentRequest,
    Replayed,
)
from app.api.problem_catalog import CATALOG
from app.api.problems import database_unavailable_headers, problem_response
from app.domain.errors import StateConflict
from app.domain.idempotency import RETENTION, StoredResponse, fingerprint
from app.persistence.availability import DatabaseUnavailable

_KEY_HEADER = KEY_HEADER.lower().encode("latin-1")


class Idempotency:
    """ASGI middleware, inside the body limit's and the request id's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        values = [v.decode("latin-1") for n, v in scope["headers"] if n.lower() == _KEY_HEADER]
        if not values:
            await self.app(scope, receive, send)
            return
        try:
            body = await _whole_body(receive)
        except HTTPException as refused:  # the body limit's, while the body streamed in
            too_large = problem_response(CATALOG["payload_too_large"], str(refused.detail))
            await too_large(scope, receive, send)
            return
        target = scope["path"] + ("?" + scope["query_string"].decode("latin-1")).rstrip("?")
        pending = IdempotentRequest(values, fingerprint("POST", target, body))
        scope[SCOPE_ENTRY] = pending
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        try:
            await self.app(scope, _replaying(body, receive), hold)
        except BaseException:
            await pending.abandon()
            raise
        for message in await _answer(pending, held):
            await send(message)


async def _whole_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The body once more for the app, then the connection's own messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _answer(pending: IdempotentRequest, held: list[Message]) -> list[Message]:
    """End the request's transaction, keeping its answer if it should be kept; the messages
    to send (the stored answer for a replay)."""
    if pending.replay is not None:
        await pending.end(None)
        return _replay(pending.replay)
    start = next(m for m in held if m["type"] == "http.response.start")
    status = int(start["status"])
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start.get("headers", [])]
    body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
    answer = None
    if pending.keeps(status, headers) and pending.claimed is not None:
        expires_at = pending.claimed.now + RETENTION
        answer = StoredResponse(pending.fingerprint, status, headers, body, expires_at)
    try:
        await pending.end(answer)
    except StateConflict as conflict:
        return await _sent(problem_response(CATALOG[conflict.code], conflict.detail))
    except DatabaseUnavailable as lost:
        headers_out = database_unavailable_headers()
        unavailable = CATALOG["database_unavailable"]
        return await _sent(problem_response(unavailable, lost.detail, headers=headers_out))
    return held


def _replay(answer: StoredResponse) -> list[Message]:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers]
    headers.append((REPLAYED_HEADER.lower().encode("latin-1"), b"true"))
    return [
        {"type": "http.response.start", "status": answer.status, "headers": headers},
        {"type": "http.response.body", "body": answer.body, "more_body": False},
    ]


async def _sent(response: Response) -> list[Message]:
    """The messages a response would send."""
    messages: list[Message] = []

    async def collect(message: Message) -> None:
        messages.append(message)

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response({"type": "http"}, nothing, collect)
    return messages


async def _replayed(_request: Request, _error: Exception) -> Response:
    """The surface stopped for a replay; the middleware sends the stored answer instead."""
    return Response(status_code=204)


def install_idempotency(app: FastAPI) -> None:
    app.add_middleware(Idempotency)
    app.add_exception_handler(Replayed, _replayed)
