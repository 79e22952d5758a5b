"""Operational endpoints and the problem-type pages need no credential."""

from __future__ import annotations

from tests.support.tenants import Tenant


def test_health_readiness_and_problem_pages(tenant: Tenant) -> None:
    http = tenant.http
    assert http.get("/healthz").json() == {"status": "ok"}
    assert http.get("/readyz").json() == {"status": "ok"}
    page = http.get("/problems/schedule-conflict")
    assert page.status_code == 200 and "schedule_conflict" in page.text
    missing = http.get("/problems/no-such-problem")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_unsupported_methods_list_what_the_path_allows(tenant: Tenant) -> None:
    response = tenant.http.put("/v1/people")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET, POST"
