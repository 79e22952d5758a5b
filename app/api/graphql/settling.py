"""Resolvers are never cancelled in the middle of a statement.

When a non-null field fails, graphql-core cancels its siblings that are still running; a
resolver cancelled while its statement runs leaves the request's connection unusable (its
transaction could then neither commit the other fields' work nor report the refusal). Each
asynchronous resolver therefore runs as a task shielded from that cancellation, and the
request's transaction ends only once every such task has settled; the result of a cancelled
field is simply dropped.

The same hook keeps the request's time budget: past it, no further field starts.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo
from graphql.pyutils import AwaitableOrValue
from strawberry.extensions import SchemaExtension

from app.api.graphql.context import GraphContext


class SettledResolvers(SchemaExtension):
    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: str,
        **kwargs: Any,
    ) -> AwaitableOrValue[object]:
        context = info.context
        assert isinstance(context, GraphContext)
        context.check_time()
        result: object = _next(root, info, *args, **kwargs)
        if not inspect.isawaitable(result):
            return result
        task = asyncio.ensure_future(result)
        context.resolving.append(task)
        return asyncio.shield(task)


async def settle(context: GraphContext) -> None:
    """Wait for every resolver task of the request, including those started meanwhile."""
    while context.resolving:
        running, context.resolving = context.resolving, []
        await asyncio.gather(*running, return_exceptions=True)
