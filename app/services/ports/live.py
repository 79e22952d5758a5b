"""Live deliveries (GraphQL subscriptions, docs/realtime.md): a transaction that wrote
events, or changed a private note, announces it with ids only, and every server process
hears the announcement once the transaction has committed.

The announcement is a signal, not the change: subscribers read the events themselves (the
outbox's records, the one source of truth) and re-read records as the subscriber."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from app.domain.events import Event


@dataclass(frozen=True, slots=True)
class PrivateNoteSignal:
    """A private note changed: no event exists for it, so the signal carries its ids, for
    its author's subscriptions alone."""

    meeting_id: UUID
    note_id: UUID
    author_id: UUID
    change: str  # "created", "updated" or "deleted"


@dataclass(frozen=True, slots=True)
class EventSpan:
    """Events written by one statement of one transaction: `tx` (PostgreSQL's transaction
    id, 0 on SQLite) and the sequence numbers first..last of them."""

    tx: int
    first_seq: int
    last_seq: int


@dataclass(frozen=True, slots=True)
class LiveSignal:
    """What one transaction announces about one organization."""

    org_id: UUID
    events: EventSpan | None = None
    private_notes: tuple[PrivateNoteSignal, ...] = ()
    # The private-note signals did not fit in one announcement: every subscriber of the
    # organization is told to read again (resync).
    overflowed: bool = False


class LiveNotices(Protocol):
    """The transaction's announcer (part of the unit of work)."""

    async def announce(self, signal: LiveSignal) -> None:
        """Announce the signal when (and only if) the transaction commits."""


SignalHandler = Callable[[LiveSignal], None]
GapHandler = Callable[[], None]


class LiveListener(Protocol):
    """Hears every process's announcements (PostgreSQL LISTEN, or in-process on SQLite),
    says when some may have been missed (a gap), and reads the events a signal names."""

    async def start(self, on_signal: SignalHandler, on_gap: GapHandler) -> None: ...

    async def stop(self) -> None: ...

    async def events_of(self, signal: LiveSignal) -> Sequence[Event]: ...
