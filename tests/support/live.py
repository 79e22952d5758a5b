"""The app served by uvicorn in a background thread, and a test-side event loop."""

from __future__ import annotations

import asyncio
import socket
import ssl
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
from app.services.read_audit import WRITER
from app.services.scheduler import SCHEDULER
from app.services.webhook_delivery import WORKER


@dataclass
class TestClock:
    """The app's clock: the real time unless a test pins it."""

    pinned: datetime | None = None

    def __call__(self) -> datetime:
        return self.pinned if self.pinned is not None else datetime.now(UTC)

    def advance(self, delta: timedelta) -> None:
        self.pinned = self() + delta


# The suite's servers speak plain HTTP on loopback, but httpx loads the CA bundle into a new
# TLS context for every client it makes (about 30 ms of CPU, in polling loops too): the
# suite's clients share this one.
SHARED_TLS = ssl.create_default_context()

BACKGROUND = (WRITER, WORKER, SCHEDULER)  # tasks of the app that serve no request


@dataclass
class StatementCounter:
    """Counts SQL statements the app's engine sends for requests (for N+1 tests); the
    background writer of read audit records, the webhook worker and the scheduler are not
    requests."""

    count: int = 0
    statements: list[str] = field(default_factory=list)
    enabled: bool = field(default=False)

    def attach(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _count(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
            task = asyncio.current_task()
            if self.enabled and (task is None or task.get_name() not in BACKGROUND):
                self.count += 1
                self.statements.append(statement)

    @contextmanager
    def measure(self) -> Iterator[StatementCounter]:
        self.count = 0
        self.statements = []
        self.enabled = True
        try:
            yield self
        finally:
            self.enabled = False


# Budgets no test reaches unless it means to: tests of rate limits set their own.
SUITE_BUDGETS = {"rate_limit_key": "100000/second", "rate_limit_organization": "10000000/minute"}
SUITE_BUDGET_ENVIRONMENT = {
    f"RAPPORT_{name.upper()}": value for name, value in SUITE_BUDGETS.items()
}


def free_port() -> int:
    """A loopback port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve the app on a free loopback port until the block ends; yields the base URL."""
    port = free_port()
    # No logging configuration of uvicorn's own: its records propagate to the root logger,
    # where the suite's capture and its log privacy check see them.
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", log_config=None
        )
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


def read_audit_written(app: FastAPI, within: float = 30.0) -> None:
    """Wait until the served app has written the read audit records it buffered (they are
    written within about a second, off the request path)."""
    deadline = time.monotonic() + within
    while not runtime(app).read_audit.idle:
        if time.monotonic() > deadline:
            raise AssertionError(f"read audit records still unwritten after {within} s")
        time.sleep(0.05)
