"""A webhook receiver on 127.0.0.1 for the suite: it records every request it gets and
answers with the statuses a test queued for it (then 200)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def verified(self, secret: str) -> dict[str, Any]:
        """The body, once `standardwebhooks` has checked its signature with `secret`."""
        checked: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return checked


@dataclass
class Receiver:
    base_url: str
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    # While set, requests are recorded but wait before answering (a delivery in flight).
    hold: threading.Event = field(default_factory=threading.Event)
    # Called with each request to a path, before it is answered (a slow receiver).
    on_arrival: dict[str, Callable[[Received], None]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def answer(self, path: str, *statuses: int, headers: dict[str, str] | None = None) -> None:
        """The next requests to `path` get these statuses, in order (then 200)."""
        with self.lock:
            self.answers.setdefault(path, []).extend((s, headers or {}) for s in statuses)

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def wait_for(
        self, path: str, done: Callable[[list[Received]], bool], within: float = 60.0
    ) -> list[Received]:
        """Wait until what `path` received satisfies `done`."""
        deadline = time.monotonic() + within
        while True:
            got = self.at(path)
            if done(got):
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} received {len(got)} requests: not what was awaited")
            time.sleep(0.05)

    def events_of(self, path: str) -> list[dict[str, Any]]:
        return [r.event for r in self.at(path)]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with receiver.lock:
                receiver.received.append(received)
                queued = receiver.answers.get(self.path) or []
                status, headers = queued.pop(0) if queued else (200, {})
                arrived = receiver.on_arrival.get(self.path)
            if arrived is not None:
                arrived(received)
            while receiver.hold.is_set():
                time.sleep(0.05)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the suite's log is the service's."""

    return Handler


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Receiver("")))
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.hold.clear()
        server.shutdown()
        server.server_close()
