"""What live subscriptions refuse (docs/realtime.md), on both databases: a meeting the caller
cannot see, a bad or missing credential, a subscription before connection_init, queries and
mutations over the socket, documents beyond the query limits; and a revoked key or a
deactivated person stops receiving."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.access import Scope
from app.services.live import TopicKind
from tests.conftest import Live
from tests.support.live_changes import MEETING_CHANGED, MY_MEETINGS, add_item, change_of, refusal_of
from tests.support.live_socket import initialised, live_socket, subscribed
from tests.support.tenants import World


def test_a_meeting_the_caller_cannot_see_is_not_found(live: Live, world: World) -> None:
    elsewhere = live.tenant()
    with initialised(live.base_url, world.token(world.outsider)) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        assert refusal_of(socket, "a")["extensions"]["code"] == "not_found"
    with initialised(live.base_url, elsewhere.admin_key) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        assert refusal_of(socket, "a")["extensions"]["code"] == "not_found"
    with initialised(live.base_url, world.tenant.key(Scope.PEOPLE_READ)) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        assert refusal_of(socket, "a")["extensions"]["code"] == "insufficient_scope"


@pytest.mark.parametrize("credential", [None, "rpt_unknown", "not.a.token", ""])
def test_a_bad_or_missing_credential_closes_the_connection(
    live: Live, credential: str | None
) -> None:
    payload = {} if credential is None else {"authorization": f"Bearer {credential}"}
    with live_socket(live.base_url) as socket:
        socket.send({"type": "connection_init", "payload": payload})
        assert socket.close_code() == 4403


def test_a_subscription_before_connection_init_is_refused(live: Live, world: World) -> None:
    with live_socket(live.base_url) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        assert socket.close_code() == 4401


def test_queries_and_mutations_go_by_post(live: Live, world: World) -> None:
    with initialised(live.base_url, world.tenant.admin_key) as socket:
        socket.subscribe("a", "{ me { kind } }")
        assert refusal_of(socket, "a")["extensions"]["code"] == "subscriptions_only"
    answer = world.tenant.call(
        "POST", "/graphql", json={"query": MY_MEETINGS.replace("subscription", "subscription S")}
    )
    assert "errors" in answer.json(), answer.text


def test_the_query_limits_hold_for_subscriptions(live: Live, world: World) -> None:
    nested = "pair { meetings { nodes { " * 4 + "id" + " } } }" * 4
    deep = f"subscription {{ meetingChanged(meetingId: $id) {{ meeting {{ {nested} }} }} }}"
    deep = deep.replace("subscription {", "subscription Deep($id: UUID!) {")
    with initialised(live.base_url, world.tenant.admin_key) as socket:
        socket.subscribe("a", deep, {"id": world.meeting["id"]})
        message = socket.next_of("a")
        assert message["type"] == "error" and "depth" in message["payload"][0]["message"]
        costly = (
            "subscription Costly($id: UUID!) { meetingChanged(meetingId: $id) { meeting {"
            " pair { meetings(first: 100) { nodes { agendaItems(first: 100) { nodes {"
            " comments: title a: title b: title c: title d: title e: title f: title g: title"
            " h: title i: title j: title k: title } } } } } } } }"
        )
        socket.subscribe("b", costly, {"id": world.meeting["id"]})
        assert refusal_of(socket, "b")["extensions"]["code"] == "query_too_complex"


def test_a_revoked_key_stops_receiving(live: Live, world: World) -> None:
    created = world.tenant.create(
        "/v1/service-keys", {"name": "live", "scopes": ["meetings:read", "content:read"]}
    )
    with initialised(live.base_url, created["key"]) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, world.meeting["id"])
        add_item(world, "Seen")
        assert change_of(socket, "a")["agendaItem"]["title"] == "Seen"
        revoked = world.tenant.call("DELETE", f"/v1/service-keys/{created['id']}")
        assert revoked.status_code == 204
        add_item(world, "Not seen")
        assert socket.close_code() == 4403


def test_a_deactivated_person_stops_receiving(live: Live, world: World) -> None:
    tenant = world.tenant
    person = tenant.person(name="Leaving", manager_id=world.lead["id"])
    pair = tenant.call("GET", "/v1/pairs", params={"member_id": person["id"]}).json()["data"][0]
    meeting = tenant.meeting(pair["id"], timedelta(days=4))
    with initialised(live.base_url, world.token(person)) as socket:
        socket.subscribe("a", MEETING_CHANGED, {"id": meeting["id"]})
        subscribed(live.app, TopicKind.MEETING, meeting["id"])
        add_item(world, "Seen", meeting_id=meeting["id"])
        assert change_of(socket, "a")["agendaItem"]["title"] == "Seen"
        # Deactivating cancels the person's meetings: the cancellation is the next change.
        assert tenant.call("POST", f"/v1/people/{person['id']}/deactivate").status_code == 200
        assert socket.close_code() == 4403
