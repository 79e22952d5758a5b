"""Announcing live signals (app.services.ports.live) from the transaction that caused them.

PostgreSQL: `pg_notify` in the transaction itself. NOTIFY is transactional: a rolled-back
transaction announces nothing, a committed one is heard by every listening process after
the commit. The payload carries ids only (never content) and stays under PostgreSQL's
8000-byte limit: events as a sequence range of one transaction, private notes while they
fit (past that, the organization's subscribers are told to resync).

SQLite (one process, writers take turns): the signal is handed to the process's listeners
at once; they read the events in a write transaction of their own, which SQLite begins only
once the announcing transaction has committed or rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.services.ports.live import EventSpan, LiveSignal, PrivateNoteSignal

CHANNEL = "rapport_live"
MAX_PAYLOAD_BYTES = 7_900  # PostgreSQL refuses 8000 and more
TX_MARK = "@tx@"  # in the payload, replaced by the transaction's id (no id contains @)

# SQLite: the listeners of this process, by database URL.
_LOCAL: dict[str, set[Callable[[LiveSignal], None]]] = {}


def listen_locally(database_url: str, handler: Callable[[LiveSignal], None]) -> None:
    _LOCAL.setdefault(database_url, set()).add(handler)


def stop_listening_locally(database_url: str, handler: Callable[[LiveSignal], None]) -> None:
    _LOCAL.get(database_url, set()).discard(handler)


class LiveNotices:
    """app.services.ports.live.LiveNotices on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def announce(self, signal: LiveSignal) -> None:
        if self.connection.dialect.name == "postgresql":
            # The events' transaction id is the one `tx` column holds (app.persistence.
            # repositories.events), filled in by the statement itself.
            await self.connection.execute(
                text(
                    "SELECT pg_notify(:channel, replace(:payload, :tx, pg_current_xact_id()::text))"
                ),
                {"channel": CHANNEL, "payload": encode(signal, TX_MARK), "tx": TX_MARK},
            )
            return
        database = str(self.connection.engine.url.database)
        for handler in tuple(_LOCAL.get(database, ())):
            handler(signal)


def encode(signal: LiveSignal, tx: str | None = None) -> str:
    """The signal as a NOTIFY payload (compact JSON, ids only), within MAX_PAYLOAD_BYTES;
    `tx` stands in for the transaction id the database fills in."""
    body: dict[str, object] = {"o": str(signal.org_id)}
    if signal.events is not None:
        span = signal.events
        body["e"] = [tx or span.tx, span.first_seq, span.last_seq]
    if signal.overflowed:
        body["x"] = 1
    notes: list[list[object]] = []
    base = len(json.dumps(body, separators=(",", ":")))
    size = base + 10
    for note in signal.private_notes:
        entry: list[object] = [
            str(note.meeting_id),
            str(note.note_id),
            str(note.author_id),
            note.change[0],
        ]
        size += len(json.dumps(entry, separators=(",", ":"))) + 1
        if size > MAX_PAYLOAD_BYTES:
            body["x"] = 1
            break
        notes.append(entry)
    if notes:
        body["p"] = notes
    return json.dumps(body, separators=(",", ":"))


_CHANGES = {"c": "created", "u": "updated", "d": "deleted"}


def decode(payload: str) -> LiveSignal | None:
    """The signal of a payload, or None for one this version cannot read."""
    try:
        body = json.loads(payload)
        span = body.get("e")
        events = None if span is None else EventSpan(int(span[0]), int(span[1]), int(span[2]))
        notes = tuple(
            PrivateNoteSignal(UUID(meeting), UUID(note), UUID(author), _CHANGES[change])
            for meeting, note, author, change in body.get("p", ())
        )
        return LiveSignal(UUID(body["o"]), events, notes, bool(body.get("x")))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
