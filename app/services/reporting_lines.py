"""Rule 8 written: the pairs that end and start when people move, leave or come back, for
one person (REST, GraphQL, SCIM) or a whole directory (sync) alike, in batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.reporting_lines import PairEnd, pair_changes
from app.services.context import ServiceContext
from app.services.pairs import end_pairs, reporting_pair


@dataclass(slots=True)
class FollowedPairs:
    """What rule 8 did: the pairs that ended (with why) and those that started."""

    ended: list[PairEnd] = field(default_factory=list)
    started: list[Pair] = field(default_factory=list)


async def follow(
    ctx: ServiceContext, people: Mapping[UUID, Person], affected: set[UUID], *, write: bool = True
) -> FollowedPairs:
    """Bring the pairs of `affected` people in line with their managers and whether they are
    active; `people` holds them and their managers as they are now. Without `write`, only
    says what would change (a dry run)."""
    if not affected:
        return FollowedPairs()
    policy = await ctx.uow.policies.get(ctx.org_id)
    live = await ctx.uow.pairs.live_of_people(ctx.org_id, sorted(affected, key=str))
    changes = pair_changes(people, live, affected, auto_pairs=policy.auto_pairs)
    started = [reporting_pair(ctx, s.lead_id, s.member_id, policy) for s in changes.started]
    if write:
        await end_pairs(ctx, [(end.pair, end.reason) for end in changes.ended])
        await ctx.uow.pairs.add_many(started)
        moves = [
            (start.replaces, start.member_id, pair.id)
            for start, pair in zip(changes.started, started, strict=True)
            if start.replaces is not None
        ]
        await ctx.uow.commitments.move_open_of_owners(ctx.org_id, moves, ctx.now)
    return FollowedPairs(changes.ended, started)


async def follow_people(
    ctx: ServiceContext, changed: Sequence[Person], flipped: Sequence[Person] = ()
) -> FollowedPairs:
    """Rule 8 after a few people changed: their managers are loaded, and the reports of the
    people who were deactivated or reactivated (`flipped`) follow them too."""
    people = {person.id: person for person in changed}
    affected = set(people)
    if flipped:
        for report in await ctx.uow.people.reports_of(ctx.org_id, [p.id for p in flipped]):
            people.setdefault(report.id, report)
            affected.add(report.id)
    missing = {p.manager_id for p in people.values() if p.manager_id and p.manager_id not in people}
    for manager in await ctx.uow.people.by_ids(ctx.org_id, sorted(missing, key=str)):
        people[manager.id] = manager
    return await follow(ctx, people, affected)
