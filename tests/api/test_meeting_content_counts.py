"""The counts each meeting carries of its agenda items and ratings (revision 0014) stay equal
to a recount of the rows through every write path: items added over REST and GraphQL, by a
template, edited (kind), reordered, deleted, carried over by a cancellation, and ratings
given and replaced; and a pair's metrics read them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Live
from tests.graphql.client import data
from tests.support.meeting_counts import Counts, stored_and_recounted
from tests.support.tenants import Tenant

DAY = timedelta(days=1)


async def _stored_and_recounted(engine: AsyncEngine, org_id: UUID) -> tuple[Counts, Counts]:
    async with engine.connect() as connection:
        return await stored_and_recounted(connection, org_id)


def _assert_counts_hold(tenant: Tenant) -> Counts:
    stored, recounted = tenant.portal.call(_stored_and_recounted, tenant.engine, tenant.org_id)
    assert stored == recounted
    return stored


def _item(tenant: Tenant, meeting: dict[str, Any], author: str, kind: str) -> dict[str, Any]:
    path = f"/v1/meetings/{meeting['id']}/agenda-items"
    return tenant.create(path, {"author_id": author, "title": "Topic", "kind": kind})


def test_counts_follow_every_write_of_items_and_ratings(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    lead, member = pair["lead_id"], pair["member_id"]
    first = tenant.meeting(pair["id"], DAY)
    second = tenant.meeting(pair["id"], 8 * DAY)
    by_member = _item(tenant, first, member, "win")
    status = _item(tenant, first, lead, "status_update")
    dropped = _item(tenant, first, member, "status_update")
    stored = _assert_counts_hold(tenant)
    assert stored[UUID(first["id"])] == (3, 2, 2, 0, 0)

    # an edit of the kind, either way; a title edit; a reorder; a deletion
    changed = tenant.call(
        "PATCH", f"/v1/agenda-items/{by_member['id']}", json={"kind": "status_update"}
    )
    assert changed.status_code == 200, changed.text
    tenant.call("PATCH", f"/v1/agenda-items/{status['id']}", json={"kind": "goal", "title": "New"})
    order = [status["id"], by_member["id"], dropped["id"]]
    reordered = tenant.call(
        "PUT", f"/v1/meetings/{first['id']}/agenda-items/order", json={"item_ids": order}
    )
    assert reordered.status_code == 200, reordered.text
    assert tenant.call("DELETE", f"/v1/agenda-items/{dropped['id']}").status_code == 204
    stored = _assert_counts_hold(tenant)
    assert stored[UUID(first["id"])] == (2, 1, 1, 0, 0)

    # GraphQL and a template
    added = data(
        tenant,
        "mutation($input: AddAgendaItemInput!) { addAgendaItem(input: $input) { __typename } }",
        {"input": {"meetingId": first["id"], "authorId": member, "title": "Via GraphQL"}},
    )
    assert added["addAgendaItem"]["__typename"] == "AgendaItemSuccess", added
    template = tenant.create(
        "/v1/templates",
        {
            "name": "Weekly",
            "sections": [
                {"kind": "status_update", "title": "Status"},
                {"kind": "feedback", "title": "Feedback"},
            ],
        },
    )
    applied = tenant.call(
        "POST",
        f"/v1/meetings/{second['id']}/apply-template",
        json={"author_id": member, "template_id": template["id"]},
    )
    assert applied.status_code == 201, applied.text
    stored = _assert_counts_hold(tenant)
    assert stored[UUID(first["id"])] == (3, 2, 1, 0, 0)
    assert stored[UUID(second["id"])] == (2, 2, 1, 0, 0)

    # a cancellation carries the open items over to the next meeting
    canceled = tenant.call(
        "POST",
        f"/v1/meetings/{first['id']}/cancel",
        json={"canceled_by_id": lead, "reason": "conflict"},
    )
    assert canceled.status_code == 200 and canceled.json()["carried_items"] == 3, canceled.text
    stored = _assert_counts_hold(tenant)
    assert stored[UUID(second["id"])] == (5, 4, 2, 0, 0)

    # ratings given and replaced
    live.clock.pinned = live.clock() + 8 * DAY + timedelta(hours=2)
    done = tenant.call("POST", f"/v1/meetings/{second['id']}/complete", json={})
    assert done.status_code == 200, done.text
    ratings = f"/v1/meetings/{second['id']}/ratings"
    tenant.create(ratings, {"person_id": member, "score": 4})
    tenant.create(ratings, {"person_id": lead, "score": 2})
    replaced = tenant.call("POST", ratings, json={"person_id": member, "score": 5, "replace": True})
    assert replaced.status_code == 200, replaced.text
    stored = _assert_counts_hold(tenant)
    assert stored[UUID(second["id"])] == (5, 4, 2, 2, 7)

    metrics = tenant.call("GET", f"/v1/pairs/{pair['id']}/metrics").json()["data"]
    assert (metrics["agenda_items"], metrics["member_share"], metrics["status_share"]) == (
        5,
        4 / 5,
        2 / 5,
    )
    assert metrics["rating_avg"] == 3.5
