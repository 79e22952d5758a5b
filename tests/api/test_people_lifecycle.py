"""A person's whole life over REST and GraphQL: login names, optional emails, leaving,
coming back, and the reports of a manager who left (rule 8 and 9)."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.graphql.client import data
from tests.scim.test_providers import Directory
from tests.support.tenants import Tenant


def _reporting_pairs(tenant: Tenant, member_id: str, status: str = "active") -> list[Any]:
    params = {"member_id": member_id, "kind": "manager_report", "status": status}
    found: list[Any] = tenant.call("GET", "/v1/pairs", params=params).json()["data"]
    return found


def _listed(tenant: Tenant, **params: str) -> set[str]:
    page = tenant.call("GET", "/v1/people", params={"limit": 200, **params})
    assert page.status_code == 200, page.text
    return {p["id"] for p in page.json()["data"]}


def test_username_defaults_to_the_email_and_is_unique_regardless_of_case(tenant: Tenant) -> None:
    person = tenant.person(email="Ada@Example.com")
    assert person["username"] == "Ada@Example.com"
    clash = tenant.call("POST", "/v1/people", json={"username": "ada@example.COM", "name": "B"})
    assert clash.status_code == 409 and clash.json()["code"] == "duplicate_username"
    assert _listed(tenant, username="ADA@example.com") == {person["id"]}


def test_email_is_optional_but_unique_when_present(tenant: Tenant) -> None:
    first = tenant.create("/v1/people", {"username": "no-mail-1", "name": "First"})
    second = tenant.create("/v1/people", {"username": "no-mail-2", "name": "Second"})
    assert first["email"] is None and second["email"] is None
    neither = tenant.call("POST", "/v1/people", json={"name": "Nobody"})
    assert neither.status_code == 422 and neither.json()["code"] == "missing_field"


def test_reactivation_keeps_the_id_and_starts_a_new_reporting_pair(tenant: Tenant) -> None:
    boss = tenant.person(name="Boss")
    member = tenant.person(name="Member", manager_id=boss["id"])
    (first_pair,) = _reporting_pairs(tenant, member["id"])
    left = tenant.call("POST", f"/v1/people/{member['id']}/deactivate")
    assert left.status_code == 200 and left.json()["active"] is False
    assert _reporting_pairs(tenant, member["id"]) == []

    back = tenant.call("POST", f"/v1/people/{member['id']}/reactivate")
    assert back.status_code == 200, back.text
    assert (back.json()["id"], back.json()["email"]) == (member["id"], member["email"])
    (second_pair,) = _reporting_pairs(tenant, member["id"])
    assert second_pair["id"] != first_pair["id"] and second_pair["lead_id"] == boss["id"]
    again = tenant.call("POST", f"/v1/people/{member['id']}/reactivate")
    assert again.status_code == 409 and again.json()["code"] == "person_active"


def test_reports_of_a_manager_who_left_keep_them_and_can_be_found(tenant: Tenant) -> None:
    boss = tenant.person(name="Boss")
    report = tenant.person(name="Report", manager_id=boss["id"])
    loner = tenant.person(name="Loner")
    tenant.call("POST", f"/v1/people/{boss['id']}/deactivate")
    kept = tenant.call("GET", f"/v1/people/{report['id']}").json()
    assert kept["manager_id"] == boss["id"]
    assert _reporting_pairs(tenant, report["id"]) == []
    (ended,) = _reporting_pairs(tenant, report["id"], "ended")
    assert ended["ended_reason"] == "person_deactivated"
    assert _listed(tenant, manager_state="inactive") == {report["id"]}
    assert {boss["id"], loner["id"]} <= _listed(tenant, manager_state="none")
    assert report["id"] not in _listed(tenant, manager_state="none")

    tenant.call("POST", f"/v1/people/{boss['id']}/reactivate")
    assert [p["lead_id"] for p in _reporting_pairs(tenant, report["id"])] == [boss["id"]]
    assert _listed(tenant, manager_state="inactive") == set()


def test_a_pending_manager_takes_effect_when_they_arrive(tenant: Tenant) -> None:
    scim = Directory(tenant)
    report = scim.ok(
        "POST",
        "/Users",
        {
            "userName": "report@example.com",
            "displayName": "Report",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "manager": {"value": "hris-42"}
            },
        },
        status=201,
    )
    waiting = tenant.call("GET", f"/v1/people/{report['id']}").json()
    assert (waiting["manager_id"], waiting["pending_manager"]) == (None, "hris-42")
    assert _listed(tenant, manager_state="pending") == {report["id"]}

    boss = scim.ok(
        "POST", "/Users", {"userName": "boss@example.com", "externalId": "hris-42"}, status=201
    )
    arrived = tenant.call("GET", f"/v1/people/{report['id']}").json()
    assert (arrived["manager_id"], arrived["pending_manager"]) == (boss["id"], None)
    assert [p["lead_id"] for p in _reporting_pairs(tenant, report["id"])] == [boss["id"]]


def test_a_pending_manager_that_closes_a_loop_is_refused(tenant: Tenant) -> None:
    scim = Directory(tenant)
    extension = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    first = scim.ok(
        "POST",
        "/Users",
        {"userName": "a@example.com", extension: {"manager": {"value": "b@example.com"}}},
        status=201,
    )
    loop = scim(
        "POST", "/Users", {"userName": "b@example.com", extension: {"manager": first["id"]}}
    )
    assert loop.status_code == 400 and loop.json()["scimType"] == "invalidValue"
    assert scim.ok("GET", '/Users?filter=userName eq "b@example.com"')["totalResults"] == 0


def test_graphql_reactivates_and_filters_by_manager_state(tenant: Tenant) -> None:
    boss = tenant.person(name="Boss")
    report = tenant.person(name="Report", manager_id=boss["id"])
    tenant.call("POST", f"/v1/people/{boss['id']}/deactivate")
    found = data(
        tenant,
        "{ people(managerState: INACTIVE) { edges { node { id username pendingManager } } } }",
    )
    assert [e["node"]["id"] for e in found["people"]["edges"]] == [report["id"]]
    back = data(
        tenant,
        """mutation($id: UUID!) { reactivatePerson(id: $id) { __typename
           ... on PersonSuccess { person { id active } } } }""",
        {"id": boss["id"]},
    )
    assert back["reactivatePerson"]["person"] == {"id": boss["id"], "active": True}
    again = data(
        tenant,
        """mutation($id: UUID!) { reactivatePerson(id: $id) { __typename
           ... on Problem { code } } }""",
        {"id": boss["id"]},
    )
    assert again["reactivatePerson"]["code"] == "person_active"


def test_metrics_rollups_filter_by_group(tenant: Tenant) -> None:
    lead = tenant.person(name="Lead")
    inside = tenant.person(name="Inside", manager_id=lead["id"])
    tenant.person(name="Outside", manager_id=lead["id"])
    group = Directory(tenant).ok(
        "POST", "/Groups", {"displayName": "Guild", "members": [{"value": inside["id"]}]}, 201
    )
    params = {"scope": "org", "group_id": group["id"]}
    summary = tenant.call("GET", "/v1/metrics/summary", params=params)
    assert summary.status_code == 200, summary.text
    assert summary.json()["data"]["pairs"] == 1
    assert (
        tenant.call("GET", "/v1/metrics/summary", params={"scope": "org"}).json()["data"]["pairs"]
        == 2
    )
    listed = tenant.call("GET", "/v1/metrics/pairs", params={"group_id": group["id"]}).json()
    assert [row["member_id"] for row in listed["data"]] == [inside["id"]]
    graph = data(
        tenant,
        "query($g: UUID!) { metricsSummary(scope: ORG, groupId: $g) { pairs } }",
        {"g": group["id"]},
    )
    assert graph["metricsSummary"]["pairs"] == 1
    unknown = tenant.call(
        "GET", "/v1/metrics/timeseries", params={**params, "bucket": "week", "group_id": lead["id"]}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_reference"


def test_reactivation_needs_people_write(tenant: Tenant) -> None:
    person = tenant.person()
    tenant.call("POST", f"/v1/people/{person['id']}/deactivate")
    key = tenant.key(Scope.PEOPLE_READ)
    refused = tenant.call("POST", f"/v1/people/{person['id']}/reactivate", key=key)
    assert refused.status_code == 403 and refused.json()["required_scope"] == "people:write"
