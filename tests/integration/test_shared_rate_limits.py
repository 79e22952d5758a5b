"""Rate limits shared through Redis, as replicas run: two `rapport serve` processes on one
database and one Redis spend one budget between them; while Redis is gone each process
counts on its own (every request still answered, one log line), and once it is back they
share again. Slow: runs once (SQLite in a temporary directory, a Redis server of its own)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.live import SHARED_TLS, free_port
from tests.support.processes import RAPPORT, ServedProcess, rapport_env, rapport_serve

pytestmark = pytest.mark.slow

BUDGET = 10
REDIS_SERVER = "/usr/bin/redis-server"


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


@contextmanager
def redis_server(port: int) -> Iterator[None]:
    """A Redis of the test's own on a loopback port, keeping nothing on disk."""
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            != "PONG"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def _statuses(served: list[ServedProcess], key: str, rounds: int) -> list[int]:
    statuses = []
    for _ in range(rounds):
        for each in served:
            answer = httpx.get(
                f"{each.base_url}/v1/people",
                headers={"Authorization": f"Bearer {key}"},
                timeout=30,
                verify=SHARED_TLS,
            )
            statuses.append(answer.status_code)
    return statuses


def test_replicas_share_one_budget_through_redis(tmp_path: Path) -> None:
    redis_port = free_port()
    settings = {"database_url": f"sqlite:///{tmp_path / 'rapport.db'}"}
    _cli(tmp_path, "migrate", **settings)
    org = _cli(tmp_path, "orgs", "create", "Shared", **settings)
    keys = [
        _cli(tmp_path, "keys", "create", "--org", org, "--scope", "people:read", **settings)
        for _ in range(3)
    ]
    settings |= {
        "rate_limit_key": f"{BUDGET}/hour",
        "rate_limit_storage": f"redis://127.0.0.1:{redis_port}/0",
        "log_level": "WARNING",
    }
    with ExitStack() as stack:
        stack.enter_context(redis_server(redis_port))
        served = [
            stack.enter_context(rapport_serve(tmp_path, workers=1, **settings)) for _ in range(2)
        ]
        shared = _statuses(served, keys[0], rounds=BUDGET)  # 20 requests, 10 to each
        assert shared.count(200) == BUDGET and shared.count(429) == BUDGET

    # Redis is gone (stopped above); a new pair of processes on the same port.
    with ExitStack() as stack:
        served = [
            stack.enter_context(rapport_serve(tmp_path, workers=1, **settings)) for _ in range(2)
        ]
        alone = _statuses(served, keys[1], rounds=BUDGET)
        # Each process counts on its own: each gives the key its whole budget.
        assert alone.count(200) == 2 * BUDGET
        with redis_server(redis_port):
            time.sleep(6)  # past the retry interval
            again = _statuses(served, keys[2], rounds=BUDGET)
            assert again.count(200) == BUDGET
        logs = [each.log_text() for each in served]
    for text in logs:
        assert text.count("rate-limit store unavailable") == 1, text
        assert text.count("rate-limit store available again") == 1, text
        assert "Traceback" not in text
