"""The webhook benchmark's receiver: a small ASGI app (served in a thread of the benchmark's
process by the harness) answering 204 at once and noting when each event arrived."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

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
