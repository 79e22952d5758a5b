"""What one webhook attempt is and what it means: the response as the worker saw it, the
Standard Webhooks headers that sign a body, and the outcome of an attempt for its delivery
and its endpoint (app.services.webhook_delivery sends; this decides)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from uuid import UUID

from standardwebhooks.webhooks import Webhook

from app import measurements
from app.domain.events import Event
from app.domain.webhooks import (
    Attempt,
    Delivery,
    DeliveryState,
    DisabledReason,
    Outcome,
    WebhookEndpoint,
    next_attempt_at,
    outcome_of,
)
from app.services.context import new_id

logger = logging.getLogger("rapport.webhooks")


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int | None
    body: str | None
    error: str | None
    retry_after: timedelta | None
    latency_ms: int


@dataclass(frozen=True, slots=True)
class Target:
    """An endpoint as one batch sends to it."""

    endpoint: WebhookEndpoint
    signers: list[Webhook]  # one per current secret (two while a rotation overlaps)
    refused: bool  # its address is not one deliveries may go to


@dataclass(frozen=True, slots=True)
class Sent:
    """One delivery sent: its outcome, the delivery as it is now and the attempt made."""

    delivery: Delivery
    event: Event
    outcome: Outcome
    attempt: Attempt


def judged(delivery: Delivery, event: Event, response: Response, now: datetime) -> Sent:
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


def measure(sent: Sent) -> None:
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


def endpoint_after(endpoint: WebhookEndpoint, outcome: Outcome, now: datetime) -> bool:
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


def signed_headers(signers: Sequence[Webhook], event_id: UUID, payload: bytes) -> dict[str, str]:
    """Standard Webhooks' headers: the event id (stable across retries), the time of
    sending, and a `v1,` signature by each of the endpoint's current secrets."""
    sent_at = datetime.now(UTC)  # the receiver compares it with its own clock
    signatures = [signer.sign(str(event_id), sent_at, payload) for signer in signers]
    return {
        "content-type": "application/json",
        "webhook-id": str(event_id),
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def retry_after(value: str | None, now: datetime) -> timedelta | None:
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
