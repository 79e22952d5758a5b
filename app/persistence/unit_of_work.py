"""One transaction per use case: commit on success, roll back on any failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.errors import StateConflict
from app.persistence.availability import connected
from app.persistence.changes import ChangeLog
from app.persistence.database import WRITE_OPTION
from app.persistence.live_notify import LiveNotices
from app.persistence.repositories.audit import AuditRepository
from app.persistence.repositories.calendar import CalendarTokenRepository
from app.persistence.repositories.content import (
    AgendaItemRepository,
    CommitmentRepository,
    NoteRepository,
)
from app.persistence.repositories.events import EventRepository
from app.persistence.repositories.groups import GroupRepository
from app.persistence.repositories.idempotency import IdempotencyKeyRepository
from app.persistence.repositories.meetings import MeetingEventRepository, MeetingRepository
from app.persistence.repositories.metrics import MetricsRepository
from app.persistence.repositories.pair_watches import PairWatchRepository
from app.persistence.repositories.pairs import PairRepository
from app.persistence.repositories.people import OrganizationRepository, PeopleRepository
from app.persistence.repositories.rate_limits import RateLimitRepository
from app.persistence.repositories.ratings import RatingRepository
from app.persistence.repositories.settings_store import (
    PolicyRepository,
    ServiceKeyRepository,
    TemplateRepository,
)
from app.persistence.repositories.sign_in import (
    SignInBindingRepository,
    SigningGenerationRepository,
    SignInRepository,
)
from app.persistence.repositories.webhooks import (
    WebhookDeliveryRepository,
    WebhookEndpointRepository,
)
from app.persistence.statements import GuardedConnection
from app.persistence.tables import PersonRow
from app.persistence.tenant_begin import enter_at_begin

PEOPLE = PersonRow.__table__  # type: ignore[attr-defined]


class UnitOfWork:
    """The repositories of one transaction, each made when first used (a request uses a
    few of them)."""

    def __init__(self, connection: GuardedConnection, *, writes: bool = False) -> None:
        self.connection = connection
        self.writes = writes
        self.organization: UUID | None = None  # the one entered (enter_organization)
        # What this transaction changed, for its events (app.services.outbox).
        self.changes = ChangeLog() if writes else None

    @cached_property
    def organizations(self) -> OrganizationRepository:
        return OrganizationRepository(self.connection)

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.connection, self.changes)

    @cached_property
    def pairs(self) -> PairRepository:
        return PairRepository(self.connection, self.changes)

    @cached_property
    def meetings(self) -> MeetingRepository:
        return MeetingRepository(self.connection, self.changes)

    @cached_property
    def meeting_events(self) -> MeetingEventRepository:
        return MeetingEventRepository(self.connection)

    @cached_property
    def agenda_items(self) -> AgendaItemRepository:
        return AgendaItemRepository(self.connection, self.changes)

    @cached_property
    def notes(self) -> NoteRepository:
        return NoteRepository(self.connection, self.changes)

    @cached_property
    def commitments(self) -> CommitmentRepository:
        return CommitmentRepository(self.connection, self.changes)

    @cached_property
    def templates(self) -> TemplateRepository:
        return TemplateRepository(self.connection)

    @cached_property
    def policies(self) -> PolicyRepository:
        return PolicyRepository(self.connection)

    @cached_property
    def service_keys(self) -> ServiceKeyRepository:
        return ServiceKeyRepository(self.connection)

    @cached_property
    def ratings(self) -> RatingRepository:
        return RatingRepository(self.connection, self.changes)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.connection)

    @cached_property
    def metrics(self) -> MetricsRepository:
        return MetricsRepository(self.connection)

    @cached_property
    def sign_in(self) -> SignInRepository:
        return SignInRepository(self.connection)

    @cached_property
    def sign_in_bindings(self) -> SignInBindingRepository:
        return SignInBindingRepository(self.connection)

    @cached_property
    def signing_generations(self) -> SigningGenerationRepository:
        return SigningGenerationRepository(self.connection)

    @cached_property
    def groups(self) -> GroupRepository:
        return GroupRepository(self.connection)

    @cached_property
    def rate_limits(self) -> RateLimitRepository:
        return RateLimitRepository(self.connection)

    @cached_property
    def calendar(self) -> CalendarTokenRepository:
        return CalendarTokenRepository(self.connection)

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self.connection)

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpointRepository:
        return WebhookEndpointRepository(self.connection)

    @cached_property
    def webhook_deliveries(self) -> WebhookDeliveryRepository:
        return WebhookDeliveryRepository(self.connection)

    @cached_property
    def pair_watches(self) -> PairWatchRepository:
        return PairWatchRepository(self.connection)

    @cached_property
    def idempotency_keys(self) -> IdempotencyKeyRepository:
        return IdempotencyKeyRepository(self.connection)

    @cached_property
    def live(self) -> LiveNotices:
        return LiveNotices(self.connection)

    def guard_statements(self) -> None:
        """From now on, a statement runs to its end even when the code awaiting it is
        cancelled, and the transaction ends once every statement has (for code that runs
        concurrently in it: app.persistence.statements)."""
        self.connection.guard_statements()

    @property
    def writable(self) -> bool:
        """Whether this transaction can write a row now: always on PostgreSQL; on SQLite only
        when it began holding the write lock (a read transaction that upgrades to a write
        fails with SQLITE_BUSY when another connection wrote since it began reading)."""
        return self.writes or self.connection.dialect.name == "postgresql"

    async def enter_organization(self, org_id: UUID) -> None:
        """Scope this transaction to one organization for PostgreSQL's row-level security
        (a no-op on SQLite, where the repositories' own filters are the only guard). Before
        the transaction's first statement the setting goes with its BEGIN
        (app.persistence.tenant_begin); entering the organization the transaction is already
        in sends nothing."""
        if org_id == self.organization:
            return
        self.organization = org_id
        if self.connection.dialect.name == "postgresql" and not await enter_at_begin(
            self.connection, org_id
        ):
            await self.connection.execute(
                text("SELECT set_config('rapport.org_id', :org, true)"), {"org": str(org_id)}
            )

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the transaction that a failure undoes alone (the rest stands), with
        the changes it noted for events."""
        noted = self.changes.mark() if self.changes is not None else None
        try:
            async with self.connection.begin_nested():
                yield
        except BaseException:
            if self.changes is not None and noted is not None:
                self.changes.rewind(noted)
            raise

    async def lock_people(self, org_id: UUID, person_ids: list[UUID]) -> None:
        """Serialize writers that check rules across these people's meetings (PostgreSQL
        row locks; SQLite already holds its write lock from BEGIN IMMEDIATE)."""
        await self.connection.execute(
            select(PEOPLE.c.id)
            .where(PEOPLE.c.org_id == org_id, PEOPLE.c.id.in_(sorted(person_ids)))
            .order_by(PEOPLE.c.id)
            .with_for_update()
        )


# Deadlock, serialization failure, lock not available (PostgreSQL); "database is locked"
# (SQLite, after its busy timeout).
_CONTENTION_STATES = {"40P01", "40001", "55P03"}


def _is_contention(error: DBAPIError) -> bool:
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return state in _CONTENTION_STATES or "database is locked" in str(error.orig)


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine, *, write: bool) -> AsyncIterator[UnitOfWork]:
    """Open a transaction; it commits when the block ends normally, else rolls back.

    A race that the database settles (a unique index hit by two writers at once, a deadlock)
    rolls everything back and becomes a `concurrent_change` conflict the client can retry;
    losing the database is DatabaseUnavailable (app.persistence.availability)."""
    try:
        async with connected(engine) as connection:
            if write:
                await connection.execution_options(**{WRITE_OPTION: True})
            async with connection.begin():
                try:
                    yield UnitOfWork(connection, writes=write)
                finally:
                    await connection.statements_finished()
    except DBAPIError as error:
        conflict = settled_race(error)
        if conflict is not None:
            raise conflict from error
        raise


def settled_race(error: DBAPIError) -> StateConflict | None:
    """The conflict a client can retry, when the database refused a statement because another
    transaction raced this one (a unique index, a deadlock, a lock); else None."""
    if isinstance(error, IntegrityError) or _is_contention(error):
        return StateConflict(CONCURRENT_CHANGE, code="concurrent_change")
    return None


CONCURRENT_CHANGE = (
    "Another request changed the same records at the same time; nothing was changed, retry."
)
