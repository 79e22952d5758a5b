"""The directory sync: a whole directory in one call, all or nothing, written in batches
(statements grow with the number of batches, never one per person)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.directory import DirectoryPlan, DirectoryRow, plan_directory
from app.domain.privacy import check_admin
from app.services.context import ServiceContext, new_id
from app.services.reporting_lines import FollowedPairs, follow


@dataclass(frozen=True, slots=True)
class DirectorySync:
    """What a sync changed (or, as a dry run, would change)."""

    plan: DirectoryPlan
    pairs: FollowedPairs
    dry_run: bool


async def sync_directory(
    ctx: ServiceContext, rows: list[DirectoryRow], *, deactivate_missing: bool, dry_run: bool
) -> DirectorySync:
    """Load the organization's people once, diff them against the rows (every bad row is
    reported at once), then write people and pairs in batches; a dry run writes nothing."""
    check_admin(ctx.caller, "sync the directory")
    existing = await ctx.uow.people.all_of_org(ctx.org_id)
    plan = plan_directory(
        existing,
        rows,
        deactivate_missing=deactivate_missing,
        org_id=ctx.org_id,
        now=ctx.now,
        new_id=new_id,
    )
    if not dry_run:
        await ctx.uow.people.add_many(plan.inserts)
        await ctx.uow.people.save_many(plan.updates)
    pairs = await follow(ctx, plan.people, plan.affected, write=not dry_run)
    return DirectorySync(plan, pairs, dry_run)
