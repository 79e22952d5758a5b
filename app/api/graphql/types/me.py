"""The caller: who they are and, for a signed-in person, their own meetings, commitments
and pairs (REST's /v1/me and its lists)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Literal
from uuid import UUID

import strawberry

from app.api.graphql.connections import FIRST_DESCRIPTION, Connection, from_page, page_request
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.api.graphql.types.meetings import Meeting, meeting_node
from app.api.graphql.types.pairs import Pair, pair_node
from app.api.graphql.types.people import Person
from app.domain.access import Scope
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.paging import DEFAULT_LIMIT
from app.services import me

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]


@strawberry.enum(description="Which of the person's meetings.")
class MeetingsWhen(Enum):
    UPCOMING = "upcoming"
    RECENT = "recent"


@strawberry.type(description="A service key as its holder sees it (never its secret).")
class ServiceKeyInfo:
    id: UUID
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    revoked_at: datetime | None


@strawberry.type(description="The caller: the signed-in person, or the service key.")
class Me:
    kind: str = strawberry.field(description="person or service_key.")
    organization_id: UUID
    person: Person | None
    service_key: ServiceKeyInfo | None

    @resolves(
        "UPCOMING: scheduled from now on, soonest first; RECENT: started already,"
        " latest first (person tokens)."
    )
    async def meetings(
        self,
        info: GraphInfo,
        when: MeetingsWhen = MeetingsWhen.UPCOMING,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
    ) -> Connection[Meeting] | None:
        ctx = info.context.service_context
        chosen: Literal["upcoming", "recent"] = (
            "upcoming" if when is MeetingsWhen.UPCOMING else "recent"
        )
        page = await me.meetings(ctx, chosen, page_request(first, after))
        return from_page(page, after, lambda m: m.starts_at, meeting_node)

    @resolves(
        "Commitments the person owns, oldest first; `overdue`: open and due before"
        " today (person tokens)."
    )
    async def commitments(
        self,
        info: GraphInfo,
        status: CommitmentStatus | None = None,
        overdue: bool = False,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
    ) -> Connection[Commitment] | None:
        ctx = info.context.service_context
        page = await me.commitments(ctx, status, overdue, page_request(first, after))
        return from_page(page, after, lambda c: c.created_at, commitment_node)

    @resolves("The pairs the person is one of the two people of, oldest first (person tokens).")
    async def pairs(
        self,
        info: GraphInfo,
        state: CadenceState | None = None,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
    ) -> Connection[Pair] | None:
        ctx = info.context.service_context
        page = await me.pairs(ctx, state, page_request(first, after))
        return from_page(page, after, lambda p: p.created_at, pair_node)
