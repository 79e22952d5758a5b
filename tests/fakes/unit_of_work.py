"""An in-memory database and its transactions: a transaction works on a copy of the
records and commits it when its block ends normally, else leaves the database as it was,
as app.persistence.unit_of_work does on SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from copy import deepcopy
from dataclasses import dataclass, field, fields
from typing import NoReturn
from uuid import UUID

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment
from app.domain.meetings import Meeting, MeetingEvent
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.policy import Policy
from app.persistence.changes import ChangeLog
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
from app.services.ports.content import NoteStore, RatingStore
from app.services.ports.directory import GroupStore, OrganizationStore
from app.services.ports.live import LiveNotices
from app.services.ports.settings import TemplateStore
from tests.fakes.stores import (
    MemoryAgendaItems,
    MemoryCommitments,
    MemoryMeetingEvents,
    MemoryMeetings,
    MemoryPairs,
    MemoryPeople,
    MemoryPolicies,
)

Kept = Person | Pair | Meeting | MeetingEvent | AgendaItem | Commitment | Policy


@dataclass(slots=True)
class Tables:
    """Every record the in-memory database keeps, by id (policies by organization)."""

    people: dict[UUID, Person] = field(default_factory=dict)
    pairs: dict[UUID, Pair] = field(default_factory=dict)
    meetings: dict[UUID, Meeting] = field(default_factory=dict)
    meeting_events: dict[UUID, MeetingEvent] = field(default_factory=dict)
    agenda_items: dict[UUID, AgendaItem] = field(default_factory=dict)
    commitments: dict[UUID, Commitment] = field(default_factory=dict)
    policies: dict[UUID, Policy] = field(default_factory=dict)

    def restore(self, earlier: Tables) -> None:
        for table in fields(self):
            setattr(self, table.name, getattr(earlier, table.name))


class MemoryDatabase:
    """The committed records; `transaction()` opens a unit of work on them."""

    def __init__(self) -> None:
        self.tables = Tables()

    def insert(self, *records: Kept) -> None:
        """Seed committed records, as a test's setup."""
        for record in records:
            if isinstance(record, Policy):
                self.tables.policies[record.org_id] = deepcopy(record)
            else:
                table: dict[UUID, Kept] = getattr(self.tables, _TABLE_OF[type(record)])
                table[record.id] = deepcopy(record)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryUnitOfWork]:
        """Commit when the block ends normally; on an exception nothing it wrote stays."""
        uow = MemoryUnitOfWork(deepcopy(self.tables))
        yield uow
        self.tables = uow.tables


_TABLE_OF: dict[type, str] = {
    Person: "people",
    Pair: "pairs",
    Meeting: "meetings",
    MeetingEvent: "meeting_events",
    AgendaItem: "agenda_items",
    Commitment: "commitments",
}


class MemoryUnitOfWork:
    """One transaction over a copy of the tables (app.services.ports.unit_of_work). The
    stores no unit-tested use case touches are absent: reaching one fails the test."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.organization: UUID | None = None

    @property
    def people(self) -> MemoryPeople:
        return MemoryPeople(self.tables.people)

    @property
    def pairs(self) -> MemoryPairs:
        return MemoryPairs(self.tables.pairs)

    @property
    def meetings(self) -> MemoryMeetings:
        return MemoryMeetings(self.tables.meetings, self.tables.pairs)

    @property
    def meeting_events(self) -> MemoryMeetingEvents:
        return MemoryMeetingEvents(self.tables.meeting_events)

    @property
    def agenda_items(self) -> MemoryAgendaItems:
        return MemoryAgendaItems(self.tables.agenda_items, self.tables.meetings)

    @property
    def commitments(self) -> MemoryCommitments:
        return MemoryCommitments(self.tables.commitments, self.tables.meetings)

    @property
    def policies(self) -> MemoryPolicies:
        return MemoryPolicies(self.tables.policies)

    @property
    def changes(self) -> ChangeLog | None:
        return None  # events are the outbox's, which the unit tests do not run

    async def enter_organization(self, org_id: UUID) -> None:
        self.organization = org_id

    async def lock_people(self, org_id: UUID, person_ids: list[UUID]) -> None:
        """One transaction at a time: nothing to wait for."""

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self._savepoint()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        before = deepcopy(self.tables)
        try:
            yield
        except BaseException:
            self.tables.restore(before)
            raise

    def guard_statements(self) -> None:
        """No statements run concurrently here."""

    @property
    def organizations(self) -> OrganizationStore:
        _absent("organizations")

    @property
    def groups(self) -> GroupStore:
        _absent("groups")

    @property
    def notes(self) -> NoteStore:
        _absent("notes")

    @property
    def ratings(self) -> RatingStore:
        _absent("ratings")

    @property
    def templates(self) -> TemplateStore:
        _absent("templates")

    @property
    def service_keys(self) -> ServiceKeyStore:
        _absent("service_keys")

    @property
    def sign_in(self) -> SignInStore:
        _absent("sign_in")

    @property
    def sign_in_bindings(self) -> SignInBindingStore:
        _absent("sign_in_bindings")

    @property
    def signing_generations(self) -> SigningGenerationStore:
        _absent("signing_generations")

    @property
    def rate_limits(self) -> RateLimitStore:
        _absent("rate_limits")

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore:
        _absent("idempotency_keys")

    @property
    def audit(self) -> AuditStore:
        _absent("audit")

    @property
    def metrics(self) -> MetricsStore:
        _absent("metrics")

    @property
    def calendar(self) -> CalendarTokenStore:
        _absent("calendar")

    @property
    def events(self) -> EventStore:
        _absent("events")

    @property
    def webhook_endpoints(self) -> WebhookEndpointStore:
        _absent("webhook_endpoints")

    @property
    def webhook_deliveries(self) -> WebhookDeliveryStore:
        _absent("webhook_deliveries")

    @property
    def pair_watches(self) -> PairWatchStore:
        _absent("pair_watches")

    @property
    def live(self) -> LiveNotices:
        _absent("live")


def _absent(store: str) -> NoReturn:
    raise AssertionError(f"the in-memory unit of work keeps no {store}; add it to tests/fakes")
