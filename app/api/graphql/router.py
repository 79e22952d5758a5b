"""/graphql: queries by POST only; GET with `Accept: text/html` is GraphiQL, served from
installed assets (no CDN); introspection stays on."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from app.api.docs_pages import graphiql_page
from app.api.graphql.context import GraphContext
from app.api.graphql.schema import build_schema
from app.api.runtime import runtime_of

GRAPHQL_PATH = "/graphql"


async def _context(request: Request) -> GraphContext:
    return GraphContext(runtime_of(request))


class _OfflineGraphQLRouter(GraphQLRouter[GraphContext, None]):
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page(request)


def graphql_router() -> GraphQLRouter[GraphContext, None]:
    return _OfflineGraphQLRouter(
        build_schema(),
        path=GRAPHQL_PATH,
        context_getter=_context,
        graphql_ide="graphiql",
        allow_queries_via_get=False,
        include_in_schema=False,
    )
