"""One transaction's stores, as the services see them: a use case reads and writes through
these and commits or rolls back as a whole (app.persistence.unit_of_work implements it on
SQLAlchemy; tests/fakes in memory)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from app.services.ports.access import (
    IdempotencyKeyStore,
    RateLimitStore,
    ServiceKeyStore,
    SignInBindingStore,
    SigningGenerationStore,
    SignInStore,
)
from app.services.ports.activity import (
    AuditStore,
    CalendarTokenStore,
    EventStore,
    MetricsStore,
    PairWatchStore,
    WebhookDeliveryStore,
    WebhookEndpointStore,
)
from app.services.ports.content import AgendaItemStore, CommitmentStore, NoteStore, RatingStore
from app.services.ports.directory import GroupStore, OrganizationStore, PeopleStore
from app.services.ports.live import LiveNotices
from app.services.ports.meetings import MeetingEventStore, MeetingStore, PairStore
from app.services.ports.settings import PolicyStore, TemplateStore

if TYPE_CHECKING:
    from app.persistence.changes import ChangeLog


class UnitOfWork(Protocol):
    """The stores of one transaction, and the transaction's own controls."""

    @property
    def organizations(self) -> OrganizationStore: ...
    @property
    def people(self) -> PeopleStore: ...
    @property
    def groups(self) -> GroupStore: ...
    @property
    def pairs(self) -> PairStore: ...
    @property
    def meetings(self) -> MeetingStore: ...
    @property
    def meeting_events(self) -> MeetingEventStore: ...
    @property
    def agenda_items(self) -> AgendaItemStore: ...
    @property
    def notes(self) -> NoteStore: ...
    @property
    def commitments(self) -> CommitmentStore: ...
    @property
    def ratings(self) -> RatingStore: ...
    @property
    def policies(self) -> PolicyStore: ...
    @property
    def templates(self) -> TemplateStore: ...
    @property
    def service_keys(self) -> ServiceKeyStore: ...
    @property
    def sign_in(self) -> SignInStore: ...
    @property
    def sign_in_bindings(self) -> SignInBindingStore: ...
    @property
    def signing_generations(self) -> SigningGenerationStore: ...
    @property
    def rate_limits(self) -> RateLimitStore: ...
    @property
    def idempotency_keys(self) -> IdempotencyKeyStore: ...
    @property
    def audit(self) -> AuditStore: ...
    @property
    def metrics(self) -> MetricsStore: ...
    @property
    def calendar(self) -> CalendarTokenStore: ...
    @property
    def events(self) -> EventStore: ...
    @property
    def webhook_endpoints(self) -> WebhookEndpointStore: ...
    @property
    def webhook_deliveries(self) -> WebhookDeliveryStore: ...
    @property
    def pair_watches(self) -> PairWatchStore: ...
    @property
    def live(self) -> LiveNotices:
        """Announces, on commit, what the transaction changed to live subscribers."""
        ...

    @property
    def changes(self) -> ChangeLog | None:
        """What a write transaction changed so far, for its events (app.services.outbox);
        None for a read or a store that keeps no log."""
        ...

    async def enter_organization(self, org_id: UUID) -> None:
        """Scope the transaction to one organization (row-level security)."""
        ...

    async def lock_people(self, org_id: UUID, person_ids: list[UUID]) -> None:
        """Serialize writers that check rules across these people's meetings."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A part of the transaction that a failure undoes alone."""
        ...

    def guard_statements(self) -> None:
        """Statements run to their end even when the code awaiting them is cancelled."""
        ...
