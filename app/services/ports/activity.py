"""The stores of what happens in an organization: the audit trail, metrics, calendar feeds,
events and their webhook deliveries, and the watches on pairs' cadence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from app.domain.audit import AuditEvent
from app.domain.calendar import CalendarToken, FeedAgenda, FeedMeeting, FeedWindow
from app.domain.events import Event, EventType
from app.domain.metric_rollups import Totals
from app.domain.metric_windows import Bucket
from app.domain.paging import Page, PageRequest
from app.domain.queries import AuditFilter, MetricsFilter
from app.domain.webhooks import Attempt, Delivery, WebhookEndpoint
from app.services.ports.stores import Store

if TYPE_CHECKING:
    from app.persistence.repositories.events import Position, StoredEvent
    from app.persistence.repositories.metric_aggregates import CountingTerms
    from app.persistence.repositories.metrics import PairCountsRow, PairTally
    from app.persistence.repositories.pair_watches import PairWatch
    from app.persistence.repositories.webhooks import Claimed


class AuditStore(Store[AuditEvent], Protocol):
    async def add_once(self, events: list[AuditEvent]) -> None: ...

    async def list_page(
        self, org_id: UUID, filters: AuditFilter, request: PageRequest
    ) -> Page[AuditEvent]: ...


class MetricsStore(Protocol):
    async def pair_counts(
        self,
        terms: CountingTerms,
        filters: MetricsFilter,
        *,
        after_id: UUID | None = None,
        limit: int | None = None,
    ) -> list[PairCountsRow]: ...

    async def pair_tallies(
        self, terms: CountingTerms, filters: MetricsFilter
    ) -> list[PairTally]: ...

    async def bucket_totals(
        self, terms: CountingTerms, filters: MetricsFilter, bucket: Bucket
    ) -> list[Totals]: ...


class CalendarTokenStore(Store[CalendarToken], Protocol):
    async def find(self, digest: str) -> CalendarToken | None: ...

    async def revoke(self, org_id: UUID, person_id: UUID) -> None: ...

    async def feed_meetings(
        self, org_id: UUID, person_id: UUID, window: FeedWindow, limit: int
    ) -> list[FeedMeeting]: ...

    async def feed_agendas(
        self, org_id: UUID, meeting_ids: Sequence[UUID], titles_per_meeting: int
    ) -> dict[UUID, FeedAgenda]: ...


class EventStore(Protocol):
    async def add_many(self, events: Sequence[Event]) -> dict[UUID, int]: ...

    async def page(
        self,
        org_id: UUID,
        after: Position | None,
        types: Sequence[EventType],
        limit: int,
    ) -> list[StoredEvent]: ...

    async def purge(self, before: datetime) -> None: ...

    async def by_ids(self, org_id: UUID, ids: Sequence[UUID]) -> dict[UUID, StoredEvent]: ...


class WebhookEndpointStore(Store[WebhookEndpoint], Protocol):
    async def enabled_of(self, org_id: UUID) -> list[WebhookEndpoint]: ...

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[WebhookEndpoint]: ...

    async def delete(self, org_id: UUID, endpoint_id: UUID) -> None: ...


class WebhookDeliveryStore(Store[Delivery], Protocol):
    async def claim(
        self, now: datetime, lease_until: datetime, endpoints: int, batch: int
    ) -> list[Claimed]: ...

    async def pending_overall(self) -> tuple[int, datetime | None]: ...

    async def release(self, org_id: UUID, delivery_ids: Sequence[UUID]) -> None: ...

    async def list_for_endpoint(
        self, org_id: UUID, endpoint_id: UUID, request: PageRequest
    ) -> Page[Delivery]: ...

    async def add_attempts(self, attempts: Sequence[Attempt]) -> None: ...

    async def attempts_of(self, org_id: UUID, delivery_ids: Sequence[UUID]) -> list[Attempt]: ...


class PairWatchStore(Protocol):
    async def of_pairs(self, org_id: UUID, pair_ids: Sequence[UUID]) -> dict[UUID, PairWatch]: ...

    async def write(self, added: Sequence[PairWatch], changed: Sequence[PairWatch]) -> None: ...

    async def due(self, now: datetime, most: int) -> list[tuple[UUID, UUID]]: ...

    async def check_all_of(self, org_id: UUID, now: datetime) -> None: ...
