"""The transactional outbox: before a change commits, what it changed becomes events in its
own transaction (a rolled-back change emits nothing), each queued for delivery to the
organization's endpoints that want it and may see it.

`data` is the record as REST shows it: the API layer renders records (a Renderer), so there
is one representation. Events are stored whole; what a subscriber may see of one is
decided when it is delivered or listed (app.domain.events.visible_to).

The transaction also announces what it wrote to live subscribers (ids only: the events'
sequence numbers, and a private note's ids for its author's subscriptions, since a private
note is no event; app.services.ports.live)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from app.domain.events import (
    Event,
    EventType,
    Resource,
    changed_fields,
    classify,
    fitted,
    visible_to,
)
from app.domain.meetings import Meeting
from app.domain.notes import NoteVisibility
from app.domain.privacy import CONTENT_READER, Caller
from app.domain.webhooks import Delivery, DeliveryState
from app.persistence.changes import Change
from app.services import cadence_watch
from app.services.cadence import PairCadence
from app.services.context import ServiceContext, new_id
from app.services.meeting_views import MeetingView, with_follow_up
from app.services.ports.live import EventSpan, LiveSignal, PrivateNoteSignal
from app.services.ports.unit_of_work import UnitOfWork


class Renderer(Protocol):
    """The REST representation of records (JSON-ready), supplied by the API layer."""

    def record(self, resource: Resource, record: object) -> dict[str, Any]:
        """A record; a meeting comes as a MeetingView (with its follow-up)."""

    def cadence(self, found: PairCadence) -> dict[str, Any]:
        """A pair's cadence, as GET /v1/pairs/{id}/cadence shows it."""


async def publish(ctx: ServiceContext, render: Renderer) -> int:
    """Turn the transaction's changes (and the cadence changes they cause) into events and
    queue their deliveries; returns how many events were written."""
    changes = ctx.uow.changes.drain() if ctx.uow.changes is not None else []
    return await _publish(ctx, changes, render)


async def publish_every_organization(uow: UnitOfWork, now: datetime, render: Renderer) -> int:
    """publish() for a transaction that is no request's (an operator's command), whatever
    organizations it changed."""
    changes = uow.changes.drain() if uow.changes is not None else []
    written = 0
    for org_id in sorted({change.org_id for change in changes}, key=str):
        await uow.enter_organization(org_id)
        ctx = ServiceContext(uow, Caller(org_id=org_id), now)
        written += await _publish(ctx, [c for c in changes if c.org_id == org_id], render)
    return written


async def _publish(ctx: ServiceContext, changes: list[Change], render: Renderer) -> int:
    if not changes:
        return 0
    full = _with_all_content(ctx)
    views = await _meeting_views(full, changes)
    events: list[Event] = []
    private_notes: list[PrivateNoteSignal] = []
    for change in changes:
        if _private_note(change):
            # Not even its id becomes an event; its author's live subscriptions hear of it.
            private_notes.append(_private_note_signal(change))
            continue
        before, after = _rendered(render, change, views)
        event_type = classify(change.resource, before, after)
        if event_type is not None:
            fields = changed_fields(before, after) if before and after else []
            events.append(_event(ctx, event_type, after or before or {}, fields))
    pairs = {(c.after or c.before).pair_id for c in changes if c.resource is Resource.MEETING}
    pairs |= {c.record_id for c in changes if c.resource is Resource.PAIR}
    if pairs:
        events += await settled_events(full, sorted(pairs, key=str), render)
    await emit(ctx, events, private_notes)
    return len(events)


async def settled_events(
    ctx: ServiceContext, pair_ids: Sequence[UUID], render: Renderer
) -> list[Event]:
    """pair.cadence_changed and meeting.unrecorded for what changed since these pairs were
    last looked at (on a change, or by the scheduler when time passed)."""
    settled = await cadence_watch.settle(ctx, pair_ids)
    events = [
        _event(ctx, EventType.PAIR_CADENCE_CHANGED, render.cadence(found), ["state"])
        for found in settled.cadences
    ]
    for view in await with_follow_up(ctx, settled.unrecorded):
        data = render.record(Resource.MEETING, view)
        events.append(_event(ctx, EventType.MEETING_UNRECORDED, data, []))
    return events


async def emit(
    ctx: ServiceContext,
    events: Sequence[Event],
    private_notes: Sequence[PrivateNoteSignal] = (),
) -> None:
    """Write the events and a pending delivery per endpoint that wants each and may see it,
    and announce them (with the private notes changed) to live subscribers."""
    if not events:
        if private_notes:
            await ctx.uow.live.announce(LiveSignal(ctx.org_id, None, tuple(private_notes)))
        return
    seqs = await ctx.uow.events.add_many(events)
    span = EventSpan(0, min(seqs.values()), max(seqs.values()))  # tx: filled by the store
    await ctx.uow.live.announce(LiveSignal(ctx.org_id, span, tuple(private_notes)))
    endpoints = await ctx.uow.webhook_endpoints.enabled_of(ctx.org_id)
    deliveries = [
        Delivery(
            id=new_id(),
            org_id=ctx.org_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            seq=seqs[event.id],
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=ctx.now,
            last_status_code=None,
            delivered_at=None,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        for event in events
        for endpoint in endpoints
        if endpoint.wants(event.type) and visible_to(event, endpoint.scopes) is not None
    ]
    await ctx.uow.webhook_deliveries.add_many(deliveries)


def _event(
    ctx: ServiceContext, event_type: EventType, data: dict[str, Any], fields: list[str]
) -> Event:
    size = len(json.dumps(data, separators=(",", ":"))) + 300  # the envelope's own fields
    return Event(new_id(), ctx.org_id, event_type, ctx.now, fitted(data, size), fields)


def _private_note(change: Change) -> bool:
    return change.resource is Resource.NOTE and any(
        state is not None and state.visibility is NoteVisibility.PRIVATE
        for state in (change.before, change.after)
    )


def _private_note_signal(change: Change) -> PrivateNoteSignal:
    note = change.after or change.before
    kind = "created" if change.before is None else "deleted" if change.after is None else "updated"
    return PrivateNoteSignal(note.meeting_id, note.id, note.author_id, kind)


def _with_all_content(ctx: ServiceContext) -> ServiceContext:
    """The transaction seen by a reader of every shared record (a meeting's follow-up is
    part of its data; subscribers without content:read get it without, at delivery)."""
    return ServiceContext(ctx.uow, Caller(org_id=ctx.org_id, scopes=CONTENT_READER), ctx.now)


async def _meeting_views(ctx: ServiceContext, changes: Sequence[Change]) -> dict[UUID, MeetingView]:
    meetings: list[Meeting] = [
        c.after for c in changes if c.resource is Resource.MEETING and c.after is not None
    ]
    return {view.meeting.id: view for view in await with_follow_up(ctx, meetings)}


def _rendered(
    render: Renderer, change: Change, views: dict[UUID, MeetingView]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    def one(record: Any) -> dict[str, Any] | None:
        if record is None:
            return None
        if change.resource is Resource.MEETING:
            follow_up = views[change.record_id].follow_up if change.record_id in views else []
            record = MeetingView(record, follow_up)
        return render.record(change.resource, record)

    return one(change.before), one(change.after)
