"""Commitments: the action items a pair follows up on (content)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.nodes import MEETINGS, PAIRS
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.people import Person, load_person, people_named_by
from app.api.schemas.content import CommitmentOut
from app.domain.access import Scope
from app.domain.commitments import Commitment as DomainCommitment
from app.services import visible_records

if TYPE_CHECKING:
    from app.api.graphql.types.meetings import Meeting
    from app.api.graphql.types.pairs import Pair


async def pairs_of(parents: Sequence[Commitment | Meeting], info: GraphInfo) -> list[Pair | None]:
    """The pair of each commitment or meeting (pairs:read for a key)."""
    info.context.require(Scope.PAIRS_READ)
    found = await info.context.loaders.pairs.load_many([parent.pair_id for parent in parents])
    return [None if pair is None else PAIRS.node(pair) for pair in found]


@derived_type(
    CommitmentOut, description="An action item of a pair, owned by one of its two people."
)
class Commitment:
    pair_id: UUID  # read by the resolvers below
    meeting_id: UUID | None
    owner_id: UUID
    version: int = version_field()

    @resolves("The owner (people:read for a key).", for_all_parents=people_named_by("owner_id"))
    async def owner(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.owner_id)

    @resolves("The pair (pairs:read for a key).", for_all_parents=pairs_of)
    async def pair(
        self, info: GraphInfo
    ) -> Annotated[Pair, strawberry.lazy("app.api.graphql.types.pairs")] | None:
        return (await pairs_of([self], info))[0]

    @resolves("The meeting it came from, if the caller may see it (meetings:read for a key).")
    async def meeting(
        self, info: GraphInfo
    ) -> Annotated[Meeting, strawberry.lazy("app.api.graphql.types.meetings")] | None:
        if self.meeting_id is None:
            return None
        info.context.require(Scope.MEETINGS_READ)
        found = await info.context.loaders.meetings.load(self.meeting_id)
        if found is not None and found.pair_id != self.pair_id:
            # An open commitment follows its owner to a new pair (rule 8); the meeting it
            # came from stays the old pair's, seen by that pair's people only.
            found = await or_none(visible_records.meeting(info.context.service_context, found.id))
        return None if found is None else MEETINGS.node(found)


commitment_node: Callable[[DomainCommitment], Commitment] = node_maker(Commitment)
