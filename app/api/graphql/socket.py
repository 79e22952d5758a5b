"""GraphQL over WebSocket (graphql-transport-ws, docs/realtime.md): the connection's
context, its authentication in `connection_init`, and what the transport adds to
Strawberry's: a connection that holds no subscription for `live_idle_seconds` after its
`connection_init` was acknowledged is closed.

Every subscription of a connection shares its context, but each runs in its own task and
executes each delivery in a read transaction of its own: what a resolver reads from the
context (the use case, the loaders, the time budget) is kept per task."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, NoReturn

from fastapi import WebSocket
from graphql import ExecutionResult, GraphQLError
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import SchemaExtension
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)
from strawberry.types.graphql import OperationType

from app.api.graphql.context import GraphContext
from app.api.graphql.loaders import Loaders
from app.api.graphql.transport import problem_extensions, unavailable
from app.api.pipeline import admit, authenticate
from app.api.problems import ApiProblem
from app.api.runtime import Runtime
from app.domain.access import key_digest
from app.domain.privacy import Caller
from app.persistence.availability import DatabaseUnavailable
from app.services.context import ServiceContext

IDLE_CLOSE_CODE = 4000
FORBIDDEN_CLOSE_CODE = 4403
TRY_AGAIN_LATER_CODE = 1013

_USE_CASE: ContextVar[ServiceContext | None] = ContextVar("graphql_use_case", default=None)
_LOADERS: ContextVar[Loaders | None] = ContextVar("graphql_loaders", default=None)
_DEADLINE: ContextVar[float] = ContextVar("graphql_deadline", default=math.inf)
_BACKGROUND: ContextVar[set[asyncio.Future[Any]] | None] = ContextVar(
    "graphql_background", default=None
)


class SocketContext(GraphContext):
    """One per WebSocket connection: the credential of its `connection_init` and the caller
    it stood for then (each delivery checks it again)."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.connection_params: dict[str, Any] = {}
        self.credential: str | None = None
        self.caller: Caller | None = None

    # Per task: the delivery being executed (see the module's docstring).
    @property
    def _use_case(self) -> ServiceContext | None:
        return _USE_CASE.get()

    @_use_case.setter
    def _use_case(self, value: ServiceContext | None) -> None:
        _USE_CASE.set(value)

    @property
    def _loaders(self) -> Loaders | None:
        return _LOADERS.get()

    @_loaders.setter
    def _loaders(self, value: Loaders | None) -> None:
        _LOADERS.set(value)

    @property
    def deadline(self) -> float:
        return _DEADLINE.get()

    @deadline.setter
    def deadline(self, value: float) -> None:
        _DEADLINE.set(value)

    @property
    def background_work(self) -> set[asyncio.Future[Any]]:
        work = _BACKGROUND.get()
        if work is None:
            work = set()
            _BACKGROUND.set(work)
        return work

    @background_work.setter
    def background_work(self, value: set[asyncio.Future[Any]]) -> None:
        _BACKGROUND.set(value)

    @property
    def credential_key(self) -> str:
        """The credential as the hub tells subscribers apart (a digest, never the secret)."""
        assert self.credential is not None, "set in connection_init"
        return key_digest(self.credential)

    @property
    def websocket(self) -> WebSocket:
        if not isinstance(self.request, WebSocket):
            raise TypeError("a socket context serves a WebSocket")
        return self.request

    async def close(self, code: int, reason: str) -> NoReturn:
        """The whole connection ends (its credential no longer holds: 4403; the database
        cannot be reached: 1013, try again later). The subscription calling this waits to
        be cancelled with the connection's others (completing it would send on a closed
        socket)."""
        with contextlib.suppress(RuntimeError):
            await self.websocket.close(code, reason)
        await asyncio.Event().wait()
        raise AssertionError("cancelled with the connection")

    async def connect(self) -> None:
        """`connection_init`: `{"authorization": "Bearer <person token or service key>"}`,
        checked as a request's credential is (rate limits included); refused with 4403."""
        header = self.connection_params.get("authorization")
        if not isinstance(header, str):
            raise ConnectionRejectionError
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise ConnectionRejectionError
        try:
            caller = await authenticate(self.runtime, credential, self.runtime.clock())
        except DatabaseUnavailable as lost:
            raise TryLater("Database unavailable") from lost
        except ApiProblem as refused:
            if refused.kind.code in TRANSIENT_PROBLEMS:  # the credential may well be good
                raise TryLater(refused.detail[:100]) from refused
            raise ConnectionRejectionError from refused
        self.credential = credential
        self.caller = caller

    async def admitted(self) -> GraphQLError | None:
        """A subscription counts against the rate limits as a request does: None, or the
        refusal it ends with (`rate_limited`; the database lost: `database_unavailable`)."""
        assert self.caller is not None, "set in connection_init"
        try:
            await admit(self.runtime, self.caller)
        except ApiProblem as refused:
            return _refusal(refused)
        except DatabaseUnavailable as lost:
            return _refusal(unavailable(lost))
        return None


