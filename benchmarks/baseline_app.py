"""The benchmark's baseline: FastAPI over a raw asyncpg pool, no ORM, no credentials.

It answers the two requests `rest_api.py` loads with the same JSON bytes and the statements
Rapport's tables compile to (its own columns and output fields, read from the app, so nothing
is restated here; the follow-up's pairs as one array parameter), so the difference in
throughput is what Rapport's layers cost: credentials, the per-request transaction,
SQLAlchemy, the entity mapping and pydantic. Like Rapport, each meeting carries `follow_up`:
the open commitments of its pair made before it started and not made in it (at most 20,
oldest first), read with one query per response: two round trips per request.

It connects as the role the harness serves with (`rapport_app`, row-level security on) and
sets the organization once per pooled connection, which is as little as row-level security
allows: the floor pays for the policies, not for a per-request transaction.

Run by the harness (`harness.serve_baseline`) as
`uvicorn baseline_app:app --app-dir benchmarks --workers 2`; it reads

- `BASELINE_DATABASE_URL`: a `postgresql://` URL of the database Rapport serves;
- `BASELINE_ORG_ID`: the organization whose meetings it returns (it has no credentials);
- `BASELINE_POOL_SIZE`: connections per process (default 10; the shared server's
  max_connections is 100).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from sqlalchemy import ARRAY, Select, String, Uuid, any_, bindparam, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from app.api.schemas.content import CommitmentOut
from app.api.schemas.meetings import MeetingOut
from app.persistence.tables import metadata
from app.services.meeting_views import FOLLOW_UP_LIMIT

tables = metadata.tables

# Rapport's MeetingOut fields, in its order (org_id is selected but not shown), then follow_up.
OUT_COLUMNS = tuple(name for name in MeetingOut.model_fields if name != "follow_up")
COMMITMENT_COLUMNS = tuple(CommitmentOut.model_fields)  # CommitmentOut's fields, in its order


def _compiled(statement: Select[Any]) -> str:
    """A statement as SQLAlchemy renders it for asyncpg (numbered, typed parameters)."""
    return str(statement.compile(dialect=asyncpg_dialect()))  # type: ignore[no-untyped-call]


_MEETINGS, _COMMITMENTS = tables["meetings"], tables["commitments"]
_m, _c = _MEETINGS.c, _COMMITMENTS.c
MEETING_BY_ID = select(_MEETINGS).where(_m.org_id == bindparam("org"), _m.id == bindparam("id"))
MEETINGS_OF_PAIR = (
    select(_MEETINGS)
    .where(_m.org_id == bindparam("org"), _m.pair_id == bindparam("pair"))
    .order_by(_m.starts_at, _m.id)
    .limit(bindparam("limit"))
)
# The open commitments of the meetings' pairs, by pair (Rapport's `open_of_pairs`), with the
# pairs as one array parameter: one statement text, prepared once, whatever the page.
OPEN_COMMITMENTS_OF_PAIRS = (
    select(_COMMITMENTS)
    .where(
        _c.org_id == bindparam("org"),
        _c.pair_id == any_(bindparam("pairs", type_=ARRAY(Uuid()))),
        _c.status == bindparam("status", type_=String()),
    )
    .order_by(_c.created_at, _c.id)
)
GET_MEETING = _compiled(MEETING_BY_ID)
LIST_MEETINGS = _compiled(MEETINGS_OF_PAIR)
SELECT_OPEN_COMMITMENTS = _compiled(OPEN_COMMITMENTS_OF_PAIRS)
OPEN = "open"

Row = Mapping[Any, Any]  # asyncpg's records here, SQLAlchemy's row mappings in layers_app.py

JSON_OPTIONS = orjson.OPT_UTC_Z  # pydantic writes UTC instants with a `Z`


async def _open_commitments(
    connection: asyncpg.Connection, org_id: UUID, meetings: list[asyncpg.Record]
) -> dict[UUID, list[Row]]:
    """The open commitments of the meetings' pairs, by pair (Rapport's `open_of_pairs`)."""
    pair_ids = sorted({row["pair_id"] for row in meetings}, key=str)
    if not pair_ids:
        return {}
    rows = await connection.fetch(SELECT_OPEN_COMMITMENTS, org_id, pair_ids, OPEN)
    return by_pair_id(rows)


def by_pair_id(rows: Iterable[Row]) -> dict[UUID, list[Row]]:
    """Commitments grouped by their pair."""
    by_pair: dict[UUID, list[Row]] = {}
    for row in rows:
        by_pair.setdefault(row["pair_id"], []).append(row)
    return by_pair


def render(row: Row, open_commitments: dict[UUID, list[Row]]) -> dict[str, Any]:
    """A meeting's answer as Rapport writes it, from its row and its pair's open
    commitments."""
    body = {name: row[name] for name in OUT_COLUMNS}
    body["follow_up"] = [
        {name: commitment[name] for name in COMMITMENT_COLUMNS}
        for commitment in open_commitments.get(row["pair_id"], ())
        if commitment["meeting_id"] != row["id"] and commitment["created_at"] < row["starts_at"]
    ][:FOLLOW_UP_LIMIT]
    return body


def cursor(row: Row) -> str:
    """Rapport's opaque cursor: base64url of `["<starts_at isoformat>", "<id>"]`, unpadded."""
    raw = json.dumps([row["starts_at"].isoformat(), str(row["id"])]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def json_answer(body: object, status: int = 200) -> Response:
    # asyncpg's UUID subclass is not one orjson writes natively: `default=str` writes it.
    content = orjson.dumps(body, default=str, option=JSON_OPTIONS)
    return Response(content, status, media_type="application/json")


async def _enter_organization(connection: asyncpg.Connection) -> None:
    """Row-level security confines the app's role to the organization of `rapport.org_id`:
    set once per connection (the floor serves one organization), not per request."""
    await connection.execute(
        "SELECT set_config('rapport.org_id', $1, false)", os.environ["BASELINE_ORG_ID"]
    )


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Return connections to the pool as they are: these handlers change no session state.

    asyncpg's default reset costs a round trip per request (`RESET ALL; UNLISTEN *; ...`),
    which SQLAlchemy's own pool does not pay; skipping it keeps the baseline a fair floor.
    """


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("BASELINE_POOL_SIZE", "10"))
    pool = await asyncpg.create_pool(
        os.environ["BASELINE_DATABASE_URL"],
        min_size=1,
        max_size=size,
        init=_enter_organization,
        reset=_keep_session,
        # Idle connections close soon, so the floor holds no more than Rapport's pool does
        # while Rapport is loaded (the server's max_connections is shared).
        max_inactive_connection_lifetime=1.0,
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
    return json_answer({"status": "ok"})


@app.get("/v1/meetings/{meeting_id}")
async def get_meeting(meeting_id: UUID, request: Request) -> Response:
    state = request.app.state
    async with state.pool.acquire() as connection:
        row = await connection.fetchrow(GET_MEETING, state.org_id, meeting_id)
        if row is None:
            return json_answer({"code": "not_found"}, 404)
        open_commitments = await _open_commitments(connection, state.org_id, [row])
    return json_answer(render(row, open_commitments))


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
            next_cursor = cursor(rows[-1])
        open_commitments = await _open_commitments(connection, state.org_id, rows)
    data = [render(row, open_commitments) for row in rows]
    return json_answer({"data": data, "next_cursor": next_cursor})
