"""Metrics on the graph: the same figures as REST, the same access rules, and a page of
pairs with their metrics in a constant number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data, graphql
from tests.graphql.seeding import seed_pairs
from tests.support.tenants import Tenant, World

PAIR_METRICS = """
query($id: UUID!, $from: DateTime) {
  pair(id: $id) {
    metrics(from: $from) {
      window { from to }
      policy { targetCadenceDays graceDays lateCancelHours }
      cadenceState held canceled slots heldRate nextMeetingBooked healthScore
      signals { code message }
    }
  }
}
"""
SUMMARY = """
query($person: UUID) {
  metricsSummary(scope: TEAM, personId: $person) {
    pairs counts { held slots } rates { heldRate } health { scoredPairs median }
    states { state pairs } signals { code pairs }
  }
  timeseries(scope: TEAM, personId: $person, bucket: WEEK) {
    bucket points { window { from to } counts { held } rates { heldRate } }
  }
}
"""


def test_pair_metrics_match_rest(world: World) -> None:
    variables = {"id": world.pair["id"], "from": "2026-01-01T00:00:00Z"}
    graph = data(world.tenant, PAIR_METRICS, variables)["pair"]["metrics"]
    rest = world.tenant.call(
        "GET", f"/v1/pairs/{world.pair['id']}/metrics", params={"from": variables["from"]}
    ).json()
    assert (
        graph["window"] == rest["window"] and graph["healthScore"] == rest["data"]["health_score"]
    )
    assert (graph["held"], graph["slots"], graph["heldRate"]) == (
        rest["data"]["held"],
        rest["data"]["slots"],
        rest["data"]["held_rate"],
    )
    assert graph["cadenceState"] == rest["data"]["cadence_state"].upper()
    assert graph["policy"]["targetCadenceDays"] == rest["policy"]["target_cadence_days"]


@pytest.mark.parametrize(
    ("who", "sees"), [("member", True), ("boss", True), ("admin", True), ("outsider", False)]
)
def test_pair_metrics_follow_the_privacy_contract(world: World, who: str, sees: bool) -> None:
    person: dict[str, Any] = getattr(world, who)
    found = data(world.tenant, PAIR_METRICS, {"id": world.pair["id"]}, key=world.token(person))
    assert (found["pair"] is not None and found["pair"]["metrics"] is not None) is sees


def test_rollups_match_rest_and_refuse_other_teams(world: World) -> None:
    found = data(world.tenant, SUMMARY, {"person": world.lead["id"]})
    rest = world.tenant.call(
        "GET", "/v1/metrics/summary", params={"scope": "team", "person_id": world.lead["id"]}
    ).json()["data"]
    summary = found["metricsSummary"]
    assert summary["pairs"] == rest["pairs"] and summary["counts"]["held"] == rest["counts"]["held"]
    assert {s["code"].lower(): s["pairs"] for s in summary["signals"]} == rest["signals"]
    assert found["timeseries"]["bucket"] == "WEEK" and found["timeseries"]["points"]
    refused = graphql(
        world.tenant, SUMMARY, {"person": world.lead["id"]}, key=world.token(world.member)
    )
    assert refused["errors"][0].get("extensions", {}).get("code") == "not_your_team", refused
    bad = graphql(world.tenant, "{ metricsSummary(scope: TEAM) { pairs } }")
    assert bad["errors"][0]["extensions"]["code"] == "invalid_scope"


def test_metrics_need_the_metrics_scope(world: World) -> None:
    key = world.tenant.key(Scope.PAIRS_READ)
    found = graphql(world.tenant, PAIR_METRICS, {"id": world.pair["id"]}, key=key)
    assert found["data"]["pair"]["metrics"] is None
    assert found["errors"][0]["extensions"]["requiredScope"] == "metrics:read"


PAGE = (
    "query($n: Int!) { pairs(first: $n) { nodes { id cadence { state dueAt }"
    " metrics { healthScore slots } } } }"
)


def test_a_page_of_pairs_with_cadence_and_metrics_costs_a_constant(live: Live) -> None:
    counts = []
    for size in (2, 20):
        tenant: Tenant = live.tenant()
        seed_pairs(tenant, size)
        key = tenant.key(Scope.PAIRS_READ, Scope.METRICS_READ)
        data(tenant, "{ me { kind } }", key=key)  # the key is verified and cached
        with live.statements.measure() as counter:
            found = data(tenant, PAGE, {"n": 50}, key=key)
        assert len(found["pairs"]["nodes"]) >= size
        assert all(node["metrics"] is not None for node in found["pairs"]["nodes"])
        counts.append(counter.count)
    # The organization's scope (PostgreSQL), the page of pairs, the policy and the cadence
    # facts of every pair, the policy, the planning mode (PostgreSQL) and the counts of every
    # pair's metrics.
    assert counts[0] == counts[1] and counts[1] <= 7, counts


def test_a_bad_window_is_its_own_fields_error(world: World) -> None:
    query = """
    { pairs(first: 5) { nodes {
        ok: metrics(from: "2026-01-01T00:00:00Z") { slots }
        bad: metrics(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { slots }
    } } }
    """
    body = graphql(world.tenant, query)
    nodes = body["data"]["pairs"]["nodes"]
    assert nodes and all(n["ok"] is not None and n["bad"] is None for n in nodes)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"invalid_window"}
    assert all(e["path"][-1] == "bad" for e in body["errors"])


def test_rollups_are_priced_by_the_complexity_budget(world: World) -> None:
    aliases = " ".join(f"s{i}: metricsSummary(scope: ORG) {{ pairs }}" for i in range(12))
    body = graphql(world.tenant, "{ " + aliases + " }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "query_too_complex"


def test_pair_metrics_at_the_root_need_only_the_metrics_scope(world: World) -> None:
    query = "query($id: UUID!) { pairMetrics(id: $id) { slots healthScore } }"
    key = world.tenant.key(Scope.METRICS_READ)
    assert data(world.tenant, query, {"id": world.pair["id"]}, key=key)["pairMetrics"] is not None
    outsider = world.token(world.outsider)
    assert data(world.tenant, query, {"id": world.pair["id"]}, key=outsider)["pairMetrics"] is None
