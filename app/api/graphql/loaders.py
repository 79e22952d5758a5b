"""The request's DataLoaders: every nested list of a page of parents costs one statement,
whatever the page size (no N+1). They live as long as the request's transaction."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Generic, NamedTuple, TypeVar
from uuid import UUID

from strawberry import dataloader

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.errors import InvalidInput
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.metric_windows import Window
from app.domain.notes import Note
from app.domain.paging import Cursor, PageRequest
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.ratings import Rating
from app.services import batch_reads
from app.services.cadence import PairCadence, cadences_of
from app.services.context import ServiceContext
from app.services.meeting_views import with_follow_up
from app.services.metrics import MetricsBasis, PairReport, metrics_of_pairs

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


class DataLoader(dataloader.DataLoader[K, T]):
    """Strawberry's DataLoader, whose loads stay pending for every field awaiting them when
    one of those fields is cancelled (graphql-core cancels the siblings of a failed field;
    a load shared with fields elsewhere in the request must still resolve there)."""

    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[T]]:
        """The values of many keys, batched as their loads one by one would be, behind one
        shield for all of them (a field resolved for a whole level awaits them together)."""
        load = super().load
        return asyncio.shield(asyncio.gather(*map(load, keys)))

    async def load_together(self, keys: Sequence[K]) -> list[T]:
        """The values of the keys one field asks for all the parents of its level: one call
        of the batch function, without the future, cache entry and batch entry of each key
        (3.5 µs a key, 850 keys a screen). Only another field asking the same list of the
        same parents could have shared the batch. A single key (a field asked by
        graphql-core for one parent at a time) goes through `load`, where the other parents'
        calls meet it."""
        if len(keys) == 1:
            return [await self.load(keys[0])]
        found: list[T] = []
        for value in await self.load_fn(list(keys)):
            if isinstance(value, BaseException):
                raise value
            found.append(value)
        return found


class PageShape(NamedTuple):
    """The page a nested list asks of each parent: `limit` children after the cursor
    `after` (from the first when none) in the list's order and filter. Every parent of a
    level asks for the same shape, so one statement reads the page of all of them."""

    limit: int
    after: Cursor | None = None
    newest_first: bool = False
    status: MeetingStatus | CommitmentStatus | None = None

    @classmethod
    def probing(
        cls,
        request: PageRequest,
        *,
        newest_first: bool = False,
        status: MeetingStatus | CommitmentStatus | None = None,
    ) -> PageShape:
        """The page a connection asks for, with one row more, which tells whether more
        follow."""
        return cls(request.limit + 1, request.cursor, newest_first, status)


ChildrenPage = tuple[UUID, PageShape]
"""One parent's page: the key of a ChildrenLoader."""

BatchRead = Callable[[Sequence[UUID], PageShape], Awaitable[dict[UUID, V]]]


class ChildrenLoader(DataLoader[ChildrenPage, V], Generic[V]):
    """Groups the requested parents by page shape (limit, cursor, filter) and reads each
    group in one statement (an entry per parent). A cursor that does not fit the list
    fails its own fields only."""

    def __init__(self, read: BatchRead[V]) -> None:
        async def load_groups(keys: list[ChildrenPage]) -> list[V | BaseException]:
            groups: dict[PageShape, list[UUID]] = defaultdict(list)
            for parent_id, shape in keys:
                groups[shape].append(parent_id)
            found: dict[ChildrenPage, V | BaseException] = {}
            for shape, parent_ids in groups.items():
                try:
                    children = await read(parent_ids, shape)
                except InvalidInput as refused:
                    found.update(dict.fromkeys(((p, shape) for p in parent_ids), refused))
                    continue
                for parent_id in parent_ids:
                    found[parent_id, shape] = children[parent_id]
            return [found[key] for key in keys]

        super().__init__(load_fn=load_groups)

    def pages(self, parent_ids: Iterable[UUID], shape: PageShape) -> Awaitable[list[V]]:
        """The page of `shape` of each parent, in the order of `parent_ids`."""
        return self.load_together([(parent_id, shape) for parent_id in parent_ids])


