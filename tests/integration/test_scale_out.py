"""Scaling out as operators do it: two `rapport serve` processes on one PostgreSQL behind
pgbouncer in transaction mode (few server connections, so transactions of both processes and
of several organizations take turns on the same ones; prepared statements off), sharing
rate-limit budgets through one Redis, each running a webhook worker on the one queue.

Writes on one are read on the other; row-level security holds on shared server
connections; a key's budget is spent across both; every event reaches the receiver once.
Slow, PostgreSQL only: runs once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from itertools import cycle
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from app.domain.access import Scope
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from tests.integration.test_shared_rate_limits import redis_server
from tests.support.live import SHARED_TLS, free_port
from tests.support.pgbouncer import pgbouncer
from tests.support.postgres import ensure_app_role, scratch_database
from tests.support.processes import ServedProcess, rapport_serve
from tests.support.receiver import Received, webhook_receiver
from tests.support.tenants import create_key, create_org

pytestmark = pytest.mark.slow

BUDGET = 40  # requests per key and hour, shared by the two processes
WRITES = 24


@pytest.fixture
def database(postgres_admin_url: str) -> Iterator[str]:
    ensure_app_role(postgres_admin_url)
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        yield url


def _keys(owner_url: str, organizations: int, per_organization: int) -> list[list[str]]:
    """Admin keys of new organizations, made as the tables' owner."""

    async def made() -> list[list[str]]:
        engine = create_engine(owner_url, pool_size=1)
        try:
            keys = []
            for number in range(organizations):
                org_id: UUID = await create_org(engine, f"Scaled {number}")
                admin = frozenset({Scope.ADMIN})
                keys.append(
                    [await create_key(engine, org_id, admin) for _ in range(per_organization)]
                )
            return keys
        finally:
            await engine.dispose()

    return asyncio.run(made())


def _call(
    served: ServedProcess, key: str, method: str, path: str, **kwargs: object
) -> httpx.Response:
    return httpx.request(
        method,
        served.base_url + path,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
        verify=SHARED_TLS,
        **kwargs,  # type: ignore[arg-type]
    )


def test_two_replicas_behind_pgbouncer_share_data_budgets_and_the_queue(
    database: str, tmp_path: Path
) -> None:
    (ours, ours_too, budgeted), (theirs, *_) = _keys(database, organizations=2, per_organization=3)
    redis_port = free_port()
    with ExitStack() as stack, webhook_receiver() as receiver:
        bouncer_url = stack.enter_context(pgbouncer(database, server_connections=3))
        stack.enter_context(redis_server(redis_port))
        settings = {
            "database_url": bouncer_url,
            "db_prepared_statements": "false",
            "rate_limit_key": f"{BUDGET}/hour",
            "rate_limit_storage": f"redis://127.0.0.1:{redis_port}/0",
            "webhooks_allow_private": "true",
            "log_level": "WARNING",
        }
        first, second = (
            stack.enter_context(rapport_serve(tmp_path, workers=1, **settings)) for _ in range(2)
        )
        endpoint = _call(
            first,
            ours_too,
            "POST",
            "/v1/webhook-endpoints",
            json={"url": receiver.url("/scaled"), "event_types": ["person.created"]},
        )
        assert endpoint.status_code == 201, endpoint.text

        # Writes spread over both processes at once, so their transactions take turns on
        # pgbouncer's three server connections.
        def create(number: int, served: ServedProcess) -> str:
            body = {"email": f"scaled{number}@example.com", "name": f"Scaled {number}"}
            answer = _call(served, ours, "POST", "/v1/people", json=body)
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        with ThreadPoolExecutor(8) as pool:
            made = set(pool.map(create, range(WRITES), cycle((first, second))))

        # What one wrote the other reads; another organization finds none of it.
        for served in (first, second):
            listed = _call(served, ours_too, "GET", "/v1/people", params={"limit": 200})
            assert listed.status_code == 200, listed.text
            assert made <= {person["id"] for person in listed.json()["data"]}
        for person_id in made:
            assert _call(second, ours_too, "GET", f"/v1/people/{person_id}").status_code == 200
            assert _call(first, theirs, "GET", f"/v1/people/{person_id}").status_code == 404

        # One budget for the key, whichever process answers.
        statuses = [
            _call(served, budgeted, "GET", "/v1/pairs").status_code
            for _, served in zip(range(2 * BUDGET), cycle((first, second)), strict=False)
        ]
        assert statuses.count(200) == BUDGET and statuses.count(429) == BUDGET

        # Both workers claim from the one queue: every event arrives, none twice.
        got: list[Received] = receiver.wait_for("/scaled", lambda r: len(r) >= WRITES)
        ids = [r.headers["webhook-id"] for r in got]
        assert len(ids) == len(set(ids)) == WRITES
        assert {r.event["data"]["id"] for r in got} == made
        logs = [served.log_text() for served in (first, second)]
    for text in logs:
        assert "Traceback" not in text and "prepared statement" not in text, text
