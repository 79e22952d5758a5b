"""The limits of live subscriptions (docs/realtime.md), on a server of their own with small
ones: per connection, per person across connections and tokens, idle connections, the
connection_init timeout; and a subscriber's bounded queue."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from fastapi import FastAPI
from websockets.exceptions import ConnectionClosed

from app.api.app import create_app
from app.domain.events import Event, EventType
from app.services.live import Delivery, Subscriber, Topic, TopicKind
from tests.conftest import Live, live_settings
from tests.support.live import serve_in_thread
from tests.support.live_socket import initialised, live_socket, subscribed
from tests.support.postgres import as_app_role
from tests.support.tenants import World

PER_CONNECTION = 2
PER_PERSON = 3
BUDGET = 10  # requests (connections and subscriptions) per credential and minute
MEETING_CHANGED = """
subscription Changed($id: UUID!) { meetingChanged(meetingId: $id) { eventType resync } }
"""


@dataclass
class Limited:
    app: FastAPI
    base_url: str


@pytest.fixture
def limited(live: Live) -> Iterator[Limited]:
    url = live.database_url
    settings = live_settings(
        url if url.startswith("sqlite") else as_app_role(url),
        live_subscriptions_per_connection=PER_CONNECTION,
        live_subscriptions_per_person=PER_PERSON,
        live_idle_seconds=0.5,
        live_connection_init_seconds=0.5,
        rate_limit_key=f"{BUDGET}/minute",
    )
    app = create_app(settings, clock=live.clock)
    with serve_in_thread(app) as base_url:
        yield Limited(app, base_url)


def test_subscriptions_per_connection_are_limited(limited: Limited, world: World) -> None:
    with initialised(limited.base_url, world.token(world.lead)) as socket:
        for operation in ("a", "b", "c"):
            socket.subscribe(operation, MEETING_CHANGED, {"id": world.meeting["id"]})
        refused = socket.next_of("c")
        assert refused["type"] == "error", refused
        assert "limit" in refused["payload"][0]["message"]
        socket.complete("a")  # room again
        socket.subscribe("d", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(limited.app, TopicKind.MEETING, world.meeting["id"], PER_CONNECTION)


def test_subscriptions_per_person_are_limited_across_connections_and_tokens(
    limited: Limited, world: World
) -> None:
    variables = {"id": world.meeting["id"]}
    with (  # two tokens of one person
        initialised(limited.base_url, world.token(world.lead)) as first,
        initialised(limited.base_url, world.token(world.lead)) as second,
    ):
        first.subscribe("a", MEETING_CHANGED, variables)
        first.subscribe("b", MEETING_CHANGED, variables)
        second.subscribe("c", MEETING_CHANGED, variables)
        subscribed(limited.app, TopicKind.MEETING, world.meeting["id"], PER_PERSON)
        second.subscribe("d", MEETING_CHANGED, variables)
        refused = second.next_of("d")
        assert refused["type"] == "next", refused
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "subscription_limit"
        # Another person is not held back by this one.
        with initialised(limited.base_url, world.token(world.member)) as other:
            other.subscribe("e", MEETING_CHANGED, variables)
            subscribed(limited.app, TopicKind.MEETING, world.meeting["id"], PER_PERSON + 1)


def test_a_connection_without_subscriptions_is_closed(limited: Limited, world: World) -> None:
    with initialised(limited.base_url, world.token(world.lead)) as socket:
        assert socket.close_code() == 4000


def test_a_connection_that_never_initialises_is_closed(limited: Limited) -> None:
    with live_socket(limited.base_url) as socket:
        assert socket.close_code() == 4408


def test_a_rate_limited_connection_init_is_told_to_try_later(
    limited: Limited, world: World
) -> None:
    """Not 4403: the credential is good, and clients stop retrying on 4403."""
    token = world.token(world.lead)
    # The budget's window may roll over once in the middle: at most twice the budget pass.
    for _ in range(2 * BUDGET + 1):
        with live_socket(limited.base_url) as socket:
            try:
                acknowledged = socket.init(token)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == 1013, closed
                return
            assert acknowledged["type"] == "connection_ack", acknowledged
    raise AssertionError("the rate limit never refused a connection_init")


def test_subscriptions_count_against_the_rate_limits(limited: Limited, world: World) -> None:
    """Each subscription costs a request: churning subscribe and complete on one connection
    spends the credential's budget; the refused one ends with `rate_limited`, and the
    connection stays open."""
    unknown = {"id": str(uuid4())}  # answered at once (not_found): nothing left running
    with initialised(limited.base_url, world.token(world.lead)) as socket:
        # The budget's window may roll over once in the middle: at most twice the budget pass.
        for attempt in range(2 * BUDGET + 1):
            socket.subscribe(f"s{attempt}", MEETING_CHANGED, unknown)
            answer = socket.next_of(f"s{attempt}")
            errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
            if errors[0]["extensions"]["code"] == "rate_limited":
                assert answer["type"] == "error", answer
                assert errors[0]["extensions"]["retry_after"] >= 1, errors
                break
            assert errors[0]["extensions"]["code"] == "not_found", answer
        else:
            raise AssertionError("the rate limit never refused a subscription")
        socket.send({"type": "ping"})
        assert socket.receive()["type"] == "pong"  # the connection is still served


def test_a_subscriber_that_falls_a_queue_behind_is_told_to_resync() -> None:
    async def fill() -> list[Delivery]:
        subscriber = Subscriber(
            uuid4(), Topic(TopicKind.MEETING, uuid4()), "digest", None, asyncio.Queue(2)
        )
        for _ in range(3):
            subscriber.offer(Delivery(event=_event()))
        return [subscriber.queue.get_nowait() for _ in range(subscriber.queue.qsize())]

    queued = asyncio.run(fill())
    assert [delivery.resync for delivery in queued] == [True]


def _event() -> Event:
    return Event(uuid4(), uuid4(), EventType.AGENDA_ITEM_CREATED, datetime.now(UTC), {}, [])
