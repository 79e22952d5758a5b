"""Each pair's metric state (revision 0015: its last held meeting, its open commitments with
a due date) and each held meeting's previous held start (revision 0017) stay equal to a
recount of its rows through every write path of the API: pairs created by hand and by
reporting lines, meetings scheduled, rescheduled, completed and canceled (by a person, by
pausing or ending the pair, by a reporting-line change), commitments created, edited, done,
dropped and moved to a new pair with their owner; and the metrics read it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Live
from tests.support.pair_state import (
    Chains,
    State,
    chains_stored_and_recounted,
    stored_and_recounted,
)
from tests.support.tenants import Tenant

DAY = timedelta(days=1)


async def _stored_and_recounted(engine: AsyncEngine, org_id: UUID) -> tuple[State, State]:
    async with engine.connect() as connection:
        chains, chains_recounted = await chains_stored_and_recounted(connection, org_id)
        assert chains == chains_recounted
        return await stored_and_recounted(connection, org_id)


async def _chains(engine: AsyncEngine, org_id: UUID) -> Chains:
    async with engine.connect() as connection:
        return (await chains_stored_and_recounted(connection, org_id))[0]


def _state_holds(tenant: Tenant) -> State:
    """The pairs' stored state (each meeting's previous held start checked on the way)."""
    stored, recounted = tenant.portal.call(_stored_and_recounted, tenant.engine, tenant.org_id)
    assert stored == recounted
    return stored


def _of(tenant: Tenant, pair: dict[str, Any]) -> tuple[datetime | None, int]:
    return _state_holds(tenant)[UUID(pair["id"])]


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _commitment(tenant: Tenant, pair: dict[str, Any], owner: str, due: date | None) -> Any:
    body = {"pair_id": pair["id"], "owner_id": owner, "title": "Follow up"}
    return tenant.create("/v1/commitments", body | ({} if due is None else {"due_on": str(due)}))


def test_state_follows_meetings_and_commitments(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    lead, member = pair["lead_id"], pair["member_id"]
    assert _of(tenant, pair) == (None, 0)

    first = tenant.meeting(pair["id"], DAY)
    second = tenant.meeting(pair["id"], 8 * DAY)
    today = live.clock().date()
    soon = _commitment(tenant, pair, member, today + 3 * DAY)
    undated = _commitment(tenant, pair, lead, None)
    later = _commitment(tenant, pair, lead, today + 10 * DAY)
    assert _of(tenant, pair) == (None, 2)

    moved = tenant.call(
        "PATCH",
        f"/v1/meetings/{second['id']}",
        json={"starts_at": (live.clock() + 9 * DAY).isoformat()},
    )
    _ok(moved)
    live.clock.pinned = live.clock() + DAY + timedelta(hours=2)
    _ok(tenant.call("POST", f"/v1/meetings/{first['id']}/complete", json={"actual_minutes": 25}))
    held_at = datetime.fromisoformat(first["starts_at"])
    assert _of(tenant, pair) == (held_at, 2)

    _ok(tenant.call("PATCH", f"/v1/commitments/{soon['id']}", json={"status": "done"}))
    _ok(tenant.call("PATCH", f"/v1/commitments/{undated['id']}", json={"due_on": str(today)}))
    _ok(tenant.call("PATCH", f"/v1/commitments/{later['id']}", json={"status": "dropped"}))
    assert _of(tenant, pair) == (held_at, 1)
    _ok(tenant.call("PATCH", f"/v1/commitments/{later['id']}", json={"status": "open"}))
    _ok(tenant.call("PATCH", f"/v1/commitments/{undated['id']}", json={"due_on": None}))
    assert _of(tenant, pair) == (held_at, 1)

    canceled = tenant.call(
        "POST",
        f"/v1/meetings/{second['id']}/cancel",
        json={"canceled_by_id": lead, "reason": "conflict"},
    )
    _ok(canceled)
    tenant.meeting(pair["id"], 5 * DAY)
    _ok(tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "paused"}))
    _ok(tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "active"}))
    assert _of(tenant, pair) == (held_at, 1)

    # the metrics read the kept state: the overdue open commitment, the cadence
    live.clock.pinned = live.clock() + 20 * DAY
    metrics = _ok(tenant.call("GET", f"/v1/pairs/{pair['id']}/metrics"))["data"]
    assert (metrics["overdue_open"], metrics["cadence_state"]) == (1, "overdue")
    _ok(tenant.call("POST", f"/v1/pairs/{pair['id']}/end", json={"reason": "done"}))
    assert _of(tenant, pair) == (held_at, 1)


def test_state_follows_reporting_lines(tenant: Tenant) -> None:
    old_manager, new_manager = tenant.person(), tenant.person()
    report = tenant.person(manager_id=old_manager["id"])
    (old_pair,) = _ok(tenant.call("GET", "/v1/pairs", params={"member_id": report["id"]}))["data"]
    tenant.meeting(old_pair["id"], 3 * DAY)
    due = tenant.clock().date() + 4 * DAY
    _commitment(tenant, old_pair, report["id"], due)  # moves with the report
    _commitment(tenant, old_pair, old_manager["id"], due)  # stays with the old pair
    assert _of(tenant, old_pair) == (None, 2)

    moved = tenant.call(
        "PATCH", f"/v1/people/{report['id']}", json={"manager_id": new_manager["id"]}
    )
    _ok(moved)
    (new_pair,) = _ok(
        tenant.call("GET", "/v1/pairs", params={"member_id": report["id"], "status": "active"})
    )["data"]
    assert (_of(tenant, old_pair), _of(tenant, new_pair)) == ((None, 1), (None, 1))
    _ok(tenant.call("POST", f"/v1/people/{report['id']}/deactivate", json={}))
    _state_holds(tenant)


def test_held_meetings_keep_their_previous_held_start(live: Live, tenant: Tenant) -> None:
    """Completed in the order third, first, second: each completion rewrites the gaps of the
    held meetings after it (as the app's role, under row-level security)."""
    pair = tenant.pair()
    meetings = [tenant.meeting(pair["id"], days * DAY) for days in (1, 8, 15)]
    starts = [datetime.fromisoformat(meeting["starts_at"]) for meeting in meetings]
    live.clock.pinned = live.clock() + 16 * DAY

    def gap(earlier: int, later: int) -> int:
        return (starts[later] - starts[earlier]) // timedelta(microseconds=1)

    def chained() -> list[tuple[datetime | None, int | None]]:
        _state_holds(tenant)
        stored = tenant.portal.call(_chains, tenant.engine, tenant.org_id)
        return [stored[UUID(meeting["id"])] for meeting in meetings]

    def complete(index: int) -> None:
        path = f"/v1/meetings/{meetings[index]['id']}/complete"
        _ok(tenant.call("POST", path, json={"actual_minutes": 25}))

    complete(2)
    assert chained() == [(None, None), (None, None), (None, None)]
    complete(0)
    assert chained() == [(None, None), (None, None), (starts[0], gap(0, 2))]
    complete(1)
    assert chained() == [(None, None), (starts[0], gap(0, 1)), (starts[1], gap(1, 2))]
