"""Request bodies are bounded (RAPPORT_HTTP_MAX_BODY_BYTES): one that announces a larger
length is refused before any of it is read, and one that streams past the limit is refused
as soon as it does — `413 payload_too_large`, as a problem like every other refusal."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problem_catalog import CATALOG
from app.api.problems import problem_response

TOO_LARGE = "The request body is larger than this server accepts ({limit:,} bytes)."


class BodyLimit:
    """ASGI middleware; the app's handler for HTTP errors answers a body that outgrows the
    limit while it is read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = TOO_LARGE.format(limit=self.max_bytes)
        announced = Headers(scope=scope).get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_bytes:
            response = problem_response(CATALOG["payload_too_large"], detail)
            await response(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, detail)
            return message

        await self.app(scope, receive_within_limit, send)
