"""Carrying a pair's unfinished agenda over to its next meeting (rules 3 and 4)."""

from __future__ import annotations

from uuid import UUID

from app.domain.agenda import AgendaItem, AgendaItemState
from app.domain.meetings import Meeting, MeetingEventKind
from app.services.context import ServiceContext, new_id
from app.services.meeting_records import record


async def carry_over(ctx: ServiceContext, pair_id: UUID, target: Meeting) -> int:
    """Open and deferred items of the pair's closed meetings become new items of `target`
    (`carried_from_id` set); the originals become `carried_over`. Nothing is lost."""
    pending = await ctx.uow.agenda_items.pending_carry_over(ctx.org_id, pair_id)
    if not pending:
        return 0
    position = await ctx.uow.agenda_items.next_position(ctx.org_id, target.id)
    copies = [
        AgendaItem(
            id=new_id(),
            org_id=ctx.org_id,
            meeting_id=target.id,
            author_id=item.author_id,
            title=item.title,
            details=item.details,
            kind=item.kind,
            position=position + offset,
            state=AgendaItemState.OPEN,
            carried_from_id=item.id,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        for offset, item in enumerate(pending)
    ]
    await ctx.uow.agenda_items.add_many(copies)
    await ctx.uow.agenda_items.set_state(
        ctx.org_id, [item.id for item in pending], AgendaItemState.CARRIED_OVER, ctx.now
    )
    sources = sorted({item.meeting_id for item in pending}, key=str)
    await record(
        ctx,
        target.id,
        MeetingEventKind.ITEMS_CARRIED_OVER,
        {"items": len(copies), "from_meeting_ids": [str(s) for s in sources]},
    )
    return len(copies)
