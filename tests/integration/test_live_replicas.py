"""Live subscriptions across replicas, as operators run them: two `rapport serve` processes
on one PostgreSQL, their requests through pgbouncer in transaction mode, each process's
LISTENing connection straight to the database (`RAPPORT_LIVE_DATABASE_URL`).

A change committed through one process reaches a subscriber of the other; when the
listener's connection is killed, the subscriber is told to resync and later changes arrive
again. Slow, PostgreSQL only: runs once."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text

from app.domain.access import Scope
from app.persistence.database import create_engine
from app.persistence.live_listen import APPLICATION_NAME
from app.persistence.migrate import upgrade_to_head
from tests.support.live_socket import LiveSocket, initialised
from tests.support.pgbouncer import pgbouncer
from tests.support.postgres import as_app_role, ensure_app_role, scratch_database
from tests.support.processes import ServedProcess, rapport_serve
from tests.support.tenants import create_key, create_org

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live_replicas")]

MEETING_CHANGED = """
subscription Changed($id: UUID!) {
  meetingChanged(meetingId: $id) { eventType resync agendaItem { title } }
}
"""
TIMED_CHANGES = 20


@pytest.fixture
def database(postgres_admin_url: str) -> Iterator[str]:
    ensure_app_role(postgres_admin_url)
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        yield url


def _admin_key(owner_url: str) -> str:
    async def made() -> str:
        engine = create_engine(owner_url, pool_size=1)
        try:
            org_id: UUID = await create_org(engine, "Live replicas")
            return await create_key(engine, org_id, frozenset({Scope.ADMIN}))
        finally:
            await engine.dispose()

    return asyncio.run(made())


def _listeners_killed(owner_url: str, expected: int) -> int:
    """Terminate every LISTENing connection of the database's processes, once `expected` of
    them are connected (a delivery process may still be starting its listener on a busy
    machine), or after 30 seconds with those there are."""

    async def killed() -> int:
        engine = create_engine(owner_url, pool_size=1)
        of_this_database = (
            " FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"
        )
        try:
            async with engine.connect() as connection:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    listening = await connection.scalar(
                        text("SELECT count(*)" + of_this_database), {"name": APPLICATION_NAME}
                    )
                    await connection.rollback()  # pg_stat_activity is read once per transaction
                    if listening >= expected:
                        break
                    await asyncio.sleep(0.1)
                rows = await connection.execute(
                    text("SELECT pg_terminate_backend(pid)" + of_this_database),
                    {"name": APPLICATION_NAME},
                )
                return len(rows.all())
        finally:
            await engine.dispose()

    return asyncio.run(killed())


class Api:
    def __init__(self, served: ServedProcess, key: str) -> None:
        self.http = httpx.Client(
            base_url=served.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(path, json=body)
        assert answer.status_code in (200, 201), answer.text
        created: dict[str, Any] = answer.json()
        return created


def _first_change(socket: LiveSocket, add: Any) -> dict[str, Any]:
    """Changes until the subscriber hears one (it is registered on the other process some
    moments after it subscribed: nothing tells a client when)."""
    for attempt in range(50):
        add(f"probe {attempt}")
        try:
            message = socket.next_of("live", timeout=0.5)
        except TimeoutError:
            continue
        change: dict[str, Any] = message["payload"]["data"]["meetingChanged"]
        return change
    raise AssertionError("no change ever reached the subscriber")


def _drain(socket: LiveSocket) -> None:
    """Read what is already on its way (the probes after the first heard)."""
    while True:
        try:
            socket.next_of("live", timeout=0.5)
        except TimeoutError:
            return


def test_a_change_through_one_process_reaches_a_subscriber_of_the_other(
    database: str, tmp_path: Path
) -> None:
    key = _admin_key(database)
    app_url = as_app_role(database)
    with ExitStack() as stack:
        bouncer_url = stack.enter_context(pgbouncer(database, server_connections=3))
        settings = {
            "database_url": bouncer_url,
            "live_database_url": app_url,
            "db_prepared_statements": "false",
            "log_level": "WARNING",
        }
        first, second = (
            stack.enter_context(rapport_serve(tmp_path, workers=1, **settings)) for _ in range(2)
        )
        writer = Api(second, key)
        lead = writer.create("/v1/people", {"email": "lead@example.com", "name": "Lead"})
        member = writer.create(
            "/v1/people",
            {"email": "member@example.com", "name": "Member", "manager_id": lead["id"]},
        )
        pairs = writer.http.get("/v1/pairs", params={"member_id": member["id"]}).json()["data"]
        meeting = writer.create(
            "/v1/meetings",
            {
                "pair_id": pairs[0]["id"],
                "starts_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            },
        )
        token = writer.create("/v1/person-tokens", {"person_id": lead["id"]})["token"]

        def add(title: str) -> None:
            writer.create(
                f"/v1/meetings/{meeting['id']}/agenda-items",
                {"title": title, "author_id": member["id"]},
            )

        with initialised(first.base_url, token) as socket:
            socket.subscribe("live", MEETING_CHANGED, {"id": meeting["id"]})
            assert _first_change(socket, add)["eventType"] == "agenda_item.created"
            _drain(socket)

            latencies = []
            for number in range(TIMED_CHANGES):
                started = time.perf_counter()
                add(f"timed {number}")
                change = socket.next_of("live")["payload"]["data"]["meetingChanged"]
                latencies.append(time.perf_counter() - started)
                assert change["agendaItem"] == {"title": f"timed {number}"}
            print(
                f"cross-process delivery, {TIMED_CHANGES} changes:"
                f" p50 {statistics.median(latencies) * 1000:.1f} ms,"
                f" max {max(latencies) * 1000:.1f} ms (request included)"
            )

            # Each replica listens from its serving process and from its delivery process.
            assert _listeners_killed(database, expected=4) == 4
            resync = socket.next_of("live")["payload"]["data"]["meetingChanged"]
            assert resync == {"eventType": None, "resync": True, "agendaItem": None}
            add("after the gap")
            change = socket.next_of("live")["payload"]["data"]["meetingChanged"]
            assert change["agendaItem"] == {"title": "after the gap"}
        logs = [served.log_text() for served in (first, second)]
    for log in logs:
        assert "Traceback" not in log, log
