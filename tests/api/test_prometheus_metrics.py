"""`/metrics`: Prometheus's text format, readable as RAPPORT_METRICS_ACCESS says, with
requests by operation and status, their latency and statements, and connections in use."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from tests.api.test_webhooks import settled_log, subscribe
from tests.conftest import Live
from tests.support.receiver import Receiver
from tests.support.tenants import Tenant

DOCS = Path(__file__).resolve().parents[2] / "docs"
TOKEN = "metrics-token-of-the-suite-0123456789abcdef"


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _set_access(live: Live, monkeypatch: pytest.MonkeyPatch, access: str) -> None:
    settings = live.app.state.runtime.settings
    monkeypatch.setattr(settings, "metrics_access", access)
    monkeypatch.setattr(settings, "metrics_token", None)


def test_metrics_need_the_token_by_default(live: Live, tenant: Tenant) -> None:
    settings = live.app.state.runtime.settings
    assert settings.metrics_access == "token" and settings.metrics_token is None
    assert tenant.http.get("/metrics").status_code == 401
    unset = tenant.http.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert unset.status_code == 401  # no token configured: nobody reads them


def test_metrics_with_a_token(live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = live.app.state.runtime.settings
    monkeypatch.setattr(settings, "metrics_token", SecretStr(TOKEN))
    wrong_ones = ("Bearer nope", "Basic " + TOKEN, "Bearer é" + TOKEN, tenant.admin_key)
    for wrong in wrong_ones:
        answer = tenant.http.get("/metrics", headers={b"Authorization": wrong.encode("latin-1")})
        assert answer.status_code == 401, wrong
        assert answer.json()["code"] in {"invalid_credential", "unauthorized"}
    readable = tenant.http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert readable.status_code == 200
    assert readable.headers["content-type"].startswith("text/plain")


def test_metrics_off_are_not_there(
    live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_access(live, monkeypatch, "off")
    assert tenant.http.get("/metrics").status_code == 404


def test_requests_are_counted_by_operation_and_status(
    live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_access(live, monkeypatch, "open")
    before = _samples(tenant.http.get("/metrics").text)
    tenant.person()
    assert tenant.call("GET", "/v1/people/00000000-0000-0000-0000-000000000000").status_code == 404
    tenant.call("GET", "/v1/people")
    tenant.http.get("/no-such-path")
    after = _samples(tenant.http.get("/metrics").text)

    def grew(name: str, by: float = 1, **labels: str) -> None:
        key = (name, frozenset(labels.items()))
        assert after.get(key, 0) - before.get(key, 0) >= by, (name, labels)

    grew("rapport_requests_total", operation="people-create", method="POST", status="201")
    grew("rapport_requests_total", operation="people-get", method="GET", status="404")
    grew("rapport_requests_total", operation="unmatched", method="GET", status="404")
    grew("rapport_request_duration_seconds_count", operation="people-list", method="GET")
    grew("rapport_request_statements_count", operation="people-list")
    assert after[("rapport_request_statements_sum", frozenset({("operation", "people-list")}))]
    assert ("rapport_database_connections_in_use", frozenset()) in after
    labels = {label for name, labels in after if name.startswith("rapport_") for label, _ in labels}
    assert labels <= {"operation", "method", "status", "budget", "outcome", "execution", "le"}


def test_the_example_dashboard_reads_metrics_that_exist(
    live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_access(live, monkeypatch, "open")
    tenant.call("GET", "/v1/people")
    exposed = {
        family.name for family in text_string_to_metric_families(tenant.http.get("/metrics").text)
    }
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expr in expressions for name in re.findall(r"rapport_[a-z_]+", expr)}
    assert used
    for name in used:
        family = re.sub(r"_(total|bucket|sum|count)$", "", name)
        assert family in exposed, name


def test_events_out_are_measured(
    live: Live, tenant: Tenant, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_access(live, monkeypatch, "open")
    before = _samples(tenant.http.get("/metrics").text)
    endpoint, path, key = subscribe(tenant, receiver)
    tenant.person()
    receiver.wait_for(path, lambda got: len(got) >= 1)
    settled_log(tenant, key, endpoint["id"])
    after = _samples(tenant.http.get("/metrics").text)

    def grew(name: str, **labels: str) -> None:
        key = (name, frozenset(labels.items()))
        assert after.get(key, 0) > before.get(key, 0), (name, labels)

    grew("rapport_webhook_attempts_total", outcome="succeeded")
    grew("rapport_webhook_attempt_duration_seconds_count")
    grew("rapport_webhook_delivery_lag_seconds_count")
    for gauge in ("rapport_webhook_pending_deliveries", "rapport_webhook_oldest_pending_seconds"):
        assert (gauge, frozenset()) in after
    assert after[("rapport_scheduler_last_tick_timestamp_seconds", frozenset())] > 0
    assert ("rapport_scheduler_tick_duration_seconds_count", frozenset()) in after
