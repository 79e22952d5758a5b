"""The database restarting under load: `rapport serve` (as `rapport_app`, in a process of its
own) against a throwaway PostgreSQL cluster of the test's own, which is stopped for a few
seconds while clients schedule, prepare and complete meetings.

During the outage every answer is a success or `503 database_unavailable` with
`Retry-After` (never a 500); once the database is back every request succeeds, an idle
server's first request included; the log says "down" and "back", not one line per request,
and never a traceback; and the database holds no partial write (no completion without its
next booking, no carry-over duplicated). Slow, PostgreSQL only: runs once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from app.domain.access import Scope
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from tests.support.postgres import (
    ThrowawayCluster,
    as_app_role,
    ensure_app_role,
    scratch_database,
    throwaway_cluster,
)
from tests.support.server import rapport_serve
from tests.support.tenants import create_key, create_org

pytestmark = pytest.mark.slow

PAIRS = 3  # one client each
OUTAGE_SECONDS = 6
LOAD_SECONDS = 4  # before the outage, and again after it
PAIR = "query($id: UUID!) { pair(id: $id) { id kind } }"


@dataclass
class Outcome:
    """One request as the client saw it."""

    sent: float
    method: str
    path: str
    status: int | None = None  # None: no answer (the connection failed or timed out)
    retry_after: str | None = None
    done: float = float("inf")
    errors: object = None  # a GraphQL answer's errors


@dataclass
class Client:
    """Works through one pair's meetings: reschedule the next meeting to now, put an item on
    its agenda, complete it (which books the next meeting and carries the item over). After
    a failed step it reads the state again, so a 503 whose change was committed is fine."""

    http: httpx.Client
    pair: dict[str, Any]
    outcomes: list[Outcome] = field(default_factory=list)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        outcome = Outcome(time.monotonic(), method, path)
        self.outcomes.append(outcome)
        try:
            response = self.http.request(method, path, json=body)
        except httpx.TransportError:
            return None
        outcome.done = time.monotonic()
        outcome.status = response.status_code
        outcome.retry_after = response.headers.get("retry-after")
        if not response.is_success:
            return None
        answer = response.json()
        outcome.errors = answer.get("errors") if path == "/graphql" else None
        return answer

    def step(self) -> None:
        pair = self.pair["id"]
        self.call("POST", "/graphql", {"query": PAIR, "variables": {"id": pair}})
        listed = self.call("GET", f"/v1/meetings?pair_id={pair}&status=scheduled")
        if listed is None:
            return
        (meeting,) = listed["data"]
        soon = datetime.now(UTC) + timedelta(minutes=2)
        if datetime.fromisoformat(meeting["starts_at"]) > soon + timedelta(minutes=10):
            self.call("PATCH", f"/v1/meetings/{meeting['id']}", {"starts_at": soon.isoformat()})
            return
        items = self.call("GET", f"/v1/meetings/{meeting['id']}/agenda-items")
        if items is None:
            return
        if all(item["carried_from_id"] for item in items["data"]):
            body = {"title": "Next steps", "author_id": self.pair["lead_id"]}
            self.call("POST", f"/v1/meetings/{meeting['id']}/agenda-items", body)
            return
        carried = [item["id"] for item in items["data"] if item["carried_from_id"]]
        body = {"discussed_item_ids": carried}
        self.call("POST", f"/v1/meetings/{meeting['id']}/complete", body)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.step()


@dataclass
class Restart:
    """When the database was stopped and when it accepted connections again."""

    stopping: float = 0.0
    started: float = 0.0


@pytest.fixture
def cluster() -> Iterator[ThrowawayCluster]:
    with throwaway_cluster() as started:
        ensure_app_role(started.admin_url)
        yield started


def test_a_database_restart_under_load(cluster: ThrowawayCluster, tmp_path: Path) -> None:
    with scratch_database(cluster.admin_url) as url:
        upgrade_to_head(url)
        org_id, key = asyncio.run(_organization(url))
        log = tmp_path / "server.log"
        settings = {"RAPPORT_DATABASE_URL": as_app_role(url), "RAPPORT_LOG_LEVEL": "WARNING"}
        with rapport_serve(settings, log) as base_url:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
                clients = [Client(http, _pair_with_a_meeting(http)) for _ in range(PAIRS)]
                restart = _restart_under_load(cluster, clients)
                _check_answers([o for c in clients for o in c.outcomes], restart)
                _restart_while_idle(cluster)
                assert http.get("/v1/pairs").status_code == 200  # the idle server's first
        _check_server_log(log.read_text())
        asyncio.run(_check_no_partial_writes(url, org_id))


async def _organization(url: str) -> tuple[UUID, str]:
    engine = create_engine(url, pool_size=1)
    try:
        org_id = await create_org(engine, "Outage")
        return org_id, await create_key(engine, org_id, frozenset({Scope.ADMIN}))
    finally:
        await engine.dispose()


def _pair_with_a_meeting(http: httpx.Client) -> dict[str, Any]:
    people = []
    for _ in range(2):
        email = f"{time.monotonic_ns()}@example.com"
        response = http.post("/v1/people", json={"email": email, "name": "Someone"})
        assert response.status_code == 201, response.text
        people.append(response.json()["id"])
    body = {"lead_id": people[0], "member_id": people[1], "kind": "mentorship"}
    pair = http.post("/v1/pairs", json=body)
    assert pair.status_code == 201, pair.text
    starts_at = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    meeting = http.post("/v1/meetings", json={"pair_id": pair.json()["id"], "starts_at": starts_at})
    assert meeting.status_code == 201, meeting.text
    created: dict[str, Any] = pair.json()
    return created


def _restart_under_load(cluster: ThrowawayCluster, clients: list[Client]) -> Restart:
    stop, restart = threading.Event(), Restart()
    threads = [threading.Thread(target=client.run, args=(stop,)) for client in clients]
    for thread in threads:
        thread.start()
    try:
        time.sleep(LOAD_SECONDS)
        restart.stopping = time.monotonic()
        cluster.stop("fast")  # as a restart does: every session is ended
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        restart.started = time.monotonic()
        time.sleep(LOAD_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return restart


def _check_answers(outcomes: list[Outcome], restart: Restart) -> None:
    before = [o for o in outcomes if o.done < restart.stopping]
    after = [o for o in outcomes if o.sent >= restart.started]
    during = [o for o in outcomes if o not in before and o not in after]
    assert before and during and after
    for outcome in before + after:
        assert outcome.status is not None and 200 <= outcome.status < 300, outcome
        assert outcome.errors is None, outcome
    for outcome in during:
        if outcome.status == 503:
            assert outcome.retry_after is not None, outcome
        else:
            assert outcome.status is not None and 200 <= outcome.status < 300, outcome
            assert outcome.errors is None, outcome
    assert any(o.status == 503 for o in during)
    assert any(o.status == 503 for o in during if o.path == "/graphql")
    completed = [o for o in outcomes if o.path.endswith("/complete") and o.status == 200]
    assert any(o.sent < restart.stopping for o in completed)
    assert any(o.sent >= restart.started for o in completed)


def _restart_while_idle(cluster: ThrowawayCluster) -> None:
    """Pooled connections sit idle, the database restarts, nobody calls meanwhile."""
    time.sleep(2)
    cluster.stop("fast")
    cluster.start()


def _check_server_log(text: str) -> None:
    """Each process that notices an outage says so once, and once that it is over: the
    serving process for the restart under load, and the delivery process (which shares the
    log) for either restart, since it polls the database every second even when nobody
    calls; the serving process may notice the idle restart as well. Nothing per request."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert "Traceback" not in text
    down = back = 0
    for line in lines:
        if "database unavailable" in line:
            down += 1
        elif "database available again" in line:
            back += 1
            assert back <= down, lines  # never back before down
    assert down == back, lines
    assert 1 <= down <= 4, lines  # two processes, two restarts
    assert len(lines) == down + back, lines


