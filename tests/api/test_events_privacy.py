"""Privacy on the outbound surfaces (product.md's contract names webhooks and feeds): a
private note is no event at all, not even its id, on any of them."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.conftest import Live
from tests.support.events_feed import listed, with_id
from tests.support.log_privacy import private_marker
from tests.support.receiver import Receiver
from tests.support.tenants import World


def test_a_private_note_leaves_no_trace_in_events(
    live: Live, world: World, receiver: Receiver
) -> None:
    tenant, meeting = world.tenant, world.meeting["id"]
    hook = f"/privacy/{tenant.org_id}"
    endpoint = tenant.create(
        "/v1/webhook-endpoints", {"url": receiver.url(hook), "event_types": []}
    )
    member = world.token(world.member)
    markers = [private_marker(), private_marker()]
    created = tenant.call(
        "POST",
        f"/v1/meetings/{meeting}/notes",
        key=member,
        json={"body": f"Thinking of leaving {markers[0]}", "visibility": "private"},
    )
    assert created.status_code == 201, created.text
    note = created.json()["id"]
    path = f"/v1/notes/{note}"
    edited = tenant.call("PATCH", path, key=member, json={"body": f"Still {markers[1]}"})
    assert edited.status_code == 200, edited.text
    assert tenant.call("DELETE", path, key=member).status_code == 204
    shared = tenant.create(
        f"/v1/meetings/{meeting}/notes", {"author_id": world.member["id"], "body": "Shared"}
    )
    # Per endpoint events arrive in order: once the shared note's is in, any earlier is too.
    got = receiver.wait_for(
        hook, lambda r: any(x.event["data"].get("id") == shared["id"] for x in r)
    )
    feed = json.dumps(listed(tenant, with_id(shared["id"]), limit=200))
    log = tenant.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries").text
    surfaces = [*(r.body.decode() for r in got), feed, log]
    for secret in (*markers, note):
        assert all(secret not in surface for surface in surfaces)
    assert shared["id"] in feed

    async def stored_mentions() -> int:
        async with live.engine.connect() as connection:
            rows = await connection.execute(text("SELECT data FROM events"))
            return sum(1 for (data,) in rows if note in str(data) or markers[0] in str(data))

    assert live.portal.call(stored_mentions) == 0
