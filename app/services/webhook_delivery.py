"""The delivery worker: sends queued events to webhook endpoints per the Standard Webhooks
specification, one task per process, started and stopped with the app.

Every replica runs one; they share the queue in the database (claims skip what another
worker is claiming and lease what they take, app.persistence.repositories.webhooks), so
an event is never sent by two workers at once and each endpoint gets its events in order:
a worker claims an endpoint's first pending deliveries together and sends them one after
the other, stopping at the first that fails.
A request that wrote events rings the worker of its process; events of other replicas are
found by polling every POLL_SECONDS. Stopping lets the deliveries in flight finish.
Delivery logs and events older than 30 days are purged by the worker, hourly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import groupby
from operator import attrgetter
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks.webhooks import Webhook

from app import measurements
from app.domain.clock import Clock
from app.domain.errors import InvalidInput
from app.domain.events import Event, visible_to
from app.domain.webhooks import (
    RETENTION,
    Attempt,
    Delivery,
    DeliveryState,
    DisabledReason,
    Outcome,
    WebhookEndpoint,
    next_attempt_at,
    outcome_of,
)
from app.persistence.availability import DatabaseUnavailable
from app.persistence.repositories.webhooks import Claimed
from app.persistence.unit_of_work import unit_of_work
from app.services.context import new_id
from app.services.webhook_endpoints import UrlPolicy, check_url

logger = logging.getLogger("rapport.webhooks")

WORKER = "webhook-delivery"  # the name of the worker's tasks
TIMEOUT_SECONDS = 10.0
LEASE = timedelta(seconds=30)  # longer than one attempt; a dead worker's claim expires
POLL_SECONDS = 1.0
CLAIM_GAP_SECONDS = 0.02  # between two claims of one worker, however often it is woken
IN_FLIGHT = 16  # endpoints served at once
BATCH = 50  # deliveries of one endpoint claimed at once (sent one after the other)
PURGE_EVERY = timedelta(hours=1)
BACKLOG_EVERY = timedelta(seconds=15)
RESPONSE_BODY_CHARS = 1000
USER_AGENT = "Rapport-Webhooks/1"


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int | None
    body: str | None
    error: str | None
    retry_after: timedelta | None
    latency_ms: int


class WebhookWorker:
    """The process's delivery worker."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        urls: UrlPolicy,
        *,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._urls = urls
        self._timeout = timeout_seconds
        self._doorbell = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._purged_at: datetime | None = None
        self._counted_at: datetime | None = None
        self._client: httpx.AsyncClient | None = None

    def wake(self) -> None:
        """New events were committed: look for work now."""
        self._doorbell.set()

    def start(self) -> None:
        self._stopping = False
        self._client = httpx.AsyncClient(
            follow_redirects=False, timeout=self._timeout, headers={"user-agent": USER_AGENT}
        )
        self._task = asyncio.create_task(self._run(), name=WORKER)

    async def stop(self) -> None:
        """Claim nothing more; wait for the deliveries in flight (each ends within its
        timeout), so none is cut off half-recorded."""
        self._stopping = True
        self._doorbell.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def idle(self) -> bool:
        return not self._in_flight

    async def _run(self) -> None:
        claimed_at = -math.inf
        while not self._stopping:
            # Commits ring the doorbell one by one; claims gather what a short while brought.
            await asyncio.sleep(max(0.0, claimed_at + CLAIM_GAP_SECONDS - time.monotonic()))
            self._doorbell.clear()
            claimed_at = time.monotonic()
            batches = await self._claim_safely()
            for batch in batches:
                task = asyncio.create_task(self._deliver(batch), name=WORKER)
                self._in_flight.add(task)
                task.add_done_callback(self._finished)
            if batches and len(self._in_flight) < IN_FLIGHT:
                continue  # there may be more due right away
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._doorbell.wait(), POLL_SECONDS)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._doorbell.set()  # its endpoint's next events may be due now

    async def _claim_safely(self) -> list[list[Claimed]]:
        """Leased deliveries, a batch per endpoint (oldest first)."""
        room = IN_FLIGHT - len(self._in_flight)
        if room <= 0:
            return []
        try:
            await self._purge_now_and_then()
            await self._count_backlog_now_and_then()
            now = self._clock()
            async with unit_of_work(self._engine, write=True) as uow:
                claimed = await uow.webhook_deliveries.claim(now, now + LEASE, room, BATCH)
        except DatabaseUnavailable:
            return []  # logged by app.persistence.availability; the next poll retries
        except Exception as error:
            logger.error("webhook worker could not claim deliveries (%s)", type(error).__name__)
            return []
        return [list(batch) for _, batch in groupby(claimed, key=attrgetter("endpoint_id"))]

    async def _count_backlog_now_and_then(self) -> None:
        """The backlog for /metrics, counted at most every BACKLOG_EVERY."""
        now = self._clock()
        if self._counted_at is not None and now - self._counted_at < BACKLOG_EVERY:
            return
        async with unit_of_work(self._engine, write=False) as uow:
            pending, oldest = await uow.webhook_deliveries.pending_overall()
        measurements.WEBHOOK_PENDING.set(pending)
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        measurements.WEBHOOK_OLDEST_PENDING.set(max(0.0, age))
        self._counted_at = now

    async def _purge_now_and_then(self) -> None:
        now = self._clock()
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        async with unit_of_work(self._engine, write=True) as uow:
            await uow.events.purge(now - RETENTION)
        self._purged_at = now

    async def _deliver(self, batch: list[Claimed]) -> None:
        """One endpoint's deliveries, in order, one at a time; the first that fails (to be
        retried later) ends the batch. The outcomes are recorded together, with the leases
        of the rest given up, in one transaction once the batch ends: a worker that dies
        before recording leaves the leases to expire, and those events are sent again with
        the same `webhook-id` (at least once, as the specification allows)."""
        org_id = batch[0].org_id
        unsent = [claimed.delivery_id for claimed in batch]
        try:
            loaded = await self._load(org_id, batch[0].endpoint_id, unsent)
            if loaded is None:
                return
            endpoint, queue = loaded
            sent: list[Sent] = []
            for delivery, event in queue:
                if self._stopping or (delivery.next_attempt_at or self._clock()) > self._clock():
                    break
                response = await self._send(endpoint, event)
                unsent.remove(delivery.id)
                sent.append(_judged(delivery, event, response, self._clock()))
                if sent[-1].outcome is not Outcome.SUCCEEDED:
                    break
            await self._record(endpoint, sent, unsent)
        except DatabaseUnavailable:
            return  # the leases expire and the deliveries are tried again
        except Exception as error:
            logger.error(
                "webhook deliveries to endpoint %s failed unexpectedly (%s)",
                batch[0].endpoint_id,
                type(error).__name__,
            )

    async def _load(
        self, org_id: UUID, endpoint_id: UUID, delivery_ids: list[UUID]
    ) -> tuple[WebhookEndpoint, list[tuple[Delivery, Event]]] | None:
        """The endpoint and its pending deliveries of the batch with their events, in order."""
        async with unit_of_work(self._engine, write=False) as uow:
            await uow.enter_organization(org_id)
            endpoint = await uow.webhook_endpoints.get(org_id, endpoint_id)
            deliveries = await uow.webhook_deliveries.by_ids(org_id, delivery_ids)
            stored = await uow.events.by_ids(org_id, [d.event_id for d in deliveries])
        if endpoint is None:
            return None
        pending = sorted(
            (d for d in deliveries if d.state is DeliveryState.PENDING and d.event_id in stored),
            key=lambda d: (d.seq, str(d.id)),
        )
        return endpoint, [(d, stored[d.event_id].event) for d in pending]

    async def _send(self, endpoint: WebhookEndpoint, event: Event) -> Response:
        started = time.monotonic()

        def failed(error: str) -> Response:
            return Response(None, None, error, None, _since(started))

        body = visible_to(event, endpoint.scopes)
        if body is None:
            return failed("not_visible")
        try:
            await check_url(endpoint.url, self._urls)
        except InvalidInput:
            return failed("address_refused")
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        headers = signed_headers(endpoint, event.id, payload, self._clock())
        if self._client is None:
            return failed("stopped")
        try:
            answer = await self._client.post(endpoint.url, content=payload, headers=headers)
        except httpx.TimeoutException:
            return failed("timeout")
        except httpx.HTTPError as error:
            return failed(type(error).__name__)
        return Response(
            answer.status_code,
            answer.text[:RESPONSE_BODY_CHARS],
            None,
            _retry_after(answer.headers.get("retry-after"), self._clock()),
            _since(started),
        )

    async def _record(
        self, endpoint: WebhookEndpoint, sent: list[Sent], unsent: list[UUID]
    ) -> None:
        """The batch's attempts and its deliveries' new states, the endpoint's if its last
        outcome changes it, and the leases of what was not sent given up: one transaction."""
        now = self._clock()
        changed = bool(sent) and _endpoint_after(endpoint, sent[-1].outcome, now)
        async with unit_of_work(self._engine, write=True) as uow:
            await uow.enter_organization(endpoint.org_id)
            await uow.webhook_deliveries.save_many([s.delivery for s in sent])
            await uow.webhook_deliveries.add_attempts([s.attempt for s in sent])
            if changed:
                await uow.webhook_endpoints.save(endpoint)
            await uow.webhook_deliveries.release(endpoint.org_id, unsent)
        for one in sent:
            _measure(one)


