"""/graphql: operations by POST only, one JSON object per request, from a caller whose
credential was checked before the document is read; GET with `Accept: text/html` is
GraphiQL, served from installed assets (no CDN). Introspection is for authenticated
callers, as is every other answer about the schema."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import Request, Response, WebSocket
from fastapi.responses import HTMLResponse
from starlette.requests import HTTPConnection
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types.unset import UNSET

from app.api.docs_pages import graphiql_page
from app.api.graphql.context import GraphContext
from app.api.graphql.schema import build_schema
from app.api.graphql.transport import refusal, request_data, transport_problem, unavailable
from app.api.pipeline import identify
from app.api.problems import ApiProblem
from app.api.runtime import runtime_of
from app.persistence.availability import DatabaseUnavailable

GRAPHQL_PATH = "/graphql"


async def _context(connection: HTTPConnection) -> GraphContext:
    return GraphContext(runtime_of(connection))


# Strawberry's FastAPI router keeps each request's response (status and headers that the
# execution sets) on the router itself until it reads it back after awaiting the body:
# concurrent requests would overwrite one another's. Each request keeps its own here.
SUB_RESPONSE = "rapport.graphql_response"


class _RapportGraphQLRouter(GraphQLRouter[GraphContext, None]):
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page(request)

    async def get_sub_response(self, request: Request) -> Response:
        response: Response = request.scope[SUB_RESPONSE]
        return response

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        # Called right after the router set `temporal_response`, before anything awaits.
        request.scope[SUB_RESPONSE] = self.temporal_response  # type: ignore[attr-defined]
        if isinstance(request, WebSocket):
            # No subscriptions, and no operations over a socket whose credential the
            # router has not checked: the handshake is refused.
            return await self.reject_websocket(request)
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            return await super().run(request, context, root_value)
        try:
            if isinstance(context, GraphContext):
                context.identity = await identify(runtime_of(request), request)
            return await super().run(request, context, root_value)
        except ApiProblem as refused:
            return refusal(refused)
        except HTTPException as refused:
            return refusal(transport_problem(refused))
        except DatabaseUnavailable as lost:
            return refusal(unavailable(lost))

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses nesting deeper than 1024 levels with a decoding error (the standard
        # library's parser would exhaust the interpreter's stack first).
        return orjson.loads(data)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method != "POST":
            raise HTTPException(
                400, "Send GraphQL operations by POST with a JSON body; GET serves GraphiQL."
            )
        content_type, _ = parse_content_type(request.content_type or "")
        if content_type != "application/json":
            raise HTTPException(415, "The body must be application/json.")
        return request_data(self.parse_json(await request.get_body()))


def graphql_router() -> GraphQLRouter[GraphContext, None]:
    return _RapportGraphQLRouter(
        build_schema(),
        path=GRAPHQL_PATH,
        context_getter=_context,
        graphql_ide="graphiql",
        allow_queries_via_get=False,
        include_in_schema=False,
    )
