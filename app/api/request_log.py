"""Each request's own log line and metrics: the operation, its status and duration, the
statements it sent, and — once the credential check has named them — the organization and
the kind of caller. Health checks and metrics scrapes are logged at DEBUG only."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import measurements
from app.domain.privacy import Caller
from app.persistence.instrumentation import tally_statements

logger = logging.getLogger("rapport.requests")
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"  # no route: one label for every unknown path


@dataclass(slots=True)
class RequestFacts:
    """What the request's handling learnt about its caller."""

    organization_id: UUID | None = None
    caller: str = "none"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


_facts: ContextVar[RequestFacts | None] = ContextVar("rapport_request_facts", default=None)


def note_caller(caller: Caller) -> None:
    """Called by the credential check: the request's organization and kind of caller."""
    facts = _facts.get()
    if facts is not None:
        facts.organization_id = caller.org_id
        facts.caller = "person" if caller.person_id is not None else "service_key"


def add_response_header(name: str, value: str) -> None:
    """A header the request's answer carries, whatever answers it (a route, a problem,
    GraphQL)."""
    facts = _facts.get()
    if facts is not None:
        facts.headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))


def _operation(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "operation_id", None) or getattr(route, "path", None) or UNMATCHED)


class RequestObserver:
    """ASGI middleware around the whole app (inside the request id's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: a fault that escaped every handler

        facts = RequestFacts()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if facts.headers:
                    message = {**message, "headers": [*message["headers"], *facts.headers]}
            await send(message)

        token = _facts.set(facts)
        try:
            with tally_statements() as statements:
                await self.app(scope, receive, sending)
        finally:
            _facts.reset(token)
            self._record(scope, facts, status, time.perf_counter() - started, statements.count)

    @staticmethod
    def _record(
        scope: Scope, facts: RequestFacts, status: int, seconds: float, statements: int
    ) -> None:
        operation, method = _operation(scope), str(scope["method"])
        measurements.observe(operation, method, status, seconds, statements)
        level = logging.DEBUG if scope.get("path") in QUIET_PATHS else logging.INFO
        logger.log(
            level,
            "request",
            extra={
                "organization_id": str(facts.organization_id) if facts.organization_id else None,
                "caller": facts.caller,
                "operation": operation,
                "method": method,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "statements": statements,
            },
        )
