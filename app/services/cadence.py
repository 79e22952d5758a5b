"""The cadence state of a pair, now."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.domain.cadence import Cadence, cadence_of
from app.domain.pairs import Pair
from app.domain.policy import Policy
from app.services import visible_records
from app.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class PairCadence:
    pair: Pair
    cadence: Cadence
    policy: Policy


async def pair_cadence(ctx: ServiceContext, pair_id: UUID) -> PairCadence:
    pair = await visible_records.pair(ctx, pair_id)
    policy = await ctx.uow.policies.get(ctx.org_id)
    facts = await ctx.uow.pairs.cadence_facts(ctx.org_id, pair.id, ctx.now)
    cadence = cadence_of(pair, facts.last_held_at, facts.next_at, ctx.now, policy.grace_days)
    return PairCadence(pair, cadence, policy)


async def cadences_of(ctx: ServiceContext, pairs: list[Pair]) -> dict[UUID, PairCadence]:
    """The cadence of many pairs the caller already sees, in two statements."""
    policy = await ctx.uow.policies.get(ctx.org_id)
    facts = await ctx.uow.pairs.cadence_facts_of(ctx.org_id, [p.id for p in pairs], ctx.now)
    return {
        pair.id: PairCadence(
            pair,
            cadence_of(
                pair,
                facts[pair.id].last_held_at,
                facts[pair.id].next_at,
                ctx.now,
                policy.grace_days,
            ),
            policy,
        )
        for pair in pairs
        if pair.id in facts
    }