@dataclass(frozen=True, slots=True)
class Sent:
    """One delivery sent: its outcome, the delivery as it is now and the attempt made."""

    delivery: Delivery
    event: Event
    outcome: Outcome
    attempt: Attempt


def _judged(delivery: Delivery, event: Event, response: Response, now: datetime) -> Sent:
    """What a response means for its delivery (attempts counted, state, next attempt)."""
    delivery.attempts += 1
    outcome = outcome_of(response.status_code, delivery.attempts)
    retry_at = (
        next_attempt_at(now, delivery.attempts, response.retry_after)
        if outcome is Outcome.RETRY
        else None
    )
    delivery.state = {
        Outcome.SUCCEEDED: DeliveryState.SUCCEEDED,
        Outcome.RETRY: DeliveryState.PENDING,
    }.get(outcome, DeliveryState.FAILED)
    delivery.next_attempt_at = retry_at
    delivery.last_status_code = response.status_code
    delivery.delivered_at = now if outcome is Outcome.SUCCEEDED else None
    delivery.updated_at = now
    attempt = Attempt(
        id=new_id(),
        org_id=delivery.org_id,
        delivery_id=delivery.id,
        at=now,
        status_code=response.status_code,
        latency_ms=response.latency_ms,
        response_body=response.body,
        error=response.error,
        next_attempt_at=retry_at,
    )
    return Sent(delivery, event, outcome, attempt)


