"""The shared agenda of a meeting."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import ContentRead, ContentWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, versioned, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many
from app.api.schemas.common import NoBody, PageOut
from app.api.schemas.content import (
    AgendaItemCreate,
    AgendaItemOut,
    AgendaItemUpdate,
    AgendaOrder,
    ApplyTemplate,
)
from app.domain.paging import Page
from app.services import agenda as service

router = APIRouter(prefix="/v1", tags=["agenda"])


@router.post(
    "/meetings/{meeting_id}/agenda-items",
    operation_id="agenda-items-create",
    status_code=201,
    response_model=AgendaItemOut,
    responses=with_etag(
        {
            **problem_responses("not_yourself", "not_found", "meeting_closed", "not_a_participant"),
            **links(
                201,
                UpdateItem=to("agenda-items-update", item_id=CREATED_ID),
                DeleteItem=to("agenda-items-delete", item_id=CREATED_ID),
            ),
        },
        201,
    ),
)
async def add_item(meeting_id: UUID, body: AgendaItemCreate, ctx: ContentWrite) -> Response:
    """Add a topic to a scheduled meeting; either of the two people can."""
    item = await service.add_item(ctx, meeting_id, **body.model_dump())
    return versioned(AgendaItemOut, item, status=201, location=f"/v1/agenda-items/{item.id}")


@router.get(
    "/meetings/{meeting_id}/agenda-items",
    operation_id="agenda-items-list",
    response_model=PageOut[AgendaItemOut],
    responses=problem_responses("not_found", "invalid_cursor"),
)
async def list_items(meeting_id: UUID, ctx: ContentRead, paging: Paging) -> Response:
    """The meeting's agenda in order (sort key `position`, then `id`)."""
    return many(AgendaItemOut, await service.list_items(ctx, meeting_id, paging))


@router.put(
    "/meetings/{meeting_id}/agenda-items/order",
    operation_id="agenda-items-reorder",
    response_model=PageOut[AgendaItemOut],
    responses=problem_responses("not_found", "meeting_closed", "invalid_order"),
)
async def reorder_items(meeting_id: UUID, body: AgendaOrder, ctx: ContentWrite) -> Response:
    """Put every item of the meeting in a new order; returns the whole agenda."""
    items = await service.reorder_items(ctx, meeting_id, body.item_ids)
    return many(AgendaItemOut, Page(items, None))


@router.post(
    "/meetings/{meeting_id}/apply-template",
    operation_id="agenda-items-apply-template",
    status_code=201,
    response_model=PageOut[AgendaItemOut],
    responses=problem_responses(
        "not_yourself",
        "not_found",
        "meeting_closed",
        "not_a_participant",
        "unknown_reference",
        "no_default_template",
    ),
)
async def apply_template(meeting_id: UUID, body: ApplyTemplate, ctx: ContentWrite) -> Response:
    """Append one item per section of a template (default: the organization's default)."""
    items = await service.apply_template(ctx, meeting_id, **body.model_dump())
    response = many(AgendaItemOut, Page(items, None))
    response.status_code = 201
    response.headers["Location"] = f"/v1/meetings/{meeting_id}/agenda-items"
    return response


@router.patch(
    "/agenda-items/{item_id}",
    operation_id="agenda-items-update",
    response_model=AgendaItemOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "not_found",
            "meeting_closed",
            "null_field",
            "state_not_settable",
            "precondition_failed",
            "precondition_required",
        )
    ),
)
async def update_item(
    item_id: UUID, body: AgendaItemUpdate, ctx: ContentWrite, expected: IfMatch
) -> Response:
    """Edit an item of a scheduled meeting."""
    changes = body.model_dump(exclude_unset=True)
    return versioned(AgendaItemOut, await service.update_item(ctx, item_id, changes, expected))


@router.delete(
    "/agenda-items/{item_id}",
    operation_id="agenda-items-delete",
    status_code=204,
    responses=problem_responses("not_found", "meeting_closed", "precondition_failed"),
)
async def delete_item(
    item_id: UUID, ctx: ContentWrite, expected: IfMatch, _body: NoBody = None
) -> Response:
    """Remove an item from a scheduled meeting."""
    await service.delete_item(ctx, item_id, expected)
    return Response(status_code=204)
