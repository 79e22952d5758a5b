"""What time alone changes: a pair's cadence state (it becomes overdue when `due_at +
grace_days` passes; its next meeting's start passing can make it unbooked or at risk) and a
booked meeting whose end passes with no record (unrecorded).

Each pair keeps the state last announced and the next instant at which time may change
something (`check_at`). A change to a pair or its meetings settles the pair in its own
transaction; the scheduler settles the pairs whose instant has passed. The rules are
app.domain.cadence's; this module only decides when to look again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from app.domain.cadence import CadenceState
from app.domain.meetings import LONGEST_MEETING_MINUTES, Meeting
from app.persistence.repositories.pair_watches import PairWatch
from app.services.cadence import PairCadence, cadences_of
from app.services.context import ServiceContext

# A state stored before the pair was first looked at (pairs older than the watches).
NOT_LOOKED_AT = "unknown"
# The cadence rules compare strictly (`now > due_at + grace`): look just after an instant.
JUST_AFTER = timedelta(microseconds=1)
_TIME_DRIVEN = {CadenceState.ON_TRACK, CadenceState.AT_RISK, CadenceState.UNBOOKED}


@dataclass(slots=True)
class Settled:
    """What changed since the pairs were last looked at."""

    cadences: list[PairCadence] = field(default_factory=list)
    unrecorded: list[Meeting] = field(default_factory=list)


def next_check_at(
    found: PairCadence, scheduled: Iterable[Meeting], now: datetime
) -> datetime | None:
    """The first instant after `now` at which time alone may change the pair's state or
    leave one of its booked meetings unrecorded (None: nothing will, until a change)."""
    candidates: list[datetime] = []
    cadence = found.cadence
    if cadence.state in _TIME_DRIVEN:
        candidates.append(cadence.due_at + timedelta(days=found.policy.grace_days))
    if cadence.next_at is not None:
        candidates.append(cadence.next_at)
    candidates += [m.ends_at for m in scheduled if m.ends_at >= now]
    return min(candidates) + JUST_AFTER if candidates else None


async def settle(ctx: ServiceContext, pair_ids: Sequence[UUID]) -> Settled:
    """Look at these pairs now: what changed is returned (to be announced), and each
    pair's watch is brought up to date."""
    settled = Settled()
    pairs = await ctx.uow.pairs.by_ids(ctx.org_id, pair_ids)
    if not pairs:
        return settled
    cadences = await cadences_of(ctx, pairs)
    watches = await ctx.uow.pair_watches.of_pairs(ctx.org_id, [p.id for p in pairs])
    since = min((w.unrecorded_until for w in watches.values()), default=ctx.now)
    scheduled = await ctx.uow.meetings.scheduled_of_pairs_since(
        ctx.org_id,
        [p.id for p in pairs],
        min(since, ctx.now) - timedelta(minutes=LONGEST_MEETING_MINUTES),
    )
    added: list[PairWatch] = []
    changed: list[PairWatch] = []
    for pair in pairs:
        found = cadences[pair.id]
        booked = [m for m in scheduled if m.pair_id == pair.id]
        check_at = next_check_at(found, booked, ctx.now)
        watch = watches.get(pair.id)
        if watch is None:
            added.append(
                PairWatch(pair.id, ctx.org_id, found.cadence.state.value, check_at, ctx.now)
            )
            continue
        if watch.cadence_state not in (found.cadence.state.value, NOT_LOOKED_AT):
            settled.cadences.append(found)
        settled.unrecorded += [m for m in booked if watch.unrecorded_until <= m.ends_at < ctx.now]
        watch.cadence_state, watch.check_at = found.cadence.state.value, check_at
        watch.unrecorded_until = max(watch.unrecorded_until, ctx.now)
        changed.append(watch)
    await ctx.uow.pair_watches.write(added, changed)
    return settled
