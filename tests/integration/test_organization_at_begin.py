"""The organization's setting travels with the transaction's BEGIN (PostgreSQL,
app.persistence.tenant_begin): still local to the transaction, and never left behind on a
pooled connection for the next one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.persistence.database import create_engine
from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.postgres import as_app_role
from tests.support.tenants import World

SETTING = text("SELECT current_setting('rapport.org_id', true)")


@pytest.fixture
def postgresql(live: Live) -> Live:
    if live.dialect != "postgresql":
        pytest.skip("row-level security and its setting are PostgreSQL's")
    return live


@asynccontextmanager
async def _one_connection(live: Live) -> AsyncIterator[AsyncEngine]:
    """The app's role, one pooled connection: every transaction reuses it."""
    engine = create_engine(as_app_role(live.database_url), pool_size=1, overflow=0)
    try:
        yield engine
    finally:
        await engine.dispose()


def test_the_first_statement_runs_in_the_organization_entered_before_it(
    postgresql: Live, world: World
) -> None:
    org_id = world.tenant.org_id

    async def check() -> None:
        async with _one_connection(postgresql) as engine:
            async with unit_of_work(engine, write=False) as uow:
                await uow.enter_organization(org_id)
                assert await uow.connection.scalar(SETTING) == str(org_id)
                assert await uow.meetings.get(org_id, UUID(world.held["id"])) is not None
            async with unit_of_work(engine, write=False) as uow:  # local to the transaction
                assert await uow.connection.scalar(SETTING) in ("", None)

    postgresql.portal.call(check)


def test_a_transaction_that_sent_nothing_leaves_no_organization_to_the_next(
    postgresql: Live, world: World
) -> None:
    org_id = world.tenant.org_id

    async def check() -> None:
        async with _one_connection(postgresql) as engine:
            async with unit_of_work(engine, write=False) as uow:
                await uow.enter_organization(org_id)  # and no statement follows
            async with unit_of_work(engine, write=False) as uow:
                assert await uow.connection.scalar(SETTING) in ("", None)
                assert await uow.meetings.get(org_id, UUID(world.held["id"])) is None

    postgresql.portal.call(check)


def test_entering_after_the_first_statement_sets_it_with_a_statement(
    postgresql: Live, world: World
) -> None:
    org_id = world.tenant.org_id

    async def check() -> None:
        async with (
            _one_connection(postgresql) as engine,
            unit_of_work(engine, write=False) as uow,
        ):
            assert await uow.connection.scalar(SETTING) in ("", None)
            await uow.enter_organization(org_id)
            assert await uow.connection.scalar(SETTING) == str(org_id)

    postgresql.portal.call(check)


def test_a_cached_key_s_read_sends_no_statement_of_its_own_for_the_organization(
    postgresql: Live, world: World
) -> None:
    target = f"/v1/meetings/{world.held['id']}"
    assert world.tenant.call("GET", target).status_code == 200  # the key is cached now
    with postgresql.statements.measure() as counter:
        response = world.tenant.call("GET", target)
    assert response.status_code == 200, response.text
    assert not [s for s in counter.statements if "set_config" in s], counter.statements
    # The meeting with its follow-up, one statement besides BEGIN and COMMIT.
    assert len(counter.statements) == 1, counter.statements
