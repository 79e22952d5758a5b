"""CPU per request of Rapport and of the baseline, measured in-process (no HTTP, no wrk).

    .venv/bin/python benchmarks/inprocess.py

Sets up and seeds a scratch database exactly like `rest_api.py` (through a short-lived
`rapport serve`), then drives each ASGI app directly (both connecting as `rapport_app`, or as
the owner with RAPPORT_BENCH_ROLE=owner), one request at a time, for the two
benchmark requests and prints the process CPU time per request. It reports the minimum over
several chunks, which filters out interference from other work on the machine, so it is the
tool for checking whether a change in app/ pays off (a few percent shows); `rest_api.py`
gives the throughput figures. What it leaves out is the same for both apps: uvicorn's HTTP
parsing, the network and PostgreSQL's own CPU.

Environment (all optional): RAPPORT_BENCH_DATABASE_URL and RAPPORT_BENCH_MEETINGS as for
`rest_api.py`; RAPPORT_BENCH_REQUESTS requests per chunk (200); RAPPORT_BENCH_CHUNKS (15).
Set RAPPORT_BENCH_ONLY=get or =list to measure one endpoint, e.g. under
`py-spy record -o profile.svg -- .venv/bin/python benchmarks/inprocess.py`.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import harness as h
import rest_api as bench
import uvloop
from starlette.types import ASGIApp, Message

ENDPOINTS = {"get": 0, "list": 1}  # RAPPORT_BENCH_ONLY: index in request_paths()


class Client:
    """Calls an ASGI app in-process with a bearer credential."""

    def __init__(self, app: ASGIApp, state: dict[str, Any], key: str) -> None:
        self.app = app
        self.state = state
        self.headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {key}".encode())]

    async def get(self, target: str) -> tuple[int, bytes]:
        parts = urlsplit(target)
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": self.headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": dict(self.state),
        }
        messages: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        body = b"".join(message.get("body", b"") for message in messages[1:])
        return messages[0]["status"], body


async def cpu_per_request(
    clients: tuple[Client, Client], target: str, requests: int, chunks: int
) -> tuple[float, float]:
    """Microseconds of process CPU per request of each client's app: the least over `chunks`
    runs, the two apps taking turns so that both meet the same interference."""
    for client in clients:  # warm up caches, pools and prepared statements
        for _ in range(requests):
            await client.get(target)
    best = [float("inf")] * len(clients)
    for _ in range(chunks):
        for index, client in enumerate(clients):
            started = time.process_time()
            for _ in range(requests):
                await client.get(target)
            best[index] = min(best[index], (time.process_time() - started) / requests)
    return best[0] * 1e6, best[1] * 1e6


async def measure(
    scratch: h.Scratch, paths: dict[str, str], requests: int, chunks: int
) -> dict[str, tuple[float, float]]:
    os.environ.update(
        RAPPORT_DATABASE_URL=scratch.app_url,
        RAPPORT_LOG_LEVEL="warning",
        BASELINE_DATABASE_URL=scratch.app_url,
        BASELINE_ORG_ID=scratch.org_id,
    )
    sys.path.insert(0, str(h.ROOT))  # this checkout's app, as the servers use
    import baseline_app

    from app.api.app import create_app

    rapport_app = create_app()
    results: dict[str, tuple[float, float]] = {}
    async with (
        rapport_app.router.lifespan_context(rapport_app) as rapport_state,
        baseline_app.app.router.lifespan_context(baseline_app.app) as baseline_state,
    ):
        rapport = Client(rapport_app, dict(rapport_state or {}), scratch.key)
        baseline = Client(baseline_app.app, dict(baseline_state or {}), scratch.key)
        for endpoint, target in paths.items():
            answers = [await client.get(target) for client in (rapport, baseline)]
            if answers[0] != answers[1]:
                raise h.BenchError(f"{endpoint}: the apps disagree: {answers}")
            results[endpoint] = await cpu_per_request((rapport, baseline), target, requests, chunks)
            h.log(f"{endpoint}: rapport {results[endpoint][0]:,.0f} us CPU/request")
    return results


def main() -> int:
    signal.signal(signal.SIGTERM, h.exit_on_signal)
    config = bench.Config.from_env()
    requests = int(os.environ.get("RAPPORT_BENCH_REQUESTS", "200"))
    chunks = int(os.environ.get("RAPPORT_BENCH_CHUNKS", "15"))
    only = os.environ.get("RAPPORT_BENCH_ONLY", "")
    try:
        with ExitStack() as stack:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-cpu-")))
            scratch = h.prepare(stack, config.server_url, keep=config.keep)
            command = [h.rapport_cli(), "serve", "--workers", "1"]
            with h.serve("rapport", command, scratch.app_env, logs) as server:
                paths = bench.request_paths(bench.seed_through(server, scratch, config))
            if only:
                label = list(paths)[ENDPOINTS[only]]
                paths = {label: paths[label]}
            results = uvloop.run(measure(scratch, paths, requests, chunks))
    except h.BenchError as error:
        h.log(f"failed: {error}")
        return 2
    print()
    print(f"{'endpoint':34s} {'rapport CPU/req':>16s} {'baseline CPU/req':>17s} {'cpu ratio':>10s}")
    for endpoint, (ours, theirs) in results.items():
        print(f"{endpoint:34s} {ours:13,.0f} us {theirs:14,.0f} us {theirs / ours:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
