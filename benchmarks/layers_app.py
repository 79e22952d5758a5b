"""The layers Rapport's REST reads stand on, and nothing else: the floor's two requests
(`baseline_app.py`: the same statements, the same answer bytes) served through FastAPI's
dependency machinery and SQLAlchemy Core's async engine, in a transaction per request that
enters the organization with its BEGIN, as Rapport's reads do (`app.persistence`'s engine,
connection and `enter_at_begin`).

No credential, rate limit, middleware, log line, entity, service or output model: what it
spends beyond the floor is what these layers cost. `inprocess.py` measures it between
Rapport and the floor, so that the share of Rapport's CPU no change inside Rapport can
remove is measured rather than argued.

It reads `BASELINE_DATABASE_URL` and `BASELINE_ORG_ID`, as the floor does.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from baseline_app import (
    MEETING_BY_ID,
    MEETINGS_OF_PAIR,
    OPEN,
    OPEN_COMMITMENTS_OF_PAIRS,
    Row,
    by_pair_id,
    cursor,
    json_answer,
    render,
)
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.persistence.availability import connected
from app.persistence.database import create_engine
from app.persistence.tenant_begin import enter_at_begin


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_engine(os.environ["BASELINE_DATABASE_URL"])
    app.state.engine = engine
    app.state.org_id = UUID(os.environ["BASELINE_ORG_ID"])
    try:
        yield
    finally:
        await engine.dispose()


async def transaction(request: Request) -> AsyncIterator[AsyncConnection]:
    """The request's transaction, in the organization from its BEGIN; committed at the end."""
    state = request.app.state
    async with connected(state.engine) as connection:
        if not await enter_at_begin(connection, state.org_id):
            raise RuntimeError("the transaction had begun before entering the organization")
        async with connection.begin():
            yield connection


Transaction = Annotated[AsyncConnection, Depends(transaction)]

app = FastAPI(title="Rapport benchmark layers", lifespan=lifespan)


async def _open_commitments(
    connection: AsyncConnection, org_id: UUID, meetings: list[Row]
) -> dict[UUID, list[Row]]:
    pair_ids = sorted({row["pair_id"] for row in meetings}, key=str)
    if not pair_ids:
        return {}
    parameters = {"org": org_id, "pairs": pair_ids, "status": OPEN}
    found = await connection.execute(OPEN_COMMITMENTS_OF_PAIRS, parameters)
    return by_pair_id(found.mappings())


@app.get("/v1/meetings/{meeting_id}")
async def get_meeting(meeting_id: UUID, request: Request, connection: Transaction) -> Response:
    org_id = request.app.state.org_id
    found = await connection.execute(MEETING_BY_ID, {"org": org_id, "id": meeting_id})
    row = found.mappings().first()
    if row is None:
        return json_answer({"code": "not_found"}, 404)
    return json_answer(render(row, await _open_commitments(connection, org_id, [row])))


@app.get("/v1/meetings")
async def list_meetings(
    request: Request,
    connection: Transaction,
    pair_id: UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    org_id = request.app.state.org_id
    parameters: dict[str, Any] = {"org": org_id, "pair": pair_id, "limit": limit + 1}
    rows: list[Row] = list((await connection.execute(MEETINGS_OF_PAIR, parameters)).mappings())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = cursor(rows[-1])
    open_commitments = await _open_commitments(connection, org_id, rows)
    data = [render(row, open_commitments) for row in rows]
    return json_answer({"data": data, "next_cursor": next_cursor})
