"""The server's pool hands out the connection returned last (PostgreSQL,
app.persistence.database): after a burst has opened every pooled connection, a steady
trickle of requests keeps reusing the few it needs. Handed out in turn instead, each
connection would sit idle for the pool's size times the gap between requests, past the
second after which a connection is pinged before use (app.persistence.availability): a
round trip more on every request of a moderately busy process."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.persistence.database import create_engine
from tests.conftest import Live

POOL_SIZE = 4
BACKEND = text("SELECT pg_backend_pid()")


@pytest.fixture
def postgresql(live: Live) -> Live:
    if live.dialect != "postgresql":
        pytest.skip("SQLite has no pool of server connections")
    return live


async def _backend(engine: AsyncEngine, together: asyncio.Barrier | None = None) -> int:
    """The server process of the connection a transaction got; with `together`, held until
    every other transaction of the burst has one too."""
    async with engine.connect() as connection:
        backend = int(await connection.scalar(BACKEND) or 0)
        if together is not None:
            await together.wait()
        return backend


def test_after_a_burst_a_trickle_of_requests_reuses_one_connection(postgresql: Live) -> None:
    async def check() -> None:
        engine = create_engine(postgresql.database_url, pool_size=POOL_SIZE, overflow=0)
        try:
            together = asyncio.Barrier(POOL_SIZE)
            opened = set(
                await asyncio.gather(*(_backend(engine, together) for _ in range(POOL_SIZE)))
            )
            assert len(opened) == POOL_SIZE  # the burst opened every pooled connection

            trickle = [await _backend(engine) for _ in range(2 * POOL_SIZE)]

            assert len(set(trickle)) == 1, f"the requests went round the pool: {trickle}"
        finally:
            await engine.dispose()

    postgresql.portal.call(check)
