"""`rapport serve` on PostgreSQL delivers webhooks from a process of its own: started with
it, started again if it dies, gone when `rapport serve` is gone (even killed outright), its
measurements served with the workers', and replaced by `rapport deliver` run on its own where
RAPPORT_WEBHOOK_DELIVERY=elsewhere."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.persistence.migrate import upgrade_to_head
from tests.support.commands import RAPPORT, environment, rapport, serving
from tests.support.postgres import scratch_database
from tests.support.receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.slow


@pytest.fixture
def env(postgres_admin_url: str) -> Iterator[dict[str, str]]:
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        yield environment(url, webhooks_allow_private="true", metrics_access="open")


def _delivery_processes(parent: int) -> list[int]:
    """The `rapport deliver` processes whose parent is `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent_of = int(stat.rsplit(")", 1)[1].split()[1])
        if parent_of == parent and b"deliver" in command:
            found.append(int(entry.name))
    return found


def _until(check: Any, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    while not (found := check()):
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _subscribe_and_write(base_url: str, key: str, receiver: Receiver, path: str) -> str:
    headers = {"Authorization": f"Bearer {key}"}
    endpoint = httpx.post(
        base_url + "/v1/webhook-endpoints",
        headers=headers,
        json={"url": receiver.url(path), "event_types": ["person.created"]},
    )
    assert endpoint.status_code == 201, endpoint.text
    return _write(base_url, key)


def _write(base_url: str, key: str) -> str:
    headers = {"Authorization": f"Bearer {key}"}
    person = httpx.post(
        base_url + "/v1/people",
        headers=headers,
        json={"email": f"p{time.monotonic_ns()}@example.com", "name": "P"},
    )
    assert person.status_code == 201, person.text
    return str(person.json()["id"])


def _succeeded_attempts(base_url: str) -> float:
    metrics = httpx.get(base_url + "/metrics").text
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name == "rapport_webhook_attempts_total" and sample.labels == {
                "outcome": "succeeded"
            }:
                return sample.value
    return 0.0


def _ids(receiver: Receiver, path: str) -> set[str]:
    return {str(r.event["data"]["id"]) for r in receiver.at(path)}


def test_the_delivery_process_is_started_again_and_ends_with_the_server(
    env: dict[str, str],
) -> None:
    org = rapport(env, "orgs", "create", "Deliveries").strip()
    key = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
    with webhook_receiver() as receiver, serving(env) as server:
        (first,) = _until(lambda: _delivery_processes(server.process.pid))
        person = _subscribe_and_write(server.base_url, key, receiver, "/again")
        _until(lambda: person in _ids(receiver, "/again"))
        # The delivery process's measurements are served with the workers'.
        _until(lambda: _succeeded_attempts(server.base_url) >= 1)
        os.kill(first, signal.SIGKILL)
        (second,) = _until(
            lambda: [p for p in _delivery_processes(server.process.pid) if p != first]
        )
        later = _write(server.base_url, key)
        _until(lambda: later in _ids(receiver, "/again"))
        assert server.wait_for_line("the webhook delivery process exited")
        server.process.kill()  # no chance to stop it: the process sees its parent gone
        server.process.wait()
        _until(lambda: not _alive(second), within=30)


def test_rapport_deliver_on_its_own_delivers_what_servers_left_elsewhere(
    env: dict[str, str],
) -> None:
    org = rapport(env, "orgs", "create", "Elsewhere").strip()
    key = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
    served = {**env, "RAPPORT_WEBHOOK_DELIVERY": "elsewhere"}
    with webhook_receiver() as receiver, serving(served) as server:
        assert _delivery_processes(server.process.pid) == []
        person = _subscribe_and_write(server.base_url, key, receiver, "/elsewhere")
        time.sleep(2)
        assert receiver.at("/elsewhere") == []  # nothing delivers it yet
        deliverer = subprocess.Popen([str(RAPPORT), "deliver"], env=served)
        try:
            _until(lambda: person in _ids(receiver, "/elsewhere"))
        finally:
            deliverer.send_signal(signal.SIGTERM)
            assert deliverer.wait(timeout=30) == 0
