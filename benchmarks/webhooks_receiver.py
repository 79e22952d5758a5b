"""The webhook benchmark's receiver: a small ASGI app, served by uvicorn in a process of its
own (as a real receiver would be: not sharing the load generator's interpreter), answering
204 at once and noting when each event arrived. The benchmark asks it what arrived:

- `POST /hook/<n>`: a delivery (to the endpoint whose URL has that path);
- `GET /delivered`: how many deliveries arrived (duplicates included);
- `GET /arrivals`: `{record id: {path: first arrival, time.time()}}`;
- `POST /reset`: forget every arrival;
- `GET /healthz`: 200 (the harness waits for it).

    python -m uvicorn webhooks_receiver:app --app-dir benchmarks
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]


@dataclass(slots=True)
class Arrivals:
    """When each record's event first reached each endpoint path (time.time())."""

    by_record: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    deliveries: int = 0

    def note(self, path: str, body: bytes) -> None:
        record = str(json.loads(body)["data"].get("id"))
        self.deliveries += 1
        self.by_record[record].setdefault(path, time.time())

    def reset(self) -> None:
        self.by_record.clear()
        self.deliveries = 0


def receiver_app(arrivals: Arrivals) -> Callable[[Scope, Any, Send], Awaitable[None]]:
    async def app(scope: Scope, receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        if method == "POST" and path.startswith("/hook/"):
            arrivals.note(path, body)
            await _answer(send, 204, b"")
        elif path == "/delivered":
            await _answer(send, 200, str(arrivals.deliveries).encode())
        elif path == "/arrivals":
            await _answer(send, 200, json.dumps(arrivals.by_record).encode())
        elif method == "POST" and path == "/reset":
            arrivals.reset()
            await _answer(send, 204, b"")
        elif path == "/healthz":
            await _answer(send, 200, b"ok")
        else:
            await _answer(send, 404, b"")

    return app


async def _answer(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": body})


app = receiver_app(Arrivals())
