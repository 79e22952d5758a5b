"""One organization in the in-memory database (tests/fakes), and a way to run a use case on
it as REST and GraphQL do: one transaction, committed when the use case returns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from app.domain.access import Scope
from app.domain.agenda import AgendaItem, AgendaItemKind, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.people import Person, Role
from app.domain.policy import Policy
from app.services.context import Caller, ServiceContext
from tests.fakes.unit_of_work import MemoryDatabase

T = TypeVar("T")

# A Monday morning; meetings are placed relative to it.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN_KEY = frozenset({Scope.ADMIN})


@dataclass
class MemoryOrg:
    """An organization with a policy at its defaults; `person`, `pair`, `meeting`, `item`
    and `commitment` seed committed records."""

    db: MemoryDatabase = field(default_factory=MemoryDatabase)
    org_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        self.db.insert(Policy(org_id=self.org_id))

    @property
    def admin_key(self) -> Caller:
        return Caller(org_id=self.org_id, key_id=uuid4(), scopes=ADMIN_KEY)

    def as_person(self, person: Person) -> Caller:
        return Caller(org_id=self.org_id, person=person)

    def run(self, caller: Caller, service_context: Callable[[ServiceContext], Awaitable[T]]) -> T:
        """Run the use case in one transaction at NOW; an exception rolls it back."""

        async def transaction() -> T:
            async with self.db.transaction() as uow:
                return await service_context(ServiceContext(uow, caller, NOW))

        return asyncio.run(transaction())

    def person(self, name: str, *, manager: Person | None = None) -> Person:
        handle = f"{name.lower()}@example.com"
        person = Person(
            id=uuid4(),
            org_id=self.org_id,
            email=handle,
            name=name,
            timezone="UTC",
            manager_id=manager.id if manager else None,
            external_id=None,
            role=Role.MEMBER,
            active=True,
            created_at=NOW - timedelta(days=365),
            updated_at=NOW - timedelta(days=365),
            username=handle,
        )
        self.db.insert(person)
        return person

    def pair(
        self,
        lead: Person,
        member: Person,
        *,
        kind: PairKind = PairKind.MANAGER_REPORT,
        cadence_days: int = 14,
    ) -> Pair:
        pair = Pair(
            id=uuid4(),
            org_id=self.org_id,
            lead_id=lead.id,
            member_id=member.id,
            kind=kind,
            cadence_days=cadence_days,
            duration_minutes=30,
            status=PairStatus.ACTIVE,
            source=PairSource.REPORTING_LINE,
            started_at=NOW - timedelta(days=180),
            ended_at=None,
            ended_reason=None,
            created_at=NOW - timedelta(days=180),
            updated_at=NOW - timedelta(days=180),
        )
        self.db.insert(pair)
        return pair

    def meeting(
        self, pair: Pair, starts_at: datetime, *, status: MeetingStatus = MeetingStatus.SCHEDULED
    ) -> Meeting:
        meeting = Meeting(
            id=uuid4(),
            org_id=self.org_id,
            pair_id=pair.id,
            starts_at=starts_at,
            duration_minutes=pair.duration_minutes,
            status=status,
            reschedule_count=0,
            original_starts_at=starts_at,
            canceled_at=None,
            canceled_by_id=None,
            cancel_reason=None,
            completed_at=None,
            actual_minutes=None,
            created_at=NOW - timedelta(days=30),
            updated_at=NOW - timedelta(days=30),
        )
        self.db.insert(meeting)
        return meeting

    def item(
        self,
        meeting: Meeting,
        author: Person,
        title: str,
        *,
        state: AgendaItemState = AgendaItemState.OPEN,
    ) -> AgendaItem:
        existing = [i for i in self.db.tables.agenda_items.values() if i.meeting_id == meeting.id]
        item = AgendaItem(
            id=uuid4(),
            org_id=self.org_id,
            meeting_id=meeting.id,
            author_id=author.id,
            title=title,
            details=None,
            kind=AgendaItemKind.PRIORITY,
            position=len(existing),
            state=state,
            carried_from_id=None,
            created_at=NOW - timedelta(days=1),
            updated_at=NOW - timedelta(days=1),
        )
        self.db.insert(item)
        return item

    def commitment(
        self,
        pair: Pair,
        owner: Person,
        title: str,
        *,
        status: CommitmentStatus = CommitmentStatus.OPEN,
    ) -> Commitment:
        commitment = Commitment(
            id=uuid4(),
            org_id=self.org_id,
            pair_id=pair.id,
            meeting_id=None,
            owner_id=owner.id,
            title=title,
            due_on=date(2026, 3, 20),
            status=status,
            completed_at=None,
            created_at=NOW - timedelta(days=7),
            updated_at=NOW - timedelta(days=7),
        )
        self.db.insert(commitment)
        return commitment

    def agenda_of(self, meeting: Meeting) -> list[AgendaItem]:
        """The meeting's agenda as committed, in order."""
        items = [i for i in self.db.tables.agenda_items.values() if i.meeting_id == meeting.id]
        return sorted(items, key=lambda i: i.position)

    def meetings_of(self, pair: Pair) -> list[Meeting]:
        """The pair's meetings as committed, earliest first."""
        found = [m for m in self.db.tables.meetings.values() if m.pair_id == pair.id]
        return sorted(found, key=lambda m: m.starts_at)
