"""The Query fields of commitments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.connections import FIRST_DESCRIPTION, Connection, from_page, page_request
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.domain.access import Scope
from app.domain.commitments import CommitmentStatus
from app.domain.paging import DEFAULT_LIMIT
from app.domain.queries import CommitmentFilter
from app.services import commitments as service
from app.services import visible_records


@strawberry.type
class CommitmentsQuery:
    @resolves("One commitment, or null (content:read).")
    async def commitment(self, info: GraphInfo, id: UUID) -> Commitment | None:
        info.context.address(info, commitment_id=id)
        info.context.require(Scope.CONTENT_READ)
        found = await or_none(visible_records.commitment(info.context.service_context, id))
        return None if found is None else commitment_node(found)

    @resolves(
        "Commitments, oldest first; the filters of GET"
        " /v1/commitments (`overdue`: open and due before today, UTC) (content:read)."
    )
    async def commitments(
        self,
        info: GraphInfo,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = DEFAULT_LIMIT,
        after: str | None = None,
        pair_id: UUID | None = None,
        owner_id: UUID | None = None,
        meeting_id: UUID | None = None,
        status: CommitmentStatus | None = None,
        overdue: bool | None = None,
        updated_since: datetime | None = None,
    ) -> Connection[Commitment]:
        context = info.context
        context.address(info)
        context.require(Scope.CONTENT_READ)
        ctx = context.service_context
        overdue_on = ctx.now.date() if overdue else None
        filters = CommitmentFilter(pair_id, owner_id, meeting_id, status, overdue_on, updated_since)
        page = await service.list_commitments(ctx, filters, page_request(first, after))
        return from_page(page, after, lambda c: c.created_at, commitment_node)
