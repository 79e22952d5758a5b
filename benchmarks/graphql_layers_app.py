"""The layers Rapport's GraphQL answers stand on, and nothing else, for one meeting by id
(`graphql_screen.MEETING`): Strawberry's FastAPI router and its HTTP view, graphql-core's
executor, and SQLAlchemy Core's async engine in a transaction per request that enters the
organization with its BEGIN, as Rapport's requests do (`app.persistence`'s engine,
connection and `enter_at_begin`). POST is a plain route that hands the request to the
router, as Rapport's is; documents are parsed and validated once (Strawberry's caches).
The meeting and its pair's open commitments are read with the REST floor's two statements
(`baseline_app.py`), the follow-up filtered as the floor does.

No credential, rate limit, document limit, middleware, log line, audit, entity, loader or
privacy check: what it spends beyond PostGraphile is what these layers cost, measured beside
Rapport and PostGraphile by `graphql_api.py`, so that the share of Rapport's CPU no change
inside Rapport can remove is measured rather than argued.

Run by the harness (`harness.serve_baseline`) as `uvicorn graphql_layers_app:app --app-dir
benchmarks --workers 2`; it connects as Rapport's workers do (`serving_engine`: the database
and pool of Rapport's settings, `RAPPORT_DATABASE_URL` among them) and serves the
organization of `BASELINE_ORG_ID`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import strawberry
from baseline_app import MEETING_BY_ID, OPEN, OPEN_COMMITMENTS_OF_PAIRS, Row, render
from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter

from app.api.app import serving_engine
from app.persistence.availability import connected
from app.persistence.tenant_begin import enter_at_begin
from app.settings import get_settings


@dataclass(slots=True)
class Context:
    """The request's transaction and organization."""

    connection: AsyncConnection
    org_id: UUID


@strawberry.type
class Commitment:
    id: UUID
    title: str


@strawberry.type
class Meeting:
    id: UUID
    starts_at: datetime
    status: str
    row: strawberry.Private[Row]

    @strawberry.field
    async def follow_up(self, info: strawberry.Info[Context, None]) -> list[Commitment]:
        context = info.context
        parameters = {"org": context.org_id, "pairs": [self.row["pair_id"]], "status": OPEN}
        found = await context.connection.execute(OPEN_COMMITMENTS_OF_PAIRS, parameters)
        rows: list[Row] = list(found.mappings())
        answer = render(self.row, {self.row["pair_id"]: rows})
        return [Commitment(id=c["id"], title=c["title"]) for c in answer["follow_up"]]


@strawberry.type
class Query:
    @strawberry.field
    async def meeting(self, info: strawberry.Info[Context, None], id: UUID) -> Meeting | None:
        context = info.context
        found = await context.connection.execute(MEETING_BY_ID, {"org": context.org_id, "id": id})
        row = found.mappings().first()
        if row is None:
            return None
        return Meeting(id=row["id"], starts_at=row["starts_at"], status=row["status"], row=row)


class _Router(GraphQLRouter[Any, None]):
    async def get_sub_response(self, request: Request) -> Response:
        # A response of its own per request (the router keeps one for all), without the
        # Content-Length of an empty body, which the answer would repeat (as Rapport's).
        response = Response()
        del response.headers["content-length"]
        return response

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()  # as Rapport encodes its answers


SCHEMA = strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])
ROUTER = _Router(SCHEMA, graphql_ide=None)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = serving_engine(get_settings())  # Rapport's pool: its size, no overflow
    app.state.engine = engine
    app.state.org_id = UUID(os.environ["BASELINE_ORG_ID"])
    try:
        yield
    finally:
        await engine.dispose()


app = FastAPI(title="Rapport benchmark GraphQL layers", lifespan=lifespan)


async def graphql(request: Request) -> Response:
    """One operation, in a transaction that enters the organization with its BEGIN."""
    state = request.app.state
    async with connected(state.engine) as connection:
        if not await enter_at_begin(connection, state.org_id):
            raise RuntimeError("the transaction had begun before entering the organization")
        async with connection.begin():
            answer = await ROUTER.run(request, Context(connection, state.org_id), None)
    assert isinstance(answer, Response)
    return answer


app.add_route("/graphql", graphql, methods=["POST"])


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
