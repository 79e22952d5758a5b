"""The events feed: the events webhooks carry, for integrations that poll."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.access import WebhooksRead
from app.api.problems import problem_responses
from app.api.schemas.webhooks import EventPage
from app.domain.events import EventType
from app.domain.paging import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT
from app.services.events_feed import read_feed

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get(
    "",
    operation_id="events-list",
    response_model=EventPage,
    responses=problem_responses("service_key_only", "invalid_cursor"),
)
async def list_events(
    ctx: WebhooksRead,
    after: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="`next_cursor` of the previous page; omitted: from"
            " the oldest event kept (30 days).",
        ),
    ] = None,
    types: Annotated[
        list[EventType] | None,
        Query(description="Only these types (repeat the parameter for several)."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Events per page (1-{MAX_LIMIT}).")
    ] = (DEFAULT_LIMIT),
) -> Response:
    """The organization's events, oldest first, as webhooks carry them to an endpoint this
    key created. The last page also has a `next_cursor`: poll with it for newer events."""
    page = await read_feed(ctx, after, types or [], limit)
    # The events exactly as webhooks carry them (EventPage documents their shape).
    body = {"data": page.events, "next_cursor": page.next_cursor}
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")
