"""The Query fields of meetings."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import Connection, from_page, page_request
from app.api.graphql.context import GraphInfo, asks_for, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.types.meetings import First, Meeting, meeting_node
from app.domain.access import Scope
from app.domain.meetings import MeetingStatus
from app.domain.paging import DEFAULT_LIMIT
from app.domain.queries import MeetingFilter
from app.services import meetings as service
from app.services import visible_records
from app.services.meeting_views import visible_view


@strawberry.type
class MeetingsQuery:
    @resolves("One meeting the caller may see, or null (meetings:read).")
    async def meeting(self, info: GraphInfo, id: UUID) -> Meeting | None:
        info.context.require(Scope.MEETINGS_READ)
        info.context.address(info, meeting_id=id)
        ctx = info.context.service_context
        if asks_for(info, "followUp"):  # read with the meeting, as REST's GET does
            view = await or_none(visible_view(ctx, id))
            if view is None:
                return None
            info.context.loaders.prime_follow_up(view.meeting, view.follow_up)
            return meeting_node(view.meeting)
        found = await or_none(visible_records.meeting(ctx, id))
        return None if found is None else meeting_node(found)

    @resolves(
        "Meetings in start order; the filters of GET /v1/meetings"
        " (a person sees their own pairs' meetings) (meetings:read)."
    )
    async def meetings(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        pair_id: UUID | None = None,
        person_id: UUID | None = None,
        status: MeetingStatus | None = None,
        starts_after: datetime | None = None,
        starts_before: datetime | None = None,
        updated_since: datetime | None = None,
    ) -> Connection[Meeting]:
        info.context.require(Scope.MEETINGS_READ)
        info.context.address(info)
        filters = MeetingFilter(
            pair_id, person_id, status, starts_after, starts_before, updated_since
        )
        page = await service.list_meetings(
            info.context.service_context, filters, page_request(first, after)
        )
        return from_page(page, after, lambda m: m.starts_at, meeting_node)
