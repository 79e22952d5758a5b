"""Calendar feeds: a person's 1:1s as an iCalendar subscription (docs/calendar.md)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.api.access import CalendarTokenWrite
from app.api.problems import ApiProblem, exactly_problems, problem_responses
from app.api.rest import calendar_ics
from app.api.rest.entity_tags import matches_weakly
from app.api.runtime import runtime_of
from app.api.schemas.access import CalendarTokenOut
from app.api.schemas.common import NoBody
from app.domain.calendar import looks_like_token
from app.persistence.unit_of_work import unit_of_work
from app.services import calendar as service

router = APIRouter(prefix="/v1", tags=["calendar"])

FEED_PATH = "/calendar/{token}.ics"
FEED_OPERATION = "calendar-feed"
# Each read is answered afresh or confirmed with 304; no shared cache keeps a feed whose
# URL is a credential.
FEED_CACHING = "private, no-cache"


@router.post(
    "/people/{person_id}/calendar-token",
    operation_id="people-calendar-token-create",
    status_code=200,
    response_model=CalendarTokenOut,
    responses=problem_responses("not_found", "not_yourself", "person_deactivated"),
)
async def create_calendar_token(
    person_id: UUID, ctx: CalendarTokenWrite, request: Request, _body: NoBody = None
) -> Response:
    """Mint the person's calendar feed token and its URL (200: shown once, stored as a
    digest). An earlier token stops working. The person's own token, or an admin key."""
    token = await service.mint_token(ctx, person_id)
    url = str(request.base_url).rstrip("/") + "/v1" + FEED_PATH.format(token=token)
    out = CalendarTokenOut(token=token, url=url)
    return Response(
        out.model_dump_json(), media_type="application/json", headers={"Cache-Control": "no-store"}
    )


@router.delete(
    "/people/{person_id}/calendar-token",
    operation_id="people-calendar-token-revoke",
    status_code=204,
    responses=problem_responses("not_found", "not_yourself"),
)
async def revoke_calendar_token(
    person_id: UUID, ctx: CalendarTokenWrite, _body: NoBody = None
) -> Response:
    """Revoke the person's calendar feed token: the feed answers 404 from now on (204 also
    when there was none). The person's own token, or an admin key."""
    await service.revoke_token(ctx, person_id)
    return Response(status_code=204)


@router.get(
    FEED_PATH,
    operation_id=FEED_OPERATION,
    response_class=Response,
    openapi_extra={"security": []},
    responses={
        200: {
            "description": "The feed (RFC 5545), with a strong `ETag`.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        304: {"description": "Not modified: `If-None-Match` names the current `ETag`."},
        **exactly_problems(
            "not_found", "validation_error", "internal_error", "database_unavailable"
        ),
    },
)
async def calendar_feed(
    request: Request,
    token: Annotated[str, Path(description="The token from POST …/calendar-token.")],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A person's 1:1s from 30 days ago to 180 days ahead, for calendar applications. No
    Authorization header: the token in the URL is the credential (unknown, replaced or
    revoked: 404)."""
    feed = None
    runtime = runtime_of(request)
    now = runtime.clock()
    if looks_like_token(token):
        async with unit_of_work(runtime.engine, write=False) as uow:
            feed = await service.read_feed(uow, token, now)
    if feed is None:
        raise ApiProblem("not_found", "No calendar feed has this URL (unknown or revoked).")
    # Rendering a large feed takes CPU time (icalendar builds and folds every line in
    # Python): off the event loop, so other requests are not held up meanwhile.
    body = await run_in_threadpool(calendar_ics.render, feed)
    tag = calendar_ics.entity_tag(body)
    headers = {"ETag": tag, "Cache-Control": FEED_CACHING}
    if matches_weakly(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    if (line := service.key_read(feed, FEED_OPERATION, now)) is not None:
        runtime.read_audit.add(line)
    return Response(body, media_type=calendar_ics.MEDIA_TYPE, headers=headers)
