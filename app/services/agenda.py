"""The shared agenda of a meeting (rule 5): add, edit, reorder, remove, apply a template."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.domain.agenda import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemState,
    check_complete_order,
    check_settable_state,
)
from app.domain.errors import InvalidInput
from app.domain.meetings import Meeting
from app.domain.paging import Page, PageRequest
from app.domain.privacy import acting_person
from app.domain.templates import section_details
from app.domain.versions import Expected, check_version
from app.services import versions, visible_records
from app.services.context import ServiceContext, new_id


async def _open_meeting_and_author(
    ctx: ServiceContext, meeting_id: UUID, author_id: UUID | None
) -> tuple[Meeting, UUID]:
    meeting = await visible_records.meeting(ctx, meeting_id, for_update=True)
    meeting.check_open()
    author = acting_person(ctx.caller, author_id, "author_id")
    pair = await visible_records.content_pair(ctx, meeting.pair_id, "meeting", meeting.id)
    pair.check_participant(author, "author_id")
    return meeting, author


async def add_item(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    author_id: UUID | None,
    title: str,
    details: str | None = None,
    kind: AgendaItemKind = AgendaItemKind.OTHER,
) -> AgendaItem:
    """Either person adds topics in advance, so the conversation feels balanced."""
    meeting, author = await _open_meeting_and_author(ctx, meeting_id, author_id)
    item = AgendaItem(
        id=new_id(),
        org_id=ctx.org_id,
        meeting_id=meeting.id,
        author_id=author,
        title=title,
        details=details,
        kind=kind,
        position=await ctx.uow.agenda_items.next_position(ctx.org_id, meeting.id),
        state=AgendaItemState.OPEN,
        carried_from_id=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.agenda_items.add(item)
    return item


async def list_items(
    ctx: ServiceContext, meeting_id: UUID, request: PageRequest
) -> Page[AgendaItem]:
    await visible_records.meeting(ctx, meeting_id)
    ctx.returns_content()
    return await ctx.uow.agenda_items.list_for_meeting(ctx.org_id, meeting_id, request)


async def _item_on_open_meeting(
    ctx: ServiceContext, item_id: UUID, expected: Expected | None
) -> AgendaItem:
    item = await visible_records.agenda_item(ctx, item_id)
    check_version("agenda item", item.version, expected)
    meeting = await visible_records.meeting(ctx, item.meeting_id, for_update=True)
    meeting.check_open()
    return item


async def update_item(
    ctx: ServiceContext, item_id: UUID, changes: dict[str, Any], expected: Expected | None = None
) -> AgendaItem:
    item = await _item_on_open_meeting(ctx, item_id, expected)
    await versions.require_given(ctx, "agenda item", expected)
    if "state" in changes:
        check_settable_state(changes["state"])
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = ctx.now
    await versions.save(ctx, ctx.uow.agenda_items, item, "agenda item", expected)
    return item


async def delete_item(ctx: ServiceContext, item_id: UUID, expected: Expected | None = None) -> None:
    item = await _item_on_open_meeting(ctx, item_id, expected)
    await versions.delete(ctx, ctx.uow.agenda_items, item, "agenda item", expected)


async def reorder_items(
    ctx: ServiceContext, meeting_id: UUID, item_ids: list[UUID]
) -> list[AgendaItem]:
    """Set the order of every item of a scheduled meeting at once."""
    meeting = await visible_records.meeting(ctx, meeting_id, for_update=True)
    meeting.check_open()
    items = await ctx.uow.agenda_items.all_of_meeting(ctx.org_id, meeting.id)
    check_complete_order([item.id for item in items], item_ids)
    by_id = {item.id: item for item in items}
    ordered = [by_id[item_id] for item_id in item_ids]
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.updated_at = ctx.now
            await ctx.uow.agenda_items.save(item)
    return ordered


async def apply_template(
    ctx: ServiceContext, meeting_id: UUID, *, author_id: UUID | None, template_id: UUID | None
) -> list[AgendaItem]:
    """Append one item per template section (its prompts as details); the default template
    when none is named."""
    meeting, author = await _open_meeting_and_author(ctx, meeting_id, author_id)
    if template_id is None:
        template = await ctx.uow.templates.default(ctx.org_id)
        if template is None:
            raise InvalidInput(
                "This organization has no default template; name one with template_id.",
                code="no_default_template",
            )
    else:
        template = await ctx.uow.templates.get(ctx.org_id, template_id)
        if template is None:
            raise visible_records.unknown_reference("template_id", "template", template_id)
    position = await ctx.uow.agenda_items.next_position(ctx.org_id, meeting.id)
    created = []
    for offset, section in enumerate(template.sections):
        item = AgendaItem(
            id=new_id(),
            org_id=ctx.org_id,
            meeting_id=meeting.id,
            author_id=author,
            title=section.title,
            details=section_details(section),
            kind=section.kind,
            position=position + offset,
            state=AgendaItemState.OPEN,
            carried_from_id=None,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        await ctx.uow.agenda_items.add(item)
        created.append(item)
    return created
