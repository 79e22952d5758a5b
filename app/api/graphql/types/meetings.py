"""Meetings and what hangs off them: agenda, notes, ratings, follow-up, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated
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
from app.api.graphql.loaders import ChildrenPage
from app.api.graphql.nodes import MEETINGS, PAIRS
from app.api.graphql.types.agenda import AgendaItem, agenda_item_node
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.notes import Note, note_node
from app.api.graphql.types.people import Person, load_person
from app.api.schemas.meetings import MeetingEventOut, MeetingOut, RatingOut
from app.domain.access import Scope
from app.domain.meetings import Meeting as DomainMeeting
from app.domain.meetings import MeetingEvent as DomainMeetingEvent
from app.domain.paging import DEFAULT_LIMIT
from app.domain.ratings import Rating as DomainRating
from app.services import meetings as service

if TYPE_CHECKING:
    from app.api.graphql.types.pairs import Pair

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]


@derived_type(RatingOut, description="A participant's view of a completed meeting (1-5).")
class Rating:
    person_id: UUID  # read by the resolver below

    @resolves("Who rated (people:read for a key).")
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

    @resolves("The pair (pairs:read for a key).")
    async def pair(
        self, info: GraphInfo
    ) -> Annotated[Pair, strawberry.lazy("app.api.graphql.types.pairs")] | None:
        info.context.require(Scope.PAIRS_READ)
        found = await info.context.loaders.pairs.load(self.pair_id)
        return None if found is None else PAIRS.node(found)

    @resolves("The agenda in order (content:read).")
    async def agenda_items(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[AgendaItem]:
        context = info.context
        context.require(Scope.CONTENT_READ)
        request = page_request(first, after)
        items = await context.loaders.agenda_of_meeting.load(ChildrenPage.probing(self.id, request))
        return from_children(items, request, after, lambda i: i.position, agenda_item_node)

    @resolves(
        "Shared notes, and the caller's own private notes, oldest"
        " first (content:read). A private note is never listed for anyone but its author."
    )
    async def notes(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[Note]:
        context = info.context
        context.require(Scope.CONTENT_READ)
        request = page_request(first, after)
        found = await context.loaders.notes_of_meeting.load(ChildrenPage.probing(self.id, request))
        return from_children(found, request, after, lambda n: n.created_at, note_node)

    @resolves("Ratings, oldest first (content:read).")
    async def ratings(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[Rating]:
        context = info.context
        context.require(Scope.CONTENT_READ)
        request = page_request(first, after)
        shape = ChildrenPage.probing(self.id, request)
        found = await context.loaders.ratings_of_meeting.load(shape)
        return from_children(found, request, after, lambda r: r.created_at, rating_node)

    @resolves(
        "The pair's open commitments made before this meeting"
        " (rule 6), oldest first, at most 20 (content:read)."
    )
    async def follow_up(self, info: GraphInfo) -> list[Commitment]:
        info.context.require(Scope.CONTENT_READ)
        return [commitment_node(c) for c in await info.context.loaders.follow_up(self.record)]

    @resolves("Every change of the meeting, oldest first (meetings:read).")
    async def history(
        self, info: GraphInfo, first: First = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[MeetingEvent]:
        info.context.require(Scope.MEETINGS_READ)
        request = page_request(first, after)
        page = await service.meeting_history(info.context.service_context, self.id, request)
        return from_page(page, after, lambda e: e.at, _event_node)


meeting_node: Callable[[DomainMeeting], Meeting] = MEETINGS.registers(node_maker(Meeting))
