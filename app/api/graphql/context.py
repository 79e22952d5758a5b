"""What every resolver reads from `info.context`: the caller's use case, its scopes, the
request's DataLoaders, and the top-level fields the audit trail names."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import Request, Response
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionNode,
)
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from app.api.graphql.loaders import Loaders
from app.api.pipeline import AuditLine, Identity
from app.api.runtime import Runtime
from app.domain.access import Scope
from app.domain.errors import NotFound
from app.services.context import ServiceContext


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


class GraphContext(BaseContext):
    """One per request; the request's transaction is opened around the execution."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
        self._use_case: ServiceContext | None = None
        self._loaders: Loaders | None = None
        self.identity: Identity | None = None  # checked before the document is read
        self.addressed: dict[str, AuditLine] = {}  # by response key
        self.deadline = math.inf
        # What the execution left to finish in the background (app.api.graphql.settling).
        self.background_work: set[asyncio.Future[Any]] = set()

    def begin(self, service_context: ServiceContext) -> None:
        """The execution starts, and with it the time budget; its fields run concurrently
        in one transaction, which guards their statements (app.api.graphql.settling)."""
        service_context.uow.guard_statements()
        self._use_case = service_context
        self._loaders = Loaders(service_context)
        self.deadline = time.monotonic() + self.runtime.settings.graphql_time_budget_seconds

    def end(self) -> None:
        """The execution is over: its loaders, and every record they hold, are freed now.
        graphql-core's executor, which refers to this context, is itself a reference cycle
        that only the cycle collector frees; the records must not wait for it (on a screen
        of a thousand records, collecting them was a quarter of the request's CPU)."""
        self._loaders = None

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
    def service_context(self) -> ServiceContext:
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
        return self.service_context.caller.scope_allows(scope)

    def require(self, scope: Scope) -> None:
        if not self.allows(scope):
            raise MissingScope(scope)

    def address(self, info: GraphInfo, **record_ids: object) -> None:
        """A top-level field names the ids it addressed (for the audit trail)."""
        self.addressed[str(info.path.key)] = AuditLine(
            audited_operation(info.field_name),
            "POST",
            {name: str(value) for name, value in record_ids.items()},
        )


GraphInfo = Info[GraphContext, None]
T = TypeVar("T")


def audited_operation(field_name: str) -> str:
    """The audit trail's name of a GraphQL field, in the shape of REST's operation ids:
    `scheduleMeeting` is `graphql-schedule-meeting`."""
    return "graphql-" + re.sub(r"(?<!^)(?=[A-Z])", "-", field_name).lower()


def asks_for(info: GraphInfo, field_name: str) -> bool:
    """Whether the resolved field's selection asks for `field_name`, fragments included,
    with no directive on the way (`@skip` or `@include` leave it to the execution). Read
    from the document's nodes: converting the whole selection to Strawberry's
    `selected_fields` cost a small request more than the answer it gives."""
    raw = info._raw_info
    pending: list[SelectionNode] = [
        selection
        for node in raw.field_nodes
        if node.selection_set is not None
        for selection in node.selection_set.selections
    ]
    while pending:
        selection = pending.pop()
        if selection.directives:
            continue
        if isinstance(selection, FieldNode):
            if selection.name.value == field_name:
                return True
        elif isinstance(selection, InlineFragmentNode):
            pending.extend(selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if fragment is not None:
                pending.extend(fragment.selection_set.selections)
    return False


async def or_none(lookup: Awaitable[T]) -> T | None:
    """A record the caller may not see (or that does not exist) resolves to null."""
    try:
        return await lookup
    except NotFound:
        return None
