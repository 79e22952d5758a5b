"""Request sequences from Okta's and Microsoft Entra ID's published SCIM documentation,
replayed with their exact bodies (Okta: SCIM 2.0 reference; Entra: "Tutorial: develop and
plan provisioning for a SCIM endpoint" and "Known issues … SCIM 2.0 protocol
compliance")."""

from __future__ import annotations

from typing import Any

import httpx

from app.domain.access import Scope
from tests.support.tenants import Tenant

SCIM = "application/scim+json"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


class Directory:
    """An identity provider's view of one organization: a key with the scim scope."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.key = tenant.key(Scope.SCIM)

    def __call__(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Content-Type": SCIM} if body is not None else {}
        headers.update(kwargs.pop("headers", {}))
        return self.tenant.call(
            method, f"/scim/v2{path}", key=self.key, json=body, headers=headers, **kwargs
        )

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self(method, path, body)
        assert response.status_code == status, response.text
        if status == 204:
            return None
        assert response.headers["content-type"].startswith(SCIM)
        return response.json()

    def person(self, person_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.tenant.call("GET", f"/v1/people/{person_id}").json()
        return found

    def pairs_of(self, person_id: str) -> list[dict[str, Any]]:
        params = {"member_id": person_id, "kind": "manager_report", "status": "active"}
        listed: list[dict[str, Any]] = self.tenant.call("GET", "/v1/pairs", params=params).json()[
            "data"
        ]
        return listed


OKTA_CREATE = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "test.user@okta.local",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": True,
}


def test_okta_user_lifecycle(tenant: Tenant) -> None:
    scim = Directory(tenant)
    connection = scim.ok("GET", "/Users?startIndex=1&count=2")
    assert isinstance(connection["totalResults"], int)
    lookup = scim.ok(
        "GET", '/Users?filter=userName eq "test.user@okta.local"&startIndex=1&count=100'
    )
    assert lookup["totalResults"] == 0 and lookup.get("Resources", []) == []

    created = scim.ok("POST", "/Users", OKTA_CREATE, status=201)
    user_id = created["id"]
    assert created["userName"] == "test.user@okta.local"
    assert created["displayName"] == "Test User"
    assert created["externalId"] == "00ujl29u0le5T6Aj10h7"
    person = scim.person(user_id)
    assert (person["name"], person["email"], person["username"]) == (
        "Test User",
        "test.user@okta.local",
        "test.user@okta.local",
    )
    duplicate = scim("POST", "/Users", OKTA_CREATE)
    assert duplicate.status_code == 409
    assert duplicate.json()["scimType"] == "uniqueness"
    assert duplicate.json()["status"] == "409"

    found = scim.ok("GET", '/Users?filter=userName eq "test.user@okta.local"')
    assert [u["id"] for u in found["Resources"]] == [user_id]
    read = scim.ok("GET", f"/Users/{user_id}")
    assert read["name"] == {"givenName": "Test", "familyName": "User"}

    replaced = scim.ok(
        "PUT",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": user_id,
            "userName": "test.user@okta.local",
            "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
            "emails": [
                {
                    "primary": True,
                    "value": "test.user@okta.local",
                    "type": "work",
                    "display": "test.user@okta.local",
                }
            ],
            "active": True,
            "groups": [],
            "meta": {"resourceType": "User"},
        },
    )
    # A full PUT: the displayName it omits is rebuilt from the name it sends, the
    # externalId it omits is cleared.
    assert replaced["name"]["givenName"] == "Another"
    assert scim.person(user_id)["name"] == "Another User"
    assert "externalId" not in replaced

    deactivated = scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        },
    )
    assert deactivated["active"] is False
    assert scim.person(user_id)["active"] is False
    reactivated = scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": True}}],
        },
    )
    assert reactivated["active"] is True
    assert scim.person(user_id)["id"] == user_id


def test_okta_group_push(tenant: Tenant) -> None:
    scim = Directory(tenant)
    created = scim.ok(
        "POST",
        "/Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Test SCIMv2",
            "members": [],
        },
        status=201,
    )
    assert created["displayName"] == "Test SCIMv2"
    assert scim.ok("GET", "/Groups?startIndex=1&count=100")["totalResults"] == 1


ENTRA_CREATE = {
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
    "active": True,
    "emails": [
        {
            "primary": True,
            "type": "work",
            "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com",
        }
    ],
    "meta": {"resourceType": "User"},
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName",
    },
    "roles": [],
}


def test_entra_user_lifecycle(tenant: Tenant) -> None:
    scim = Directory(tenant)
    created = scim.ok("POST", "/Users", ENTRA_CREATE, status=201)
    user_id = created["id"]
    assert created["displayName"] == "givenName familyName"
    assert scim.ok("GET", f"/Users/{user_id}")["userName"] == ENTRA_CREATE["userName"]
    missing = scim("GET", "/Users/5171a35d82074e068ce2")
    assert missing.status_code == 404 and missing.json()["status"] == "404"

    by_name = scim.ok("GET", f'/Users?filter=userName eq "{ENTRA_CREATE["userName"]}"')
    assert [u["id"] for u in by_name["Resources"]] == [user_id]
    email = "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
    by_email = scim.ok("GET", f'/Users?filter=emails[type eq "work"].value eq "{email}"')
    assert [u["id"] for u in by_email["Resources"]] == [user_id]
    none = scim.ok("GET", '/Users?filter=userName eq "non-existent user"')
    assert none["totalResults"] == 0

    scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "updatedEmail@microsoft.com",
                },
                {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
            ],
        },
    )
    assert scim.person(user_id)["email"] == "updatedEmail@microsoft.com"
    scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Replace",
                    "path": "userName",
                    "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
                }
            ],
        },
    )
    assert scim.person(user_id)["username"] == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "TestMhvaes@test.microsoft.com",
                },
                {
                    "op": "replace",
                    "value": {
                        "displayName": "Bjfe",
                        "name.givenName": "Kkom",
                        "name.familyName": "Unua",
                        f"{ENTERPRISE}:employeeNumber": "Aklq",
                    },
                },
            ],
        },
    )
    person = scim.person(user_id)
    assert (person["name"], person["email"]) == ("Bjfe", "TestMhvaes@test.microsoft.com")

    disabled = scim.ok(
        "PATCH",
        f"/Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
    )
    assert disabled["active"] is False
    # Entra checks that a disabled user is still found, with `active`.
    listed = scim.ok("GET", f'/Users?filter=externalId eq "{ENTRA_CREATE["externalId"]}"')
    assert listed["Resources"][0]["active"] is False

    assert scim("DELETE", f"/Users/{user_id}").status_code == 204
    assert scim("GET", f"/Users/{user_id}").status_code == 404
    kept = scim.person(user_id)
    assert kept["active"] is False and kept["directory_deleted_at"] is not None


def test_entra_manager_as_a_plain_string_and_its_removal(tenant: Tenant) -> None:
    scim = Directory(tenant)
    manager = scim.ok("POST", "/Users", {**ENTRA_CREATE}, status=201)
    report = scim.ok(
        "POST",
        "/Users",
        {
            **ENTRA_CREATE,
            "userName": "report@testuser.com",
            "externalId": "report-1",
            "emails": [{"primary": True, "type": "work", "value": "report@testuser.com"}],
        },
        status=201,
    )
    scim.ok(
        "PATCH",
        f"/Users/{report['id']}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Add",
                    "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                    "value": manager["id"],
                }
            ],
        },
    )
    assert scim.person(report["id"])["manager_id"] == manager["id"]
    assert [p["lead_id"] for p in scim.pairs_of(report["id"])] == [manager["id"]]
    read = scim.ok("GET", f"/Users/{report['id']}")
    assert read[ENTERPRISE]["manager"]["value"] == manager["id"]

    scim.ok(
        "PATCH",
        f"/Users/{report['id']}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Replace",
                    "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                    "value": "",
                }
            ],
        },
    )
    assert scim.person(report["id"])["manager_id"] is None
    assert scim.pairs_of(report["id"]) == []


def test_entra_groups(tenant: Tenant) -> None:
    scim = Directory(tenant)
    member = scim.ok("POST", "/Users", ENTRA_CREATE, status=201)
    created = scim.ok(
        "POST",
        "/Groups",
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:Group",
                "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
            ],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "displayName": "displayName",
            "meta": {"resourceType": "Group"},
        },
        status=201,
    )
    group_id = created["id"]
    read = scim.ok("GET", f"/Groups/{group_id}?excludedAttributes=members")
    assert read["displayName"] == "displayName" and "members" not in read
    found = scim.ok("GET", '/Groups?excludedAttributes=members&filter=displayName eq "displayName"')
    assert [g["id"] for g in found["Resources"]] == [group_id]

    scim.ok(
        "PATCH",
        f"/Groups/{group_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Replace",
                    "path": "displayName",
                    "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
                }
            ],
        },
    )
    scim.ok(
        "PATCH",
        f"/Groups/{group_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Add", "path": "members", "value": [{"$ref": None, "value": member["id"]}]}
            ],
        },
    )
    assert [m["value"] for m in scim.ok("GET", f"/Groups/{group_id}")["members"]] == [member["id"]]
    scim.ok(
        "PATCH",
        f"/Groups/{group_id}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "Remove",
                    "path": "members",
                    "value": [{"$ref": None, "value": member["id"]}],
                }
            ],
        },
    )
    assert "members" not in scim.ok("GET", f"/Groups/{group_id}")
    assert scim("DELETE", f"/Groups/{group_id}").status_code == 204
    assert scim("GET", f"/Groups/{group_id}").status_code == 404
