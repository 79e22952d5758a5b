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
from collections.abc import Callable, Sequence
from inspect import isawaitable
from typing import Any

from graphql import (
    GraphQLFieldResolver,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationType,
    located_error,
)
from graphql.execution.collect_fields import DeferUsage, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.api.graphql.context import GraphContext, TimeBudgetExceeded
from app.api.graphql.levels import NotAnsweredHere, execute_by_level
from app.measurements import GRAPHQL_QUERIES
from app.persistence.availability import DatabaseUnavailable


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
    """Strawberry's executor, whose work left in the background the request can await; a
    query is executed level by level first (app.api.graphql.levels)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = self.context_value
        if isinstance(context, GraphContext):
            context.background_work = self.background_futures

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> AwaitableOrValue[dict[str, Any]]:
        if self.operation.operation != OperationType.QUERY or serially or new_defer_usages:
            return super().execute_collected_root_fields(
                root_type, root_value, grouped_field_set, serially, new_defer_usages
            )
        return self._by_level(root_type, root_value, grouped_field_set)

    async def _by_level(
        self, root_type: GraphQLObjectType, root_value: Any, grouped_field_set: GroupedFieldSet
    ) -> dict[str, Any]:
        try:
            answer_by_level = await execute_by_level(self, root_type, root_value, grouped_field_set)
        except NotAnsweredHere as unanswered:
            failure = unanswered.__cause__
            if isinstance(failure, DatabaseUnavailable | TimeBudgetExceeded):
                # The request fails as a whole (app.api.graphql.session), and a second pass
                # would only meet what the failure left: a transaction that cannot go on.
                GRAPHQL_QUERIES.labels("by_level").inc()
                raise located_error(failure) from None
            GRAPHQL_QUERIES.labels("graphql_core").inc()
            answer = super().execute_collected_root_fields(
                root_type, root_value, grouped_field_set, False, ()
            )
            return await answer if isawaitable(answer) else answer
        GRAPHQL_QUERIES.labels("by_level").inc()
        return answer_by_level


async def settle(context: GraphContext) -> None:
    """Wait for the execution's work left in the background, including work it started."""
    while context.background_work:
        await asyncio.wait(tuple(context.background_work))
