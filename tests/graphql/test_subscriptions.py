"""Subscriptions over graphql-transport-ws (docs/realtime.md), on both databases."""

from __future__ import annotations

from typing import Any

from tests.conftest import Live
from tests.support.live_socket import initialised
from tests.support.tenants import World

MEETING_CHANGED = """
subscription Changed($id: UUID!) {
  meetingChanged(meetingId: $id) {
    eventType eventId meetingId resync removedId
    agendaItem { id title }
    note { id body visibility }
    meeting { id agendaItems { nodes { id title } } }
  }
}
"""


def _add_item(world: World, title: str, token: str | None = None) -> dict[str, Any]:
    response = world.tenant.call(
        "POST",
        f"/v1/meetings/{world.meeting['id']}/agenda-items",
        key=token,
        json={"title": title} if token else {"title": title, "author_id": world.lead["id"]},
    )
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


def test_an_agenda_item_added_reaches_both_people(live: Live, world: World) -> None:
    lead, member = world.token(world.lead), world.token(world.member)
    with initialised(live.base_url, lead) as first, initialised(live.base_url, member) as second:
        first.subscribe("a", MEETING_CHANGED, {"id": world.meeting["id"]})
        second.subscribe("b", MEETING_CHANGED, {"id": world.meeting["id"]})
        item = _add_item(world, "Roadmap", member)
        for socket, operation in ((first, "a"), (second, "b")):
            message = socket.next_of(operation)
            assert message["type"] == "next", message
            change = message["payload"]["data"]["meetingChanged"]
            assert change["eventType"] == "agenda_item.created"
            assert change["agendaItem"] == {"id": item["id"], "title": "Roadmap"}
            titles = [n["title"] for n in change["meeting"]["agendaItems"]["nodes"]]
            assert "Roadmap" in titles
            assert change["resync"] is False
