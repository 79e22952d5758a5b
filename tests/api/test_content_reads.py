"""Where content is read is said by the services that return it, so every surface audits
the same reads (app.api.pipeline): a meeting read by a key that reads content carries its
follow-up, a content read; its history carries none. GraphQL names each top-level field of
the operation, however the document reaches it."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data
from tests.support.events_feed import listed
from tests.support.live import read_audit_written
from tests.support.tenants import World

MEETING = "query($id: UUID!) { meeting(id: $id) { followUp { title } } }"
HISTORY = "query($id: UUID!) { meeting(id: $id) { history { nodes { kind } } } }"


def _operations(world: World, secret: str) -> list[str]:
    me = world.tenant.call("GET", "/v1/me", key=secret)
    assert me.status_code == 200, me.text
    key_id = me.json()["service_key"]["id"]
    response = world.tenant.call(
        "GET", "/v1/audit-events", params={"limit": 200, "actor_key_id": key_id}
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["data"]
    return sorted(event["operation"] for event in events)


def _get(world: World, path: str, secret: str) -> None:
    response = world.tenant.call("GET", path, key=secret)
    assert response.status_code == 200, response.text


def test_rest_and_graphql_audit_the_same_reads(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ)
    meeting = world.meeting["id"]
    _get(world, f"/v1/meetings/{meeting}", reader)  # with its follow-up
    _get(world, f"/v1/meetings/{meeting}/history", reader)
    data(world.tenant, MEETING, {"id": meeting}, key=reader)
    data(world.tenant, HISTORY, {"id": meeting}, key=reader)
    read_audit_written(live.app)
    assert _operations(world, reader) == ["graphql-meeting", "meetings-get"]


def test_a_key_without_content_reads_no_content_and_leaves_no_line(
    live: Live, world: World
) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ)
    meeting = world.meeting["id"]
    got = world.tenant.call("GET", f"/v1/meetings/{meeting}", key=reader)
    assert got.status_code == 200 and got.json()["follow_up"] == []
    _get(world, "/v1/meetings", reader)
    read_audit_written(live.app)
    assert _operations(world, reader) == []


def test_every_top_level_field_of_a_content_read_is_named(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ, Scope.PAIRS_READ, Scope.CONTENT_READ)
    through_a_fragment = """
      query($id: UUID!) { ...Reads }
      fragment Reads on Query {
        first: meeting(id: $id) { notes { nodes { body } } }
        ... on Query { pairs(first: 1) { nodes { id } } }
      }"""
    data(world.tenant, through_a_fragment, {"id": world.meeting["id"]}, key=reader)
    read_audit_written(live.app)
    assert _operations(world, reader) == ["graphql-meeting", "graphql-pairs"]
    events = world.tenant.call(
        "GET", "/v1/audit-events", params={"operation": "graphql-meeting", "limit": 200}
    ).json()["data"]
    assert [event["record_ids"] for event in events] == [{"meeting_id": world.meeting["id"]}]


def test_a_person_reading_content_is_not_audited(live: Live, world: World) -> None:
    token = world.token(world.member)
    before = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200}).json()["data"]
    _get(world, f"/v1/meetings/{world.meeting['id']}/notes", token)
    data(world.tenant, MEETING, {"id": world.meeting["id"]}, key=token)
    read_audit_written(live.app)
    after = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200}).json()["data"]
    assert len(after) == len(before)


def test_the_events_feed_is_a_content_read_when_it_returns_content(
    live: Live, world: World
) -> None:
    with_content = world.tenant.key(Scope.WEBHOOKS, Scope.CONTENT_READ)
    without = world.tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    people_only = world.tenant.key(Scope.WEBHOOKS, Scope.CONTENT_READ, Scope.PEOPLE_READ)
    for secret, types in (
        (with_content, "note.created"),
        (without, ""),
        (people_only, "person.created"),
    ):
        params: dict[str, Any] = {"limit": 200, **({"types": types} if types else {})}
        listed(world.tenant, bool, secret, **params)
    read_audit_written(live.app)
    assert _operations(world, with_content) == ["events-list"]
    assert _operations(world, without) == []
    assert _operations(world, people_only) == []
