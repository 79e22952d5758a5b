"""CPU per GraphQL request of Rapport, measured in-process (no HTTP, no wrk, no peer).

    .venv/bin/python benchmarks/graphql_inprocess.py

Sets up and seeds a scratch database exactly like `graphql_api.py` (through a short-lived
`rapport serve`), then drives the ASGI app directly, as `rapport_app`, one request at a
time: the screen of `graphql_api.py` and one meeting by id. It prints the process CPU time
per request, the least over several chunks, which filters out interference from other work
on the machine: the tool for checking whether a change in app/ pays off, as `inprocess.py`
is for REST (`graphql_api.py` gives the throughput against PostGraphile). What it leaves out:
uvicorn's HTTP parsing, the network and PostgreSQL's own CPU.

Environment (all optional): RAPPORT_BENCH_DATABASE_URL as for `graphql_api.py`;
RAPPORT_BENCH_REQUESTS screens per chunk (10; ten times as many meetings by id);
RAPPORT_BENCH_CHUNKS (10); RAPPORT_BENCH_ONLY=screen or ="meeting by id" to measure one, e.g.
under `py-spy record -o screen.svg -- .venv/bin/python benchmarks/graphql_inprocess.py`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import graphql_screen as gs
import harness as h
import httpx
import uvloop
from starlette.types import ASGIApp, Message


class Client:
    """POSTs GraphQL documents to an ASGI app in-process with a bearer credential."""

    def __init__(self, app: ASGIApp, state: dict[str, Any], key: str) -> None:
        self.app = app
        self.state = state
        self.headers = [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
        ]

    async def post(self, body: bytes) -> bytes:
        """The answer's body, checked to carry no errors (not decoded: its CPU would count)."""
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [*self.headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": dict(self.state),
        }
        messages: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        answer = b"".join(message.get("body", b"") for message in messages[1:])
        if messages[0]["status"] != 200 or b'"errors"' in answer:
            raise h.BenchError(f"GraphQL failed: {answer[:600]!r}")
        return answer


async def cpu_per_request(client: Client, body: bytes, requests: int, chunks: int) -> float:
    """Microseconds of process CPU per request: the least over `chunks` runs."""
    for _ in range(requests):  # warm up caches, pools and prepared statements
        await client.post(body)
    best = float("inf")
    for _ in range(chunks):
        started = time.process_time()
        for _ in range(requests):
            await client.post(body)
        best = min(best, (time.process_time() - started) / requests)
    return best * 1e6


async def measure(scratch: h.Scratch, requests: int, chunks: int, only: str) -> dict[str, float]:
    os.environ.update({**scratch.app_env, "RAPPORT_LOG_LEVEL": "warning"})
    sys.path.insert(0, str(h.ROOT))  # this checkout's app, as the servers use
    from app.api.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app) as state:
        client = Client(app, dict(state or {}), scratch.key)
        screen = json.dumps({"query": gs.SCREEN}).encode()
        pairs = json.loads(await client.post(screen))["data"]["pairs"]["nodes"]
        meeting_id = pairs[0]["meetings"]["nodes"][0]["id"]
        meeting = json.dumps({"query": gs.MEETING, "variables": {"id": meeting_id}}).encode()
        steps = {"screen": (screen, requests), "meeting by id": (meeting, 10 * requests)}
        results = {
            step: await cpu_per_request(client, body, times, chunks)
            for step, (body, times) in steps.items()
            if only in ("", step)
        }
    for step, us in results.items():
        h.log(f"{step}: {us:,.0f} us CPU/request")
    return results


def main() -> int:
    signal.signal(signal.SIGTERM, h.exit_on_signal)
    server_url = os.environ.get("RAPPORT_BENCH_DATABASE_URL", h.DEFAULT_SERVER_URL)
    requests = int(os.environ.get("RAPPORT_BENCH_REQUESTS", "10"))
    chunks = int(os.environ.get("RAPPORT_BENCH_CHUNKS", "10"))
    only = os.environ.get("RAPPORT_BENCH_ONLY", "")
    try:
        with ExitStack() as stack:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-cpu-")))
            scratch = h.prepare(stack, server_url)
            command = [h.rapport_cli(), "serve", "--workers", "1"]
            with h.serve("rapport", command, scratch.app_env, logs) as server:
                headers = {"Authorization": f"Bearer {scratch.key}"}
                with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
                    gs.seed(client)
            results = uvloop.run(measure(scratch, requests, chunks, only))
    except h.BenchError as error:
        h.log(f"failed: {error}")
        return 2
    print(f"\nas {h.serving_role()}; {h.machine_load()}")
    for step, us in results.items():
        print(f"{step:14s} {us:10,.0f} us CPU/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
