"""Apps driven in-process (no HTTP, no wrk): an ASGI client, the app under its lifespan, and
the process CPU a call costs, the least over chunks (low noise on a busy machine)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message

from harness.databases import Scratch


class AsgiClient:
    """Calls an ASGI app in-process, with the lifespan's state and a bearer credential."""

    def __init__(self, app: ASGIApp, state: dict[str, Any], key: str) -> None:
        self.app = app
        self.state = state
        self.headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {key}".encode())]

    async def request(
        self, method: str, target: str, body: bytes = b"", content_type: str | None = None
    ) -> tuple[int, bytes]:
        """The answer's status and body (not decoded: its CPU would count)."""
        parts = urlsplit(target)
        headers = list(self.headers)
        if content_type is not None:
            headers += [(b"content-type", content_type.encode()),
                        (b"content-length", str(len(body)).encode())]  # fmt: skip
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": dict(self.state),
        }
        messages: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        answer = b"".join(message.get("body", b"") for message in messages[1:])
        return messages[0]["status"], answer


def rapport_app(scratch: Scratch) -> Any:
    """Rapport's ASGI app on the scratch database, as the servers run it (the serving role,
    the benchmarks' rate-limit budgets, the garbage collection prepared as a worker's)."""
    os.environ.update(scratch.app_env)
    from app.api.app import create_app
    from app.garbage_collection import prepare_garbage_collection

    app = create_app()
    prepare_garbage_collection()
    return app


@asynccontextmanager
async def in_process(app: Any, key: str) -> AsyncIterator[AsgiClient]:
    """A client of `app` while its lifespan runs (pools opened, then closed)."""
    async with app.router.lifespan_context(app) as state:
        yield AsgiClient(app, dict(state or {}), key)


@dataclass(slots=True)
class CollectionTime:
    """Seconds the garbage collector ran while it was current, and how many collections."""

    seconds: float = 0.0
    collections: int = 0
    _started: float = field(default=0.0, repr=False)

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1


@contextmanager
def collections_timed() -> Iterator[CollectionTime]:
    """The time the garbage collector runs within the block (`gc.callbacks`)."""
    timed = CollectionTime()
    gc.callbacks.append(timed)
    try:
        yield timed
    finally:
        gc.callbacks.remove(timed)


async def least_cpu_us(
    steps: Sequence[Callable[[], Awaitable[object]]], calls: int, chunks: int
) -> list[float]:
    """Microseconds of process CPU per call of each step: `calls` calls once to warm up
    (caches, pools, prepared statements), then the least over `chunks` of `calls`, the steps
    taking turns so that all meet the same interference."""
    for step in steps:
        for _ in range(calls):
            await step()
    best = [float("inf")] * len(steps)
    for _ in range(chunks):
        for index, step in enumerate(steps):
            started = time.process_time()
            for _ in range(calls):
                await step()
            best[index] = min(best[index], (time.process_time() - started) / calls)
    return [seconds * 1e6 for seconds in best]
