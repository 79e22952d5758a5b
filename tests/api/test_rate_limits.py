"""Rate limits per credential and per organization, on an app of their own with small
budgets: the `RateLimit` headers, `429 rate_limited` with `Retry-After` and nothing changed,
GraphQL counted alike, health checks exempt, and an organization lowering its budgets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from app.api.app import create_app
from app.domain.access import Scope
from tests.conftest import Live, live_settings
from tests.support.live import serve_in_thread
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant

PER_KEY = 4
PER_ORGANIZATION = 6


@dataclass
class Limited:
    """An app on the suite's database whose budgets are small."""

    http: httpx.Client

    def get(self, path: str, key: str, **kwargs: object) -> httpx.Response:
        return self.http.get(path, headers={"Authorization": f"Bearer {key}"}, **kwargs)  # type: ignore[arg-type]

    def send(self, method: str, path: str, key: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"}
        return self.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def limited(live: Live) -> Iterator[Limited]:
    url = live.database_url if live.dialect == "sqlite" else as_app_role(live.database_url)
    settings = live_settings(
        url,
        rate_limit_key=f"{PER_KEY}/minute",
        rate_limit_organization=f"{PER_ORGANIZATION}/minute",
    )
    app = create_app(settings, clock=live.clock)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield Limited(http)


def _standing(response: httpx.Response) -> dict[str, dict[str, int]]:
    """The RateLimit header as {budget: {"r": remaining, "t": seconds}}."""
    standing = {}
    for part in response.headers["ratelimit"].split(","):
        name, *fields = part.strip().split(";")
        standing[name.strip('"')] = {k: int(v) for k, v in (f.split("=") for f in fields)}
    return standing


def test_each_answer_says_where_the_budgets_stand(limited: Limited, tenant: Tenant) -> None:
    first = limited.get("/v1/people", tenant.admin_key)
    assert first.status_code == 200
    assert first.headers["ratelimit-policy"] == (
        f'"key";q={PER_KEY};w=60, "organization";q={PER_ORGANIZATION};w=60'
    )
    second = limited.get("/v1/people/00000000-0000-0000-0000-000000000000", tenant.admin_key)
    assert second.status_code == 404  # problems count and say so too
    assert _standing(first)["key"]["r"] == PER_KEY - 1
    assert _standing(second)["key"]["r"] == PER_KEY - 2
    assert _standing(second)["organization"]["r"] == PER_ORGANIZATION - 2
    assert 1 <= _standing(second)["key"]["t"] <= 60
    assert "ratelimit" not in limited.http.get("/healthz").headers


def test_a_spent_key_budget_is_a_429_that_changes_nothing(limited: Limited, tenant: Tenant) -> None:
    for _ in range(PER_KEY):
        assert limited.get("/v1/people", tenant.admin_key).status_code == 200
    body = {"email": "late@example.com", "name": "Late"}
    refused = limited.send("POST", "/v1/people", tenant.admin_key, json=body)
    assert refused.status_code == 429
    problem = refused.json()
    assert problem["code"] == "rate_limited" and "key budget" in problem["detail"]
    assert "organization" not in problem["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert _standing(refused)["key"]["r"] == 0
    emails = [p["email"] for p in tenant.call("GET", "/v1/people").json()["data"]]
    assert "late@example.com" not in emails
    graph = limited.send("POST", "/graphql", tenant.admin_key, json={"query": "{ me { kind } }"})
    assert graph.status_code == 429
    assert graph.json()["errors"][0]["extensions"]["code"] == "rate_limited"
    other = tenant.key(Scope.PEOPLE_READ)  # another credential still has its own budget
    assert limited.get("/v1/people", other).status_code == 200
    assert limited.get("/v1/people", tenant.key(Scope.ADMIN)).status_code == 200


def test_the_organization_budget_caps_all_its_keys(
    limited: Limited, tenant: Tenant, live: Live
) -> None:
    keys = [tenant.key(Scope.PEOPLE_READ) for _ in range(PER_ORGANIZATION)]
    for key in keys:
        assert limited.get("/v1/people", key).status_code == 200
    refused = limited.get("/v1/people", tenant.key(Scope.PEOPLE_READ))
    assert refused.status_code == 429
    assert "organization budget" in refused.json()["detail"]
    stranger = live.tenant()  # another organization is not affected
    assert limited.get("/v1/people", stranger.admin_key).status_code == 200


def test_an_organization_lowers_its_own_budgets(limited: Limited, tenant: Tenant) -> None:
    raised = tenant.call(
        "PUT", "/v1/rate-limits", json={"per_key": "1000000/second", "per_organization": None}
    )
    assert raised.status_code == 422 and raised.json()["code"] == "invalid_rate_limit"
    unreadable = tenant.call(
        "PUT", "/v1/rate-limits", json={"per_key": "lots", "per_organization": None}
    )
    assert unreadable.status_code == 422
    key = tenant.key(Scope.PEOPLE_READ)
    lowered = limited.send(
        "PUT",
        "/v1/rate-limits",
        tenant.admin_key,
        json={"per_key": "2/minute", "per_organization": None},
    )
    assert lowered.status_code == 200, lowered.text
    assert lowered.json() == {
        "per_key": "2/minute",
        "per_organization": None,
        "effective_per_key": "2 per 1 minute",
        "effective_per_organization": f"{PER_ORGANIZATION} per 1 minute",
    }
    statuses = [limited.get("/v1/people", key).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert limited.get("/v1/rate-limits", tenant.admin_key).json()["per_key"] == "2/minute"


def test_an_organization_budget_lowers_the_service_budget_over_any_span(
    limited: Limited, tenant: Tenant
) -> None:
    """The same average over a longer window (a larger burst), more requests in a shorter
    one, and a window past a day are all refused."""
    for looser in ("5760/day", f"{PER_KEY + 1}/minute", "3 per 99999999999999999999 year"):
        refused = limited.send(
            "PUT",
            "/v1/rate-limits",
            tenant.admin_key,
            json={"per_key": looser, "per_organization": None},
        )
        assert refused.status_code == 422, (looser, refused.text)
        assert refused.json()["code"] == "invalid_rate_limit"
    assert limited.get("/v1/rate-limits", tenant.admin_key).json()["per_key"] is None


def test_a_stored_budget_gives_way_to_lowered_service_budgets(
    limited: Limited, tenant: Tenant
) -> None:
    """Set through the suite's app, whose service budgets are far larger than `limited`'s:
    `limited` counts the service's own budget instead."""
    stored = tenant.call(
        "PUT", "/v1/rate-limits", json={"per_key": "50/minute", "per_organization": None}
    )
    assert stored.status_code == 200, stored.text
    key = tenant.key(Scope.PEOPLE_READ)
    statuses = [limited.get("/v1/people", key).status_code for _ in range(PER_KEY + 1)]
    assert statuses == [200] * PER_KEY + [429]
    shown = limited.get("/v1/rate-limits", tenant.admin_key).json()
    assert shown["effective_per_key"] == f"{PER_KEY} per 1 minute"
