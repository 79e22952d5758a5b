"""/graphql: POST only (no IDE page, no queries over GET); introspection stays on."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import GraphQLRouter

from app.api.graphql.context import GraphContext
from app.api.graphql.schema import build_schema
from app.api.runtime import runtime_of

GRAPHQL_PATH = "/graphql"


async def _context(request: Request) -> GraphContext:
    return GraphContext(runtime_of(request))


def graphql_router() -> GraphQLRouter[GraphContext, None]:
    return GraphQLRouter(
        build_schema(),
        path=GRAPHQL_PATH,
        context_getter=_context,
        graphql_ide=None,
        allow_queries_via_get=False,
        include_in_schema=False,
    )
