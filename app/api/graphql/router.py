"""/graphql: operations by POST only, one JSON object per request, from a caller whose
credential was checked before the document is read; GET with `Accept: text/html` is
GraphiQL, served from installed assets (no CDN). Introspection is for authenticated
callers, as is every other answer about the schema.

Subscriptions are served over WebSocket with the graphql-transport-ws protocol only
(docs/realtime.md): a handshake that does not offer it is refused (the legacy graphql-ws
protocol is never spoken), and the credential comes in `connection_init`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import HTMLResponse
from starlette.requests import HTTPConnection
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from app.api.docs_pages import graphiql_page
from app.api.graphql.context import GraphContext
from app.api.graphql.schema import build_schema
from app.api.graphql.socket import LiveTransport, SocketContext
from app.api.graphql.transport import refusal, request_data, transport_problem, unavailable
from app.api.pipeline import identify
from app.api.problems import ApiProblem
from app.api.runtime import runtime_of
from app.api.strict_inputs import media_type
from app.persistence.availability import DatabaseUnavailable
from app.settings import Settings

GRAPHQL_PATH = "/graphql"


async def _context(connection: HTTPConnection) -> GraphContext:
    if connection.scope["type"] == "websocket":
        return SocketContext(runtime_of(connection))
    return GraphContext(runtime_of(connection))


# Strawberry's FastAPI router keeps each request's response (status and headers that the
# execution sets) on the router itself until it reads it back after awaiting the body:
# concurrent requests would overwrite one another's. Each request keeps its own here.
SUB_RESPONSE = "rapport.graphql_response"


class _RapportGraphQLRouter(GraphQLRouter[GraphContext, None]):
    graphql_transport_ws_handler_class = LiveTransport  # type: ignore[assignment]

    async def on_ws_connect(self, context: GraphContext) -> UnsetType | dict[str, object] | None:
        """`connection_init`: a credential that does not hold closes the socket (4403)."""
        assert isinstance(context, SocketContext)
        await context.connect()
        unset: UnsetType = UNSET
        return unset

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page(request)

    async def get_sub_response(self, request: Request) -> Response:
        response: Response = request.scope[SUB_RESPONSE]
        return response

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        if isinstance(request, WebSocket):
            if GRAPHQL_TRANSPORT_WS_PROTOCOL not in request.scope.get("subprotocols", ()):
                # Only graphql-transport-ws: the handshake of any other protocol (the
                # legacy graphql-ws included) is refused before it is accepted.
                return await self.reject_websocket(request)
            return await super().run(request, context, root_value)
        if SUB_RESPONSE not in request.scope:
            # FastAPI's route (GET): called right after the router set `temporal_response`,
            # before anything awaits.
            request.scope[SUB_RESPONSE] = self.temporal_response  # type: ignore[attr-defined]
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

    def encode_json(self, data: object) -> str:
        # orjson, as REST's answers (the standard library's encoder took a few per cent of a
        # screen's CPU); as text, which WebSocket messages must be.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses nesting deeper than 1024 levels with a decoding error (the standard
        # library's parser would exhaust the interpreter's stack first).
        return orjson.loads(data)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method != "POST":
            raise HTTPException(
                400, "Send GraphQL operations by POST with a JSON body; GET serves GraphiQL."
            )
        if media_type(request.content_type or "") != "application/json":
            raise HTTPException(415, "The body must be application/json.")
        return request_data(self.parse_json(await request.get_body()))


def install_graphql(app: FastAPI, settings: Settings) -> None:
    """/graphql on the app, ahead of the REST routes (routes are matched in the order they
    were added, and a request to GraphQL's one path would otherwise be tried against every
    REST route first). POST, which carries every operation, is a plain route: FastAPI's route
    would solve the router's dependencies (its context and root value) for every request,
    and the context needs nothing but the app's runtime. GraphiQL and the WebSocket stay on
    the router's own routes."""
    router = _graphql_router(settings)

    async def post(request: Request) -> Response:
        context = GraphContext(runtime_of(request))
        context.request = request
        context.response = request.scope[SUB_RESPONSE] = _answer_settings()
        answer = await router.run(request, context, None)
        assert isinstance(answer, Response)
        return answer

    app.add_route(GRAPHQL_PATH, post, methods=["POST"], include_in_schema=False)
    app.include_router(router, include_in_schema=False)


def _answer_settings() -> Response:
    """The status and headers the execution sets on its answer, as FastAPI makes them for
    its routes: no body (so no Content-Length of its own) and no status until one is set."""
    response = Response()
    del response.headers["content-length"]
    response.status_code = None  # type: ignore[assignment]
    return response


def _graphql_router(settings: Settings) -> _RapportGraphQLRouter:
    return _RapportGraphQLRouter(
        build_schema(),
        path=GRAPHQL_PATH,
        context_getter=_context,
        graphql_ide="graphiql",
        allow_queries_via_get=False,
        include_in_schema=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=settings.live_connection_init_seconds),
        max_subscriptions_per_connection=settings.live_subscriptions_per_connection,
    )
