"""The webhook benchmark's receiver: a small ASGI app under uvicorn in a thread of the
benchmark's process, answering 204 at once and noting when each event arrived."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from harness import BenchError, free_port

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


@dataclass(slots=True)
class Arrivals:
    """When each record's event first reached each endpoint path (time.time())."""

    by_record: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    deliveries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, path: str, body: bytes) -> None:
        record = str(json.loads(body)["data"].get("id"))
        now = time.time()
        with self.lock:
            self.deliveries += 1
            self.by_record[record].setdefault(path, now)

    def complete(self, record: str, endpoints: int) -> float | None:
        """When the record's event had reached every endpoint."""
        with self.lock:
            seen = self.by_record.get(record, {})
            return max(seen.values()) if len(seen) >= endpoints else None

    def reset(self) -> None:
        with self.lock:
            self.by_record.clear()
            self.deliveries = 0


def receiver_app(arrivals: Arrivals) -> Callable[[Scope, Any, Any], Awaitable[None]]:
    async def app(
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrivals.note(scope["path"], body)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


@contextmanager
def receiving(arrivals: Arrivals) -> Iterator[str]:
    """Serve the receiver until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            receiver_app(arrivals),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise BenchError("the receiver did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
