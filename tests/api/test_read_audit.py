"""A read never fails or waits because of its audit line (privacy contract, rule 6): the
records of content reads by service keys are written off the request path, in batches, and
appear in the trail within about a second."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data
from tests.support.live import read_audit_written
from tests.support.tenants import World

READS = 50
WRITES = 20


def _events(world: World, operation: str, actor_key_id: str) -> list[dict[str, Any]]:
    response = world.tenant.call(
        "GET",
        "/v1/audit-events",
        params={"limit": 200, "operation": operation, "actor_key_id": actor_key_id},
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["data"]
    return events


def _key_id(world: World, secret: str) -> str:
    me = world.tenant.call("GET", "/v1/me", key=secret)
    assert me.status_code == 200, me.text
    key_id: str = me.json()["service_key"]["id"]
    return key_id


def _appear(world: World, operation: str, key_id: str, count: int) -> list[dict[str, Any]]:
    """Poll the trail until `count` records of the operation are there (or 30 s passed)."""
    deadline = time.monotonic() + 30
    events = _events(world, operation, key_id)
    while len(events) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        events = _events(world, operation, key_id)
    return events


def test_audited_reads_succeed_while_others_write(world: World) -> None:
    reader = world.tenant.key(Scope.CONTENT_READ)
    template = f"/v1/templates/{world.template['id']}"
    reads = [("GET", path, None) for path in ("/v1/templates", template, "/v1/commitments")]
    writes = [
        ("POST", "/v1/commitments", {"pair_id": world.pair["id"], "title": f"Follow up {n}"})
        for n in range(WRITES)
    ]
    calls = [*(reads[n % len(reads)] for n in range(READS)), *writes]

    def call(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        if body is None:
            return world.tenant.call(method, path, key=reader)
        return world.tenant.call(method, path, json={"owner_id": world.lead["id"], **body})

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(lambda c: call(*c), calls[::2] + calls[1::2]))

    failed = [(r.request.method, r.status_code, r.text) for r in responses if r.is_error]
    assert failed == []
    key_id = _key_id(world, reader)
    listed = _appear(world, "templates-list", key_id, READS // 3)
    assert len(listed) >= READS // 3  # every read is recorded, soon after it
    assert len(_appear(world, "commitments-list", key_id, READS // 3)) >= READS // 3


def test_an_audited_read_writes_nothing_itself(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.CONTENT_READ)
    read_audit_written(live.app)
    with live.statements.measure() as counter:
        response = world.tenant.call("GET", "/v1/commitments", key=reader)
    assert response.status_code == 200
    assert counter.statements and not any(
        statement.lstrip().upper().startswith("INSERT") for statement in counter.statements
    )
    (event,) = _appear(world, "commitments-list", _key_id(world, reader), 1)
    assert event["method"] == "GET"


def test_an_audited_graphql_read_writes_nothing_itself(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ)
    query = "query($id: UUID!) { meeting(id: $id) { notes { nodes { id } } } }"
    read_audit_written(live.app)
    with live.statements.measure() as counter:
        data(world.tenant, query, {"id": world.meeting["id"]}, key=reader)
    assert not any(s.lstrip().upper().startswith("INSERT") for s in counter.statements)
    (event,) = _appear(world, "graphql-meeting", _key_id(world, reader), 1)
    assert event["record_ids"] == {"meeting_id": world.meeting["id"]}
