"""What the GraphQL framework alone costs for the benchmark's screen: Strawberry and
graphql-core executing the screen's document (`graphql_screen.SCREEN`) over objects already
in memory, with no database, no request pipeline, no privacy check and no record made: the
least CPU a server built on them spends per screen when, as Rapport's do, its nested lists
are resolved by coroutines (each awaiting its level's batch).

The schema has the screen's shape (the same type and field names, the same 50 pairs with
five meetings each, one agenda item, note, follow-up and open commitment apiece) and caches
parsed and validated documents, as Rapport does. Used by `graphql_inprocess.py`.
"""

from __future__ import annotations

import enum
from uuid import UUID, uuid4

import graphql_screen as gs
import strawberry
from strawberry.extensions import ParserCache, ValidationCache

STARTS_AT = "2026-12-07T10:00:00+00:00"


@strawberry.enum
class CommitmentStatus(enum.Enum):
    OPEN = "open"


@strawberry.type
class Item:
    id: UUID
    title: str


@strawberry.type
class Note:
    id: UUID
    body: str


@strawberry.type
class Items:
    nodes: list[Item]


@strawberry.type
class Notes:
    nodes: list[Note]


@strawberry.type
class Meeting:
    id: UUID
    starts_at: str
    agenda: strawberry.Private[list[Item]]
    shared_notes: strawberry.Private[list[Note]]
    open_commitments: strawberry.Private[list[Item]]

    @strawberry.field
    async def follow_up(self) -> list[Item]:
        return self.open_commitments

    @strawberry.field
    async def agenda_items(self, first: int = 50, after: str | None = None) -> Items:
        return Items(nodes=self.agenda)

    @strawberry.field
    async def notes(self, first: int = 50, after: str | None = None) -> Notes:
        return Notes(nodes=self.shared_notes)


@strawberry.type
class Meetings:
    nodes: list[Meeting]


@strawberry.type
class Pair:
    id: UUID
    pair_meetings: strawberry.Private[list[Meeting]]
    pair_commitments: strawberry.Private[list[Item]]

    @strawberry.field
    async def meetings(
        self, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> Meetings:
        return Meetings(nodes=self.pair_meetings)

    @strawberry.field
    async def commitments(
        self, first: int = 50, after: str | None = None, status: CommitmentStatus | None = None
    ) -> Items:
        return Items(nodes=self.pair_commitments)


@strawberry.type
class Pairs:
    nodes: list[Pair]


def _item() -> Item:
    return Item(id=uuid4(), title="Follow up")


def _meeting() -> Meeting:
    return Meeting(
        id=uuid4(),
        starts_at=STARTS_AT,
        agenda=[_item()],
        shared_notes=[Note(id=uuid4(), body="Note")],
        open_commitments=[_item()],
    )


PAIRS = [
    Pair(
        id=uuid4(),
        pair_meetings=[_meeting() for _ in range(gs.MEETINGS_PER_PAIR)],
        pair_commitments=[_item()],
    )
    for _ in range(gs.PAIRS)
]


@strawberry.type
class Query:
    @strawberry.field
    async def pairs(self, first: int = 50, after: str | None = None) -> Pairs:
        return Pairs(nodes=PAIRS[:first])


SCHEMA = strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])


async def screen() -> None:
    """One screen executed by the framework alone."""
    result = await SCHEMA.execute(gs.SCREEN)
    if result.errors or result.data is None or len(result.data["pairs"]["nodes"]) != gs.PAIRS:
        raise RuntimeError(f"the framework's screen failed: {result.errors}")
