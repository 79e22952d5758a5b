"""Webhook endpoints and the rules of delivering to them (Standard Webhooks)."""

from __future__ import annotations

import base64
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.domain.access import Scope
from app.domain.events import EventType

SECRET_PREFIX = "whsec_"
# During a rotation both secrets sign every delivery for this long.
ROTATION_OVERLAP = timedelta(hours=24)
# Standard Webhooks' schedule: the first attempt at once, then a retry after each of these.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.1  # a retry waits up to 10% longer, so receivers that failed together spread out
# A `Retry-After` beyond this is not honoured (the schedule's own delay applies).
MAX_RETRY_AFTER = timedelta(hours=10)
RETENTION = timedelta(days=30)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class DisabledReason(StrEnum):
    BY_REQUEST = "by_request"  # PATCH enabled=false
    GONE = "gone"  # the receiver answered 410


@dataclass(slots=True)
class WebhookEndpoint:
    id: UUID
    org_id: UUID
    url: str
    description: str | None
    event_types: list[EventType] | None  # None: every type
    scopes: frozenset[Scope]
    enabled: bool
    disabled_reason: DisabledReason | None
    failing_since: datetime | None
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    created_at: datetime
    updated_at: datetime

    def wants(self, event_type: EventType) -> bool:
        return self.enabled and (self.event_types is None or event_type in self.event_types)

    def signing_secrets(self, now: datetime) -> list[str]:
        """The current secret, and the previous one while a rotation overlaps."""
        until = self.previous_secret_until
        if self.previous_secret is not None and until is not None and now < until:
            return [self.secret, self.previous_secret]
        return [self.secret]

    def rotate(self, now: datetime) -> None:
        self.previous_secret = self.secret
        self.previous_secret_until = now + ROTATION_OVERLAP
        self.secret = new_secret()
        self.updated_at = now


@dataclass(slots=True)
class Delivery:
    id: UUID
    org_id: UUID
    endpoint_id: UUID
    event_id: UUID
    seq: int
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    id: UUID
    org_id: UUID
    delivery_id: UUID
    at: datetime
    status_code: int | None
    latency_ms: int
    response_body: str | None
    error: str | None
    next_attempt_at: datetime | None


def new_secret() -> str:
    """24 random bytes, base64, with Standard Webhooks' `whsec_` prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    GONE = "gone"  # 410: the endpoint is disabled
    EXHAUSTED = "exhausted"  # the last attempt failed: the endpoint is marked failing


def outcome_of(status_code: int | None, attempts_made: int) -> Outcome:
    """2xx succeeds; 410 disables; anything else (3xx included: redirects are not
    followed; a timeout or refused connection) is retried until the attempts run out."""
    if status_code is not None and 200 <= status_code < 300:
        return Outcome.SUCCEEDED
    if status_code == 410:
        return Outcome.GONE
    return Outcome.EXHAUSTED if attempts_made >= MAX_ATTEMPTS else Outcome.RETRY


# Jitter draws from a generator of its own: nothing that seeds or draws from the global one
# (a library, a test framework) makes the service's retries move in step or is disturbed.
_JITTER_SOURCE = random.Random()


def next_attempt_at(
    now: datetime,
    attempts_made: int,
    retry_after: timedelta | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """When to try again after `attempts_made` failed attempts: the schedule's delay with
    up to 10% jitter, or the receiver's `Retry-After` when it asks for longer."""
    delay = RETRY_DELAYS[min(attempts_made, MAX_ATTEMPTS - 1) - 1]
    jittered = delay * (1 + (rng or _JITTER_SOURCE).random() * JITTER)
    if retry_after is not None and delay < retry_after <= MAX_RETRY_AFTER:
        jittered = retry_after
    return now + jittered