def _measure(sent: Sent) -> None:
    """A recorded attempt in the metrics, and in the log when it failed."""
    attempt, delivery = sent.attempt, sent.delivery
    measurements.WEBHOOK_ATTEMPTS.labels(sent.outcome.value).inc()
    if attempt.status_code is not None:
        measurements.WEBHOOK_ATTEMPT_SECONDS.observe(attempt.latency_ms / 1000)
    if sent.outcome is Outcome.SUCCEEDED:
        lag = (attempt.at - sent.event.occurred_at).total_seconds()
        measurements.WEBHOOK_DELIVERY_LAG.observe(max(0.0, lag))
    else:
        logger.warning(
            "webhook delivery %s to endpoint %s: %s (attempt %d)",
            delivery.id,
            delivery.endpoint_id,
            attempt.status_code or attempt.error,
            delivery.attempts,
        )


def _endpoint_after(endpoint: WebhookEndpoint, outcome: Outcome, now: datetime) -> bool:
    """410 disables the endpoint; a last failed attempt marks it failing; a success clears
    that mark. Whether the endpoint changed."""
    if outcome is Outcome.GONE:
        endpoint.enabled, endpoint.disabled_reason = False, DisabledReason.GONE
    elif outcome is Outcome.EXHAUSTED and endpoint.failing_since is None:
        endpoint.failing_since = now
    elif outcome is Outcome.SUCCEEDED and endpoint.failing_since is not None:
        endpoint.failing_since = None
    else:
        return False
    endpoint.updated_at = now
    return True


def signed_headers(
    endpoint: WebhookEndpoint, event_id: UUID, payload: bytes, now: datetime
) -> dict[str, str]:
    """Standard Webhooks' headers: the event id (stable across retries), the time of
    sending, and a `v1,` signature by each of the endpoint's current secrets."""
    sent_at = datetime.now(UTC)  # the receiver compares it with its own clock
    signatures = [
        Webhook(secret).sign(str(event_id), sent_at, payload)
        for secret in endpoint.signing_secrets(now)
    ]
    return {
        "content-type": "application/json",
        "webhook-id": str(event_id),
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """`Retry-After` as seconds or as an HTTP date."""
    if value is None:
        return None
    if value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))
