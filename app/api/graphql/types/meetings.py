"""Meetings and what hangs off them: agenda, notes, ratings, follow-up, history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from app.api.graphql.connections import (
    FIRST_DESCRIPTION,
    Connection,
    build,
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
from app.api.graphql.types.notes import Note, note_node
from app.api.graphql.types.people import Person, load_person
from app.domain.access import Scope
from app.domain.meetings import Meeting as DomainMeeting
from app.domain.meetings import MeetingEvent as DomainMeetingEvent
from app.domain.meetings import MeetingEventKind, MeetingStatus
from app.domain.paging import DEFAULT_LIMIT
from app.domain.ratings import Rating as DomainRating
from app.services import meetings as service

if TYPE_CHECKING:
    from app.api.graphql.types.pairs import Pair

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]


@strawberry.type(description="A participant's view of a completed meeting (1-5).")
class Rating:
    id: UUID
    meeting_id: UUID
    person_id: UUID
    score: int
    comment: str | None
    created_at: datetime
    updated_at: datetime

    @resolves("Who rated (people:read for a key).")
    async def person(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.person_id)


def rating_node(rating: DomainRating) -> Rating:
    return build(Rating, rating)


@strawberry.type(description="A change of a meeting, with who made it and when.")
class MeetingEvent:
    id: UUID
    meeting_id: UUID
    kind: MeetingEventKind
    at: datetime
    actor_person_id: UUID | None
    actor_key_id: UUID | None
    data: JSON


def _event_node(event: DomainMeetingEvent) -> MeetingEvent:
    return build(MeetingEvent, event)


@strawberry.type(description="One 1:1 of a pair.")
class Meeting:
    id: UUID
    pair_id: UUID
    starts_at: datetime
    duration_minutes: int
    status: MeetingStatus
    reschedule_count: int
    original_starts_at: datetime
    canceled_at: datetime | None
    canceled_by_id: UUID | None
    cancel_reason: str | None
    completed_at: datetime | None
    actual_minutes: int | None
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )
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
        page = await service.meeting_history(info.context.use_case, self.id, request)
        return from_page(page, after, lambda e: e.at, _event_node)


@MEETINGS.registers
def meeting_node(meeting: DomainMeeting) -> Meeting:
    return build(Meeting, meeting)
