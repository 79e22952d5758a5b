"""What the live-subscription tests share: the subscription documents, an agenda item added
through REST, and reading one change or one refusal from a socket."""

from __future__ import annotations

from typing import Any

from tests.support.live_socket import LiveSocket
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
MY_MEETINGS = "subscription { myMeetings { eventType meetingId resync meeting { id status } } }"
PAIR_CADENCE = """
subscription Cadence($id: UUID!) {
  pairCadence(pairId: $id) { pairId eventId resync cadence { pairId state } }
}
"""


def add_item(world: World, title: str, token: str | None = None, meeting_id: str = "") -> str:
    body: dict[str, Any] = {"title": title}
    if token is None:
        body["author_id"] = world.lead["id"]
    response = world.tenant.call(
        "POST",
        f"/v1/meetings/{meeting_id or world.meeting['id']}/agenda-items",
        key=token,
        json=body,
    )
    assert response.status_code == 201, response.text
    item_id: str = response.json()["id"]
    return item_id


def change_of(socket: LiveSocket, operation: str, field: str = "meetingChanged") -> dict[str, Any]:
    message = socket.next_of(operation)
    assert message["type"] == "next" and "errors" not in message["payload"], message
    change: dict[str, Any] = message["payload"]["data"][field]
    return change


def refusal_of(socket: LiveSocket, operation: str) -> dict[str, Any]:
    """The error a subscription ends with, then its completion."""
    message = socket.next_of(operation)
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    if message["type"] == "next":
        assert message["payload"]["data"] is None
        assert socket.next_of(operation)["type"] == "complete"
    error: dict[str, Any] = errors[0]
    return error
