"""The suite runs every API and integration test on SQLite and on PostgreSQL, and checks
that no log record of the whole run carries private-note text."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.app import create_app
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from app.settings import Settings
from tests.support.identity_provider import Issuer, ec_key, local_issuer, rsa_key
from tests.support.live import (
    SUITE_BUDGETS,
    StatementCounter,
    TestClock,
    runtime,
    serve_in_thread,
)
from tests.support.log_privacy import PrivacyLogCollector
from tests.support.postgres import (
    as_app_role,
    ensure_app_role,
    postgres_server,
    scratch_database,
)
from tests.support.receiver import Receiver, webhook_receiver
from tests.support.tenants import Tenant, World, build_world, new_tenant, records_snapshot


@dataclass
class Live:
    """A served app on one database, with handles the tests need."""

    dialect: str
    database_url: str
    base_url: str
    app: FastAPI
    clock: TestClock
    statements: StatementCounter
    portal: BlockingPortal
    engine: AsyncEngine

    def tenant(self) -> Tenant:
        return new_tenant(self.base_url, self.portal, self.engine, self.clock)


@pytest.fixture(scope="session", autouse=True)
def suite_log_privacy() -> Iterator[PrivacyLogCollector]:
    """Every record that reaches the root logger during the run (INFO and above; the test
    servers' uvicorn loggers propagate to it) is checked for private-note markers; the run
    fails at its end if one carried any."""
    collector = PrivacyLogCollector()
    root = logging.getLogger()
    level = root.level
    # The test side's HTTP client logs each request it sends; it is not the service.
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    root.addHandler(collector)
    root.setLevel(min(level, logging.INFO))
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
        root.setLevel(level)
        for name, previous in quiet.items():
            logging.getLogger(name).setLevel(previous)
    collector.check()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "rapport.db"
        url = f"sqlite:///{path}"
        upgrade_to_head(url)
        yield url
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    ensure_app_role(admin_url)
    with scratch_database(admin_url) as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture(scope="session")
def live(database_url: str) -> Iterator[Live]:
    clock = TestClock()
    # The app connects as a non-owner role on PostgreSQL, as in production, so row-level
    # security applies; the suite's own set-up connects as the owner.
    app_url = database_url if database_url.startswith("sqlite") else as_app_role(database_url)
    app = create_app(live_settings(app_url), clock=clock)
    counter = StatementCounter()
    with serve_in_thread(app) as base_url, start_blocking_portal() as portal:
        counter.attach(runtime(app).engine)
        engine = portal.call(_engine, database_url)
        try:
            dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
            yield Live(dialect, database_url, base_url, app, clock, counter, portal, engine)
        finally:
            portal.call(engine.dispose)


def live_settings(database_url: str, **overrides: Any) -> Settings:
    """The suite's app settings: development mode, with a local OpenID Connect issuer
    (served over http on loopback) whose JWKS is fetched again on any unknown `kid`, and
    webhook receivers on loopback."""
    fields: dict[str, Any] = {
        "database_url": database_url,
        "log_level": "WARNING",
        "oidc_allow_http_loopback": True,
        "oidc_jwks_refetch_seconds": 0,
        **SUITE_BUDGETS,
        "webhooks_allow_private": True,
        **overrides,
    }
    return Settings(**fields)


async def _engine(url: str) -> AsyncEngine:
    return create_engine(url, pool_size=2)


@pytest.fixture
def tenant(live: Live) -> Tenant:
    live.clock.pinned = None
    return live.tenant()


@pytest.fixture
def world(live: Live, tenant: Tenant) -> World:
    return build_world(tenant, live.clock)


@pytest.fixture(scope="module")
def unchanged_worlds(live: Live) -> Iterator[tuple[World, World]]:
    """Two worlds of two organizations, built once per module and database for the tests
    that only read them or are refused by them (a test whose request succeeds in changing
    something takes `world`). The module fails at its end if their records changed."""
    worlds = (build_world(live.tenant(), live.clock), build_world(live.tenant(), live.clock))
    before = [records_snapshot(world) for world in worlds]
    yield worlds
    for world, was in zip(worlds, before, strict=True):
        now = records_snapshot(world)
        changed = {path: now[path] for path in now if now[path] != was[path]}
        assert not changed, f"a test changed a world its module's tests share: {changed}"


@pytest.fixture
def unchanged_world(unchanged_worlds: tuple[World, World]) -> World:
    """A world the test must not change, its clock standing at the world's instant."""
    return unchanged_worlds[0].enter()


def world_for(request: pytest.FixtureRequest, method: str) -> World:
    """The world for a request of this HTTP method: a read (GET) is asked of the module's
    shared world, which it must leave unchanged; a change gets a world of its own. The test
    takes `live` too, so that it runs on each database."""
    world: World = request.getfixturevalue("unchanged_world" if method == "GET" else "world")
    return world


@pytest.fixture
def another_unchanged_world(unchanged_worlds: tuple[World, World], unchanged_world: World) -> World:
    """A second organization's world, under the same terms as `unchanged_world` (the clock
    stands at the first world's instant: the tests call one world's records from the other)."""
    return unchanged_worlds[1]


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (each test posts to paths of its own)."""
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    """An OpenID Connect provider of the test's own, with an RSA and an EC key."""
    with local_issuer(rsa_key(), ec_key()) as running:
        yield running
