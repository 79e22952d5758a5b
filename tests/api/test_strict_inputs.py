"""Inputs an operation does not read are refused, not ignored: unknown query parameters
(400 unknown_parameter) and bodies that are not JSON (415 unsupported_media_type); nothing
is changed."""

from __future__ import annotations

import pytest

from tests.support.tenants import Tenant, World, snapshot


def test_a_misspelt_parameter_is_named(tenant: Tenant) -> None:
    for _ in range(3):
        tenant.person()
    refused = tenant.call("GET", "/v1/people", params={"limt": 2, "active": "true"})
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["code"] == "unknown_parameter" and problem["parameters"] == ["limt"]
    assert "limt" in problem["detail"] and "limit" in problem["detail"]
    listed = tenant.call("GET", "/v1/people", params={"limit": 2, "active": "true"})
    assert listed.status_code == 200 and len(listed.json()["data"]) == 2


@pytest.mark.parametrize("path", ["/v1/policy", "/v1/me", "/v1/pairs"])
def test_every_operation_refuses_what_it_does_not_read(tenant: Tenant, path: str) -> None:
    refused = tenant.call("GET", path, params={"expand": "everything"})
    assert refused.status_code == 400, refused.text
    assert refused.json()["parameters"] == ["expand"]


def test_a_body_that_is_not_json_is_refused_and_changes_nothing(world: World) -> None:
    before = snapshot(world)
    body = '{"email": "form@example.com", "name": "Form"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        refused = world.tenant.call(
            "POST", "/v1/people", content=body, headers={"Content-Type": content_type}
        )
        assert refused.status_code == 415, (content_type, refused.text)
        assert refused.json()["code"] == "unsupported_media_type"
    meeting = world.meeting["id"]
    no_body_expected = world.tenant.call(
        "POST",
        f"/v1/meetings/{meeting}/cancel",
        content="x",
        headers={"Content-Type": "text/plain"},
    )
    assert no_body_expected.status_code == 415
    assert snapshot(world) == before
    accepted = world.tenant.call(
        "POST",
        "/v1/people",
        content=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert accepted.status_code == 201, accepted.text