@dataclass(frozen=True, slots=True)
class MetricsOfPair:
    """One pair's metrics over a window already checked by the field asking for it (so a
    bad window is that field's error alone)."""

    pair_id: UUID
    window: Window


MeasuredPair = tuple[MetricsBasis, PairReport] | None


class Loaders:
    """Created per request from its use case (so per caller and per transaction). The
    records `people`, `pairs` and `meetings` load by id are ones named by a record the
    caller may already see (a meeting's pair, a commitment's meeting): the privacy check
    happened on that record (batch_reads' `…_named_by_visible_records`). Every page of a
    nested list, the first and those after a cursor, goes through a ChildrenLoader. Each
    loader is made when a field first asks for it: most documents need one or two. No
    loader's function refers back to this object (each holds the use case and the records it
    needs), so a request's loaders and every record they hold are freed when the request
    ends instead of waiting, as a reference cycle would, for the cycle collector."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._meetings: dict[UUID, Meeting] = {}
        self._pairs: dict[UUID, Pair] = {}

    @cached_property
    def people(self) -> DataLoader[UUID, Person | None]:
        ctx = self.ctx

        async def people(ids: list[UUID]) -> list[Person | None]:
            found = await batch_reads.people_named_by_visible_records(ctx, ids)
            return _in_order(ids, {person.id: person for person in found})

        return DataLoader(load_fn=people)

    @cached_property
    def pairs(self) -> DataLoader[UUID, Pair | None]:
        ctx = self.ctx

        async def pairs(ids: list[UUID]) -> list[Pair | None]:
            found = await batch_reads.pairs_named_by_visible_records(ctx, ids)
            return _in_order(ids, {pair.id: pair for pair in found})

        return DataLoader(load_fn=pairs)

    @cached_property
    def meetings(self) -> DataLoader[UUID, Meeting | None]:
        ctx = self.ctx

        async def meetings(ids: list[UUID]) -> list[Meeting | None]:
            found = await batch_reads.meetings_named_by_visible_records(ctx, ids)
            return _in_order(ids, {meeting.id: meeting for meeting in found})

        return DataLoader(load_fn=meetings)

    @cached_property
    def _meetings_of_pair(self) -> ChildrenLoader[list[Meeting] | None]:
        ctx, known_pairs = self.ctx, self._pairs

        async def meetings(
            ids: Sequence[UUID], shape: PageShape
        ) -> dict[UUID, list[Meeting] | None]:
            status = shape.status if isinstance(shape.status, MeetingStatus) else None
            return await batch_reads.meetings_of_pairs(
                ctx,
                [known_pairs[i] for i in ids],
                limit=shape.limit,
                after=shape.after,
                newest_first=shape.newest_first,
                status=status,
            )

        return ChildrenLoader(meetings)

    @cached_property
    def _commitments_of_pair(self) -> ChildrenLoader[list[Commitment] | None]:
        ctx, known_pairs = self.ctx, self._pairs

        async def commitments(
            ids: Sequence[UUID], shape: PageShape
        ) -> dict[UUID, list[Commitment] | None]:
            status = shape.status if isinstance(shape.status, CommitmentStatus) else None
            pairs = [known_pairs[i] for i in ids]
            return await batch_reads.commitments_of_pairs(
                ctx, pairs, limit=shape.limit, after=shape.after, status=status
            )

        return ChildrenLoader(commitments)

    @cached_property
    def agenda_of_meeting(self) -> ChildrenLoader[list[AgendaItem]]:
        ctx = self.ctx

        async def agenda(ids: Sequence[UUID], shape: PageShape) -> dict[UUID, list[AgendaItem]]:
            return await batch_reads.agenda_items_of_meetings(
                ctx, ids, limit=shape.limit, after=shape.after
            )

        return ChildrenLoader(agenda)

    @cached_property
    def notes_of_meeting(self) -> ChildrenLoader[list[Note]]:
        ctx = self.ctx

        async def notes(ids: Sequence[UUID], shape: PageShape) -> dict[UUID, list[Note]]:
            return await batch_reads.notes_of_meetings(
                ctx, ids, limit=shape.limit, after=shape.after
            )

        return ChildrenLoader(notes)

    @cached_property
    def ratings_of_meeting(self) -> ChildrenLoader[list[Rating]]:
        ctx = self.ctx

        async def ratings(ids: Sequence[UUID], shape: PageShape) -> dict[UUID, list[Rating]]:
            return await batch_reads.ratings_of_meetings(
                ctx, ids, limit=shape.limit, after=shape.after
            )

        return ChildrenLoader(ratings)

    @cached_property
    def metrics_of_pair(self) -> DataLoader[MetricsOfPair, MeasuredPair]:
        return DataLoader(load_fn=partial(_load_metrics, self.ctx))

    @cached_property
    def _cadence(self) -> DataLoader[UUID, PairCadence | None]:
        return DataLoader(load_fn=partial(_load_cadence, self.ctx, self._pairs))

    @cached_property
    def _follow_up(self) -> DataLoader[UUID, list[Commitment]]:
        return DataLoader(load_fn=partial(_load_follow_up, self.ctx, self._meetings))

    def meetings_of_pairs(
        self, pairs: Sequence[Pair], shape: PageShape
    ) -> Awaitable[list[list[Meeting] | None]]:
        """A page of each pair's meetings, or None for a pair whose content the caller may
        not see."""
        return self._meetings_of_pair.pages(self._known_pairs(pairs), shape)

    def commitments_of_pairs(
        self, pairs: Sequence[Pair], shape: PageShape
    ) -> Awaitable[list[list[Commitment] | None]]:
        """A page of each pair's commitments, or None for a pair whose content the caller
        may not see."""
        return self._commitments_of_pair.pages(self._known_pairs(pairs), shape)

    def follow_up(self, meetings: Sequence[Meeting]) -> Awaitable[list[list[Commitment]]]:
        """Each meeting's open commitments to follow up on, from the same service as REST,
        for every meeting of the request at once."""
        known = self._meetings
        for meeting in meetings:
            known[meeting.id] = meeting
        return self._follow_up.load_together([meeting.id for meeting in meetings])

    def prime_follow_up(self, meeting: Meeting, follow_up: list[Commitment]) -> None:
        """A meeting's follow-up read together with the meeting (one meeting by id): its
        field then loads nothing."""
        self._meetings[meeting.id] = meeting
        self._follow_up.prime(meeting.id, follow_up)

    def cadences(self, pairs: Sequence[Pair]) -> Awaitable[list[PairCadence | None]]:
        """The cadence of each pair the caller sees, for every pair of the request at once."""
        return self._cadence.load_together(self._known_pairs(pairs))

    def _known_pairs(self, pairs: Sequence[Pair]) -> list[UUID]:
        known = self._pairs
        for pair in pairs:
            known[pair.id] = pair
        return [pair.id for pair in pairs]


def _in_order(ids: list[UUID], found: dict[UUID, T]) -> list[T | None]:
    """A batch's records in the order of the keys asked for (None where none was found)."""
    return [found.get(i) for i in ids]


async def _load_follow_up(
    ctx: ServiceContext, meetings: dict[UUID, Meeting], ids: list[UUID]
) -> list[list[Commitment]]:
    views = await with_follow_up(ctx, [meetings[i] for i in ids])
    return [view.follow_up for view in views]


async def _load_cadence(
    ctx: ServiceContext, pairs: dict[UUID, Pair], ids: list[UUID]
) -> list[PairCadence | None]:
    found = await cadences_of(ctx, [pairs[i] for i in ids])
    return _in_order(ids, found)


async def _load_metrics(ctx: ServiceContext, keys: list[MetricsOfPair]) -> list[MeasuredPair]:
    """Every pair asking for the same window is measured in one statement."""
    windows: dict[Window, list[UUID]] = defaultdict(list)
    for key in keys:
        windows[key.window].append(key.pair_id)
    found: dict[MetricsOfPair, MeasuredPair] = {}
    for window, pair_ids in windows.items():
        measured, reports = await metrics_of_pairs(ctx, pair_ids, window)
        for pair_id in pair_ids:
            report = reports.get(pair_id)
            found[MetricsOfPair(pair_id, window)] = None if report is None else (measured, report)
    return [found[key] for key in keys]
