"""The directory sync: a whole directory in one call, all or nothing, written in batches
(statements grow with the number of batches, never one per person)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.directory import DirectoryPlan, DirectoryRow, plan_directory
from app.domain.privacy import check_admin
from app.services.context import UseCase, new_id
from app.services.reporting_lines import FollowedPairs, follow


@dataclass(frozen=True, slots=True)
class DirectorySync:
    """What a sync changed (or, as a dry run, would change)."""

    plan: DirectoryPlan
    pairs: FollowedPairs
    dry_run: bool


async def sync_directory(
    uc: UseCase, rows: list[DirectoryRow], *, deactivate_missing: bool, dry_run: bool
) -> DirectorySync:
    """Load the organization's people once, diff them against the rows (every bad row is
    reported at once), then write people and pairs in batches; a dry run writes nothing."""
    check_admin(uc.caller, "sync the directory")
    existing = await uc.uow.people.all_of_org(uc.org_id)
    plan = plan_directory(
        existing,
        rows,
        deactivate_missing=deactivate_missing,
        org_id=uc.org_id,
        now=uc.now,
        new_id=new_id,
    )
    if not dry_run:
        await uc.uow.people.add_many(plan.inserts)
        await uc.uow.people.save_many(plan.updates)
    pairs = await follow(uc, plan.people, plan.affected, write=not dry_run)
    return DirectorySync(plan, pairs, dry_run)
