"""GraphQL changes, and content read by service keys, go to the audit trail as in REST."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data
from tests.support.live import read_audit_written
from tests.support.tenants import World


def _events(world: World, operation: str) -> list[dict[str, Any]]:
    response = world.tenant.call(
        "GET", "/v1/audit-events", params={"limit": 200, "operation": operation}
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["data"]
    return events


def test_a_keys_content_read_is_recorded_by_its_top_level_field(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ)
    query = "query($id: UUID!) { meeting(id: $id) { notes { nodes { body } } } }"
    data(world.tenant, query, {"id": world.meeting["id"]}, key=reader)
    read_audit_written(live.app)
    (event,) = _events(world, "graphql-meeting")
    assert event["record_ids"] == {"meeting_id": world.meeting["id"]}
    assert event["actor_key_id"] and event["method"] == "POST"
    assert world.note["body"] not in str(event)

    data(world.tenant, query, {"id": world.meeting["id"]}, key=world.token(world.member))
    data(world.tenant, "{ meetings { nodes { id } } }", key=reader)
    read_audit_written(live.app)
    assert len(_events(world, "graphql-meeting")) == 1  # persons' reads are not content reads
    assert _events(world, "graphql-meetings") == []  # nor are meetings without content


def test_changes_are_recorded_and_refusals_leave_no_trace(world: World) -> None:
    add = """mutation($m: UUID!) { addAgendaItem(input: {meetingId: $m, title: "Budget"}) {
      __typename } }"""
    token = world.token(world.member)
    assert data(world.tenant, add, {"m": world.held["id"]}, key=token)["addAgendaItem"] == {
        "__typename": "MeetingClosed"
    }
    assert _events(world, "graphql-add-agenda-item") == []
    data(world.tenant, add, {"m": world.meeting["id"]}, key=token)
    (event,) = _events(world, "graphql-add-agenda-item")
    assert event["actor_person_id"] == world.member["id"]
    assert event["record_ids"] == {"meeting_id": world.meeting["id"]}
