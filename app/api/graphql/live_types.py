"""What a subscription delivers: the change, and the records it concerns as the
subscriber may see them now (the query types, so a subscriber selects fields as in
queries)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.context import or_none
from app.api.graphql.live_execution import SharedExecution
from app.api.graphql.shared_models import graph
from app.api.graphql.types.agenda import AgendaItem, agenda_item_node
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.api.graphql.types.meetings import Meeting, meeting_node
from app.api.graphql.types.notes import Note, note_node
from app.api.graphql.types.pairs import Cadence
from app.api.schemas.pairs import CadenceOut
from app.domain.events import Resource
from app.services import visible_records
from app.services.cadence import pair_cadence
from app.services.context import ServiceContext
from app.services.live import Delivery


@strawberry.type(
    description="A change of a meeting or of what hangs off it, as its subscriber sees it."
)
class MeetingChange:
    event_type: str | None = strawberry.field(
        default=None,
        description='The event\'s type, e.g. "agenda_item.created"; null on resync.',
    )
    event_id: UUID | None = strawberry.field(
        default=None,
        description="The event's id (as webhooks and the feed show it); null for a private"
        " note and on resync.",
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When the change was made; null on resync."
    )
    meeting_id: UUID = strawberry.field(description="The meeting the change is about.")
    meeting: Meeting | None = strawberry.field(
        default=None, description="The meeting as the caller sees it now (null if it is gone)."
    )
    agenda_item: AgendaItem | None = strawberry.field(
        default=None,
        description="The agenda item changed, as it is now (null when deleted or not this kind).",
    )
    note: Note | None = strawberry.field(
        default=None,
        description="The note changed (shared, or the caller's own private note), as it is now.",
    )
    commitment: Commitment | None = strawberry.field(
        default=None, description="The commitment changed, as it is now."
    )
    removed_id: UUID | None = strawberry.field(
        default=None, description="The id of a deleted agenda item or note."
    )
    resync: bool = strawberry.field(
        description="True: changes may have been missed (a gap); read the meeting again."
    )
    # How its execution is shared among subscribers (app.api.graphql.live_execution).
    execution: strawberry.Private[SharedExecution | None] = None


@strawberry.type(description="A change of a pair's cadence state.")
class CadenceChange:
    pair_id: UUID = strawberry.field(description="The pair.")
    event_id: UUID | None = strawberry.field(
        default=None, description="The pair.cadence_changed event's id; null on resync."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When the state changed; null on resync."
    )
    cadence: Cadence | None = strawberry.field(
        default=None, description="The cadence as Pair.cadence shows it now."
    )
    resync: bool = strawberry.field(
        description="True: changes may have been missed (a gap); read the pair again."
    )
    execution: strawberry.Private[SharedExecution | None] = None


async def meeting_change(
    ctx: ServiceContext, meeting_id: UUID, delivery: Delivery
) -> MeetingChange | None:
    """The change a delivery brings to a subscriber of the meeting, read as them; None when
    there is nothing for them to see (a record created and gone since)."""
    found = await or_none(visible_records.meeting(ctx, meeting_id))
    change = MeetingChange(
        meeting_id=meeting_id,
        resync=delivery.resync,
        meeting=None if found is None else meeting_node(found),
    )
    note_signal, event = delivery.private_note, delivery.event
    if note_signal is not None:
        note = await or_none(visible_records.note(ctx, note_signal.note_id))
        if note is None and note_signal.change != "deleted":
            return None
        change.event_type = f"note.{note_signal.change}"
        change.occurred_at = ctx.now if note is None else note.updated_at
        if note is None:
            change.removed_id = note_signal.note_id
        else:
            change.note = note_node(note)
        return change
    if event is None:
        return change
    change.event_type, change.event_id = event.type.value, event.id
    change.occurred_at = event.occurred_at
    resource = event.type.resource
    if resource == Resource.MEETING:
        return change
    record_id = UUID(str(event.data["id"]))
    if event.type.value.endswith(".deleted"):
        change.removed_id = record_id
    elif resource == Resource.AGENDA_ITEM:
        item = await or_none(visible_records.agenda_item(ctx, record_id))
        change.agenda_item = None if item is None else agenda_item_node(item)
    elif resource == Resource.NOTE:
        note = await or_none(visible_records.note(ctx, record_id))
        change.note = None if note is None else note_node(note)
    elif resource == Resource.COMMITMENT:
        commitment = await or_none(visible_records.commitment(ctx, record_id))
        change.commitment = None if commitment is None else commitment_node(commitment)
    return change


async def cadence_change(ctx: ServiceContext, pair_id: UUID, delivery: Delivery) -> CadenceChange:
    found = await pair_cadence(ctx, pair_id)
    event = delivery.event
    return CadenceChange(
        pair_id=pair_id,
        resync=delivery.resync,
        event_id=None if event is None else event.id,
        occurred_at=None if event is None else event.occurred_at,
        cadence=graph(Cadence, CadenceOut.of(found)),
    )
