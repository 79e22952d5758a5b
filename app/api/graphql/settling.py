"""The request's time budget, kept by the fields that do work, and fields given up on that
break nothing.

Past the deadline no field with a resolver starts (plain attribute fields only read what
their parent already holds, and carry no wrapper), and a request whose execution ended past
it keeps nothing (app.api.graphql.session).

When a non-null field fails, graphql-core cancels its siblings that are still running, or,
when it failed before they started, leaves them to finish in the background. Neither may
break the request's transaction:
- a sibling cancelled in the middle of a statement would leave the connection unusable:
  the transaction guards its statements instead (each runs to its end, and the transaction
  ends once all have: app.persistence.statements);
- a load shared with fields elsewhere stays pending for them (app.api.graphql.loaders);
- the transaction ends only once the work left in the background has finished (`settle`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from graphql import GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql.pyutils import AwaitableOrValue
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.api.graphql.context import GraphContext


def keep_time_budget(schema: GraphQLSchema) -> None:
    """Every field with a resolver checks the request's deadline before it starts."""
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            resolve = field.resolve
            if resolve is not None and not is_default_resolver(resolve):
                field.resolve = _in_time(resolve)


def _in_time(resolve: GraphQLFieldResolver) -> Callable[..., AwaitableOrValue[Any]]:
    def resolve_in_time(source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        info.context.check_time()
        return resolve(source, info, **arguments)

    return resolve_in_time


class SettlingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, whose work left in the background the request can await."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = self.context_value
        if isinstance(context, GraphContext):
            context.background_work = self.background_futures


async def settle(context: GraphContext) -> None:
    """Wait for the execution's work left in the background, including work it started."""
    while context.background_work:
        await asyncio.wait(tuple(context.background_work))
