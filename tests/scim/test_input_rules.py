"""What a provider sends is held to REST's rules for the same fields, and a filter or a page
Rapport cannot read is refused with SCIM's keyword: 400, never a fault, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scim.test_providers import Directory
from tests.support.tenants import Tenant

LONG = "x" * 201
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _user(**fields: Any) -> dict[str, Any]:
    return {"userName": "rules@example.com", **fields}


@pytest.mark.parametrize(
    ("body", "attribute"),
    [
        (_user(userName="nul\u0000name"), "userName"),
        (_user(userName="x" * 321), "userName"),
        (_user(externalId=LONG), "externalId"),
        (_user(displayName="nul\u0000"), "displayName"),
        (_user(name={"givenName": "g" * 300}), "name.givenName"),
        (_user(name={"familyName": "nul\u0000"}), "name.familyName"),
        (_user(emails=[{"value": "not-an-email", "primary": True}]), "emails.value"),
        (_user(timezone="t" * 65), "timezone"),
        (_user(**{ENTERPRISE: {"manager": {"value": "m" * 300}}}), "manager.value"),
    ],
)
def test_a_user_value_breaking_a_rule_is_refused(
    tenant: Tenant, body: dict[str, Any], attribute: str
) -> None:
    scim = Directory(tenant)
    if ENTERPRISE in body:
        body["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]
    refused = scim("POST", "/Users", body)
    assert refused.status_code == 400, refused.text
    error = refused.json()
    assert error["scimType"] == "invalidValue", error
    assert error["detail"].startswith(f"{attribute} "), error
    assert scim.ok("GET", "/Users")["totalResults"] == 0  # nothing stored


def test_a_group_value_breaking_a_rule_is_refused(tenant: Tenant) -> None:
    scim = Directory(tenant)
    for body in ({"displayName": "nul\u0000"}, {"displayName": "Team", "externalId": LONG}):
        refused = scim("POST", "/Groups", body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["scimType"] == "invalidValue"
    assert scim.ok("GET", "/Groups")["totalResults"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "foo",
        "userName eq",
        "userName eq 1e999",
        'emails[type eq "work"]',  # which value? (no `.value eq`)
        'userName eq "nul\\u0000"',
        'userName eq "\\ud800"',  # an unpaired surrogate
    ],
)
def test_a_filter_rapport_cannot_read_is_refused(tenant: Tenant, text: str) -> None:
    scim = Directory(tenant)
    scim.ok("POST", "/Users", _user(), status=201)
    for path in ("/Users", "/Groups"):
        refused = scim("GET", path, params={"filter": text})
        assert refused.status_code == 400, (path, refused.text)
        assert refused.json()["scimType"] == "invalidFilter", refused.text


def test_a_search_whose_filter_is_not_text_is_refused(tenant: Tenant) -> None:
    scim = Directory(tenant)
    for wanted in (5, True, ["userName"], {"userName": "x"}):
        refused = scim("POST", "/Users/.search", {"filter": wanted})
        assert refused.status_code == 400, refused.text
        assert refused.json()["scimType"] == "invalidSyntax"


def test_a_start_index_past_any_directory_is_an_empty_page(tenant: Tenant) -> None:
    scim = Directory(tenant)
    scim.ok("POST", "/Users", _user(), status=201)
    for path in ("/Users", "/Groups"):
        page = scim.ok("GET", f"{path}?startIndex=99999999999999999999")
        assert page.get("Resources", []) == [], page
        assert page["totalResults"] == (1 if path == "/Users" else 0)


def test_a_patched_value_breaking_a_rule_is_refused_in_a_sentence(tenant: Tenant) -> None:
    scim = Directory(tenant)
    user = scim.ok("POST", "/Users", _user(), status=201)
    for path, value in (("userName", 5), ("userName", "nul\u0000"), ("name.givenName", LONG)):
        patch = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": path, "value": value}],
        }
        refused = scim("PATCH", f"/Users/{user['id']}", patch)
        assert refused.status_code == 400, refused.text
        error = refused.json()
        assert error["scimType"] == "invalidValue"
        assert "\n" not in error["detail"] and "pydantic" not in error["detail"], error
    assert scim.ok("GET", f"/Users/{user['id']}")["userName"] == "rules@example.com"
