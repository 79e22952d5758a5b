"""The Subscription type (docs/realtime.md): `meetingChanged`, `myMeetings`, `pairCadence`.

Each subscription checks, when it starts, that the caller may see what it names (as the
query would), then waits on its queue in the live hub (app.services.live). Before each
delivery the connection's credential is checked again and the record is read again as the
caller, in a read transaction of the subscription's own that stays open while graphql-core
executes the subscriber's selection on it (nested fields read as in a query); the work
that is the same for subscribers with the same credential is done once per fan-out."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError

from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.live_execution import SharedExecution, reading_as
from app.api.graphql.live_types import CadenceChange, MeetingChange, cadence_change, meeting_change
from app.api.graphql.socket import (
    FORBIDDEN_CLOSE_CODE,
    TRY_AGAIN_LATER_CODE,
    SocketContext,
)
from app.api.pipeline import recheck
from app.api.problems import ApiProblem
from app.domain.access import Scope
from app.domain.errors import DomainError, Forbidden
from app.domain.events import EventType, readable_by
from app.domain.privacy import Caller
from app.persistence.availability import DatabaseUnavailable
from app.services import visible_records
from app.services.context import ServiceContext
from app.services.live import Delivery, SubscriptionRefused, Topic, TopicKind

T = TypeVar("T", MeetingChange, CadenceChange)
F = TypeVar("F", bound=Callable[..., Any])
# myMeetings' resync names no one meeting (meetingId is non-null in the contract).
NO_MEETING = UUID(int=0)
Render = Callable[[ServiceContext, Delivery], Awaitable[T | None]]


def _refusal(error: DomainError) -> GraphQLError:
    return GraphQLError(error.detail, extensions={"code": error.code, **error.extra})


def _socket(info: GraphInfo) -> SocketContext:
    context = info.context
    if not isinstance(context, SocketContext) or context.caller is None:
        raise GraphQLError(
            "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql.",
            extensions={"code": "subscriptions_over_websocket"},
        )
    return context


async def _live(
    context: SocketContext,
    topic: Topic,
    check: Callable[[ServiceContext], Awaitable[UUID | None]],
    render: Render[T],
) -> AsyncGenerator[T]:
    """The subscription's stream: checked at the start, then a value per delivery that
    concerns the caller. What is the same for every subscriber with this credential (the
    credential checked again, the access checked again, the records read as the caller) is
    done once per delivery; the value carries how its execution is shared
    (app.api.graphql.live_execution)."""
    caller = context.caller
    assert caller is not None and context.credential is not None
    runtime, credential = context.runtime, context.credential
    try:
        # Subscribed first, so that no change committed while the check runs is missed.
        holder = caller.person_id or caller.key_id
        assert holder is not None, "a person or a service key"
        subscriber = runtime.live.subscribe(
            caller.org_id, topic, context.credential_key, caller.person_id, holder
        )
    except SubscriptionRefused as refused:
        raise GraphQLError(str(refused), extensions={"code": "subscription_limit"}) from refused

    async def value_of(delivery: Delivery, now_caller: Caller) -> T | None:
        async with reading_as(runtime, now_caller) as ctx:
            await check(ctx)
            value = await render(ctx, delivery)
        if value is not None:
            value.execution = SharedExecution(now_caller, subscriber.credential, delivery.shared)
        return value

    try:
        try:
            async with reading_as(runtime, caller) as ctx:
                subscriber.pair_id = await check(ctx)
        except DomainError as refused:
            raise _refusal(refused) from refused
        while True:
            delivery = await subscriber.queue.get()
            try:
                caller = await delivery.shared.once(
                    ("credential", subscriber.credential),
                    lambda: recheck(runtime, credential, runtime.clock()),
                )
            except ApiProblem:
                await context.close(FORBIDDEN_CLOSE_CODE, "Forbidden")
            except DatabaseUnavailable:
                await context.close(TRY_AGAIN_LATER_CODE, "Database unavailable")
            try:
                value = await delivery.shared.once(
                    ("value", subscriber.credential, topic),
                    partial(value_of, delivery, caller),
                )
            except DomainError as refused:  # the caller lost access since
                raise _refusal(refused) from refused
            except DatabaseUnavailable:
                await context.close(TRY_AGAIN_LATER_CODE, "Database unavailable")
            if value is not None:
                yield value
    finally:
        runtime.live.unsubscribe(subscriber)


def _require(ctx: ServiceContext, scope: Scope) -> None:
    if not ctx.caller.scope_allows(scope):
        raise Forbidden(
            f"This subscription needs the scope {scope.value}.",
            code="insufficient_scope",
            requiredScope=scope.value,
        )


def subscription(description: str) -> Callable[[F], F]:
    """`strawberry.subscription` with a description, typed for mypy --strict."""
    decorate: Callable[[F], F] = strawberry.subscription(description=description)
    return decorate


@strawberry.type
class Subscription:
    @subscription(
        "The meeting, its agenda items, shared notes, follow-up and the caller's"
        " own private notes as they change."
    )
    async def meeting_changed(
        self, info: GraphInfo, meeting_id: UUID
    ) -> AsyncGenerator[MeetingChange]:
        context = _socket(info)

        async def check(ctx: ServiceContext) -> UUID:
            """The meeting is visible; its pair's commitments are its follow-up."""
            _require(ctx, Scope.MEETINGS_READ)
            return (await visible_records.meeting(ctx, meeting_id)).pair_id

        async def render(ctx: ServiceContext, delivery: Delivery) -> MeetingChange | None:
            event = delivery.event
            if event is not None and not _may_read(ctx, event.type):
                return None
            return await meeting_change(ctx, meeting_id, delivery)

        topic = Topic(TopicKind.MEETING, meeting_id)
        async for change in _live(context, topic, check, render):
            yield change

    @subscription(
        "The caller's meetings scheduled, rescheduled, canceled or completed (person tokens)."
    )
    async def my_meetings(self, info: GraphInfo) -> AsyncGenerator[MeetingChange]:
        context = _socket(info)
        person = context.caller.person if context.caller is not None else None

        async def check(ctx: ServiceContext) -> None:
            if ctx.caller.person is None:
                raise Forbidden(
                    "This follows a signed-in person's own meetings: subscribe with a person"
                    " token.",
                    code="person_token_only",
                )

        async def render(ctx: ServiceContext, delivery: Delivery) -> MeetingChange | None:
            if delivery.event is None:
                return MeetingChange(meeting_id=NO_MEETING, resync=True)
            meeting_id = UUID(str(delivery.event.data["id"]))
            found = await or_none(visible_records.meeting(ctx, meeting_id))
            if found is None or ctx.caller.person is None:
                return None
            pair = await ctx.uow.pairs.get(ctx.org_id, found.pair_id)
            if pair is None or ctx.caller.person.id not in (pair.lead_id, pair.member_id):
                return None
            return await meeting_change(ctx, meeting_id, delivery)

        topic = Topic(TopicKind.MY_MEETINGS, person.id if person is not None else UUID(int=0))
        async for change in _live(context, topic, check, render):
            yield change

    @subscription("The pair's cadence state as it changes.")
    async def pair_cadence(self, info: GraphInfo, pair_id: UUID) -> AsyncGenerator[CadenceChange]:
        context = _socket(info)

        async def check(ctx: ServiceContext) -> None:
            _require(ctx, Scope.PAIRS_READ)
            await visible_records.pair(ctx, pair_id)

        async def render(ctx: ServiceContext, delivery: Delivery) -> CadenceChange | None:
            return await cadence_change(ctx, pair_id, delivery)

        topic = Topic(TopicKind.PAIR_CADENCE, pair_id)
        async for change in _live(context, topic, check, render):
            yield change


def _may_read(ctx: ServiceContext, event_type: EventType) -> bool:
    """A key receives what its scopes read (as webhooks do); a person, what the privacy
    contract lets them read (checked by reading the record as them)."""
    caller = ctx.caller
    return caller.key_id is None or readable_by(event_type, caller.scopes)
