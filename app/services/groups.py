"""Groups of people (pushed by identity providers; a metrics rollup can filter by one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from app.domain.errors import InvalidInput, NotFound, StateConflict
from app.domain.groups import Group
from app.domain.privacy import check_admin
from app.domain.queries import GroupQuery
from app.services.context import ServiceContext, new_id


@dataclass(frozen=True, slots=True)
class GroupWithMembers:
    group: Group
    member_ids: list[UUID]


async def group(ctx: ServiceContext, group_id: UUID) -> GroupWithMembers:
    found = await ctx.uow.groups.get(ctx.org_id, group_id)
    if found is None:
        raise NotFound("group", group_id)
    members = await ctx.uow.groups.members_of(ctx.org_id, [found.id])
    return GroupWithMembers(found, members[found.id])


async def referenced_group(ctx: ServiceContext, group_id: UUID, field: str) -> Group:
    """A group named by a filter: unknown (or another organization's) is bad input."""
    found = await ctx.uow.groups.get(ctx.org_id, group_id)
    if found is None:
        raise InvalidInput(
            f"{field}: no group with id {group_id} exists.", code="unknown_reference", field=field
        )
    return found


async def _check_members(ctx: ServiceContext, person_ids: Sequence[UUID]) -> list[UUID]:
    wanted = list(dict.fromkeys(person_ids))
    found = {p.id for p in await ctx.uow.people.by_ids(ctx.org_id, wanted)}
    unknown = [str(p) for p in wanted if p not in found]
    if unknown:
        raise InvalidInput(
            f"members: no person with id {', '.join(unknown)} exists.",
            code="unknown_reference",
            field="members",
        )
    return wanted


async def _check_external_id(ctx: ServiceContext, external_id: str | None, me: UUID | None) -> None:
    if external_id is None:
        return
    holder = await ctx.uow.groups.find_by_external_id(ctx.org_id, external_id)
    if holder is not None and holder.id != me:
        raise StateConflict(
            "Another group of this organization already has this external_id.",
            code="duplicate_external_id",
            field="external_id",
        )


async def create_group(
    ctx: ServiceContext, display_name: str, external_id: str | None, member_ids: Sequence[UUID]
) -> GroupWithMembers:
    check_admin(ctx.caller, "manage groups")
    await _check_external_id(ctx, external_id, None)
    members = await _check_members(ctx, member_ids)
    created = Group(new_id(), ctx.org_id, display_name, external_id, ctx.now, ctx.now)
    await ctx.uow.groups.add(created)
    await ctx.uow.groups.add_members(ctx.org_id, created.id, members, ctx.now)
    return GroupWithMembers(created, members)


async def replace_group(
    ctx: ServiceContext,
    group_id: UUID,
    display_name: str,
    external_id: str | None,
    member_ids: Sequence[UUID],
) -> GroupWithMembers:
    """Set the name, external id and the whole membership."""
    check_admin(ctx.caller, "manage groups")
    current = await group(ctx, group_id)
    await _check_external_id(ctx, external_id, group_id)
    members = await _check_members(ctx, member_ids)
    found = current.group
    found.display_name, found.external_id, found.updated_at = display_name, external_id, ctx.now
    await ctx.uow.groups.save(found)
    kept = set(members)
    await ctx.uow.groups.remove_members(
        ctx.org_id, group_id, [p for p in current.member_ids if p not in kept]
    )
    had = set(current.member_ids)
    await ctx.uow.groups.add_members(
        ctx.org_id, group_id, [p for p in members if p not in had], ctx.now
    )
    return GroupWithMembers(found, members)


async def delete_group(ctx: ServiceContext, group_id: UUID) -> None:
    check_admin(ctx.caller, "manage groups")
    await group(ctx, group_id)
    await ctx.uow.groups.delete(ctx.org_id, group_id)


async def group_window(
    ctx: ServiceContext, query: GroupQuery, offset: int, limit: int
) -> tuple[int, list[GroupWithMembers]]:
    """Groups by SCIM's index paging, with their members (one statement for the page)."""
    total, found = await ctx.uow.groups.window(ctx.org_id, query, offset, limit)
    members = await ctx.uow.groups.members_of(ctx.org_id, [g.id for g in found])
    return total, [GroupWithMembers(g, members[g.id]) for g in found]