class TryLater(Exception):
    """`connection_init` cannot be answered now (the rate limits, the database, the identity
    provider): the socket closes with 1013, try again later, not 4403."""


# Refusals that say nothing against the credential: try again later.
TRANSIENT_PROBLEMS = frozenset(
    {"rate_limited", "identity_provider_unavailable", "database_unavailable"}
)


class LiveTransport(BaseGraphQLTransportWSHandler[SocketContext, None]):
    """Strawberry's graphql-transport-ws handler, closing connections left idle, closing
    with 1013 a `connection_init` that cannot be answered now, and counting each
    subscription against the rate limits."""

    _idle: asyncio.Task[None] | None = None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations:
            refused = await self.context.admitted()
            if refused is not None:  # the connection stays; this subscription ends
                error: ErrorMessage = {
                    "id": message["id"], "type": "error", "payload": [refused.formatted]
                }  # fmt: skip
                await self.send_message(error)
                return
        await super().handle_subscribe(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except TryLater as later:
            await self.websocket.close(TRY_AGAIN_LATER_CODE, str(later))
            return
        # Idle counts from the acknowledgement: before it, the connection_init timeout rules
        # (a slow sign-in is not idleness).
        if self.connection_acknowledged and self._idle is None:
            self._idle = asyncio.create_task(self._close_when_idle())

    async def shutdown(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._idle
        await super().shutdown()

    async def _close_when_idle(self) -> None:
        idle = self.context.runtime.settings.live_idle_seconds
        loop = asyncio.get_running_loop()
        busy_at = loop.time()
        while True:
            await asyncio.sleep(min(idle / 4, 1.0))
            if self.operations:
                busy_at = loop.time()
            elif loop.time() - busy_at >= idle:
                with contextlib.suppress(RuntimeError):
                    await self.websocket.close(
                        IDLE_CLOSE_CODE, f"No subscription for {idle:g} seconds"
                    )
                return


class SocketOperations(SchemaExtension):
    """Over a WebSocket only subscriptions run (queries and mutations go by POST, through
    the request pipeline); a subscription sent by POST is refused. A subscription the
    limits refused (its cost, app.api.graphql.limits) ends with their error."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        over_socket = isinstance(execution.context, SocketContext)
        subscription = execution.operation_type is OperationType.SUBSCRIPTION
        if execution.result is not None:
            errors = execution.result.errors or []
            if subscription and over_socket and errors:
                raise errors[0]
        elif over_socket and not subscription:
            execution.result = _refused(
                "Over WebSocket only subscriptions run: send queries and mutations by POST"
                " to /graphql.",
                "subscriptions_only",
            )
        elif subscription and not over_socket:
            execution.result = _refused(
                "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql.",
                "subscriptions_over_websocket",
            )
        yield


def _refusal(refused: ApiProblem) -> GraphQLError:
    """A subscription refused as its request would be; a WebSocket has no headers, so the
    seconds of a `Retry-After` are told in `retry_after`."""
    extensions = problem_extensions(refused)
    retry_after = (refused.headers or {}).get("Retry-After")
    if retry_after is not None and retry_after.isdigit():
        extensions["retry_after"] = int(retry_after)
    return GraphQLError(refused.detail, extensions=extensions)


def _refused(message: str, code: str) -> ExecutionResult:
    error = GraphQLError(message, extensions={"code": code, "classification": "BAD_USER_INPUT"})
    return ExecutionResult(data=None, errors=[error])
