"""A signed-in person's own view: who they are, their meetings, commitments and pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.domain.access import ServiceKey
from app.domain.cadence import CadenceState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.errors import Forbidden
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.paging import Page, PageRequest
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.queries import CommitmentFilter, MeetingFilter, PairFilter
from app.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class Me:
    person: Person | None
    service_key: ServiceKey | None


async def describe(ctx: ServiceContext) -> Me:
    if ctx.caller.person is not None:
        return Me(ctx.caller.person, None)
    key = None
    if ctx.caller.key_id is not None:
        key = await ctx.uow.service_keys.get(ctx.org_id, ctx.caller.key_id)
    return Me(None, key)


def _me(ctx: ServiceContext) -> Person:
    """The signed-in person: the one place that refuses these lists to service keys, for
    REST and GraphQL alike."""
    person = ctx.caller.person
    if person is None:
        raise Forbidden(
            "This lists a signed-in person's own records: call it with a person token.",
            code="person_token_only",
        )
    return person


async def meetings(
    ctx: ServiceContext, when: Literal["upcoming", "recent"], request: PageRequest
) -> Page[Meeting]:
    """Upcoming: scheduled from now on, soonest first. Recent: started before now, any
    status, latest first."""
    person = _me(ctx)
    if when == "upcoming":
        filters = MeetingFilter(
            participant_id=person.id, status=MeetingStatus.SCHEDULED, starts_after=ctx.now
        )
    else:
        filters = MeetingFilter(participant_id=person.id, starts_before=ctx.now, newest_first=True)
    return await ctx.uow.meetings.list_page(ctx.org_id, filters, request)


async def commitments(
    ctx: ServiceContext, status: CommitmentStatus | None, overdue: bool, request: PageRequest
) -> Page[Commitment]:
    person = _me(ctx)
    filters = CommitmentFilter(
        owner_id=person.id,
        status=status,
        overdue_on=ctx.now.date() if overdue else None,
        participant_id=person.id,
    )
    return await ctx.uow.commitments.list_page(ctx.org_id, filters, request)


async def pairs(
    ctx: ServiceContext, state: CadenceState | None, request: PageRequest
) -> Page[Pair]:
    person = _me(ctx)
    grace_days = (await ctx.uow.policies.get(ctx.org_id)).grace_days if state else 0
    filters = PairFilter(person_id=person.id, cadence_state=state)
    return await ctx.uow.pairs.list_page(
        ctx.org_id, filters, request, now=ctx.now, grace_days=grace_days
    )
