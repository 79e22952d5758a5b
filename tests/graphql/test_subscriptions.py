"""Subscriptions over graphql-transport-ws (docs/realtime.md), on both databases: what each
delivers, to whom, and what it refuses."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy import text

from app.api.rest.event_data import RestRenderer
from app.domain.access import Scope
from app.domain.privacy import Caller
from app.persistence.live_listen import APPLICATION_NAME
from app.persistence.unit_of_work import unit_of_work
from app.services import agenda
from app.services.context import ServiceContext
from app.services.live import TopicKind
from app.services.outbox import publish
from app.services.scheduler import Scheduler
from tests.conftest import Live
from tests.support.events_feed import listed, with_id
from tests.support.live_changes import (
    MEETING_CHANGED,
    MY_MEETINGS,
    PAIR_CADENCE,
    add_item,
    change_of,
    refusal_of,
)
from tests.support.live_socket import initialised, subscribed
from tests.support.tenants import World


def test_an_agenda_item_added_reaches_both_people(live: Live, world: World) -> None:
    lead, member = world.token(world.lead), world.token(world.member)
    with initialised(live.base_url, lead) as first, initialised(live.base_url, member) as second:
        first.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        second.subscribe("b", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"], 2)
        item_id = add_item(world, "Roadmap", member)
        for socket, operation in ((first, "a"), (second, "b")):
            change = change_of(socket, operation)
            assert change["eventType"] == "agenda_item.created"
            assert change["eventId"] is not None and change["resync"] is False
            assert change["agendaItem"] == {"id": item_id, "title": "Roadmap"}
            titles = [n["title"] for n in change["meeting"]["agendaItems"]["nodes"]]
            assert "Roadmap" in titles
        deleted = world.tenant.call("DELETE", f"/v1/agenda-items/{item_id}", key=lead)
        assert deleted.status_code == 204, deleted.text
        change = change_of(second, "b")
        assert change["eventType"] == "agenda_item.deleted"
        assert change["removedId"] == item_id and change["agendaItem"] is None


def test_the_event_id_is_the_feeds(live: Live, world: World) -> None:
    key = world.tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ, Scope.WEBHOOKS)
    with initialised(live.base_url, key) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        item_id = add_item(world, "Budget")
        change = change_of(socket, "a")
    page = listed(world.tenant, with_id(item_id), key, limit=200)
    found = [e for e in page["data"] if e["data"].get("id") == item_id]
    (event,) = found
    assert change["eventId"] == event["id"] and change["eventType"] == event["type"]


def test_a_private_note_reaches_its_author_alone(live: Live, world: World) -> None:
    lead, member = world.token(world.lead), world.token(world.member)
    with initialised(live.base_url, lead) as other, initialised(live.base_url, member) as author:
        other.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        author.subscribe("b", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"], 2)
        written = world.tenant.call(
            "POST",
            f"/v1/meetings/{world.meeting['id']}/notes",
            key=member,
            json={"body": "only mine", "visibility": "private"},
        )
        assert written.status_code == 201, written.text
        change = change_of(author, "b")
        assert change["eventType"] == "note.created" and change["eventId"] is None
        assert change["note"] == {
            "id": written.json()["id"],
            "body": "only mine",
            "visibility": "PRIVATE",
        }
        add_item(world, "After the note", lead)
        seen = change_of(other, "a")  # the first thing the other person hears of
        assert seen["eventType"] == "agenda_item.created", seen
        assert change_of(author, "b")["eventType"] == "agenda_item.created"
        removed = world.tenant.call("DELETE", f"/v1/notes/{written.json()['id']}", key=member)
        assert removed.status_code == 204, removed.text
        change = change_of(author, "b")
        assert change["eventType"] == "note.deleted"
        assert change["removedId"] == written.json()["id"]


def test_changes_elsewhere_do_not_arrive(live: Live, world: World) -> None:
    """Another meeting of the same pair, and a meeting of another organization."""
    elsewhere = live.tenant()
    pair = elsewhere.pair()
    foreign = elsewhere.meeting(pair["id"], timedelta(days=3))
    lead = world.token(world.lead)
    with initialised(live.base_url, lead) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        add_item(world, "Another meeting's", meeting_id=world.due["id"])
        elsewhere.create(
            f"/v1/meetings/{foreign['id']}/agenda-items",
            {"author_id": pair["lead_id"], "title": "Another organization's"},
        )
        add_item(world, "Ours")
        assert change_of(socket, "a")["agendaItem"]["title"] == "Ours"


def test_a_rolled_back_change_delivers_nothing(live: Live, world: World) -> None:
    class Refused(Exception):
        pass

    async def add_then_fail() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(world.tenant.org_id)
            ctx = ServiceContext(uow, Caller(org_id=world.tenant.org_id), live.clock())
            await agenda.add_item(
                ctx, UUID(world.meeting["id"]), title="Never", author_id=UUID(world.lead["id"])
            )
            assert await publish(ctx, RestRenderer()) == 1
            raise Refused

    with initialised(live.base_url, world.token(world.lead)) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        with pytest.raises(Refused):
            live.portal.call(add_then_fail)
        add_item(world, "Committed")
        assert change_of(socket, "a")["agendaItem"]["title"] == "Committed"


def test_my_meetings_follows_the_persons_own_meetings(live: Live, world: World) -> None:
    tenant = world.tenant
    with initialised(live.base_url, world.token(world.member)) as socket:
        socket.subscribe("a", MY_MEETINGS)
        subscribed(live.app, TopicKind.MY_MEETINGS, world.member["id"])
        others = tenant.pair()  # not the member's
        tenant.meeting(others["id"], timedelta(days=5))
        mine = tenant.meeting(world.pair["id"], timedelta(days=6))
        change = change_of(socket, "a", "myMeetings")
        assert change["eventType"] == "meeting.scheduled" and change["meetingId"] == mine["id"]
        assert change["meeting"] == {"id": mine["id"], "status": "SCHEDULED"}
        canceled = tenant.call(
            "POST",
            f"/v1/meetings/{mine['id']}/cancel",
            json={"canceled_by_id": world.lead["id"], "reason": "conflict"},
        )
        assert canceled.status_code == 200, canceled.text
        change = change_of(socket, "a", "myMeetings")
        assert change["eventType"] == "meeting.canceled"
        assert change["meeting"]["status"] == "CANCELED"
    with initialised(live.base_url, tenant.admin_key) as socket:
        socket.subscribe("a", MY_MEETINGS)
        assert refusal_of(socket, "a")["extensions"]["code"] == "person_token_only"


def test_pair_cadence_follows_changes_and_time(live: Live, world: World) -> None:
    tenant = world.tenant
    pair = tenant.pair(cadence_days=7)
    key = tenant.key(Scope.PAIRS_READ)
    with initialised(live.base_url, key) as socket:
        socket.subscribe("a", PAIR_CADENCE, {"id": pair["id"]})
        subscribed(live.app, TopicKind.PAIR_CADENCE, pair["id"])
        meeting = tenant.meeting(pair["id"], timedelta(days=1))
        change = change_of(socket, "a", "pairCadence")
        assert change["cadence"] == {"pairId": pair["id"], "state": "ON_TRACK"}
        assert change["eventId"] is not None
        # Time alone: the scheduler announces the meeting ended unrecorded.
        scheduler = Scheduler(live.engine, live.clock, RestRenderer(), lambda: None)
        live.clock.advance(timedelta(days=2))
        try:
            live.portal.call(scheduler.tick)
            change = change_of(socket, "a", "pairCadence")
        finally:
            live.clock.pinned = None
        assert change["cadence"]["state"] == "UNBOOKED", (change, meeting)
    with initialised(live.base_url, world.token(world.outsider)) as socket:
        socket.subscribe("a", PAIR_CADENCE, {"id": pair["id"]})
        assert refusal_of(socket, "a")["extensions"]["code"] == "not_found"


def test_the_pairs_commitments_are_the_meetings_follow_up(live: Live, world: World) -> None:
    with initialised(live.base_url, world.token(world.lead)) as socket:
        socket.subscribe(
            "a",
            "subscription ($id: UUID!) { meetingChanged(meetingId: $id)"
            " { eventType commitment { title } meeting { followUp { title } } } }",
            {"id": world.meeting["id"]},
        )
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        world.tenant.create(
            "/v1/commitments",
            {"pair_id": world.pair["id"], "owner_id": world.member["id"], "title": "Follow up"},
        )
        change = change_of(socket, "a")
        assert change["eventType"] == "commitment.created"
        assert change["commitment"] == {"title": "Follow up"}
        assert {"title": "Follow up"} in change["meeting"]["followUp"]


def test_a_lost_listener_tells_subscribers_to_resync(live: Live, world: World) -> None:
    if live.dialect != "postgresql":
        pytest.skip("SQLite announces in-process: there is no connection to lose")

    async def kill_listeners() -> int:
        async with live.engine.connect() as connection:
            killed = await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
            return len(killed.all())

    with initialised(live.base_url, world.token(world.lead)) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        assert live.portal.call(kill_listeners) >= 1
        change = change_of(socket, "a")
        assert change["resync"] is True and change["eventType"] is None
        assert change["meeting"]["id"] == world.meeting["id"]
        add_item(world, "After the gap")
        assert change_of(socket, "a")["agendaItem"]["title"] == "After the gap"


def test_a_key_without_content_read_hears_of_the_meeting_alone(live: Live, world: World) -> None:
    key = world.tenant.key(Scope.MEETINGS_READ)
    with initialised(live.base_url, key) as socket:
        socket.subscribe(
            "a",
            "subscription ($id: UUID!) { meetingChanged(meetingId: $id)"
            " { eventType meeting { startsAt } } }",
            {"id": world.meeting["id"]},
        )
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        add_item(world, "Not for this key")
        starts_at = datetime.fromisoformat(world.meeting["starts_at"])
        moved = (starts_at + timedelta(hours=2)).isoformat()
        rescheduled = world.tenant.call(
            "PATCH", f"/v1/meetings/{world.meeting['id']}", json={"starts_at": moved}
        )
        assert rescheduled.status_code == 200, rescheduled.text
        change = change_of(socket, "a")
        assert change["eventType"] == "meeting.rescheduled", change


def test_each_change_of_one_transaction_is_its_own_message(live: Live, world: World) -> None:
    """Applying a template adds its items in one transaction: one message per item, each
    with its own item, to subscribers sharing the work (the same person, the same document)."""
    template = world.tenant.create(
        "/v1/templates",
        {
            "name": "Two sections",
            "sections": [{"kind": "win", "title": "Wins"}, {"kind": "challenge", "title": "Hard"}],
        },
    )
    token = world.token(world.lead)
    with initialised(live.base_url, token) as first, initialised(live.base_url, token) as second:
        first.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        second.subscribe("b", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"], 2)
        applied = world.tenant.call(
            "POST",
            f"/v1/meetings/{world.meeting['id']}/apply-template",
            key=token,
            json={"template_id": template["id"]},
        )
        assert applied.status_code in (200, 201), applied.text
        for socket, operation in ((first, "a"), (second, "b")):
            titles = {change_of(socket, operation)["agendaItem"]["title"] for _ in range(2)}
            assert titles == {"Wins", "Hard"}
