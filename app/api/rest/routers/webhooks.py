"""Webhook endpoints: where events are posted, signed per Standard Webhooks, and the log
of each delivery (docs/events.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import WebhooksRead, WebhooksWrite
from app.api.problems import problem_responses
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many, one
from app.api.runtime import runtime_of
from app.api.schemas.common import NoBody, PageOut
from app.api.schemas.webhooks import (
    WebhookAttemptOut,
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
)
from app.domain.paging import Page
from app.domain.webhooks import Attempt, Delivery
from app.services import webhook_endpoints as service

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["events"])
deliveries_router = APIRouter(prefix="/v1/webhook-deliveries", tags=["events"])


@router.post(
    "",
    operation_id="webhook-endpoints-create",
    status_code=201,
    response_model=WebhookEndpointCreated,
    responses={
        **problem_responses("service_key_only", "webhook_url_refused"),
        **links(
            201,
            GetEndpoint=to("webhook-endpoints-get", endpoint_id=CREATED_ID),
            UpdateEndpoint=to("webhook-endpoints-update", endpoint_id=CREATED_ID),
            ListDeliveries=to("webhook-endpoints-deliveries", endpoint_id=CREATED_ID),
        ),
    },
)
async def create_endpoint(
    body: WebhookEndpointCreate, ctx: WebhooksWrite, request: Request
) -> Response:
    """Subscribe a URL to events; it receives what this key may read. The signing secret
    is in this response only."""
    endpoint = await service.create_endpoint(
        ctx, runtime_of(request).webhook_urls, **body.model_dump()
    )
    return one(
        WebhookEndpointCreated,
        endpoint,
        status=201,
        location=f"/v1/webhook-endpoints/{endpoint.id}",
    )


@router.get(
    "",
    operation_id="webhook-endpoints-list",
    response_model=PageOut[WebhookEndpointOut],
    responses=problem_responses("service_key_only", "invalid_cursor"),
)
async def list_endpoints(ctx: WebhooksRead, paging: Paging) -> Response:
    """Endpoints of the organization (never their secrets), oldest first."""
    return many(WebhookEndpointOut, await service.list_endpoints(ctx, paging))


@router.get(
    "/{endpoint_id}",
    operation_id="webhook-endpoints-get",
    response_model=WebhookEndpointOut,
    responses=problem_responses("service_key_only", "not_found"),
)
async def get_endpoint(endpoint_id: UUID, ctx: WebhooksRead) -> Response:
    """One endpoint."""
    return one(WebhookEndpointOut, await service.endpoint(ctx, endpoint_id))


@router.patch(
    "/{endpoint_id}",
    operation_id="webhook-endpoints-update",
    response_model=WebhookEndpointOut,
    responses=problem_responses(
        "nothing_to_change", "service_key_only", "not_found", "null_field", "webhook_url_refused"
    ),
)
async def update_endpoint(
    endpoint_id: UUID, body: WebhookEndpointUpdate, ctx: WebhooksWrite, request: Request
) -> Response:
    """Change the URL, the event types or the description; disable or enable again."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    updated = await service.update_endpoint(
        ctx, runtime_of(request).webhook_urls, endpoint_id, changes
    )
    return one(WebhookEndpointOut, updated)


@router.delete(
    "/{endpoint_id}",
    operation_id="webhook-endpoints-delete",
    status_code=204,
    responses=problem_responses("service_key_only", "not_found"),
)
async def delete_endpoint(endpoint_id: UUID, ctx: WebhooksWrite, _body: NoBody = None) -> Response:
    """Remove an endpoint, its pending deliveries and its delivery log."""
    await service.delete_endpoint(ctx, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/rotate-secret",
    operation_id="webhook-endpoints-rotate-secret",
    response_model=WebhookEndpointCreated,
    responses=problem_responses("service_key_only", "not_found"),
)
async def rotate_secret(endpoint_id: UUID, ctx: WebhooksWrite, _body: NoBody = None) -> Response:
    """A new signing secret, shown this once; for 24 hours every delivery carries a
    signature by the new secret and one by the previous one."""
    return one(WebhookEndpointCreated, await service.rotate_secret(ctx, endpoint_id))


@router.get(
    "/{endpoint_id}/deliveries",
    operation_id="webhook-endpoints-deliveries",
    response_model=PageOut[WebhookDeliveryOut],
    responses=problem_responses("service_key_only", "not_found", "invalid_cursor"),
)
async def list_deliveries(endpoint_id: UUID, ctx: WebhooksRead, paging: Paging) -> Response:
    """The endpoint's deliveries of the last 30 days, newest first (sort key
    `created_at`, then `id`), each with its attempts."""
    page, attempts = await service.deliveries(ctx, endpoint_id, paging)
    return many(WebhookDeliveryOut, _with_attempts(page, attempts))


def _with_attempts(page: Page[Delivery], attempts: dict[UUID, list[Attempt]]) -> Page[Any]:
    return Page(
        [
            WebhookDeliveryOut(
                id=d.id,
                endpoint_id=d.endpoint_id,
                event_id=d.event_id,
                state=d.state,
                attempts=[WebhookAttemptOut.model_validate(a) for a in attempts[d.id]],
                next_attempt_at=d.next_attempt_at,
                delivered_at=d.delivered_at,
                created_at=d.created_at,
            )
            for d in page.items
        ],
        page.next_cursor,
    )


@deliveries_router.post(
    "/{delivery_id}/redeliver",
    operation_id="webhook-deliveries-redeliver",
    status_code=202,
    response_model=WebhookDeliveryOut,
    responses=problem_responses("service_key_only", "not_found", "webhook_endpoint_disabled"),
)
async def redeliver(
    delivery_id: UUID, ctx: WebhooksWrite, request: Request, _body: NoBody = None
) -> Response:
    """Send the delivery's event to its endpoint again, with the same `webhook-id`, as a
    new delivery (answered at once; the worker sends it)."""
    again = await service.redeliver(ctx, delivery_id)
    runtime_of(request).webhooks.wake()
    body = _with_attempts(Page([again], None), {again.id: []}).items[0]
    return Response(body.model_dump_json(), status_code=202, media_type="application/json")
