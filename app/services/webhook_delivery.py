"""The delivery worker: sends queued events to webhook endpoints per the Standard Webhooks
specification, one task per process, started and stopped with the app.

Every replica runs one; they share the queue in the database (claims skip what another
worker is claiming and lease what they take, app.persistence.repositories.webhooks), so
an event is never sent by two workers at once and each endpoint gets its events in order:
a worker claims an endpoint's first pending deliveries together and sends them one after
the other, stopping at the first that fails, and before any whose answer could come after
the lease has ended (the rest is given up, to be claimed again at once); when a full batch
ends, the worker claims again without a pause, so an endpoint's backlog is worked off batch
after batch, and otherwise at most every CLAIM_GAP_SECONDS, however often it is rung.
A request that wrote events rings the worker of its process, and every process's committed
events ring it through the live listener (app.services.live: NOTIFY on PostgreSQL); it also
polls every POLL_SECONDS, for retries that came due and anything a reconnecting listener
missed. Stopping lets the deliveries in flight finish.
Delivery logs and events older than 30 days are purged by the worker, hourly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from datetime import datetime, timedelta
from functools import partial
from itertools import groupby
from operator import attrgetter
from uuid import UUID

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks.webhooks import Webhook

from app import measurements
from app.domain.clock import Clock
from app.domain.errors import InvalidInput
from app.domain.events import Event, visible_to
from app.domain.webhooks import (
    RETENTION,
    Delivery,
    DeliveryState,
    Outcome,
    WebhookEndpoint,
)
from app.persistence.availability import DatabaseUnavailable
from app.persistence.repositories.webhooks import Claimed
from app.persistence.unit_of_work import unit_of_work
from app.services.webhook_attempts import (
    Response,
    Sent,
    Target,
    endpoint_after,
    judged,
    measure,
    retry_after,
    signed_headers,
    since,
)
from app.services.webhook_connections import delivery_session
from app.services.webhook_endpoints import UrlPolicy, check_url

logger = logging.getLogger("rapport.webhooks")

WORKER = "webhook-delivery"  # the name of the worker's tasks
TIMEOUT_SECONDS = 10.0
LEASE = timedelta(seconds=30)  # longer than one attempt; a dead worker's claim expires
# A batch sends nothing that could still be waiting for its answer this close to the end
# of its lease (beyond the attempt's timeout): what it has not sent by then is given up.
LEASE_MARGIN = timedelta(seconds=5)
POLL_SECONDS = 1.0  # for retries that came due (commits ring the worker)
CLAIM_GAP_SECONDS = 0.2  # between two claims of one worker, however often it is woken
IN_FLIGHT = 16  # endpoints served at once
BATCH = 50  # deliveries of one endpoint claimed at once (sent one after the other)
PURGE_EVERY = timedelta(hours=1)
BACKLOG_EVERY = timedelta(seconds=15)
RESPONSE_BODY_CHARS = 1000
RESPONSE_BODY_BYTES = 4 * RESPONSE_BODY_CHARS  # read of an answer's body, whatever its size

Loaded = tuple[WebhookEndpoint, list[tuple[Delivery, Event]]]


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
        if timedelta(seconds=timeout_seconds) + LEASE_MARGIN >= LEASE:
            raise ValueError("a webhook attempt's timeout must leave room in its lease")
        self._engine = engine
        self._clock = clock
        self._urls = urls
        self._timeout = timeout_seconds
        self._doorbell = asyncio.Event()
        self._more_waiting = False
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._purged_at: datetime | None = None
        self._counted_at: datetime | None = None
        self._client: aiohttp.ClientSession | None = None

    def wake(self) -> None:
        """New events were committed: look for work now."""
        self._doorbell.set()

    def start(self) -> None:
        self._stopping = False
        self._client = delivery_session(self._urls, self._timeout)
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
            await self._client.close()
            self._client = None

    async def _run(self) -> None:
        claimed_at = -math.inf
        while not self._stopping:
            if not self._more_waiting:
                # Commits ring the doorbell one by one; claims gather what a short while
                # brought. A full batch that ended is followed at once (_finished).
                await asyncio.sleep(max(0.0, claimed_at + CLAIM_GAP_SECONDS - time.monotonic()))
            self._doorbell.clear()
            self._more_waiting = False
            claimed_at = time.monotonic()
            batches, lease_until = await self._claim_safely()
            for batch in batches:
                task = asyncio.create_task(self._deliver(batch, lease_until), name=WORKER)
                self._in_flight.add(task)
                task.add_done_callback(partial(self._finished, full=len(batch) >= BATCH))
            await self._housekeeping_safely()  # after the claim, which is not kept waiting
            if batches and len(self._in_flight) < IN_FLIGHT:
                continue  # there may be more due right away
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._doorbell.wait(), POLL_SECONDS)

    def _finished(self, task: asyncio.Task[None], *, full: bool) -> None:
        self._in_flight.discard(task)
        # A full batch's endpoint has more waiting, claimed at once; other batches' next
        # events are gathered for a claim gap, so claims grow with the load, not the commits.
        self._more_waiting = self._more_waiting or full
        self._doorbell.set()

    async def _claim_safely(self) -> tuple[list[list[Claimed]], datetime]:
        """Leased deliveries, a batch per endpoint (oldest first), and the end of their
        lease."""
        now = self._clock()
        lease_until = now + LEASE
        room = IN_FLIGHT - len(self._in_flight)
        if room <= 0:
            return [], lease_until
        try:
            async with unit_of_work(self._engine, write=True) as uow:
                claimed = await uow.webhook_deliveries.claim(now, lease_until, room, BATCH)
        except DatabaseUnavailable:
            return [], lease_until  # logged by app.persistence.availability; polled again
        except Exception as error:
            logger.error("webhook worker could not claim deliveries (%s)", type(error).__name__)
            return [], lease_until
        batches = [list(batch) for _, batch in groupby(claimed, key=attrgetter("endpoint_id"))]
        return batches, lease_until

    async def _housekeeping_safely(self) -> None:
        try:
            await self._purge_now_and_then()
            await self._count_backlog_now_and_then()
        except DatabaseUnavailable:
            return  # logged by app.persistence.availability; tried again after a claim
        except Exception as error:
            logger.error("webhook worker could not purge or count (%s)", type(error).__name__)

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

    async def _deliver(self, batch: list[Claimed], lease_until: datetime) -> None:
        """One endpoint's deliveries, in order, one at a time (see _send_in_order for where
        a batch stops). The outcomes are recorded together, with the leases of the rest
        given up, in one transaction once the batch ends: a worker that dies before
        recording leaves the leases to expire, and those events are sent again with the
        same `webhook-id` (at least once, as the specification allows)."""
        org_id = batch[0].org_id
        try:
            loaded = await self._load(org_id, batch[0].endpoint_id, [c.delivery_id for c in batch])
            if loaded is None:
                return
            endpoint, queue = loaded
            target = await self._target(endpoint)
            sent = await self._send_in_order(target, queue, lease_until)
            sent_ids = {one.delivery.id for one in sent}
            unsent = [c.delivery_id for c in batch if c.delivery_id not in sent_ids]
            await self._record(endpoint, sent, unsent)
        except DatabaseUnavailable:
            return  # the leases expire and the deliveries are tried again
        except Exception as error:
            logger.error(
                "webhook deliveries to endpoint %s failed unexpectedly (%s)",
                batch[0].endpoint_id,
                type(error).__name__,
            )

    async def _send_in_order(
        self, target: Target, queue: list[tuple[Delivery, Event]], lease_until: datetime
    ) -> list[Sent]:
        """What was sent, in order. A batch stops after a failure (the events after it wait
        for its retry), before a delivery not due yet, when the worker stops, and before an
        attempt whose answer could come after the lease has ended (its timeout and
        LEASE_MARGIN, on the app's clock, which is the one leases are judged by): another
        worker may claim the deliveries then, and none may be sent twice at once."""
        sent: list[Sent] = []
        attempt_takes = timedelta(seconds=self._timeout) + LEASE_MARGIN
        for delivery, event in queue:
            now = self._clock()
            if self._stopping or (delivery.next_attempt_at or now) > now:
                break
            if now + attempt_takes > lease_until:
                break
            response = await self._send(target, event)
            sent.append(judged(delivery, event, response, self._clock()))
            if sent[-1].outcome is not Outcome.SUCCEEDED:
                break
        return sent

    async def _load(
        self, org_id: UUID, endpoint_id: UUID, delivery_ids: list[UUID]
    ) -> Loaded | None:
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

    async def _target(self, endpoint: WebhookEndpoint) -> Target:
        """What a batch's deliveries share: the address checked (its host resolved) and the
        signers made once per batch, not once per delivery."""
        try:
            await check_url(endpoint.url, self._urls)
        except InvalidInput:
            return Target(endpoint, [], refused=True)
        signers = [Webhook(secret) for secret in endpoint.signing_secrets(self._clock())]
        return Target(endpoint, signers, refused=False)

    async def _send(self, target: Target, event: Event) -> Response:
        started = time.monotonic()

        def failed(error: str) -> Response:
            return Response(None, None, error, None, since(started))

        endpoint = target.endpoint
        body = visible_to(event, endpoint.scopes)
        if body is None:
            return failed("not_visible")
        if target.refused:
            return failed("address_refused")
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        headers = signed_headers(target.signers, event.id, payload)
        if self._client is None:
            return failed("stopped")
        try:
            async with self._client.post(
                endpoint.url, data=payload, headers=headers, allow_redirects=False
            ) as answer:
                # Only the start of the body is kept: a receiver's long answer is not read.
                start = await answer.content.read(RESPONSE_BODY_BYTES)
                status, retry = answer.status, answer.headers.get("retry-after")
        except TimeoutError:
            return failed("timeout")
        except (aiohttp.ClientError, OSError, ValueError) as error:
            return failed(type(error).__name__)
        return Response(
            status,
            start.decode(errors="replace")[:RESPONSE_BODY_CHARS],
            None,
            retry_after(retry, self._clock()),
            since(started),
        )

    async def _record(
        self, endpoint: WebhookEndpoint, sent: list[Sent], unsent: list[UUID]
    ) -> None:
        """The batch's attempts and its deliveries' new states, the endpoint's if its last
        outcome changes it, and the leases of what was not sent given up: one transaction."""
        now = self._clock()
        changed = bool(sent) and endpoint_after(endpoint, sent[-1].outcome, now)
        async with unit_of_work(self._engine, write=True) as uow:
            await uow.enter_organization(endpoint.org_id)
            await uow.webhook_deliveries.save_many([s.delivery for s in sent])
            await uow.webhook_deliveries.add_attempts([s.attempt for s in sent])
            if changed:
                await uow.webhook_endpoints.save(endpoint)
            await uow.webhook_deliveries.release(endpoint.org_id, unsent)
        for one in sent:
            measure(one)
