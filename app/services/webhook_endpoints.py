"""Webhook endpoints: where an organization's events are sent, and what each may receive.

An endpoint receives what the service key that created it may read (its scopes, fixed at
creation): an event whose record needs a scope the key lacked is not sent to it, and content
beside a record is left out without content:read (app.domain.events.visible_to).

Rapport posts to these URLs from inside its network, so a URL must be https on a public
address (server-side request forgery): every address its host resolves to is checked, when
the endpoint is saved and again before each delivery. Development and tests allow http and
private or loopback addresses (RAPPORT_WEBHOOKS_ALLOW_PRIVATE)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from app.domain.errors import InvalidInput, NotFound, StateConflict
from app.domain.events import EventType
from app.domain.paging import Page, PageRequest
from app.domain.sign_in import is_global_ip
from app.domain.webhooks import Delivery, DeliveryState, DisabledReason, WebhookEndpoint, new_secret
from app.services.context import ServiceContext, new_id

MAX_URL_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    allow_private: bool


async def check_url(url: str, policy: UrlPolicy) -> None:
    """https on a host whose every address is public (see the module)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _bad_url("must be an absolute https URL.")
    if parts.scheme != "https" and not policy.allow_private:
        raise _bad_url("must use https.")
    if parts.username is not None or parts.password is not None:
        raise _bad_url("must not carry credentials; authenticate with the signature instead.")
    if policy.allow_private:
        return
    if not all(is_global_ip(address) for address in await resolve(parts.hostname)):
        raise _bad_url("must name a public host, not a private, loopback or reserved address.")


async def resolve(host: str) -> set[str]:
    """Every address the host resolves to (an IP literal is its own)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except (OSError, UnicodeError) as error:
        raise _bad_url("names a host that does not resolve.") from error
    return {str(info[4][0]) for info in infos}


def _bad_url(why: str) -> InvalidInput:
    return InvalidInput(f"url {why}", code="webhook_url_refused", field="url")


async def create_endpoint(
    ctx: ServiceContext,
    policy: UrlPolicy,
    *,
    url: str,
    event_types: list[EventType] | None,
    description: str | None,
    enabled: bool,
) -> WebhookEndpoint:
    """The secret is in the returned endpoint; it is shown this once."""
    await check_url(url, policy)
    endpoint = WebhookEndpoint(
        id=new_id(),
        org_id=ctx.org_id,
        url=url,
        description=description,
        event_types=_types(event_types),
        scopes=ctx.caller.scopes,
        enabled=enabled,
        disabled_reason=None if enabled else DisabledReason.BY_REQUEST,
        failing_since=None,
        secret=new_secret(),
        previous_secret=None,
        previous_secret_until=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.webhook_endpoints.add(endpoint)
    return endpoint


def _types(event_types: list[EventType] | None) -> list[EventType] | None:
    """None (or an empty list): every type; else each once, in the catalog's order."""
    if not event_types:
        return None
    return [t for t in EventType if t in set(event_types)]


async def endpoint(ctx: ServiceContext, endpoint_id: UUID) -> WebhookEndpoint:
    found = await ctx.uow.webhook_endpoints.get(ctx.org_id, endpoint_id)
    if found is None:
        raise NotFound("webhook endpoint", endpoint_id)
    return found


async def list_endpoints(ctx: ServiceContext, request: PageRequest) -> Page[WebhookEndpoint]:
    return await ctx.uow.webhook_endpoints.list_page(ctx.org_id, request)


async def update_endpoint(
    ctx: ServiceContext, policy: UrlPolicy, endpoint_id: UUID, changes: dict[str, Any]
) -> WebhookEndpoint:
    """Enabling an endpoint again (after a 410 or a pause) resumes its pending deliveries
    in order; disabling it keeps them until then."""
    found = await endpoint(ctx, endpoint_id)
    if "url" in changes:
        await check_url(changes["url"], policy)
        found.url = changes["url"]
    if "description" in changes:
        found.description = changes["description"]
    if "event_types" in changes:
        found.event_types = _types(changes["event_types"])
    if "enabled" in changes and changes["enabled"] != found.enabled:
        found.enabled = changes["enabled"]
        found.disabled_reason = None if found.enabled else DisabledReason.BY_REQUEST
        found.failing_since = None
    found.updated_at = ctx.now
    await ctx.uow.webhook_endpoints.save(found)
    return found


async def delete_endpoint(ctx: ServiceContext, endpoint_id: UUID) -> None:
    """The endpoint, its pending deliveries and its delivery log."""
    await endpoint(ctx, endpoint_id)
    await ctx.uow.webhook_endpoints.delete(ctx.org_id, endpoint_id)


async def rotate_secret(ctx: ServiceContext, endpoint_id: UUID) -> WebhookEndpoint:
    """A new secret (shown this once); for 24 hours deliveries carry a signature by each."""
    found = await endpoint(ctx, endpoint_id)
    found.rotate(ctx.now)
    await ctx.uow.webhook_endpoints.save(found)
    return found


async def deliveries(
    ctx: ServiceContext, endpoint_id: UUID, request: PageRequest
) -> tuple[Page[Delivery], dict[UUID, list[Any]]]:
    """The endpoint's deliveries, newest first, each with its attempts."""
    await endpoint(ctx, endpoint_id)
    page = await ctx.uow.webhook_deliveries.list_for_endpoint(ctx.org_id, endpoint_id, request)
    attempts: dict[UUID, list[Any]] = {d.id: [] for d in page.items}
    for attempt in await ctx.uow.webhook_deliveries.attempts_of(ctx.org_id, list(attempts)):
        attempts[attempt.delivery_id].append(attempt)
    return page, attempts


async def redeliver(ctx: ServiceContext, delivery_id: UUID) -> Delivery:
    """The same event to the same endpoint again, with the same `webhook-id`, as a new
    delivery (queued behind nothing older: in the event's place in the endpoint's order)."""
    original = await ctx.uow.webhook_deliveries.get(ctx.org_id, delivery_id)
    if original is None:
        raise NotFound("webhook delivery", delivery_id)
    target = await endpoint(ctx, original.endpoint_id)
    if not target.enabled:
        raise StateConflict(
            "This delivery's endpoint is disabled; enable it (PATCH enabled=true) first.",
            code="webhook_endpoint_disabled",
        )
    again = Delivery(
        id=new_id(),
        org_id=ctx.org_id,
        endpoint_id=original.endpoint_id,
        event_id=original.event_id,
        seq=original.seq,
        state=DeliveryState.PENDING,
        attempts=0,
        next_attempt_at=ctx.now,
        last_status_code=None,
        delivered_at=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.webhook_deliveries.add(again)
    return again