async def _check_no_partial_writes(url: str, org_id: UUID) -> None:
    connection = await asyncpg.connect(url)
    try:
        unbooked = await connection.fetch(
            """SELECT m.id FROM meetings m WHERE m.org_id = $1 AND m.status = 'completed'
               AND NOT EXISTS (SELECT 1 FROM meetings n WHERE n.pair_id = m.pair_id
                               AND n.created_at = m.completed_at)""",
            org_id,
        )
        assert unbooked == []  # each completion booked its next meeting in its transaction
        copied_twice = await connection.fetch(
            """SELECT carried_from_id FROM agenda_items WHERE org_id = $1
               AND carried_from_id IS NOT NULL GROUP BY carried_from_id HAVING count(*) > 1""",
            org_id,
        )
        assert copied_twice == []
        half_carried = await connection.fetch(
            """SELECT i.id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
               WHERE i.org_id = $1 AND m.status = 'completed' AND (
                 i.state NOT IN ('discussed', 'carried_over')
                 OR (i.state = 'carried_over') <> EXISTS (
                   SELECT 1 FROM agenda_items c WHERE c.carried_from_id = i.id))""",
            org_id,
        )
        assert half_carried == []  # every open item of a completed meeting was carried once
        histories = await connection.fetch(
            """SELECT m.id FROM meetings m WHERE m.org_id = $1 AND (m.status = 'completed')
               <> ((SELECT count(*) FROM meeting_events e WHERE e.meeting_id = m.id
                    AND e.kind = 'completed') = 1)""",
            org_id,
        )
        assert histories == []
        scheduled = await connection.fetch(
            """SELECT pair_id FROM meetings WHERE org_id = $1 AND status = 'scheduled'
               GROUP BY pair_id HAVING count(*) <> 1""",
            org_id,
        )
        assert scheduled == []  # each pair has exactly its next meeting on the books
        completed = await connection.fetchval(
            "SELECT count(*) FROM meetings WHERE org_id = $1 AND status = 'completed'", org_id
        )
        assert completed > PAIRS
    finally:
        await connection.close()
