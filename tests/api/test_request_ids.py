"""Every answer carries X-Request-ID (the client's UUID, else a new one), every problem
body has it as `request_id`, and the log line of a fault names it."""

from __future__ import annotations

import logging
from uuid import UUID, uuid4

import pytest

from app.services import people
from tests.graphql.client import post
from tests.support.tenants import Tenant, World


def _request_id(response_headers: object) -> str:
    value = str(response_headers["x-request-id"])  # type: ignore[index]
    UUID(value)
    return value


def test_an_answer_without_a_client_id_gets_a_new_one(tenant: Tenant) -> None:
    first = tenant.call("GET", "/v1/people")
    second = tenant.call("GET", "/v1/people")
    assert _request_id(first.headers) != _request_id(second.headers)
    assert _request_id(tenant.http.get("/healthz").headers)


def test_a_client_uuid_is_kept_and_anything_else_replaced(tenant: Tenant) -> None:
    sent = str(uuid4())
    kept = tenant.call("GET", "/v1/people", headers={"X-Request-ID": sent})
    assert kept.headers["x-request-id"] == sent
    for unusable in ("alice@example.com", "x" * 300, "1; DROP TABLE"):
        replaced = tenant.call("GET", "/v1/people", headers={"X-Request-ID": unusable})
        assert replaced.headers["x-request-id"] != unusable
        _request_id(replaced.headers)


def test_problems_carry_the_request_id(tenant: Tenant) -> None:
    sent = str(uuid4())
    refused = tenant.http.get("/v1/people", headers={"X-Request-ID": sent})
    assert refused.status_code == 401
    assert refused.json()["request_id"] == sent == refused.headers["x-request-id"]
    missing = tenant.call("GET", f"/v1/people/{uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["request_id"] == missing.headers["x-request-id"]


def _fault(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


def test_a_fault_is_logged_under_the_id_the_client_got(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(people, "list_people", _fault)
    with caplog.at_level(logging.ERROR, logger="rapport.api"):
        response = tenant.call("GET", "/v1/people")
    assert response.status_code == 500
    request_id = _request_id(response.headers)
    assert response.json()["request_id"] == request_id
    assert f"(request {request_id})" in caplog.text


def test_a_graphql_fault_names_the_request_id(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(people, "list_people", _fault)
    with caplog.at_level(logging.ERROR, logger="rapport.graphql"):
        response = post(world.tenant, "{ people(first: 5) { nodes { id } } }")
    request_id = _request_id(response.headers)
    (error,) = response.json()["errors"]
    assert error["extensions"]["request_id"] == request_id
    assert f"(request {request_id})" in caplog.text
