"""The in-memory stores of the records the unit-tested use cases touch: people, pairs,
meetings and their history, agenda items, commitments and policies. Each query answers as
its SQL counterpart in app/persistence/repositories does (same filters, same order)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from app.domain.agenda import AgendaItem, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import (
    LONGEST_MEETING_MINUTES,
    Meeting,
    MeetingEvent,
    MeetingStatus,
)
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.pairs import Pair, PairKind, PairStatus
from app.domain.people import Person, email_key, username_key
from app.domain.policy import Policy
from app.domain.queries import (
    CommitmentFilter,
    DirectoryQuery,
    MeetingFilter,
    PairFilter,
    PeopleFilter,
)
from app.persistence.repositories.pairs import CadenceFacts
from tests.fakes.records import MemoryStore, MemoryVersionedStore, NotKeptInMemory


class MemoryPeople(MemoryVersionedStore[Person]):
    async def find_by_email(self, org_id: UUID, email: str) -> Person | None:
        return self._first(
            org_id, lambda p: p.email is not None and email_key(p.email) == email_key(email)
        )

    async def find_by_external_id(self, org_id: UUID, external_id: str) -> Person | None:
        return self._first(org_id, lambda p: p.external_id == external_id)

    async def find_by_username(self, org_id: UUID, username: str) -> Person | None:
        return self._first(org_id, lambda p: username_key(p.username) == username_key(username))

    def _first(self, org_id: UUID, matches: Callable[[Person], bool]) -> Person | None:
        return next((deepcopy(p) for p in self.in_org(org_id) if matches(p)), None)

    async def all_of_org(self, org_id: UUID) -> list[Person]:
        return [deepcopy(p) for p in self.in_org(org_id)]

    async def reports_of(self, org_id: UUID, manager_ids: list[UUID]) -> list[Person]:
        managers = set(manager_ids)
        return [deepcopy(p) for p in self.in_org(org_id) if p.manager_id in managers]

    async def pending_on(self, org_id: UUID, arrived: Person) -> list[Person]:
        names = {str(arrived.id)}
        if arrived.external_id is not None:
            names.add(arrived.external_id)

        def waits(person: Person) -> bool:
            ref = person.manager_ref
            return ref is not None and (
                ref in names or ref.lower() == username_key(arrived.username)
            )

        return [deepcopy(p) for p in self.in_org(org_id) if waits(p)]

    async def managers_above(self, org_id: UUID, person_id: UUID) -> dict[UUID, UUID | None]:
        """The chain from the person up, each with their manager (a loop ends it)."""
        chain: dict[UUID, UUID | None] = {}
        current = self.rows.get(person_id)
        while current is not None and current.org_id == org_id and current.id not in chain:
            chain[current.id] = current.manager_id
            current = self.rows.get(current.manager_id) if current.manager_id else None
        return chain

    async def below(self, org_id: UUID, manager_id: UUID) -> list[UUID]:
        found: list[UUID] = []
        frontier = {manager_id}
        while frontier:
            reports = [p.id for p in self.in_org(org_id) if p.manager_id in frontier]
            frontier = {r for r in reports if r not in found and r != manager_id}
            found += sorted(frontier, key=str)
        return found

    async def directory_page(
        self, org_id: UUID, query: DirectoryQuery, offset: int, limit: int
    ) -> tuple[int, list[Person]]:
        raise NotKeptInMemory("the directory's pages")

    async def list_page(
        self, org_id: UUID, filters: PeopleFilter, request: PageRequest
    ) -> Page[Person]:
        raise NotKeptInMemory("pages of people")


class MemoryPairs(MemoryVersionedStore[Pair]):
    async def find_live(
        self, org_id: UUID, lead_id: UUID, member_id: UUID, kind: PairKind
    ) -> Pair | None:
        return next(
            (
                deepcopy(pair)
                for pair in self.in_org(org_id)
                if (pair.lead_id, pair.member_id, pair.kind) == (lead_id, member_id, kind)
                and pair.status is not PairStatus.ENDED
            ),
            None,
        )

    async def live_of_people(self, org_id: UUID, person_ids: Sequence[UUID]) -> list[Pair]:
        people = set(person_ids)
        live = [
            deepcopy(pair)
            for pair in self.in_org(org_id)
            if pair.status is not PairStatus.ENDED and {pair.lead_id, pair.member_id} & people
        ]
        return sorted(live, key=lambda pair: (pair.created_at, str(pair.id)))

    async def list_page(
        self,
        org_id: UUID,
        filters: PairFilter,
        request: PageRequest,
        *,
        now: datetime,
        grace_days: int,
    ) -> Page[Pair]:
        raise NotKeptInMemory("pages of pairs")

    async def cadence_facts(self, org_id: UUID, pair_id: UUID, now: datetime) -> CadenceFacts:
        raise NotKeptInMemory("cadence figures")

    async def cadence_facts_of(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> dict[UUID, CadenceFacts]:
        raise NotKeptInMemory("cadence figures")


class MemoryMeetings(MemoryVersionedStore[Meeting]):
    """Meetings; a meeting's people are its pair's (`pairs`, the transaction's pairs)."""

    def __init__(self, rows: dict[UUID, Meeting], pairs: dict[UUID, Pair]) -> None:
        super().__init__(rows)
        self.pairs = pairs

    def _scheduled(self, org_id: UUID, pair_ids: set[UUID]) -> list[Meeting]:
        """The scheduled meetings of these pairs, earliest first."""
        found = [
            deepcopy(m)
            for m in self.in_org(org_id)
            if m.pair_id in pair_ids and m.status is MeetingStatus.SCHEDULED
        ]
        return sorted(found, key=lambda m: (m.starts_at, str(m.id)))

    async def scheduled_near(
        self,
        org_id: UUID,
        person_ids: list[UUID],
        starts_at: datetime,
        duration_minutes: int,
    ) -> list[Meeting]:
        people = set(person_ids)
        pairs_of_people = {
            pair.id
            for pair in self.pairs.values()
            if pair.org_id == org_id and {pair.lead_id, pair.member_id} & people
        }
        ends = starts_at + timedelta(minutes=duration_minutes)
        earliest = starts_at - timedelta(minutes=LONGEST_MEETING_MINUTES)
        return [
            m for m in self._scheduled(org_id, pairs_of_people) if earliest < m.starts_at < ends
        ]

    async def next_scheduled_of_pair(
        self, org_id: UUID, pair_id: UUID, now: datetime, *, other_than: UUID | None = None
    ) -> Meeting | None:
        later = [
            m
            for m in self._scheduled(org_id, {pair_id})
            if m.starts_at > now and m.id != other_than
        ]
        return later[0] if later else None

    async def future_scheduled_of_pairs(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> list[Meeting]:
        return [m for m in self._scheduled(org_id, set(pair_ids)) if m.starts_at > now]

    async def scheduled_of_pairs_since(
        self, org_id: UUID, pair_ids: Sequence[UUID], since: datetime
    ) -> list[Meeting]:
        return [m for m in self._scheduled(org_id, set(pair_ids)) if m.starts_at >= since]

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        newest_first: bool,
        status: MeetingStatus | None,
    ) -> dict[UUID, list[Meeting]]:
        raise NotKeptInMemory("pages of the meetings of pairs")

    async def list_page(
        self, org_id: UUID, filters: MeetingFilter, request: PageRequest
    ) -> Page[Meeting]:
        raise NotKeptInMemory("pages of meetings")


class MemoryMeetingEvents(MemoryStore[MeetingEvent]):
    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[MeetingEvent]:
        raise NotKeptInMemory("pages of a meeting's history")


class MemoryAgendaItems(MemoryVersionedStore[AgendaItem]):
    """Agenda items; an item's pair and order come from its meeting (`meetings`)."""

    def __init__(self, rows: dict[UUID, AgendaItem], meetings: dict[UUID, Meeting]) -> None:
        super().__init__(rows)
        self.meetings = meetings

    async def next_position(self, org_id: UUID, meeting_id: UUID) -> int:
        positions = [i.position for i in self.in_org(org_id) if i.meeting_id == meeting_id]
        return max(positions, default=-1) + 1

    async def all_of_meeting(self, org_id: UUID, meeting_id: UUID) -> list[AgendaItem]:
        items = [deepcopy(i) for i in self.in_org(org_id) if i.meeting_id == meeting_id]
        return sorted(items, key=lambda i: (i.position, str(i.id)))

    async def pending_carry_over(self, org_id: UUID, pair_id: UUID) -> list[AgendaItem]:
        closed = {
            m.id: m
            for m in self.meetings.values()
            if m.org_id == org_id
            and m.pair_id == pair_id
            and m.status in (MeetingStatus.COMPLETED, MeetingStatus.CANCELED)
        }
        pending = [
            deepcopy(i)
            for i in self.in_org(org_id)
            if i.meeting_id in closed
            and i.state in (AgendaItemState.OPEN, AgendaItemState.DEFERRED)
        ]
        return sorted(
            pending, key=lambda i: (closed[i.meeting_id].starts_at, i.position, str(i.id))
        )

    async def set_state(
        self, org_id: UUID, item_ids: list[UUID], state: AgendaItemState, at: datetime
    ) -> None:
        for item in await self.by_ids(org_id, item_ids):
            changed = replace(item, state=state, updated_at=at, version=item.version + 1)
            self.rows[item.id] = changed

    async def first_of_meetings(
        self, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
    ) -> dict[UUID, list[AgendaItem]]:
        raise NotKeptInMemory("pages of the items of agendas")

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[AgendaItem]:
        raise NotKeptInMemory("pages of an agenda")


class MemoryCommitments(MemoryVersionedStore[Commitment]):
    def __init__(self, rows: dict[UUID, Commitment], meetings: dict[UUID, Meeting]) -> None:
        super().__init__(rows)
        self.meetings = meetings

    async def open_of_pairs(self, org_id: UUID, pair_ids: list[UUID]) -> list[Commitment]:
        pairs = set(pair_ids)
        found = [
            deepcopy(c)
            for c in self.in_org(org_id)
            if c.pair_id in pairs and c.status is CommitmentStatus.OPEN
        ]
        return sorted(found, key=lambda c: (c.created_at, str(c.id)))

    async def meeting_with_open_of_its_pair(
        self, org_id: UUID, meeting_id: UUID
    ) -> tuple[Meeting, list[Commitment]] | None:
        meeting = self.meetings.get(meeting_id)
        if meeting is None or meeting.org_id != org_id:
            return None
        return deepcopy(meeting), await self.open_of_pairs(org_id, [meeting.pair_id])

    async def move_open_of_owners(
        self, org_id: UUID, moves: Sequence[tuple[UUID, UUID, UUID]], at: datetime
    ) -> None:
        target = {(from_pair, owner): to_pair for from_pair, owner, to_pair in moves}
        for c in list(self.in_org(org_id)):
            to_pair = target.get((c.pair_id, c.owner_id))
            if to_pair is not None and c.status is CommitmentStatus.OPEN:
                self.rows[c.id] = replace(c, pair_id=to_pair, updated_at=at, version=c.version + 1)

    async def list_page(
        self, org_id: UUID, filters: CommitmentFilter, request: PageRequest
    ) -> Page[Commitment]:
        raise NotKeptInMemory("pages of commitments")

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        status: CommitmentStatus | None,
    ) -> dict[UUID, list[Commitment]]:
        raise NotKeptInMemory("pages of the commitments of pairs")


class MemoryPolicies:
    """One policy per organization, by organization id."""

    def __init__(self, rows: dict[UUID, Policy]) -> None:
        self.rows = rows

    async def get(self, org_id: UUID) -> Policy:
        return self.rows[org_id]  # a frozen record: nothing to copy

    async def add(self, policy: Policy, at: datetime) -> None:
        if policy.org_id in self.rows:
            raise KeyError(f"organization {policy.org_id} has a policy already")
        self.rows[policy.org_id] = policy

    async def save_over(self, policy: Policy, at: datetime, read_version: int | None) -> int | None:
        stored = self.rows[policy.org_id]
        if read_version is not None and stored.version != read_version:
            return None
        self.rows[policy.org_id] = replace(policy, version=stored.version + 1)
        return stored.version + 1
