"""What every resolver reads from `info.context`: the caller's use case, its scopes, the
request's DataLoaders, and the record of content reads for the audit trail."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request, Response
from graphql import GraphQLError
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from app.api.access import Identity
from app.api.graphql.loaders import Loaders
from app.api.runtime import Runtime
from app.domain.access import Scope, ServiceKey
from app.domain.errors import NotFound
from app.services.context import UseCase


class MissingScope(GraphQLError):
    """A service key asked for a field its scopes do not cover (REST answers 403)."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(
            f"This field needs the scope {scope.value}.",
            extensions={
                "code": "insufficient_scope",
                "classification": "FORBIDDEN",
                "requiredScope": scope.value,
            },
        )
        self.scope = scope


class TimeBudgetExceeded(GraphQLError):
    """The request ran past its time budget: no further field starts, and nothing of the
    request is kept (app.api.graphql.session)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"This request ran past its time budget of {seconds:g} s and was stopped; none of"
            " its work was kept. Ask for smaller pages or fewer nested lists, or split it.",
            extensions={"code": "time_budget_exceeded", "classification": "TIMEOUT"},
        )


@dataclass(slots=True)
class RootField:
    """A top-level field of the operation: its name and the ids it addressed."""

    name: str
    record_ids: dict[str, str] = field(default_factory=dict)
    read_content: bool = False


class GraphContext(BaseContext):
    """One per request; the request's transaction is opened around the execution."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
        self._use_case: UseCase | None = None
        self._loaders: Loaders | None = None
        self.key: ServiceKey | None = None
        self.identity: Identity | None = None  # checked before the document is read
        self.root_fields: dict[str, RootField] = {}
        self.deadline = math.inf
        # What the execution left to finish in the background (app.api.graphql.settling).
        self.background_work: set[asyncio.Future[Any]] = set()

    def begin(self, use_case: UseCase, key: ServiceKey | None) -> None:
        """The execution starts, and with it the time budget; its fields run concurrently
        in one transaction, which guards their statements (app.api.graphql.settling)."""
        use_case.uow.guard_statements()
        self._use_case = use_case
        self._loaders = Loaders(use_case)
        self.key = key
        self.deadline = time.monotonic() + self.runtime.settings.graphql_time_budget_seconds

    def check_time(self) -> None:
        """A field about to start past the deadline is refused (one already running
        finishes: its statement is never cut off)."""
        if time.monotonic() > self.deadline:
            raise TimeBudgetExceeded(self.runtime.settings.graphql_time_budget_seconds)

    def overran(self) -> TimeBudgetExceeded | None:
        """The refusal of an execution that ended past the deadline (its last fields may
        have read memory only, which no check stops)."""
        if time.monotonic() > self.deadline:
            return TimeBudgetExceeded(self.runtime.settings.graphql_time_budget_seconds)
        return None

    @property
    def http_request(self) -> Request:
        if not isinstance(self.request, Request):
            raise TypeError("GraphQL is served over HTTP POST")
        return self.request

    @property
    def http_response(self) -> Response:
        if self.response is None:
            raise TypeError("GraphQL is served over HTTP POST")
        return self.response

    @property
    def use_case(self) -> UseCase:
        if self._use_case is None:
            raise RuntimeError("resolvers run inside the request's transaction")
        return self._use_case

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            raise RuntimeError("resolvers run inside the request's transaction")
        return self._loaders

    def allows(self, scope: Scope) -> bool:
        """Scopes bind service keys; for a person the privacy contract decides."""
        return self.key is None or self.key.grants(scope)

    def require(self, scope: Scope) -> None:
        if not self.allows(scope):
            raise MissingScope(scope)

    def address(self, info: GraphInfo, **record_ids: object) -> None:
        """A top-level field names itself and the ids it addressed (for the audit trail)."""
        self.root_fields[str(info.path.key)] = RootField(
            info.field_name, {name: str(value) for name, value in record_ids.items()}
        )

    def read_content(self, info: GraphInfo, scope: Scope = Scope.CONTENT_READ) -> None:
        """Content is read under the top-level field of `info`: the scope is checked, and a
        service key's read goes to the audit trail, as in REST. (Content in a mutation's
        result is part of that change, which has its own line.)"""
        self.require(scope)
        path = info.path
        while path.prev is not None:
            path = path.prev
        root = self.root_fields.get(str(path.key))
        if root is not None:
            root.read_content = True


GraphInfo = Info[GraphContext, None]
T = TypeVar("T")


def audited_operation(field_name: str) -> str:
    """The audit trail's name of a GraphQL field, in the shape of REST's operation ids:
    `scheduleMeeting` is `graphql-schedule-meeting`."""
    return "graphql-" + re.sub(r"(?<!^)(?=[A-Z])", "-", field_name).lower()


async def or_none(lookup: Awaitable[T]) -> T | None:
    """A record the caller may not see (or that does not exist) resolves to null."""
    try:
        return await lookup
    except NotFound:
        return None
