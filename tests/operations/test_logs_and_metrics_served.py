"""`rapport serve` with two workers, as operators run it: one JSON line per request with its
request id, organization, caller kind, operation, status and duration (and no query string,
email or key); `/metrics` answers for both workers. Slow: runs once (SQLite in a temporary
directory)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import RAPPORT, ServedProcess, rapport_env, rapport_serve

pytestmark = pytest.mark.slow

WORKERS = 2
REQUESTS = 12
TOKEN = "a-metrics-token-that-is-long-enough-0123456789"


def _cli(workdir: Path, *args: str, **settings: str) -> str:
    done = subprocess.run(
        [str(RAPPORT), *args],
        cwd=workdir,
        env=rapport_env(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _lines(served: ServedProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in served.log_text().splitlines() if line.strip()]


def _requests_counted(base_url: str) -> float:
    answer = httpx.get(f"{base_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
        if sample.name == "rapport_requests_total"
        and sample.labels.get("operation") == "people-list"
    )


def test_json_request_lines_and_metrics_of_every_worker(tmp_path: Path) -> None:
    settings = {"database_url": f"sqlite:///{tmp_path / 'rapport.db'}"}
    _cli(tmp_path, "migrate", **settings)
    org = _cli(tmp_path, "orgs", "create", "Logs", **settings)
    key = _cli(tmp_path, "keys", "create", "--org", org, "--scope", "admin", **settings)
    settings |= {"metrics_token": TOKEN, "log_format": "json", "log_level": "INFO"}
    with rapport_serve(tmp_path, workers=WORKERS, **settings) as served:
        deadline = time.monotonic() + 60
        while served.log_text().count("Application startup complete") < WORKERS:
            assert time.monotonic() < deadline, served.log_text()
            time.sleep(0.1)
        sent = str(uuid4())
        ids = []
        for index in range(REQUESTS):  # new connections: the kernel spreads them over workers
            with httpx.Client(base_url=served.base_url, timeout=30) as http:
                headers = {"Authorization": f"Bearer {key}"}
                if index == 0:
                    headers["X-Request-ID"] = sent
                answer = http.get("/v1/people?email=secret.person@example.com", headers=headers)
                assert answer.status_code == 200, answer.text
                ids.append(answer.headers["x-request-id"])
        assert ids[0] == sent and len(set(ids)) == REQUESTS
        assert _requests_counted(served.base_url) == REQUESTS
        time.sleep(0.5)  # the last lines reach the file
        lines = _lines(served)

    requests = {line["request_id"]: line for line in lines if line["event"] == "request"}
    assert set(ids) <= set(requests)
    first = requests[sent]
    assert first["organization_id"] == org
    assert first["caller"] == "service_key"
    assert first["operation"] == "people-list" and first["method"] == "GET"
    assert first["status"] == 200 and first["duration_ms"] >= 0 and first["statements"] >= 1
    assert first["level"] == "info" and first["timestamp"].endswith("Z")
    every_line = "\n".join(json.dumps(line) for line in lines)
    assert "secret.person" not in every_line and key not in every_line
    assert {line.get("logger") for line in lines if "uvicorn" in str(line.get("logger"))}
