"""Every operation of the route table: success, bad input, missing credential, missing
scope and another organization's ids. A new operation without a case fails the suite.
Success and bad input get a world of their own; the refusals are asked of two worlds that
the module's tests share (they fail the module if a refusal changed them)."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.access import Access
from app.api.pipeline import Callers
from app.domain.access import Scope
from app.persistence.tables import metadata
from tests.support.matrix import CASES, OPERATIONS, as_person, request_of
from tests.support.tenants import World

PARAMS = ("operation", "method", "template", "access")


def _caller_key(world: World, access: Access) -> str | None:
    """Operations for people are called with the member's token; others with the admin key."""
    return world.token(world.member) if access.callers is Callers.PEOPLE else None


def _of_organization(table: Table, org_id: UUID) -> Any:
    """The table's rows that belong to the organization (a table of no organization: all)."""
    query = select(table).order_by(*table.primary_key.columns)
    if "org_id" in table.c:
        return query.where(table.c.org_id == org_id)
    if table.name == "organizations":
        return query.where(table.c.id == org_id)
    return query


async def _rows(engine: AsyncEngine, org_id: UUID) -> dict[str, list[tuple[Any, ...]]]:
    """Every table read in one snapshot of the database (the delivery worker may record an
    attempt between two tables' reads otherwise); SQLite's reads are one snapshot anyway."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        return {
            table.name: list(map(tuple, await connection.execute(_of_organization(table, org_id))))
            for table in metadata.sorted_tables
        }


def snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the models that the world's organization could have
    changed, read from the database as its owner (past row-level security)."""
    tenant = world.tenant
    rows: dict[str, list[tuple[Any, ...]]] = tenant.portal.call(_rows, tenant.engine, tenant.org_id)
    return rows


def settled_snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """The snapshot once the worker has attempted the world's webhook delivery (to a port
    nobody listens on) and holds none of its deliveries, which it does in the background
    just after the world is built; the retry never comes due while the world's clock stands
    still, and the deliveries queued behind it wait for it."""
    deadline = time.monotonic() + 30
    while not _settled(rows := snapshot(world)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return rows


def _settled(rows: dict[str, list[tuple[Any, ...]]]) -> bool:
    leased = list(metadata.tables["webhook_deliveries"].c.keys()).index("leased_until")
    return bool(rows["webhook_attempts"]) and all(
        row[leased] is None for row in rows["webhook_deliveries"]
    )


def test_every_operation_has_a_case() -> None:
    missing = sorted(op for op, *_ in OPERATIONS if op not in CASES)
    stale = sorted(set(CASES) - {op for op, *_ in OPERATIONS})
    assert not missing, f"operations without route-matrix cases: {missing}"
    assert not stale, f"cases for operations that no longer exist: {stale}"


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_success(world: World, operation: str, method: str, template: str, access: Access) -> None:
    call = CASES[operation].success
    request = request_of(world, template, call, world.ids())
    key = _caller_key(world, access)
    if key is not None:
        request["json"] = as_person(request["json"])
    response = world.tenant.call(method, request.pop("path"), key=key, **request)
    assert response.status_code == call.status, response.text
    if call.status == 201:
        assert response.headers["location"].startswith("/v1/")


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_bad_input(
    world: World, operation: str, method: str, template: str, access: Access
) -> None:
    call = CASES[operation].bad
    if call is None:
        pytest.skip("the operation takes no input")
    key = _caller_key(world, access)  # minting the token is audited: before the snapshot
    before = settled_snapshot(world)
    request = request_of(world, template, call, world.ids())
    response = world.tenant.call(method, request.pop("path"), key=key, **request)
    assert response.status_code == call.status, response.text
    if call.code is not None:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == call.code
        assert problem["status"] == call.status
        assert problem["detail"]
    assert snapshot(world) == before, "bad input changed something"


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_missing_credential(
    unchanged_world: World, operation: str, method: str, template: str, access: Access
) -> None:
    world = unchanged_world
    request = request_of(world, template, CASES[operation].success, world.ids())
    response = world.tenant.http.request(method, request.pop("path"), **request)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_missing_scope(
    unchanged_world: World, operation: str, method: str, template: str, access: Access
) -> None:
    world = unchanged_world
    request = request_of(world, template, CASES[operation].success, world.ids())
    if access.callers is Callers.PEOPLE:
        response = world.tenant.call(method, request.pop("path"), **request)
        assert response.status_code == 403
        assert response.json()["code"] == "person_token_only"
        return
    if access.scope is None:
        pytest.skip("any credential of the organization may call it")
    others = [s for s in Scope if s not in (access.scope, Scope.ADMIN)]
    key = world.tenant.key(*others)
    response = world.tenant.call(method, request.pop("path"), key=key, **request)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert response.json()["required_scope"] == access.scope.value


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_other_organization(
    unchanged_world: World,
    another_unchanged_world: World,
    operation: str,
    method: str,
    template: str,
    access: Access,
) -> None:
    world, other_world = unchanged_world, another_unchanged_world
    other = other_world.tenant
    case = CASES[operation]
    key = other_world.token(other_world.member) if access.callers is Callers.PEOPLE else None
    if "{" in template:
        request = request_of(world, template, case.success, world.ids())
        response = other.call(method, request.pop("path"), key=key, **request)
        assert response.status_code == 404, response.text
        # Indistinguishable from an id that exists nowhere: same problem, same shape.
        unknown = request_of(
            world, template, case.success, dict.fromkeys(world.ids(), str(uuid4()))
        )
        nowhere = other.call(method, unknown.pop("path"), key=key, **unknown)
        assert nowhere.status_code == 404
        shown, absent = response.json(), nowhere.json()
        each_request_its_own = {"detail", "request_id"}
        assert {k: v for k, v in shown.items() if k not in each_request_its_own} == {
            k: v for k, v in absent.items() if k not in each_request_its_own
        }
        return
    if case.foreign is None:
        pytest.skip("organization-wide operation: it names no record")
    call = case.foreign(other_world, world)
    request = request_of(other_world, template, call, other_world.ids())
    response = other.call(method, request.pop("path"), key=key, **request)
    assert response.status_code == call.status, response.text
    if call.status == 200:
        assert response.json()["data"] == []
    else:
        assert response.json()["code"] == call.code
