"""The app served by uvicorn in a background thread, and a test-side event loop."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import uvicorn
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.runtime import Runtime


@dataclass
class TestClock:
    """The app's clock: the real time unless a test pins it."""

    pinned: datetime | None = None

    def __call__(self) -> datetime:
        return self.pinned if self.pinned is not None else datetime.now(UTC)

    def advance(self, delta: timedelta) -> None:
        self.pinned = self() + delta


@dataclass
class StatementCounter:
    """Counts SQL statements the app's engine sends (for N+1 tests)."""

    count: int = 0
    enabled: bool = field(default=False)

    def attach(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            if self.enabled:
                self.count += 1

    @contextmanager
    def measure(self) -> Iterator[StatementCounter]:
        self.count = 0
        self.enabled = True
        try:
            yield self
        finally:
            self.enabled = False


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve the app on a free loopback port until the block ends; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def runtime(app: FastAPI) -> Runtime:
    value: Runtime = app.state.runtime
    return value
