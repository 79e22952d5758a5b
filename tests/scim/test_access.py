"""SCIM is for service keys with the `scim` scope, one organization per key; other
organizations' ids do not exist; every change is audited like a REST change."""

from __future__ import annotations

from uuid import uuid4

import pytest

from app.domain.access import Scope
from tests.conftest import Live
from tests.scim.test_providers import ENTRA_CREATE, Directory
from tests.support.tenants import Tenant, World

PATHS = (
    ("GET", "/ServiceProviderConfig"),
    ("GET", "/Schemas"),
    ("GET", "/ResourceTypes"),
    ("GET", "/Users"),
    ("POST", "/Users"),
    ("GET", "/Groups"),
)


@pytest.mark.parametrize(("method", "path"), PATHS)
def test_a_key_without_the_scim_scope_is_refused(tenant: Tenant, method: str, path: str) -> None:
    others = [s for s in Scope if s not in (Scope.SCIM, Scope.ADMIN)]
    response = tenant.call(method, f"/scim/v2{path}", key=tenant.key(*others), json={})
    assert response.status_code == 403, response.text
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == "403"
    assert "scim" in error["detail"]


def test_no_credential_is_a_scim_401(tenant: Tenant) -> None:
    response = tenant.http.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response.json()["status"] == "401"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_person_tokens_are_refused(world: World) -> None:
    token = world.token(world.admin)
    response = world.tenant.call("GET", "/scim/v2/Users", key=token)
    assert response.status_code == 403
    assert response.json()["status"] == "403"


def test_another_organizations_ids_are_404(live: Live, tenant: Tenant) -> None:
    ours = Directory(tenant)
    user = ours.ok("POST", "/Users", ENTRA_CREATE, status=201)
    group = ours.ok("POST", "/Groups", {"displayName": "Ops"}, status=201)
    theirs = Directory(live.tenant())
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    for method, path, body in (
        ("GET", f"/Users/{user['id']}", None),
        ("PUT", f"/Users/{user['id']}", ENTRA_CREATE),
        ("PATCH", f"/Users/{user['id']}", patch),
        ("DELETE", f"/Users/{user['id']}", None),
        ("GET", f"/Groups/{group['id']}", None),
        ("DELETE", f"/Groups/{group['id']}", None),
        ("GET", f"/Users/{uuid4()}", None),
        ("GET", "/Users/not-a-uuid", None),
    ):
        response = theirs(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["status"] == "404"
    listed = theirs.ok("GET", f'/Users?filter=userName eq "{ENTRA_CREATE["userName"]}"')
    assert listed["totalResults"] == 0
    members = {"displayName": "Theirs", "members": [{"value": user["id"]}]}
    assert theirs("POST", "/Groups", members).status_code == 400
    assert ours.ok("GET", f"/Users/{user['id']}")["active"] is True


def test_changes_are_audited(tenant: Tenant) -> None:
    scim = Directory(tenant)
    user = scim.ok("POST", "/Users", ENTRA_CREATE, status=201)
    scim.ok("GET", f"/Users/{user['id']}")
    assert scim("DELETE", f"/Users/{user['id']}").status_code == 204
    trail = tenant.call("GET", "/v1/audit-events", params={"limit": 200}).json()["data"]
    operations = [(e["operation"], e["record_ids"]) for e in trail]
    assert ("scim-users-create", {}) in operations
    assert ("scim-users-delete", {"user_id": user["id"]}) in operations
    assert not any(op == "scim-users-get" for op, _ in operations)


def test_errors_and_paging_follow_scim(tenant: Tenant) -> None:
    scim = Directory(tenant)
    for serial in range(3):
        body = {"userName": f"user{serial}", "displayName": f"User {serial}"}
        scim.ok("POST", "/Users", body, status=201)
    page = scim.ok("GET", "/Users?startIndex=2&count=1")
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert page["Resources"][0]["userName"] == "user1"
    bad_filter = scim("GET", '/Users?filter=title sw "x"')
    assert bad_filter.status_code == 400 and bad_filter.json()["scimType"] == "invalidFilter"
    no_name = scim("POST", "/Users", {"displayName": "Nobody"})
    assert no_name.status_code == 400, no_name.text
    bad_zone = scim("POST", "/Users", {"userName": "tz", "timezone": "Mars/Olympus"})
    assert bad_zone.status_code == 400 and bad_zone.json()["scimType"] == "invalidValue"
    not_json = tenant.call(
        "POST",
        "/scim/v2/Users",
        key=scim.key,
        content=b"{",
        headers={"Content-Type": "application/scim+json"},
    )
    assert not_json.status_code == 400 and not_json.json()["scimType"] == "invalidSyntax"
    user = scim.ok("GET", '/Users?filter=userName eq "user0"')["Resources"][0]
    stale = scim(
        "PUT", f"/Users/{user['id']}", {"userName": "user0"}, headers={"If-Match": 'W/"1"'}
    )
    assert stale.status_code == 412
    assert scim("PATCH", "/ServiceProviderConfig", {}).status_code == 405
    assert scim("GET", "/Nowhere").status_code == 404
