"""The live hub of one process: who subscribes to what, and the fan-out of each signal
(app.services.ports.live) to the subscriptions it concerns.

A signal names events (read once per fan-out, from the outbox) and private notes; each
subscription whose topic one concerns gets a Delivery on its own bounded queue. What a
subscriber may see is decided when it takes the delivery, as that subscriber (the GraphQL
subscription re-authenticates and re-reads); the work that is the same for subscribers with
the same credential is shared within one fan-out (`Shared`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from app.domain.events import Event, EventType, Resource
from app.services.ports.live import LiveListener, LiveSignal, PrivateNoteSignal

logger = logging.getLogger("rapport.live")
T = TypeVar("T")


class TopicKind(Enum):
    MEETING = "meeting"  # a meeting and what hangs off it
    MY_MEETINGS = "my_meetings"  # a person's meetings scheduled, rescheduled, ended
    PAIR_CADENCE = "pair_cadence"  # a pair's cadence state


@dataclass(frozen=True, slots=True)
class Topic:
    kind: TopicKind
    record_id: UUID  # the meeting, the person, the pair


MEETING_CONTENT = frozenset({Resource.AGENDA_ITEM, Resource.NOTE, Resource.COMMITMENT})
MY_MEETING_EVENTS = frozenset(
    {
        EventType.MEETING_SCHEDULED,
        EventType.MEETING_RESCHEDULED,
        EventType.MEETING_CANCELED,
        EventType.MEETING_COMPLETED,
    }
)


class Shared:
    """Work done once per fan-out for everyone who needs it (re-authenticating one
    credential, checking one person's access): the first asker starts it, the others
    await the same result."""

    def __init__(self) -> None:
        self._started: dict[Hashable, asyncio.Future[Any]] = {}

    async def once(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        started = self._started.get(key)
        if started is None:
            started = asyncio.ensure_future(work())
            self._started[key] = started
        result: T = await asyncio.shield(started)
        return result


@dataclass(frozen=True, slots=True)
class Delivery:
    """One thing to tell a subscriber: an event, a private note of theirs, or that it may
    have missed changes (resync)."""

    event: Event | None = None
    private_note: PrivateNoteSignal | None = None
    shared: Shared = field(default_factory=Shared)

    @property
    def resync(self) -> bool:
        return self.event is None and self.private_note is None

    @property
    def key(self) -> Hashable:
        """What the delivery is about: the work shared within a fan-out is per key (one
        transaction's events share the fan-out, each is its own delivery)."""
        if self.event is not None:
            return self.event.id
        if self.private_note is not None:
            return (self.private_note.note_id, self.private_note.change)
        return "resync"


class SubscriptionRefused(Exception):
    """A limit refuses another subscription (the message says which)."""


@dataclass(eq=False)
class Subscriber:
    """One subscription: its topic, whose credential it runs with, and its queue."""

    org_id: UUID
    topic: Topic
    credential: str  # a digest of the credential: subscribers with the same one share work
    person_id: UUID | None
    queue: asyncio.Queue[Delivery]
    # Whom the limit per person or key counts it for.
    holder: UUID | None = None
    # A meeting's pair, once checked: its commitments are the meeting's follow-up.
    pair_id: UUID | None = None

    def offer(self, delivery: Delivery) -> None:
        """Queue a delivery; a subscriber that has fallen a whole queue behind loses what
        is queued and is told to resync instead."""
        try:
            self.queue.put_nowait(delivery)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(Delivery())

    def concerned_by(self, event: Event) -> bool:
        data = event.data
        topic = self.topic
        if topic.kind is TopicKind.MEETING:
            if event.type.resource == Resource.MEETING:
                return _same(data.get("id"), topic.record_id)
            if (
                event.type.resource == Resource.COMMITMENT
                and self.pair_id is not None
                and _same(data.get("pair_id"), self.pair_id)
            ):
                return True  # the meeting's follow-up
            return Resource(event.type.resource) in MEETING_CONTENT and _same(
                data.get("meeting_id"), topic.record_id
            )
        if topic.kind is TopicKind.MY_MEETINGS:
            return event.type in MY_MEETING_EVENTS  # whose meeting: checked at delivery
        return event.type is EventType.PAIR_CADENCE_CHANGED and _same(
            data.get("pair_id"), topic.record_id
        )

    def concerned_by_note(self, note: PrivateNoteSignal) -> bool:
        return (
            self.topic.kind is TopicKind.MEETING
            and self.topic.record_id == note.meeting_id
            and self.person_id == note.author_id
        )


def _same(value: object, record_id: UUID) -> bool:
    return value is not None and str(value) == str(record_id)


@dataclass(frozen=True, slots=True)
class LiveLimits:
    per_holder: int  # subscriptions per person or service key, on this process
    queue_size: int


class LiveHub:
    def __init__(
        self,
        listener: LiveListener,
        limits: LiveLimits,
        on_events: Callable[[], None] = lambda: None,
    ) -> None:
        """`on_events` is told whenever any process committed events (or some may have
        been missed): the webhook worker looks for work then instead of waiting to poll."""
        self.listener = listener
        self.limits = limits
        self.on_events = on_events
        self._by_org: dict[UUID, set[Subscriber]] = defaultdict(set)
        self._per_holder: dict[UUID, int] = defaultdict(int)
        self._fan_outs: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.listener.start(self.signal, self.gap)

    async def stop(self) -> None:
        await self.listener.stop()
        for task in tuple(self._fan_outs):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def subscribe(
        self, org_id: UUID, topic: Topic, credential: str, person_id: UUID | None, holder: UUID
    ) -> Subscriber:
        """A new subscription of `holder` (the person, or the service key, whatever
        credential they use)."""
        if self._per_holder[holder] >= self.limits.per_holder:
            raise SubscriptionRefused(
                f"A person or a service key may hold at most {self.limits.per_holder}"
                " subscriptions at once on one server; complete one first."
            )
        queue: asyncio.Queue[Delivery] = asyncio.Queue(self.limits.queue_size)
        subscriber = Subscriber(org_id, topic, credential, person_id, queue, holder=holder)
        self._per_holder[holder] += 1
        self._by_org[org_id].add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._by_org.get(subscriber.org_id)
        if subscribers is None or subscriber not in subscribers:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self._by_org[subscriber.org_id]
        if subscriber.holder is not None:
            self._per_holder[subscriber.holder] -= 1
            if self._per_holder[subscriber.holder] <= 0:
                del self._per_holder[subscriber.holder]

    def subscribers_of(self, topic: Topic) -> int:
        return sum(
            subscriber.topic == topic
            for subscribers in self._by_org.values()
            for subscriber in subscribers
        )

    def signal(self, signal: LiveSignal) -> None:
        """A transaction committed changes (called by the listener)."""
        if signal.events is not None:
            self.on_events()
        if signal.org_id not in self._by_org:
            return
        task = asyncio.create_task(self._fan_out(signal), name="live-fan-out")
        self._fan_outs.add(task)
        task.add_done_callback(self._fan_outs.discard)

    def gap(self) -> None:
        """Signals may have been missed: every subscriber reads again."""
        self.on_events()
        shared = Shared()
        for subscribers in self._by_org.values():
            for subscriber in subscribers:
                subscriber.offer(Delivery(shared=shared))

    async def _fan_out(self, signal: LiveSignal) -> None:
        try:
            events = await self.listener.events_of(signal)
        except Exception as error:
            logger.warning("live fan-out could not read events (%s)", type(error).__name__)
            self._resync(signal.org_id)
            return
        subscribers = tuple(self._by_org.get(signal.org_id, ()))
        shared = Shared()
        for event in events:
            for subscriber in subscribers:
                if subscriber.concerned_by(event):
                    subscriber.offer(Delivery(event=event, shared=shared))
        for note in signal.private_notes:
            for subscriber in subscribers:
                if subscriber.concerned_by_note(note):
                    subscriber.offer(Delivery(private_note=note, shared=shared))
        if signal.overflowed:
            self._resync(signal.org_id)

    def _resync(self, org_id: UUID) -> None:
        shared = Shared()
        for subscriber in tuple(self._by_org.get(org_id, ())):
            subscriber.offer(Delivery(shared=shared))
