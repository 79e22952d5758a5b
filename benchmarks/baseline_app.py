"""The benchmark's baseline: FastAPI over a raw asyncpg pool, no ORM, no credentials.

It answers the two requests `rest_api.py` loads with the same SQL Rapport sends (as SQLAlchemy
renders it for asyncpg) and the same JSON bytes, so the difference in throughput is what
Rapport's layers cost: credentials, the per-request transaction, SQLAlchemy, the entity
mapping and pydantic. Like Rapport, each meeting carries `follow_up`: the open commitments of
its pair made before it started and not made in it, read with one query per response.

Run by `rest_api.py` as `uvicorn baseline_app:app --app-dir benchmarks --workers 2`; it reads

- `BASELINE_DATABASE_URL`: a `postgresql://` URL of the database Rapport serves;
- `BASELINE_ORG_ID`: the organization whose meetings it returns (it has no credentials);
- `BASELINE_POOL_SIZE`: connections per process (default 20, Rapport's 10 plus 10 overflow).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

# Rapport's MeetingOut fields, in its order (org_id is selected but not shown), then follow_up.
OUT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "pair_id",
    "starts_at",
    "duration_minutes",
    "status",
    "reschedule_count",
    "original_starts_at",
    "canceled_at",
    "canceled_by_id",
    "cancel_reason",
    "completed_at",
    "actual_minutes",
)

# CommitmentOut's fields, in its order.
COMMITMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "pair_id",
    "meeting_id",
    "owner_id",
    "title",
    "due_on",
    "status",
    "completed_at",
)

# The statements exactly as SQLAlchemy compiles them for Rapport (select(table) + where).
SELECT_MEETINGS = (
    "SELECT meetings.id, meetings.org_id, meetings.pair_id, meetings.starts_at,"
    " meetings.duration_minutes, meetings.status, meetings.reschedule_count,"
    " meetings.original_starts_at, meetings.canceled_at, meetings.canceled_by_id,"
    " meetings.cancel_reason, meetings.completed_at, meetings.actual_minutes,"
    " meetings.created_at, meetings.updated_at \nFROM meetings \n"
)
GET_MEETING = SELECT_MEETINGS + "WHERE meetings.org_id = $1::UUID AND meetings.id = $2::UUID"
LIST_MEETINGS = (
    SELECT_MEETINGS
    + "WHERE meetings.org_id = $1::UUID AND meetings.pair_id = $2::UUID"
    + " ORDER BY meetings.starts_at, meetings.id \n LIMIT $3::INTEGER"
)

SELECT_OPEN_COMMITMENTS = (
    "SELECT commitments.id, commitments.org_id, commitments.pair_id, commitments.meeting_id,"
    " commitments.owner_id, commitments.title, commitments.due_on, commitments.status,"
    " commitments.completed_at, commitments.created_at, commitments.updated_at \n"
    "FROM commitments \nWHERE commitments.org_id = $1::UUID AND commitments.pair_id IN ({pairs})"
    " AND commitments.status = $2::VARCHAR ORDER BY commitments.created_at, commitments.id"
)
OPEN = "open"

JSON_OPTIONS = orjson.OPT_UTC_Z  # pydantic writes UTC instants with a `Z`


async def _open_commitments(
    connection: asyncpg.Connection, org_id: UUID, meetings: list[asyncpg.Record]
) -> dict[UUID, list[asyncpg.Record]]:
    """The open commitments of the meetings' pairs, by pair (Rapport's `open_of_pairs`)."""
    pair_ids = sorted({row["pair_id"] for row in meetings}, key=str)
    if not pair_ids:
        return {}
    pairs = ", ".join(f"${number}::UUID" for number in range(3, 3 + len(pair_ids)))
    rows = await connection.fetch(
        SELECT_OPEN_COMMITMENTS.format(pairs=pairs), org_id, OPEN, *pair_ids
    )
    by_pair: dict[UUID, list[asyncpg.Record]] = {}
    for row in rows:
        by_pair.setdefault(row["pair_id"], []).append(row)
    return by_pair


def _render(
    row: asyncpg.Record, open_commitments: dict[UUID, list[asyncpg.Record]]
) -> dict[str, Any]:
    body = {name: row[name] for name in OUT_COLUMNS}
    body["follow_up"] = [
        {name: commitment[name] for name in COMMITMENT_COLUMNS}
        for commitment in open_commitments.get(row["pair_id"], ())
        if commitment["meeting_id"] != row["id"] and commitment["created_at"] < row["starts_at"]
    ]
    return body


def _cursor(row: asyncpg.Record) -> str:
    """Rapport's opaque cursor: base64url of `["<starts_at isoformat>", "<id>"]`, unpadded."""
    raw = json.dumps([row["starts_at"].isoformat(), str(row["id"])]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _json(body: object, status: int = 200) -> Response:
    # asyncpg's UUID subclass is not one orjson writes natively: `default=str` writes it.
    content = orjson.dumps(body, default=str, option=JSON_OPTIONS)
    return Response(content, status, media_type="application/json")


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Return connections to the pool as they are: these handlers change no session state.

    asyncpg's default reset costs a round trip per request (`RESET ALL; UNLISTEN *; ...`),
    which SQLAlchemy's own pool does not pay; skipping it keeps the baseline a fair floor.
    """


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("BASELINE_POOL_SIZE", "20"))
    pool = await asyncpg.create_pool(
        os.environ["BASELINE_DATABASE_URL"], min_size=1, max_size=size, reset=_keep_session
    )
    app.state.pool = pool
    app.state.org_id = UUID(os.environ["BASELINE_ORG_ID"])
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(title="Rapport benchmark baseline", lifespan=lifespan)


@app.get("/healthz")
async def health() -> Response:
    return _json({"status": "ok"})


@app.get("/v1/meetings/{meeting_id}")
async def get_meeting(meeting_id: UUID, request: Request) -> Response:
    state = request.app.state
    async with state.pool.acquire() as connection:
        row = await connection.fetchrow(GET_MEETING, state.org_id, meeting_id)
        if row is None:
            return _json({"code": "not_found"}, 404)
        open_commitments = await _open_commitments(connection, state.org_id, [row])
    return _json(_render(row, open_commitments))


@app.get("/v1/meetings")
async def list_meetings(
    request: Request,
    pair_id: UUID,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    state = request.app.state
    async with state.pool.acquire() as connection:
        rows = await connection.fetch(LIST_MEETINGS, state.org_id, pair_id, limit + 1)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = _cursor(rows[-1])
        open_commitments = await _open_commitments(connection, state.org_id, rows)
    data = [_render(row, open_commitments) for row in rows]
    return _json({"data": data, "next_cursor": next_cursor})
