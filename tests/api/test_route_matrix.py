"""Every operation of the route table: success, bad input, missing credential, missing
scope and another organization's ids. A new operation without a case fails the suite.
A successful change gets a world of its own; reads, bad input and the refusals are asked of
two worlds that the module's tests share (they fail the module if a test changed them)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from app.api.access import Access
from app.api.pipeline import Callers
from app.domain.access import Scope
from tests.conftest import Live, world_for
from tests.support.matrix import CASES, OPERATIONS, as_person, request_of
from tests.support.organization_rows import settled_organization_rows
from tests.support.tenants import World

PARAMS = ("operation", "method", "template", "access")


def _caller_key(world: World, access: Access) -> str | None:
    """Operations for people are called with the member's token; others with the admin key."""
    return world.token(world.member) if access.callers is Callers.PEOPLE else None


def test_every_operation_has_a_case() -> None:
    missing = sorted(op for op, *_ in OPERATIONS if op not in CASES)
    stale = sorted(set(CASES) - {op for op, *_ in OPERATIONS})
    assert not missing, f"operations without route-matrix cases: {missing}"
    assert not stale, f"cases for operations that no longer exist: {stale}"


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_success(
    live: Live,
    request: pytest.FixtureRequest,
    operation: str,
    method: str,
    template: str,
    access: Access,
) -> None:
    world = world_for(request, method)
    call = CASES[operation].success
    sent = request_of(world, template, call, world.ids())
    key = _caller_key(world, access)
    if key is not None:
        sent["json"] = as_person(sent["json"])
    response = world.tenant.call(method, sent.pop("path"), key=key, **sent)
    assert response.status_code == call.status, response.text
    if call.status == 201:
        assert response.headers["location"].startswith("/v1/")


@pytest.mark.parametrize(PARAMS, OPERATIONS)
def test_bad_input(
    live: Live, unchanged_world: World, operation: str, method: str, template: str, access: Access
) -> None:
    world = unchanged_world
    call = CASES[operation].bad
    if call is None:
        pytest.skip("the operation takes no input")
    key = _caller_key(world, access)  # minting the token is audited: before the snapshot
    before = settled_organization_rows(world, live.app)
    request = request_of(world, template, call, world.ids())
    response = world.tenant.call(method, request.pop("path"), key=key, **request)
    assert response.status_code == call.status, response.text
    if call.code is not None:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == call.code
        assert problem["status"] == call.status
        assert problem["detail"]
    after = settled_organization_rows(world, live.app)
    assert after == before, "bad input changed something"


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
