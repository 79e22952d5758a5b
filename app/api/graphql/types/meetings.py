"""Meetings and what hangs off them: agenda, notes, ratings, follow-up, history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, TypeVar
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from app.api.graphql.connections import (
    FIRST_DESCRIPTION,
    Connection,
    from_children,
    from_page,
    page_request,
)
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.loaders import ChildrenLoader, PageShape
from app.api.graphql.nodes import MEETINGS
from app.api.graphql.types.agenda import AgendaItem, agenda_item_node
from app.api.graphql.types.commitments import Commitment, commitment_node, pairs_of
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.notes import Note, note_node
from app.api.graphql.types.people import Person, load_person, people_named_by
from app.api.schemas.meetings import MeetingEventOut, MeetingOut, RatingOut
from app.domain.access import Scope
from app.domain.agenda import AgendaItem as DomainAgendaItem
from app.domain.meetings import Meeting as DomainMeeting
from app.domain.meetings import MeetingEvent as DomainMeetingEvent
from app.domain.notes import Note as DomainNote
from app.domain.paging import DEFAULT_LIMIT
from app.domain.ratings import Rating as DomainRating
from app.services import meetings as service

if TYPE_CHECKING:
    from app.api.graphql.types.pairs import Pair

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]
Child = TypeVar("Child")
Node = TypeVar("Node")


async def _pages_of(
    meetings: Sequence[Meeting],
    info: GraphInfo,
    first: int,
    after: str | None,
    loader: Callable[[GraphInfo], ChildrenLoader[list[Child]]],
    sort_value: Callable[[Child], object],
    node: Callable[[Child], Node],
) -> list[Connection[Node]]:
    """A page of a list of each meeting's content, in one statement for all of them
    (content:read)."""
    context = info.context
    context.require(Scope.CONTENT_READ)
    request = page_request(first, after)
    pages = await loader(info).pages(
        [meeting.id for meeting in meetings], PageShape.probing(request)
    )
    return [from_children(children, request, after, sort_value, node) for children in pages]


async def agenda_of(
    meetings: Sequence[Meeting],
    info: GraphInfo,
    first: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> list[Connection[AgendaItem]]:
    """Each meeting's agenda in order."""
    return await _pages_of(
        meetings, info, first, after, _agenda_loader, lambda i: i.position, agenda_item_node
    )


async def notes_of(
    meetings: Sequence[Meeting],
    info: GraphInfo,
    first: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> list[Connection[Note]]:
    """Each meeting's shared notes and the caller's own private ones, oldest first."""
    return await _pages_of(
        meetings, info, first, after, _notes_loader, lambda n: n.created_at, note_node
    )


async def ratings_of(
    meetings: Sequence[Meeting],
    info: GraphInfo,
    first: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> list[Connection[Rating]]:
    """Each meeting's ratings, oldest first."""
    return await _pages_of(
        meetings, info, first, after, _ratings_loader, lambda r: r.created_at, rating_node
    )


async def follow_up_of(meetings: Sequence[Meeting], info: GraphInfo) -> list[list[Commitment]]:
    """Each meeting's open commitments to follow up on (content:read)."""
    info.context.require(Scope.CONTENT_READ)
    found = await info.context.loaders.follow_up([meeting.record for meeting in meetings])
    return [[commitment_node(c) for c in commitments] for commitments in found]


def _agenda_loader(info: GraphInfo) -> ChildrenLoader[list[DomainAgendaItem]]:
    return info.context.loaders.agenda_of_meeting


def _notes_loader(info: GraphInfo) -> ChildrenLoader[list[DomainNote]]:
    return info.context.loaders.notes_of_meeting


def _ratings_loader(info: GraphInfo) -> ChildrenLoader[list[DomainRating]]:
    return info.context.loaders.ratings_of_meeting


@derived_type(RatingOut, description="A participant's view of a completed meeting (1-5).")
class Rating:
    person_id: UUID  # read by the resolver below

    @resolves("Who rated (people:read for a key).", for_all_parents=people_named_by("person_id"))
    async def person(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.person_id)


rating_node: Callable[[DomainRating], Rating] = node_maker(Rating)


@derived_type(MeetingEventOut, description="A change of a meeting, with who made it and when.")
class MeetingEvent:
    data: JSON  # the model's dict is GraphQL's JSON scalar


_event_node: Callable[[DomainMeetingEvent], MeetingEvent] = node_maker(MeetingEvent)


@derived_type(MeetingOut, description="One 1:1 of a pair.")
class Meeting:
    id: UUID  # read by the resolvers below
    pair_id: UUID
    version: int = version_field()
    record: strawberry.Private[DomainMeeting]

    @resolves("The pair (pairs:read for a key).", for_all_parents=pairs_of)
    async def pair(
        self, info: GraphInfo
    ) -> Annotated[Pair, strawberry.lazy("app.api.graphql.types.pairs")] | None:
        return (await pairs_of([self], info))[0]

    @resolves("The agenda in order (content:read).", for_all_parents=agenda_of)
    async def agenda_items(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[AgendaItem]:
        return (await agenda_of([self], info, first, after))[0]

    @resolves(
        "Shared notes, and the caller's own private notes, oldest"
        " first (content:read). A private note is never listed for anyone but its author.",
        for_all_parents=notes_of,
    )
    async def notes(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[Note]:
        return (await notes_of([self], info, first, after))[0]

    @resolves("Ratings, oldest first (content:read).", for_all_parents=ratings_of)
    async def ratings(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[Rating]:
        return (await ratings_of([self], info, first, after))[0]

    @resolves(
        "The pair's open commitments made before this meeting"
        " (rule 6), oldest first, at most 20 (content:read).",
        for_all_parents=follow_up_of,
    )
    async def follow_up(self, info: GraphInfo) -> list[Commitment]:
        return (await follow_up_of([self], info))[0]

    @resolves("Every change of the meeting, oldest first (meetings:read).")
    async def history(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[MeetingEvent]:
        info.context.require(Scope.MEETINGS_READ)
        request = page_request(first, after)
        page = await service.meeting_history(info.context.service_context, self.id, request)
        return from_page(page, after, lambda e: e.at, _event_node)


meeting_node: Callable[[DomainMeeting], Meeting] = MEETINGS.registers(node_maker(Meeting))
