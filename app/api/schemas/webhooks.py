"""Webhook endpoint, delivery and events feed models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from app.api.schemas.common import (
    NOT_NULL,
    Changes,
    Flag,
    Input,
    Output,
    Resource,
    text_rules,
)
from app.domain.access import Scope
from app.domain.events import EventType
from app.domain.webhooks import DeliveryState, DisabledReason

Url = Annotated[str, text_rules(min_length=1, max_length=2000, strip=True)]
Description = Annotated[str, text_rules(max_length=500)]
EventTypes = Annotated[list[EventType], Field(max_length=len(EventType))]


class WebhookEndpointCreate(Input):
    url: Url = Field(
        description="An absolute https URL without credentials, on a host that resolves to"
        " public addresses only (`webhook_url_refused`)."
    )
    event_types: EventTypes | None = Field(
        default=None, description="The types to receive; omitted, null or empty: every type."
    )
    description: Description | None = None
    enabled: Flag = True


class WebhookEndpointUpdate(Changes):
    url: Annotated[Url | None, NOT_NULL] = None
    event_types: EventTypes | None = Field(default=None, description="null or empty: every type.")
    description: Description | None = None
    enabled: Annotated[Flag | None, NOT_NULL] = Field(
        default=None,
        description="true resumes delivery (pending events follow in order), also after a"
        " 410 disabled the endpoint.",
    )


class WebhookEndpointOut(Resource):
    url: str
    event_types: list[EventType] | None = Field(description="null: every type.")
    description: str | None
    scopes: list[Scope] = Field(
        description="What the endpoint may receive: the scopes of the key that created it."
    )
    enabled: bool
    disabled_reason: DisabledReason | None = Field(
        description="by_request (PATCH enabled=false) or gone (the receiver answered 410)."
    )
    failing_since: datetime | None = Field(
        description="Set when a delivery's last attempt failed; cleared by a success."
    )
    previous_secret_expires_at: datetime | None = Field(
        validation_alias="previous_secret_until",
        description="During a rotation, until when deliveries are also signed with the"
        " previous secret.",
    )


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str = Field(description="The signing secret (`whsec_…`), shown this once.")


class WebhookAttemptOut(Output):
    at: datetime
    status_code: int | None = Field(description="null when no answer came (see error).")
    latency_ms: int
    response_body: str | None = Field(description="The first 1,000 characters of the answer.")
    error: str | None = Field(
        description="Why no answer counted: timeout, address_refused, or the connection error."
    )
    next_attempt_at: datetime | None


class WebhookDeliveryOut(Output):
    id: UUID
    endpoint_id: UUID
    event_id: UUID = Field(description="The `webhook-id` of every attempt.")
    state: DeliveryState
    attempts: list[WebhookAttemptOut]
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class EventOut(Output):
    id: UUID = Field(description="Also the `webhook-id` of its deliveries.")
    type: EventType
    occurred_at: datetime
    organization_id: UUID
    data: dict[str, Any] = Field(
        description="The record as REST shows it to the key's scopes (docs/events.md)."
    )
    changed_fields: list[str] = Field(description="For updates: the fields that changed.")


class EventPage(Output):
    data: list[EventOut]
    next_cursor: str = Field(
        description="Where to continue: pass it as `after` (also on the last page, to poll"
        " for newer events; a feed never ends)."
    )
